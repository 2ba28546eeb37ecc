"""Extraction quality on corpora others annotated, in one table: the sample-article gold,
PolNeAR dev (and train), and the check-worthiness sets (CheckThat! dev and dev-test).

    python benchmarks/extraction_corpora.py --polnear DIR            # seeds + PolNeAR dev
    python benchmarks/extraction_corpora.py --splits dev train       # also PolNeAR train
    POLNEAR_DIR=DIR python benchmarks/extraction_corpora.py --no-claims

Getting the data (it is never committed):
  * PolNeAR: `git clone https://github.com/networkdynamics/PolNeAR` (a checkout or a bare
    copy both work) and pass its path as --polnear or POLNEAR_DIR. Only train and dev are
    read; the test split is a held-out measure of the project and is refused. Credit:
    Newell, Margolin & Ruths, "An Attribution Relations Corpus for Political News", LREC 2018.
  * The sample articles and their gold, and the two scorers this script calls so that its
    figures are exactly the ones the project is measured by, live in the shared folder
    (default /work/shared; --shared DIR or FACTCHECK_SHARED): tools/score_extraction.py,
    tools/score_polnear.py, gold/seeds.json, seeds/.

Columns: quotes P/R/F1 (overlap match), speaker accuracy over matched quotes whose gold has a
speaker, quote+speaker F1 (a hit needs both), and seconds per article for `extract_many`
(spaCy included, claims as chosen) on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.extraction.engine.pipeline import EXTRACTOR_VERSION, extract_many  # noqa: E402

DEFAULT_SHARED = "/work/shared"


def load_tool(shared: Path, name: str) -> ModuleType:
    """Import a shared scorer (plain stdlib modules kept outside the project)."""
    tools = str(shared / "tools")
    sys.path.insert(0, tools)
    try:
        return __import__(name)
    finally:
        sys.path.remove(tools)


def run_contract(ids: list[str], texts: list[str], claims: bool) -> tuple[Path, float]:
    """Write the `extract` contract for the texts to a temporary JSONL; (path, s/article)."""
    out = Path(tempfile.mkstemp(suffix=".jsonl")[1])
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        for id_, x in zip(ids, extract_many(texts, claims=claims), strict=True):
            fh.write(json.dumps(x.to_contract(id_), ensure_ascii=False) + "\n")
    return out, (time.perf_counter() - t0) / max(1, len(texts))


def seed_row(shared: Path, claims: bool) -> dict:
    scorer = load_tool(shared, "score_extraction")
    gold = scorer.load_gold()
    names = sorted(gold["articles"])
    texts = [(Path(scorer.SEEDS) / n).read_text(encoding="utf-8") for n in names]
    pred, secs = run_contract(names, texts, claims)
    try:
        res = scorer.score(gold, str(pred))
    finally:
        pred.unlink()
    q = res["quotes"]
    return {
        "corpus": "sample articles (seeds.json)",
        "docs": len(names),
        "gold": q["gold"],
        "p": q["precision"],
        "r": q["recall"],
        "f1": q["f1"],
        "speaker": res["speaker_accuracy"],
        "e2e": None,
        "secs": secs,
        "note": f"claim recall {res['claims']['recall']:.3f}" if claims else "",
    }


def polnear_row(shared: Path, corpus: str, split: str, claims: bool) -> dict:
    scorer = load_tool(shared, "score_polnear")
    scorer.use_corpus(corpus, split)  # refuses the held-out test split
    arts = scorer.load_split(split)
    pred, secs = run_contract([a["id"] for a in arts], [a["text"] for a in arts], claims)
    try:
        res = scorer.score(str(pred), split)
    finally:
        pred.unlink()
    return {
        "corpus": f"PolNeAR {split} (direct quotes)",
        "docs": res["docs"],
        "gold": res["overlap"]["n_gold"],
        "p": res["overlap"]["precision"],
        "r": res["overlap"]["recall"],
        "f1": res["overlap"]["f1"],
        "speaker": res["speaker_acc"],
        "e2e": res["quote_speaker_e2e"]["f1"],
        "secs": secs,
        "note": f"named-gold speaker acc {res['speaker_acc_named_gold']:.3f}",
    }


def checkworthiness_rows(shared: Path) -> list[dict]:
    """CheckThat! 2024 task 1 dev.tsv (in-domain) and dev-test.tsv (later debates): the
    shipped scorer's positive-class P/R/F1 at its shipped threshold, each sentence on its
    own, as the lab scores it. "docs" and "gold" are sentences and positive sentences."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from train_checkworthy import read_tsv

    from factcheck.extraction.engine import checkworthy

    rows = []
    for name in ("dev.tsv", "dev-test.tsv"):
        path = shared / "datasets" / "checkworthiness" / name
        if not path.exists():
            print(f"check-worthiness {name} skipped: {path} is absent")
            continue
        data = read_tsv(path)
        texts = [text for text, _ in data]
        t0 = time.perf_counter()
        scores = checkworthy.score_sentences(texts)
        secs = (time.perf_counter() - t0) / max(1, len(data)) * 1000
        rows.append(_cw_row(f"check-worthiness {name}", data, scores, checkworthy.THRESHOLD, secs, "extractor alone"))
        if checkworthy.can_refine():
            # What the product stores once the claim's vector exists (the linking step) and
            # what `manage.py extract` prints: the score refined with the MiniLM vector.
            from factcheck.linking.engine import embed

            t0 = time.perf_counter()
            refined = checkworthy.refine_scores(scores, embed.encode(texts, batch_size=32))
            more = (time.perf_counter() - t0) / max(1, len(data)) * 1000
            rows.append(
                _cw_row(
                    f"check-worthiness {name}, refined",
                    data,
                    refined,
                    checkworthy.REFINED_THRESHOLD,
                    secs + more,
                    "refined",
                )
            )
    return rows


def _cw_row(corpus: str, data, scores, threshold: float, secs: float, what: str) -> dict:
    predicted = [score >= threshold for score in scores]
    tp = sum(1 for pred, (_, gold) in zip(predicted, data, strict=True) if pred and gold)
    fp = sum(1 for pred, (_, gold) in zip(predicted, data, strict=True) if pred and not gold)
    fn = sum(1 for pred, (_, gold) in zip(predicted, data, strict=True) if not pred and gold)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {
        "corpus": corpus,
        "docs": len(data),
        "gold": sum(gold for _, gold in data),
        "p": p,
        "r": r,
        "f1": 2 * p * r / (p + r) if p + r else 0.0,
        "speaker": None,
        "e2e": None,
        "secs": secs,
        "note": f"{what}, threshold {threshold:g}; last column: ms per sentence",
    }


def fmt(x: float | None) -> str:
    return "    -" if x is None else f"{x:.3f}"


def print_table(rows: list[dict]) -> None:
    head = (
        f"{'corpus':40s} {'docs':>5s} {'gold':>5s}  {'P':>5s} {'R':>5s} {'F1':>5s}"
        f"  {'spk':>5s} {'q+spk':>5s}  {'s/art':>6s}"
    )
    print(head)
    print("-" * len(head))
    for r in rows:
        secs = "     -" if r.get("secs") is None else f"{r['secs']:6.3f}"
        print(
            f"{r['corpus']:40s} {r['docs']:5d} {r['gold']:5d}  {fmt(r['p'])} {fmt(r['r'])} {fmt(r['f1'])}"
            f"  {fmt(r['speaker'])} {fmt(r['e2e'])}  {secs}  {r.get('note', '')}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--polnear", default=os.environ.get("POLNEAR_DIR"), help="PolNeAR checkout or bare git copy")
    ap.add_argument("--splits", nargs="+", default=["dev"], choices=["dev", "train"])
    ap.add_argument("--shared", default=os.environ.get("FACTCHECK_SHARED", DEFAULT_SHARED))
    ap.add_argument("--no-claims", action="store_true", help="quotations only (faster; no claim recall)")
    args = ap.parse_args(argv)
    shared = Path(args.shared)
    claims = not args.no_claims
    print(f"extractor {EXTRACTOR_VERSION}, claims {'on' if claims else 'off'}")
    list(extract_many(["Warm-up: the model loads once, outside the timings.", '"Yes," she said.'], claims=claims))
    rows = [seed_row(shared, claims)]
    if args.polnear:
        rows += [polnear_row(shared, args.polnear, split, claims) for split in args.splits]
    else:
        print("PolNeAR skipped: give --polnear DIR or set POLNEAR_DIR (see --help for how to get it)")
    rows += checkworthiness_rows(shared)
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
