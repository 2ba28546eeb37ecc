"""The hostile corpus: small files are checked in beside this script; the large ones are
written by `make(folder)` at test time (into pytest's tmp_path), deterministic, so the repository
stays small. Run it alone to look at them: python tests/hostile/make.py /tmp/hostile

Each shape is one the adversarial run of issue #11 found breaking a face."""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).parent
GOOD_BODY = "The minister said unemployment fell to 3.9% in March, the lowest rate since 2001."

# Texts the engines and the commands must answer in bounded time with a result or a reason.
BIG_TEXTS = {
    "million-chars": ("Prices rose 4% last year, officials said. " * 24_000)[:1_000_000],
    "emoji-50k": "😀" * 50_000,
    "parens-10k": "(" * 5_000 + "x" + ")" * 5_000,
    "ten-megabytes": "a" * 10_000_000,
}


def deep_json(depth: int) -> str:
    return "[" * depth + "]" * depth


def make(folder: Path) -> dict[str, Path]:
    """Write the large hostile files into `folder`; returns them by name."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    # import_articles: good lines around huge and hostile ones.
    lines = [
        json.dumps({"body": GOOD_BODY + " First.", "published": "2024-08-14"}),
        deep_json(200_000),
        '{"body": "x", "published": "2024-08-14", "n": ' + "9" * 5_000 + "}",
        json.dumps({"body": "b" * 3_000_000, "published": "2024-08-14"}),  # over the line limit
        json.dumps({"body": GOOD_BODY + " Last.", "published": "2024-08-14"}),
    ]
    files["articles-big.jsonl"] = folder / "articles-big.jsonl"
    files["articles-big.jsonl"].write_text("\n".join(lines) + "\n", encoding="utf-8")

    # extract and similar: the same JSON Lines contract ({"id", "text"}).
    rows = [json.dumps({"id": "good-first", "text": GOOD_BODY})]
    rows += [json.dumps({"id": name, "text": text}, ensure_ascii=False) for name, text in BIG_TEXTS.items()]
    rows += [deep_json(200_000), json.dumps({"id": "good-last", "text": GOOD_BODY})]
    files["texts-big.jsonl"] = folder / "texts-big.jsonl"
    files["texts-big.jsonl"].write_text("\n".join(rows) + "\n", encoding="utf-8")

    # import_claimreview: a 10 MB claimReviewed and a deeply nested document.
    review = {
        "@type": "ClaimReview",
        "url": "https://checkers.example/huge",
        "claimReviewed": "c" * 10_000_000,
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
    }
    files["claimreview-big.jsonl"] = folder / "claimreview-big.jsonl"
    files["claimreview-big.jsonl"].write_text(json.dumps(review) + "\n" + deep_json(200_000) + "\n", encoding="utf-8")

    # The paste form and text files: the big texts as files.
    for name, text in BIG_TEXTS.items():
        files[f"{name}.txt"] = folder / f"{name}.txt"
        files[f"{name}.txt"].write_text(text, encoding="utf-8")
    return files


def checked_in() -> list[Path]:
    return sorted(p for p in HERE.iterdir() if p.suffix in {".jsonl", ".txt", ".json"})


if __name__ == "__main__":
    for name, path in make(Path(sys.argv[1] if len(sys.argv) > 1 else "hostile-out")).items():
        print(f"{path}  {path.stat().st_size:,} bytes  ({name})")
