"""Does a learned re-ranker beat the shipped fusion score on CLEF CheckThat! 2020 task 2?
Offline, no database (issue #15). Train and dev splits only; the test split is held out.

    python benchmarks/retrieval_rerank_clef.py --data D --clef2020 DIR --cache C

D holds train/ and dev/ from score_retrieval.py build (as for retrieval_clef.py, whose
encodings it reuses from --cache). Candidates as the product fetches them for `similar`:
the 30 nearest stored claim vectors and the 30 claims with the highest Dice overlap of
content words (the full-text query's order), unioned. Each candidate gets generic features
(cosines with the claim and the headline; BM25 of the claim, the headline and both as a
share of the query's BM25 against itself; gaps to the query's best; Dice; the shares of
query and document words shared; shared numbers; shared capitalised words; reciprocal
ranks; cosine x BM25). A linear pairwise (RankNet-style) logistic regression on feature
differences of relevant vs other candidates is chosen by 5-fold cross-validation on train,
then refitted on all of train and confirmed on dev, duplicates grouped as the product does.
Prints one row per feature set and regularisation, against the shipped score
(fusion.rank_scores: cosine + RANK_BM25 x BM25 share).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import retrieval_clef as rc  # noqa: E402

from factcheck.linking.engine import fusion  # noqa: E402

K_DENSE = K_LEXICAL = 30
NUM_RE = re.compile(r"\d[\d,.]*")
CAP_RE = re.compile(r"\b[A-Z][a-zA-Z]+")
FNAMES = (
    "cos",
    "bm_doc",
    "bm_claim",
    "bm_title",
    "cos_title",
    "cos_gap",
    "bm_gap",
    "dice",
    "query_cover",
    "doc_cover",
    "numbers",
    "numbers_extra",
    "capitals",
    "cos_rr",
    "bm_rr",
    "cos_x_bm",
)
FEATURE_SETS = {
    "cosine, BM25 share (the shipped features)": ("cos", "bm_doc"),
    "+ gaps": ("cos", "bm_doc", "cos_gap", "bm_gap"),
    "+ BM25 per field": ("cos", "bm_doc", "bm_claim", "bm_title"),
    "all but the headline cosine (what the product could compute)": tuple(n for n in FNAMES if n != "cos_title"),
    "all (needs a second stored vector per fact-check)": FNAMES,
}


def numbers(text: str) -> set[str]:
    return {n.strip(".,").replace(",", "") for n in NUM_RE.findall(text)}


def capitals(text: str) -> set[str]:
    return {w.lower() for w in CAP_RE.findall(text)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--clef2020", required=True)
    ap.add_argument("--cache", required=True)
    args = ap.parse_args()
    tool, cache, data = rc._tool(), Path(args.cache), Path(args.data)

    pool_ids, claims, titles, docs = rc.load_pool(data)
    v_claim = rc.encode_cached(cache, "claim", claims)
    v_title = rc.encode_cached(cache, "title", titles)
    t_claim = [fusion.terms(c) for c in claims]
    t_title = [fusion.terms(t) for t in titles]
    t_doc = [fusion.terms(d) for d in docs]
    claim_sets = [set(t) for t in t_claim]
    bm_doc = rc.BM25Index(t_doc)

    def candidates(q: np.ndarray, qterms: list[str]) -> list[int]:
        qset = set(qterms)
        dice = np.zeros(len(claim_sets))
        for j, t in enumerate(claim_sets):
            shared = len(qset & t)
            if shared:
                dice[j] = 2 * shared / (len(qset) + len(t))
        return list(dict.fromkeys([*rc.top(v_claim @ q, K_DENSE), *rc.top(dice, K_LEXICAL)]))

    def features(text: str, q: np.ndarray, cand: list[int]) -> np.ndarray:
        qt = fusion.terms(text)
        qset = set(qt)
        ceiling = fusion.bm25_ceiling(qt, bm_doc.df, bm_doc.n, bm_doc.avgdl) or 1.0

        def share(field):
            raw = fusion.bm25_scores(qt, [field[j] for j in cand], bm_doc.df, bm_doc.n, bm_doc.avgdl)
            return np.minimum(np.array(raw) / ceiling, 1.0)

        cos = v_claim[cand] @ q
        cos_t = v_title[cand] @ q
        bmd, bmc, bmt = share(t_doc), share(t_claim), share(t_title)
        qn, qc = numbers(text), capitals(text)
        cos_rank, bm_rank = np.argsort(np.argsort(-cos)), np.argsort(np.argsort(-bmd))
        rows = []
        for k, j in enumerate(cand):
            ds = set(t_doc[j])
            shared = len(qset & ds)
            dn, dc = numbers(docs[j]), capitals(docs[j])
            rows.append(
                [
                    cos[k],
                    bmd[k],
                    bmc[k],
                    bmt[k],
                    cos_t[k],
                    cos.max() - cos[k],
                    bmd.max() - bmd[k],
                    2 * shared / max(len(qset) + len(ds), 1),
                    shared / max(len(qset), 1),
                    shared / max(len(ds), 1),
                    len(qn & dn) / len(qn) if qn else 0.0,
                    float(bool(qn) and bool(dn - qn)),
                    len(qc & dc) / len(qc) if qc else 0.0,
                    1.0 / (1 + cos_rank[k]),
                    1.0 / (1 + bm_rank[k]),
                    cos[k] * bmd[k],
                ]
            )
        return np.array(rows)

    splits = {}
    for split in ("train", "dev"):
        _, rel = tool.queries(tool.corpus(args.clef2020, split), split)
        with open(data / split / "queries.jsonl", encoding="utf-8") as fh:
            qs = [json.loads(x) for x in fh if x.strip()]
        ids = [str(q["id"]) for q in qs]
        clean = [fusion.clean_query(q["text"]) for q in qs]
        vecs = rc.encode_cached(cache, f"q-{split}-clean", clean)
        cands = [candidates(vecs[i], fusion.terms(clean[i])) for i in range(len(ids))]
        feats = [features(clean[i], vecs[i], cands[i]) for i in range(len(ids))]
        labels = [np.array([int(pool_ids[j] in rel[ids[i]]) for j in c]) for i, c in enumerate(cands)]
        splits[split] = {"ids": ids, "rel": rel, "cands": cands, "feats": feats, "labels": labels}
        recall = np.mean([lab.sum() / len(rel[q]) for q, lab in zip(ids, labels, strict=True)])
        print(f"{split}: candidate recall {recall:.3f}, mean candidates {np.mean([len(c) for c in cands]):.1f}")

    def evaluate(split: str, scores, idx=None) -> dict[str, float]:
        s = splits[split]
        idx = range(len(s["ids"])) if idx is None else idx
        ranked, rel = {}, {}
        for i in idx:
            qid = s["ids"][i]
            order = rc.dedup_order(s["cands"][i], list(scores[i]), v_claim, fusion.DUPLICATE_COSINE)
            ranked[qid], rel[qid] = [pool_ids[j] for j in order[:5]], s["rel"][qid]
        return rc.metrics(ranked, rel)

    def fit(split: str, idx, cols, c: float) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression

        s = splits[split]
        X, y = [], []
        for i in idx:
            f, lab = s["feats"][i][:, cols], s["labels"][i]
            for p in np.where(lab == 1)[0]:
                for n in np.where(lab == 0)[0]:
                    X += [f[p] - f[n], f[n] - f[p]]
                    y += [1, 0]
        return LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(np.array(X), np.array(y)).coef_[0]

    def cross_validated(cols, c: float, folds: int = 5) -> dict[str, float]:
        n = len(splits["train"]["ids"])
        perm = np.random.default_rng(0).permutation(n)
        scores = [None] * n
        for k in range(folds):
            held = perm[k::folds]
            w = fit("train", np.setdiff1d(perm, held), cols, c)
            for i in held:
                scores[i] = splits["train"]["feats"][i][:, cols] @ w
        return evaluate("train", scores)

    col = {n: k for k, n in enumerate(FNAMES)}
    print("\n| ranking | train MAP@5 (5-fold CV) | train R@5 | dev MAP@1 | dev MAP@5 | dev R@5 |")
    print("|---|---|---|---|---|---|")
    shipped = {
        sp: [np.array(fusion.rank_scores(list(f[:, 0]), list(f[:, 1]), 1.0)) for f in splits[sp]["feats"]]
        for sp in splits
    }
    t, d = evaluate("train", shipped["train"]), evaluate("dev", shipped["dev"])
    print(
        f"| shipped: cos + {fusion.RANK_BM25} x BM25 share | {t['map@5']:.3f} (not fitted per fold) | {t['r@5']:.3f} |"
        f" {d['map@1']:.3f} | {d['map@5']:.3f} | {d['r@5']:.3f} |"
    )
    for name, names in FEATURE_SETS.items():
        cols = [col[n] for n in names]
        for c in (0.1, 1.0):
            t = cross_validated(cols, c)
            w = fit("train", range(len(splits["train"]["ids"])), cols, c)
            d = evaluate("dev", [f[:, cols] @ w for f in splits["dev"]["feats"]])
            print(
                f"| pairwise LR, {name}, C={c} | {t['map@5']:.3f} | {t['r@5']:.3f} | {d['map@1']:.3f} |"
                f" {d['map@5']:.3f} | {d['r@5']:.3f} |"
            )


if __name__ == "__main__":
    main()
