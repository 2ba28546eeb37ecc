"""The check-worthiness scorer: API, the shipped artefact and its quality on dev."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from factcheck.extraction.engine import checkworthy
from tests.shared_data import requires_shared, shared_path

ROOT = Path(__file__).resolve().parents[2]
DATA = shared_path("datasets", "checkworthiness")
sys.path.insert(0, str(ROOT / "benchmarks"))

from train_checkworthy import read_tsv  # noqa: E402


def test_threshold_is_the_shipped_one() -> None:
    config = json.loads(checkworthy.CONFIG_PATH.read_text(encoding="utf-8"))
    assert config["threshold"] == checkworthy.THRESHOLD
    assert 0.0 < checkworthy.THRESHOLD < 1.0


def test_artefact_is_small_and_self_contained() -> None:
    files = {p.name: p.stat().st_size for p in checkworthy.ARTEFACT_DIR.iterdir() if p.is_file()}
    assert {"model.npz", "config.json", "tokenizer.json", "MODEL_CARD.md"} <= set(files)
    assert sum(files.values()) < 30 * 1024 * 1024
    card = (checkworthy.ARTEFACT_DIR / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "ClaimBuster" in card and "CC BY 4.0" in card


def test_scores_are_probabilities_in_input_order() -> None:
    texts = [
        "Unemployment fell to 4.1 percent last year, the lowest rate since 1969.",
        "Thank you very much, it is great to be here tonight.",
        "The government spent $2 billion on the program in 2019.",
        "I'd like to mention one thing.",
    ]
    scores = checkworthy.score_sentences(texts)
    assert len(scores) == 4
    assert all(isinstance(s, float) and 0.0 <= s <= 1.0 for s in scores)
    assert scores[0] >= checkworthy.THRESHOLD and scores[2] >= checkworthy.THRESHOLD
    assert scores[1] < checkworthy.THRESHOLD and scores[3] < checkworthy.THRESHOLD
    # a sentence gets the same score alone or in a batch
    assert checkworthy.score_sentences([texts[2]])[0] == pytest.approx(scores[2], abs=1e-9)
    assert checkworthy.score_sentences(list(reversed(texts))) == pytest.approx(list(reversed(scores)))


def test_empty_inputs() -> None:
    assert checkworthy.score_sentences([]) == []
    (score,) = checkworthy.score_sentences([""])
    assert 0.0 <= score <= 1.0


def test_read_tsv_handles_quoted_fields_and_glued_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text(
        "Sentence_id\tText\tclass_label\n"
        '1\t"He said ""read my lips"" twice."\tYes\n'
        "2\tWe've got to grow.\tNo29286\tYou can't bring back jobs.\tNo\n"
        "3\tPlain text.\tNo\n",
        encoding="utf-8",
    )
    assert read_tsv(path) == [
        ('He said "read my lips" twice.', 1),
        ("We've got to grow.", 0),
        ("You can't bring back jobs.", 0),
        ("Plain text.", 0),
    ]


@requires_shared("datasets", "checkworthiness", "dev.tsv")
def test_dev_f1_of_the_positive_class_at_the_shipped_threshold() -> None:
    dev = read_tsv(DATA / "dev.tsv")
    assert len(dev) == 1032
    scores = checkworthy.score_sentences([t for t, _ in dev])
    tp = sum(s >= checkworthy.THRESHOLD and y for s, (_, y) in zip(scores, dev, strict=True))
    fp = sum(s >= checkworthy.THRESHOLD and not y for s, (_, y) in zip(scores, dev, strict=True))
    fn = sum(s < checkworthy.THRESHOLD and y for s, (_, y) in zip(scores, dev, strict=True))
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    f1 = 2 * precision * recall / (precision + recall)
    assert f1 >= 0.88, (precision, recall, f1)


def test_fast_scoring_path_equals_the_tfidf_matrices_it_replaces() -> None:
    """Inference skips building TF-IDF matrices (tfidf_dot, a vectorised static embedding);
    training builds them (tfidf, as sklearn). Both must give the same logits."""
    import numpy as np
    from scipy.sparse import csr_matrix

    scorer = checkworthy.get_scorer()
    texts = ["Unemployment fell to 4.1% in March.", "", "Thank you.", "We spent $2 billion on 3,000 new schools."]
    expected = (
        checkworthy.tfidf(scorer.word.transform(texts), scorer.idf_word) @ scorer.coef_word
        + checkworthy.tfidf(scorer.char.transform(texts), scorer.idf_char) @ scorer.coef_char
        + scorer.intercept
    )
    pieces = checkworthy.wordpiece_ids(scorer.tokenizer, texts)
    for row, ids in enumerate(pieces):  # the static view, one text at a time
        if ids:
            v = (scorer.table[ids].astype(np.float32) * scorer.sif[ids, None]).sum(0)
            expected[row] += (v / np.linalg.norm(v)) @ scorer.coef_static
    assert np.allclose(scorer.logits(texts), expected, atol=1e-5)
    assert checkworthy.tfidf_dot(csr_matrix((2, 8)), np.ones(8), np.ones(8)).tolist() == [0.0, 0.0]
