"""Extraction quality on the hand-annotated seeds, and throughput against bare spaCy.

    python benchmarks/extraction_quality.py                 # quotes P/R/F1, speaker accuracy, claims
    python benchmarks/extraction_quality.py --throughput 50 # also time extract_many vs nlp.pipe

Scores come from the shared scorer (/work/shared/tools/score_extraction.py) so the figures are
the ones the product issue quotes. Throughput repeats the seed texts N times and times bare
`nlp.pipe` and `extract_many` on the same texts, after one warm-up pass each; the ratio is
extract_many's texts/second over nlp.pipe's (target >= 0.8). `--no-claims` measures the
quote and speaker engine alone, for when claims.py is unfinished or slow.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.extraction.engine import pipeline  # noqa: E402
from factcheck.extraction.engine.pipeline import extract_many, get_nlp  # noqa: E402

SCORER_DIR = Path("/work/shared/tools")


def _load_scorer():  # noqa: ANN202 - a plain module from outside the project
    sys.path.insert(0, str(SCORER_DIR))
    try:
        import score_extraction
    finally:
        sys.path.pop(0)
    return score_extraction


def quality(scorer, claims: bool) -> dict:  # noqa: ANN001
    gold = scorer.load_gold()
    names = sorted(gold["articles"])
    texts = [(Path(scorer.SEEDS) / n).read_text(encoding="utf-8") for n in names]
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as f:
        for name, x in zip(names, extract_many(texts, claims=claims), strict=True):
            f.write(json.dumps(x.to_contract(name), ensure_ascii=False) + "\n")
    return scorer.score(gold, f.name)


def throughput(texts: list[str], claims: bool, batch_size: int = 16, rounds: int = 3) -> tuple[float, float, float]:
    """(texts/s of bare nlp.pipe, texts/s of extract_many, seconds of rule code per text).

    The machine is shared, so the two are timed in alternation and the best round of each
    is kept; the rule-code cost is also timed alone on parsed Docs, which load barely moves.
    """
    nlp = get_nlp()

    def bare() -> None:
        with nlp.select_pipes(disable=[pipeline.SEGMENTER_NAME]):  # the stock model, as shipped
            list(nlp.pipe(texts, batch_size=batch_size))

    def ours() -> None:
        list(extract_many(texts, batch_size=batch_size, claims=claims))

    list(extract_many(texts[:4], claims=claims))  # warm-up (and lazy imports)
    t_bare = t_ours = float("inf")
    for _ in range(rounds):
        t_bare = min(t_bare, _timed(bare))
        t_ours = min(t_ours, _timed(ours))
    docs = list(nlp.pipe(texts, batch_size=batch_size))
    t_rules = _timed(lambda: [pipeline.extract_doc(d, claims=claims) for d in docs])
    return len(texts) / t_bare, len(texts) / t_ours, t_rules / len(texts)


def _timed(fn) -> float:  # noqa: ANN001
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--throughput", type=int, default=0, metavar="N", help="repeat the seeds N times and time")
    ap.add_argument("--no-claims", action="store_true", help="measure without claims.py")
    ap.add_argument("--verbose", action="store_true", help="print every miss")
    args = ap.parse_args()
    claims = not args.no_claims
    scorer = _load_scorer()
    res = quality(scorer, claims)
    q = res["quotes"]
    print(
        f"quotes     P {q['precision']:.3f}  R {q['recall']:.3f}  F1 {q['f1']:.3f}"
        f"  (gold {q['gold']}, predicted {q['predicted']})"
    )
    print(f"speakers   accuracy {res['speaker_accuracy']:.3f}")
    c = res["claims"]
    print(f"claims     recall {c['recall']:.3f}  precision >= {c['precision_lower_bound']:.3f}  (gold {c['gold']})")
    misses = [m for m in res["misses"] if args.verbose or not m.startswith("claim")]
    for m in misses:
        print("  " + m)
    if args.throughput:
        texts = [(Path(scorer.SEEDS) / n).read_text(encoding="utf-8") for n in sorted(scorer.load_gold()["articles"])]
        texts = texts * args.throughput
        bare, ours, rules = throughput(texts, claims)
        print(
            f"throughput {len(texts)} texts: nlp.pipe {bare:.1f} texts/s, extract_many {ours:.1f} texts/s,"
            f" ratio {ours / bare:.2f}"
        )
        print(f"           post-spaCy work {rules * 1000:.1f} ms/text ({'with' if claims else 'without'} claims)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
