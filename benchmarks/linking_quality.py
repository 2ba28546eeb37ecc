"""Cross-linking quality on the hand-annotated seed pair (/work/shared/gold/seeds.json).

    python benchmarks/linking_quality.py                  # gold claim spans, every method
    python benchmarks/linking_quality.py --claims extract # claims from the real extraction pipeline
    python benchmarks/linking_quality.py --method hybrid  # one method only

Creates a scratch PostgreSQL database (factcheck_linkq, dropped at the end), imports the two
seed articles, stores their claims (the gold spans located in the text, or what the
extraction engine finds) and the gold quotes with their speakers, runs the suggestion
service, and compares the links with the gold links:
- recall: gold `same` and `conflicts` pairs linked (any relation), and with the right relation;
- precision: suggested claim links whose pair is a gold link of any relation (strict: and
  the relation matches); the gold file is one reading, so a true link it lacks counts as wrong;
- misquote: the gold quote pair linked, with a "misquote" reason.
Methods (what the comparison in docs/benchmarks.md (Cross-linking) is made of):
- lexical: full-text candidates, Dice on content words, figures/dates/names re-rank; no embeddings;
- dense: embedding cosine only (no lexical term, no re-rank);
- hybrid-norerank: cosine + lexical, no figures/dates/names;
- hybrid: the shipped engine (cosine + lexical + figures/dates/names);
- hybrid-rerank-only: the shipped engine as it runs above LINK_DENSE_MAX_SCAN (no dense
  retrieval: embeddings only re-rank the full-text candidates).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

GOLD = Path("/work/shared/gold/seeds.json")
SEEDS = Path("/work/shared/seeds")
DB_NAME = "factcheck_bench_linkq"
METHODS = ["lexical", "dense", "hybrid-norerank", "hybrid", "hybrid-rerank-only"]


def _setup(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.pop("REDIS_URL", None)  # tasks in-process
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import django

    django.setup()


def _apply_method(method: str) -> None:
    from django.conf import settings

    from factcheck.linking.engine import score

    defaults = {
        "W_COSINE": 0.6,
        "W_LEXICAL": 0.4,
        "FIGURES_AGREE": 0.15,
        "FIGURES_CONFLICT": 0.2,
        "SAME_DATE": 0.05,
        "DATE_DIFFERS": -0.15,
        "SAME_PLACE": 0.05,
        "NAME_OVERLAP": 0.05,
        "PLACE_DIFFERS": -0.1,
        "CONFLICT_TOPIC": 0.45,
    }
    for name, value in defaults.items():
        setattr(score, name, value)
    settings.LINK_EMBEDDINGS = method != "lexical"
    settings.LINK_DENSE_MAX_SCAN = 0 if method == "hybrid-rerank-only" else 100_000
    settings.LINK_DENSE_IVF_NPROBE = 0
    if method == "dense":
        score.W_COSINE, score.W_LEXICAL = 1.0, 0.0
    if method in ("dense", "hybrid-norerank"):
        for name in ("FIGURES_AGREE", "FIGURES_CONFLICT", "SAME_DATE", "SAME_PLACE", "NAME_OVERLAP"):
            setattr(score, name, 0.0)
        score.DATE_DIFFERS = score.PLACE_DIFFERS = 0.0
        score.CONFLICT_TOPIC = 2.0  # never: no figures, no conflicts


def _reset_data() -> None:
    from factcheck.articles.models import Article, Outlet
    from factcheck.claims.models import Person
    from factcheck.linking.embeddings import index_reset

    Article.objects.all().delete()
    Outlet.objects.all().delete()
    Person.objects.all().delete()
    index_reset()


def _load(claims_mode: str) -> dict[str, dict]:
    """Store both seed articles; returns per file {gold claim id: [claim pks]} and quote pks."""
    from factcheck.articles.services import article_create
    from factcheck.claims.models import Claim, Quote
    from factcheck.claims.people import person_resolve
    from factcheck.linking.ranking import find_quantities

    gold = json.loads(GOLD.read_text())
    out: dict[str, dict] = {}
    for name, meta in gold["articles"].items():
        body = (SEEDS / name).read_text(encoding="utf-8")
        published = datetime.date.fromisoformat(meta["published"])
        article = article_create(
            body=body,
            published=published,
            outlet_name=meta["outlet"],
            headline=meta.get("headline") or "",
            extract=False,
        ).article
        ids: dict[str, list[int]] = {}
        spans = []
        for span, cid in meta["claims"]:
            start = body.find(span)
            if start < 0:
                raise SystemExit(f"gold span not found in {name}: {span[:50]}")
            spans.append((start, start + len(span), cid))
        if claims_mode == "gold":
            for start, end, cid in spans:
                text = body[start:end]
                claim = Claim.objects.create(
                    article=article,
                    start=start,
                    end=end,
                    text=text,
                    checkworthy=True,
                    quantities=find_quantities(text, published),
                )
                ids.setdefault(cid, []).append(claim.pk)
        else:
            from factcheck.extraction.engine.pipeline import extract
            from factcheck.extraction.store import candidates_store

            candidates_store(article_id=article.pk, extraction=extract(body), version="bench")
            for claim in Claim.objects.filter(article=article):
                for start, end, cid in spans:
                    if claim.start <= start < claim.end or start <= claim.start < end:
                        ids.setdefault(cid, []).append(claim.pk)
        quotes: dict[str, int] = {}
        if claims_mode == "gold":
            cursor = 0
            for text, speaker in meta["quotes"]:
                start = body.find(text, 0)
                if start < 0:
                    continue
                if Quote.objects.filter(article=article, start=start, end=start + len(text)).exists():
                    continue
                person = person_resolve(name=speaker)
                q = Quote.objects.create(
                    article=article,
                    start=start,
                    end=start + len(text),
                    text=text,
                    speaker=person,
                    speaker_text=speaker,
                )
                quotes[text] = q.pk
                cursor = start
            del cursor
        else:
            quotes = {q.text: q.pk for q in Quote.objects.filter(article=article)}
        out[name] = {"article": article.pk, "claims": ids, "quotes": quotes}
    return out


def _evaluate(stored: dict[str, dict]) -> dict:
    from factcheck.linking.models import ClaimLink, QuoteLink

    gold = json.loads(GOLD.read_text())
    lbc = stored["lbc-2024-08-14-kursk.txt"]
    cnn = stored["cnn-2024-08-14-kursk.txt"]
    gold_of: dict[int, tuple[str, str]] = {}
    for side, data in (("lbc", lbc), ("cnn", cnn)):
        for cid, pks in data["claims"].items():
            for pk in pks:
                gold_of[pk] = (side, cid)
    gold_pairs = {(a, b): rel for a, b, rel, _note in gold["links"]}
    links = list(ClaimLink.objects.live())
    found: dict[tuple[str, str], str] = {}
    correct = strict = 0
    wrong = []
    for link in links:
        ga, gb = gold_of.get(link.source_id), gold_of.get(link.target_id)
        key = None
        if ga and gb and {ga[0], gb[0]} == {"lbc", "cnn"}:
            key = (ga[1], gb[1]) if ga[0] == "lbc" else (gb[1], ga[1])
        rel = gold_pairs.get(key) if key else None
        if rel:
            correct += 1
            strict += rel == link.relation
            found[key] = link.relation
        else:
            wrong.append((key or (link.source_id, link.target_id), link.relation, round(link.score or 0, 2)))
    targets = {k: r for k, r in gold_pairs.items() if r in ("same", "conflicts")}
    recall = sum(k in found for k in targets) / len(targets)
    recall_rel = sum(found.get(k) == r for k, r in targets.items()) / len(targets)
    a, b = gold["quote_links"][0][:2]
    qa, qb = lbc["quotes"].get(a), cnn["quotes"].get(b)
    misquote = False
    if qa and qb:
        lo, hi = min(qa, qb), max(qa, qb)
        link = QuoteLink.objects.filter(source_id=lo, target_id=hi).first()
        misquote = bool(link and "misquote" in link.reason)
    return {
        "links": len(links),
        "recall_same_conflicts": round(recall, 3),
        "recall_with_relation": round(recall_rel, 3),
        "precision": round(correct / len(links), 3) if links else None,
        "precision_strict": round(strict / len(links), 3) if links else None,
        "misquote_found": misquote,
        "quote_links": QuoteLink.objects.count(),
        "missed": [k for k in targets if k not in found],
        "extra": wrong,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--claims", choices=["gold", "extract"], default="gold")
    parser.add_argument("--method", choices=METHODS, action="append")
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
    parser.add_argument(
        "--lexical-rank", choices=["dice", "cover"], default=None, help="Set LINK_LEXICAL_RANK (default: dice)."
    )
    args = parser.parse_args(argv)
    from _common import drop_database, fresh_database

    url = fresh_database(DB_NAME)
    _setup(url)
    from factcheck.linking.suggest import suggest_links_for_article

    results = {}
    try:
        for method in args.method or METHODS:
            _apply_method(method)
            if args.lexical_rank:
                from django.conf import settings

                settings.LINK_LEXICAL_RANK = args.lexical_rank
            _reset_data()
            stored = _load(args.claims)
            for data in stored.values():
                suggest_links_for_article(data["article"])
            # A second run must change nothing.
            again = [suggest_links_for_article(d["article"]) for d in stored.values()]
            created_again = sum(c.get("claim_created", 0) + c.get("quote_created", 0) for c in again)
            result = _evaluate(stored)
            result["created_on_rerun"] = created_again
            results[method] = result
            print(f"{method:16s} {json.dumps({k: v for k, v in result.items() if k not in ('extra',)})}")
            for extra in result["extra"]:
                print(f"{'':16s}   extra link: {extra}")
    finally:
        if not args.keep:
            drop_database(DB_NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
