"""Check-worthiness refined with the claim's MiniLM vector: the artefact's quality on both
development files, the worker's refinement in the linking step (idempotent, never over an
editor's decision), and `manage.py extract`."""

from __future__ import annotations

import json
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from factcheck.claims.models import CandidateStatus, Claim
from factcheck.extraction.engine import checkworthy
from factcheck.extraction.services import checkworthiness_refine
from factcheck.linking.engine import embed
from tests.factories import ArticleFactory, ClaimFactory
from tests.shared_data import requires_shared, shared_path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from train_checkworthy import read_tsv  # noqa: E402

DATA = shared_path("datasets", "checkworthiness")

pytestmark = pytest.mark.skipif(not embed.available(), reason="needs the MiniLM encoder")


def test_blend_is_a_logit_mix() -> None:
    assert checkworthy.blend([0.5], np.array([0.0]), 0.35)[0] == pytest.approx(0.5)
    hi = checkworthy.blend([0.9], np.array([3.0]), 0.35)[0]
    lo = checkworthy.blend([0.9], np.array([-3.0]), 0.35)[0]
    assert lo < 0.9 < hi


@requires_shared("datasets", "checkworthiness", "dev.tsv")
def test_refined_f1_on_both_files_at_the_refined_threshold() -> None:
    assert checkworthy.can_refine() and checkworthy.REFINED_THRESHOLD is not None
    f1 = {}
    for name in ("dev.tsv", "dev-test.tsv"):
        rows = read_tsv(DATA / name)
        texts, ys = [t for t, _ in rows], np.array([y for _, y in rows])
        refined = np.array(checkworthy.refine_scores(checkworthy.score_sentences(texts), embed.encode(texts)))
        flagged = refined >= checkworthy.REFINED_THRESHOLD
        tp = int((flagged & (ys == 1)).sum())
        f1[name] = 2 * tp / (flagged.sum() + (ys == 1).sum())
    # Measured 0.885 and 0.840 (model card); issue 10's targets are 0.88 and 0.82.
    assert f1["dev.tsv"] >= 0.87 and f1["dev-test.tsv"] >= 0.82, f1


@pytest.mark.django_db
def test_refinement_changes_untouched_candidates_only_and_is_idempotent() -> None:
    body = "Unemployment fell to 3.9 percent in 2023. I love this town. We did it."
    article = ArticleFactory(body=body)

    def claim(text: str) -> Claim:
        start = body.index(text)
        return ClaimFactory(article=article, start=start, end=start + len(text), text=text, score=0.5, checkworthy=True)

    figure = claim("Unemployment fell to 3.9 percent in 2023.")
    opinion = claim("I love this town.")
    decided = claim("We did it.")
    decided.status = CandidateStatus.ACCEPTED
    decided.save()
    claims = list(Claim.objects.filter(article=article))
    vectors = dict(zip([c.pk for c in claims], embed.encode([c.text for c in claims]), strict=True))

    assert checkworthiness_refine(claims, vectors) == 2
    figure.refresh_from_db(), opinion.refresh_from_db(), decided.refresh_from_db()
    assert figure.extracted_score == opinion.extracted_score == 0.5
    assert figure.score > opinion.score and figure.checkworthy and not opinion.checkworthy
    assert (decided.score, decided.extracted_score) == (0.5, None)  # an editor's claim is left alone

    first = figure.score
    checkworthiness_refine(list(Claim.objects.filter(article=article)), vectors)
    figure.refresh_from_db()
    assert figure.score == first  # refined from the extractor's score, not from the last refinement


def test_extract_command_refines_unless_told_not_to(tmp_path) -> None:
    path = tmp_path / "in.jsonl"
    text = "The deficit rose to 4.2 percent of GDP last year. Thank you all for coming tonight."
    path.write_text(json.dumps({"id": "a", "text": text}) + "\n")

    def scores(*extra: str) -> list[float]:
        out = StringIO()
        call_command("extract", "--input-jsonl", str(path), "--format", "jsonl", *extra, stdout=out)
        return [c["score"] for c in json.loads(out.getvalue())["claims"]]

    plain, refined = scores("--no-refine"), scores()
    assert len(plain) == len(refined) == 2 and plain != refined
    vectors = embed.encode([text[:49], text[50:]])
    assert refined == pytest.approx(checkworthy.refine_scores(plain, vectors), abs=1e-3)
