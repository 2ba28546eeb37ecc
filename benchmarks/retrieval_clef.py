"""Previously-fact-checked retrieval on CLEF CheckThat! 2020 task 2, offline (no Django, no
database): every ranking method in one table, on train and dev.

    python /work/shared/tools/score_retrieval.py build --clef2020 DIR --split train --out-dir /tmp/ret/train
    python /work/shared/tools/score_retrieval.py build --clef2020 DIR --split dev --out-dir /tmp/ret/dev
    python benchmarks/retrieval_clef.py --data /tmp/ret --clef2020 DIR [--fit]

Reads the tool's build output (queries.jsonl, pool_claimreview.jsonl) and qrels, encodes the
pool and the queries once with all-MiniLM-L6-v2 (vectors cached as .npy under --cache), and
scores MAP@1/3/5, MRR and R@5 exactly as score_retrieval.py does (its functions are
imported). Only the train and dev splits: the test split is held out and the tool refuses it.
--fit fits the blend (logistic regression on train) and its calibration, prints the constants
for factcheck/linking/engine/fusion.py and the precision each threshold gives on dev.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import sys
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from factcheck.linking.engine import fusion  # noqa: E402

TOOL = Path("/work/shared/tools/score_retrieval.py")
CANDIDATES = 100  # per query: the union of dense and lexical top-k that the blend re-ranks


def _tool():
    spec = importlib.util.spec_from_file_location("score_retrieval", TOOL)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def load_pool(data: Path) -> tuple[list[str], list[str], list[str], list[str]]:
    """The fact-check pool the tool built (it is the same file under every split's folder):
    ids as the qrels name them, claims, headlines, and claim + headline as one text."""
    pool_ids, claims, titles = [], [], []
    with open(data / "dev" / "pool_claimreview.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            pool_ids.append(r["url"].rsplit("/", 1)[-1])
            claims.append(r["claimReviewed"])
            titles.append(r.get("headline") or "")
    docs = [f"{c} {t}".strip() for c, t in zip(claims, titles, strict=True)]
    return pool_ids, claims, titles, docs


def encode_cached(cache: Path, name: str, texts: list[str]) -> np.ndarray:
    key = hashlib.md5("\x1e".join(texts).encode(), usedforsecurity=False).hexdigest()[:12]
    path = cache / f"{name}-{key}.npy"
    if path.exists():
        return np.load(path)
    from factcheck.linking.engine import embed

    cache.mkdir(parents=True, exist_ok=True)
    vectors = embed.encode(texts, batch_size=64)
    np.save(path, vectors)
    return vectors


def metrics(ranked: dict[str, list[str]], rel: dict[str, set[str]]) -> dict[str, float]:
    """As score_retrieval.py cmd_score computes them."""
    res = {}
    for k in (1, 3, 5):
        aps = []
        for qid, good in rel.items():
            hits, s = 0, 0.0
            for i, vid in enumerate(ranked.get(qid, [])[:k], 1):
                if vid in good:
                    hits += 1
                    s += hits / i
            aps.append(s / len(good))
        res[f"map@{k}"] = sum(aps) / len(aps)
    res["mrr"] = sum(
        next((1 / i for i, v in enumerate(ranked.get(q, []), 1) if v in g), 0.0) for q, g in rel.items()
    ) / len(rel)
    res["r@5"] = sum(len(set(ranked.get(q, [])[:5]) & g) / len(g) for q, g in rel.items()) / len(rel)
    return res


class BM25Index:
    """Full BM25 over the pool, for the offline table (the product scores candidates only,
    with fusion.bm25_scores and the store's document frequencies)."""

    def __init__(self, docs: list[list[str]]) -> None:
        from scipy.sparse import csr_matrix

        self.vocab: dict[str, int] = {}
        rows, cols, vals = [], [], []
        self.df: Counter = Counter()
        for i, doc in enumerate(docs):
            tf = Counter(doc)
            self.df.update(tf.keys())
            for t, f in tf.items():
                rows.append(i)
                cols.append(self.vocab.setdefault(t, len(self.vocab)))
                vals.append(f)
        n = len(docs)
        self.n, self.avgdl = n, sum(map(len, docs)) / n
        lengths = np.array([len(d) for d in docs], dtype=np.float64)
        tf = csr_matrix((vals, (rows, cols)), shape=(n, len(self.vocab)), dtype=np.float64)
        k1, b = fusion.BM25_K1, fusion.BM25_B
        norm = k1 * (1 - b + b * lengths / self.avgdl)
        tf = tf.tocoo()
        weighted = tf.data * (k1 + 1) / (tf.data + norm[tf.row])
        self.matrix = csr_matrix((weighted, (tf.row, tf.col)), shape=tf.shape).tocsc()
        dfs = np.zeros(len(self.vocab))
        for t, j in self.vocab.items():
            dfs[j] = self.df[t]
        self.idf = np.log(1.0 + (n - dfs + 0.5) / (dfs + 0.5))

    def scores(self, query: list[str]) -> np.ndarray:
        out = np.zeros(self.n)
        for t in dict.fromkeys(query):
            j = self.vocab.get(t)
            if j is not None:
                col = self.matrix[:, j]
                out[col.indices] += self.idf[j] * col.data
        return out


def top(scores: np.ndarray, k: int) -> np.ndarray:
    k = min(k, len(scores))
    part = np.argpartition(-scores, k - 1)[:k]
    return part[np.argsort(-scores[part], kind="stable")]


def dedup_order(cand: list[int], scores: list[float], vecs: np.ndarray, same: float) -> list[int]:
    """Best first, with near-duplicate documents (cosine >= `same` between their vectors)
    grouped at their best member's place and ordered oldest first within the group (the
    product: fusion.group_duplicates)."""
    order = sorted(range(len(cand)), key=lambda k: (-scores[k], cand[k]))
    ranked = [cand[k] for k in order]
    return fusion.group_duplicates(ranked, lambda a, b: float(vecs[a] @ vecs[b]) >= same)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default="/tmp/ret", help="holds train/ and dev/ from score_retrieval.py build")
    ap.add_argument("--clef2020", default=os.environ.get("CLEF2020_DIR"))
    ap.add_argument("--cache", default="/tmp/ret/emb")
    ap.add_argument("--fit", action="store_true", help="fit the blend on train, print its constants")
    ap.add_argument("--json", help="write the table as JSON here")
    ap.add_argument(
        "--doc-vector",
        choices=["doc", "claim"],
        default="claim",
        help="the stored vector: claim (shipped) or claim+title",
    )
    args = ap.parse_args()
    tool = _tool()
    cache = Path(args.cache)
    data = Path(args.data)

    pool_ids, claims, titles, docs = load_pool(data)
    v_claim = encode_cached(cache, "claim", claims)
    v_title = encode_cached(cache, "title", titles)
    v_doc = encode_cached(cache, "doc", docs)
    t_claim = [fusion.terms(c) for c in claims]
    t_doc = [fusion.terms(d) for d in docs]
    bm_claim, bm_doc = BM25Index(t_claim), BM25Index(t_doc)

    splits = {}
    for split in ("train", "dev"):
        root = tool.corpus(args.clef2020, split)
        _, rel = tool.queries(root, split)
        with open(data / split / "queries.jsonl", encoding="utf-8") as fh:
            qs = [json.loads(x) for x in fh if x.strip()]
        ids = [str(q["id"]) for q in qs]
        raw = [q["text"] for q in qs]
        clean = [fusion.clean_query(t) for t in raw]
        clean_noauth = [fusion.clean_query(t, keep_author=False) for t in raw]
        splits[split] = {
            "rel": rel,
            "ids": ids,
            "raw": raw,
            "clean": clean,
            "v_raw": encode_cached(cache, f"q-{split}-raw", raw),
            "v_clean": encode_cached(cache, f"q-{split}-clean", clean),
            "v_noauth": encode_cached(cache, f"q-{split}-noauth", clean_noauth),
            "clean_noauth": clean_noauth,
        }

    def run(split: str, method) -> dict[str, float]:
        s = splits[split]
        ranked = {qid: [pool_ids[j] for j in method(s, i)] for i, qid in enumerate(s["ids"])}
        return metrics(ranked, s["rel"])

    def dense(vecs: np.ndarray, qkey: str = "v_clean"):
        return lambda s, i: top(vecs @ s[qkey][i], 5)

    def bm25(index: BM25Index, qkey: str = "clean"):
        return lambda s, i: top(index.scores(fusion.terms(s[qkey][i])), 5)

    def maxsep(s, i):
        q = s["v_clean"][i]
        return top(np.maximum(v_claim @ q, v_title @ q), 5)

    def rrf_method(s, i, k=60):
        q = s["v_clean"][i]
        d = top(v_doc @ q, CANDIDATES)
        b = top(bm_doc.scores(fusion.terms(s["clean"][i])), CANDIDATES)
        fused = fusion.rrf([list(d), list(b)], k=k)
        return sorted(fused, key=lambda j: -fused[j])[:5]

    # Features for the blend: candidates = dense top-k over the document vectors, plus the
    # BM25 top-k (as the product: the vector index and the full-text query).
    feats_cache: dict[str, list] = {}

    def candidate_features(split: str):
        if split in feats_cache:
            return feats_cache[split]
        s = splits[split]
        out = []
        for i in range(len(s["ids"])):
            q = s["v_clean"][i]
            cd_all = v_doc @ q
            qterms = fusion.terms(s["clean"][i])
            bm_all = bm_doc.scores(qterms)
            cand = list(dict.fromkeys([*top(cd_all, 30), *top(bm_all, 30)]))
            cd = [float((v_claim if args.doc_vector == "claim" else v_doc)[j] @ q) for j in cand]
            cc = [float(v_claim[j] @ q) for j in cand]
            ct = [float(v_title[j] @ q) if titles[j] else float(v_claim[j] @ q) for j in cand]
            # BM25 as the product computes it: over the candidates, with the store's df.
            bm = fusion.bm25_scores(qterms, [t_doc[j] for j in cand], bm_doc.df, bm_doc.n, bm_doc.avgdl)
            qset = set(qterms)
            dice = [2 * len(qset & set(t_doc[j])) / max(len(qset) + len(set(t_doc[j])), 1) for j in cand]
            feats = fusion.fusion_features(cd, bm, cos_claim=cc, cos_title=ct, dice=dice)
            ceiling = fusion.bm25_ceiling(qterms, bm_doc.df, bm_doc.n, bm_doc.avgdl)
            for f, raw in zip(feats, bm, strict=True):
                f["bm25_raw"] = raw
                f["bm25_abs"] = min(1.0, raw / ceiling) if ceiling > 0 else 0.0
                f["ceiling"] = ceiling
            out.append((cand, feats))
        feats_cache[split] = out
        return out

    def blend_method(blend: fusion.Blend, split: str, dedup: float | None = None, key: str | None = None):
        feats = candidate_features(split)

        def method(s, i):
            cand, f = feats[i]
            if key:
                blend_ = fusion.Blend(weights={key: 1.0}, bias=0.0)
                p = [blend_.logit(x) for x in f]
            else:
                p = [blend.logit(x) for x in f]
            if dedup:
                return dedup_order(cand, p, v_claim, dedup)[:5]
            order = sorted(range(len(cand)), key=lambda k: (-p[k], cand[k]))
            return [cand[k] for k in order[:5]]

        return method

    methods = {
        "BM25 claim": bm25(bm_claim),
        "BM25 claim+title": bm25(bm_doc),
        "BM25 claim+title (raw tweet)": bm25(bm_doc, "raw"),
        "MiniLM claim": dense(v_claim),
        "MiniLM title": dense(v_title),
        "MiniLM claim+title": dense(v_doc),
        "MiniLM claim+title (raw tweet)": dense(v_doc, "v_raw"),
        "MiniLM claim+title (no author)": dense(v_doc, "v_noauth"),
        "MiniLM max(claim, title)": maxsep,
        "RRF(MiniLM c+t, BM25 c+t) k=60": rrf_method,
        "RRF k=10": lambda s, i: rrf_method(s, i, k=10),
    }
    table = {}
    for name, method in methods.items():
        table[name] = {split: run(split, method) for split in ("train", "dev")}

    subsets = {
        "blend: cos_doc, bm25": ("cos_doc", "bm25"),
        "blend: cos_doc, bm25, gaps": ("cos_doc", "bm25", "cos_gap", "bm25_gap"),
        "blend: cos_doc, bm25, dice, gaps": ("cos_doc", "bm25", "dice", "cos_gap", "bm25_gap"),
        "blend: all (claim, title, doc cosines, bm25, dice, gaps)": fusion.FEATURES,
    }
    blends = {}
    if args.fit:
        from sklearn.linear_model import LogisticRegression

        rows, y = [], []
        for i, (cand, f) in enumerate(candidate_features("train")):
            good = splits["train"]["rel"].get(splits["train"]["ids"][i], set())
            for j, x in zip(cand, f, strict=True):
                rows.append(x)
                y.append(int(pool_ids[j] in good))
        for name, names in subsets.items():
            X = np.array([[x[n] for n in names] for x in rows])
            lr = LogisticRegression(C=1.0, max_iter=5000).fit(X, np.array(y))
            blends[name] = fusion.Blend(
                weights={n: round(float(w), 4) for n, w in zip(names, lr.coef_[0], strict=True)},
                bias=round(float(lr.intercept_[0]), 4),
            )
            print(f"{name}: {blends[name]!r}", file=sys.stderr)
    for name, blend in blends.items():
        for split in ("train", "dev"):
            table.setdefault(name, {})[split] = run(split, blend_method(blend, split))
            table.setdefault(f"{name} + duplicates grouped", {})[split] = run(
                split, blend_method(blend, split, dedup=fusion.DUPLICATE_COSINE)
            )

    # The ranking score: cosine + lam * BM25 (as a share of the query's BM25 against itself),
    # lam chosen on train.
    def linear(lam: float, split: str, dedup: float | None = fusion.DUPLICATE_COSINE):
        blend_ = fusion.Blend(weights={"cos_doc": 1.0, "bm25_abs": lam}, bias=0.0)
        return blend_method(blend_, split, dedup=dedup)

    grid = {lam: run("train", linear(lam, "train"))["map@5"] for lam in (0.0, 0.2, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0, 1.2)}
    print("train MAP@5 by lam:", {k: round(v, 4) for k, v in grid.items()}, file=sys.stderr)
    print("dev MAP@5 by lam:", {k: round(run("dev", linear(k, "dev"))["map@5"], 4) for k in grid}, file=sys.stderr)
    best = max(grid, key=lambda k: (grid[k], -k))
    for split in ("train", "dev"):
        table.setdefault(f"linear cos + {best} * BM25 (lam fitted on train), duplicates grouped", {})[split] = run(
            split, linear(best, split)
        )
        table.setdefault(f"linear cos + {best} * BM25, no grouping", {})[split] = run(split, linear(best, split, None))
    for key in ("cos_claim", "cos_doc"):
        for split in ("train", "dev"):
            table.setdefault(f"MiniLM {key} over candidates, duplicates grouped", {})[split] = run(
                split, blend_method(None, split, dedup=fusion.DUPLICATE_COSINE, key=key)
            )

    # The shipped ranking (fusion.rank_scores, duplicates grouped) and its calibration.
    def shipped(split: str):
        feats = candidate_features(split)
        out = []
        for cand, f in feats:
            scores = fusion.rank_scores([x["cos_doc"] for x in f], [x["bm25_raw"] for x in f], f[0]["ceiling"])
            out.append((cand, scores))
        return out

    def shipped_method(split: str):
        rows = shipped(split)
        return lambda s, i: dedup_order(rows[i][0], rows[i][1], v_claim, fusion.DUPLICATE_COSINE)[:5]

    for split in ("train", "dev"):
        table.setdefault(f"shipped: cos + {fusion.RANK_BM25} * BM25, duplicates grouped", {})[split] = run(
            split, shipped_method(split)
        )
    index_of = {v: j for j, v in enumerate(pool_ids)}

    def is_match(j: int, good: set[str]) -> int:
        """A relevant fact-check, or a near-duplicate of one (the same claim reviewed again:
        the qrels mark one copy; for an editor each is a match)."""
        if pool_ids[j] in good:
            return 1
        return int(any(float(v_claim[j] @ v_claim[index_of[g]]) >= fusion.DUPLICATE_COSINE for g in good))

    calibration = fusion.CALIBRATION
    if args.fit:
        from sklearn.linear_model import LogisticRegression

        X, y = [], []
        for i, (cand, scores) in enumerate(shipped("train")):
            good = splits["train"]["rel"].get(splits["train"]["ids"][i], set())
            top_s = max(scores)
            for j, sc in zip(cand, scores, strict=True):
                X.append([sc, top_s - sc])
                y.append(is_match(j, good))
        lr = LogisticRegression(C=10.0, max_iter=5000).fit(np.array(X), np.array(y))
        calibration = fusion.Blend(
            weights={"score": round(float(lr.coef_[0][0]), 4), "score_gap": round(float(lr.coef_[0][1]), 4)},
            bias=round(float(lr.intercept_[0]), 4),
        )
        print(f"CALIBRATION = {calibration!r}", file=sys.stderr)

    print("| method | train MAP@5 | train MRR | train R@5 | dev MAP@1 | dev MAP@5 | dev MRR | dev R@5 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, row in table.items():
        t, d = row["train"], row["dev"]
        print(
            f"| {name} | {t['map@5']:.3f} | {t['mrr']:.3f} | {t['r@5']:.3f} | {d['map@1']:.3f} | {d['map@5']:.3f} |"
            f" {d['mrr']:.3f} | {d['r@5']:.3f} |"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(table, indent=1))
    for split in ("train", "dev"):
        rows = []
        for i, (cand, scores) in enumerate(shipped(split)):
            good = splits[split]["rel"].get(splits[split]["ids"][i], set())
            for j, p in zip(cand, fusion.match_probabilities(scores, calibration), strict=True):
                rows.append((p, int(pool_ids[j] in good), is_match(j, good)))
        calibration_report(f"{split}, qrels only", [(p, g) for p, g, _ in rows])
        calibration_report(
            f"{split}, near-duplicates of a relevant fact-check count as matches", [(p, m) for p, _, m in rows]
        )


def calibration_report(split: str, rows: list[tuple[float, int]]) -> None:
    """Precision and recall of the candidate pairs kept at each probability threshold (all
    candidates of all queries, as suggestions keep them), and a reliability table."""
    total = sum(g for _, g in rows)
    print(f"\n{split}: pairs kept at each match-probability threshold ({total} relevant pairs)")
    for thr in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95):
        kept = [g for p, g in rows if p >= thr]
        if kept:
            precision, recall = sum(kept) / len(kept), sum(kept) / total
            print(f"  p >= {thr:.2f}: kept {len(kept)}, precision {precision:.3f}, recall {recall:.3f}")
    bins = [0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.01]
    for lo, hi in zip(bins, bins[1:], strict=False):
        b = [(p, g) for p, g in rows if lo <= p < hi]
        if b:
            print(
                f"  p in [{lo:.1f}, {min(hi, 1):.1f}): n={len(b)}, mean p {sum(p for p, _ in b) / len(b):.3f}, "
                f"observed {sum(g for _, g in b) / len(b):.3f}"
            )


if __name__ == "__main__":
    main()
