"""How the gazetteer correction (engine/gazetteer.py) relabels entities on real news.

    .venv/bin/python benchmarks/entity_places.py --polnear PATH [--splits dev] [--changes out.tsv]

Runs the engine's spaCy pipeline over the PolNeAR articles of the split twice, without and
with the `factcheck_places` component, and prints the labels of the entities whose text is a
gazetteer place, before and after, and every relabelling counted by kind (old -> new).
`--changes` writes each relabelled mention with its context, to read a sample by hand for
false relabels (people named like towns). PolNeAR's test split is refused.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from factcheck.extraction.engine.gazetteer import _bare, place_kind  # noqa: E402
from factcheck.extraction.engine.pipeline import PLACES_NAME, get_nlp  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--polnear", default=os.environ.get("POLNEAR_DIR"), required=False)
    ap.add_argument("--splits", nargs="+", default=["dev"], choices=["dev", "train"])
    ap.add_argument("--shared", default=os.environ.get("FACTCHECK_SHARED", "/work/shared"))
    ap.add_argument("--changes", help="write every relabelled mention to this TSV")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(args.shared) / "tools"))
    import score_polnear as scorer

    texts: list[str] = []
    for split in args.splits:
        scorer.use_corpus(args.polnear, split)  # refuses the held-out test split
        texts += [a["text"] for a in scorer.load_split(split)]
    nlp = get_nlp()
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=[PLACES_NAME]):
        before = list(nlp.pipe(texts, batch_size=16))
    t1 = time.perf_counter()
    after = list(nlp.pipe(texts, batch_size=16))
    t2 = time.perf_counter()

    labels_before: collections.Counter = collections.Counter()
    labels_after: collections.Counter = collections.Counter()
    moves: collections.Counter = collections.Counter()
    rows = []
    for i, (b, a) in enumerate(zip(before, after, strict=True)):
        for doc, counter in ((b, labels_before), (a, labels_after)):
            for e in doc.ents:
                if place_kind(_bare(e.text)):
                    counter[e.label_] += 1
        old = {(e.start_char, e.end_char): e.label_ for e in b.ents}
        for e in a.ents:
            was = old.get((e.start_char, e.end_char))
            if was is not None and was != e.label_:
                moves[(was, e.label_)] += 1
                ctx = a.text[max(0, e.start_char - 60) : e.end_char + 60].replace("\n", " ").replace("\t", " ")
                rows.append(f"{i}\t{e.text}\t{was}\t{e.label_}\t{ctx}")
    print(f"articles: {len(texts)}; nlp.pipe {t1 - t0:.1f} s without, {t2 - t1:.1f} s with the corrector")
    print("labels of gazetteer-place mentions   before -> after")
    for label in sorted(set(labels_before) | set(labels_after), key=lambda x: -labels_before[x]):
        print(f"  {label:12} {labels_before[label]:6} -> {labels_after[label]:6}")
    print("relabelled (old -> new):")
    for (was, now), n in moves.most_common():
        print(f"  {was:12} -> {now:6} {n}")
    if args.changes:
        Path(args.changes).write_text("\n".join(rows) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
