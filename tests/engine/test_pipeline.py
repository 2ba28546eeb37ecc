"""The pipeline API and the JSON Lines contract; a quality floor on the hand-annotated seeds."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from factcheck.extraction.engine import EXTRACTOR_VERSION, extract, extract_many, get_nlp, pipeline
from factcheck.extraction.engine.types import Extraction
from tests.shared_data import requires_shared, shared_path

ROOT = Path(__file__).resolve().parents[2]
SCORER = shared_path("tools", "score_extraction.py")


@pytest.fixture(autouse=True)
def _no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    """Claims belong to claims.py and are tested there; keep these tests about our part."""
    monkeypatch.setattr(pipeline, "_find_claims", lambda *args, **kwargs: [])


ARTICLE = (
    " date 2024-05-01 Minister 'confident' of deal as talks resume\n\n"
    "A delegate arrives in Brussels. Picture: Getty\n\n"
    "By Ann Writer\n\n"
    'BRUSSELS (Reuters) — Trade Minister Paul Grant said on Wednesday he was "confident" of a deal.\n\n'
    "“We are closer than ever,” Mr Grant told reporters. “But nothing is agreed yet.”"
)


def test_get_nlp_is_cached_and_keeps_components() -> None:
    nlp = get_nlp()
    assert get_nlp() is nlp
    for name in ("parser", "ner", "lemmatizer"):
        assert name in nlp.pipe_names


def test_extract_article() -> None:
    x = extract(ARTICLE)
    assert isinstance(x, Extraction)
    assert [s.kind for s in x.segments] == [
        "header",
        "headline",
        "caption",
        "byline",
        "dateline",
        "paragraph",
        "paragraph",
    ]
    # The headline's single marks are not quotations in an article whose quotations use
    # double marks (US and wire style): only the body's three quotations count.
    assert [q.text for q in x.quotes] == [
        "confident",
        "We are closer than ever,",
        "But nothing is agreed yet.",
    ]
    assert {q.speaker for q in x.quotes} == {"Paul Grant"}
    for q in x.quotes:
        assert ARTICLE[q.start : q.end] == q.text


def test_no_quote_or_sentence_crosses_a_segment() -> None:
    x = extract(ARTICLE)
    for start, end in x.sentences:
        inside = [s for s in x.segments if s.start <= start and end <= s.end]
        assert inside, ARTICLE[start:end]
    furniture = [s for s in x.segments if s.kind in ("caption", "byline", "dateline", "header")]
    for q in x.quotes:
        assert not any(s.start <= q.start < s.end for s in furniture)


def test_extract_many_matches_extract_and_keeps_order() -> None:
    texts = [ARTICLE, 'Tom said: "Hi."', "", "No quotes here."]
    many = list(extract_many(texts, batch_size=2))
    assert len(many) == 4
    for text, got in zip(texts, many, strict=True):
        assert got.to_contract("x") == extract(text).to_contract("x")


def test_contract_shape() -> None:
    row = extract('"Yes," said Jo Lane.').to_contract("a1")
    assert row["id"] == "a1"
    assert set(row["quotes"][0]) >= {"text", "start", "end", "speaker", "speaker_start", "speaker_end", "speaker_kind"}
    assert isinstance(row["claims"], list)
    json.dumps(row)
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


def test_cli_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "b", "text": '"No," she said.'}, {"id": "a", "text": "Plain text."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert pipeline.main(["--input-jsonl", str(src), "--format", "jsonl"]) == 0
    got = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [g["id"] for g in got] == ["b", "a"]
    assert got[0]["quotes"][0]["text"] == "No,"


def test_missing_claims_module_fails_loudly() -> None:
    """Issue 9: a missing claims module (or one of its dependencies) is an ImportError at
    import time, never a pipeline that silently finds zero claims."""
    code = (
        "import sys; sys.modules['factcheck.extraction.engine.claims'] = None\n"
        "import factcheck.extraction.engine.pipeline"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False)
    assert done.returncode != 0
    assert "ModuleNotFoundError: import of factcheck.extraction.engine.claims" in done.stderr


def test_claims_failure_propagates_and_claims_false_skips_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.undo()

    def broken(*args, **kwargs):
        raise ImportError("No module named 'sklearn'")

    monkeypatch.setattr(pipeline.claims_module, "find_claims", broken)
    with pytest.raises(ImportError, match="sklearn"):
        extract('"Fine," he said.')
    assert extract('"Fine," he said.', claims=False).claims == []


@requires_shared("tools", "score_extraction.py")
def test_seed_quality_floor(tmp_path: Path) -> None:
    """Quotes F1 and speaker accuracy on the two hand-annotated seed articles stay >= 0.95."""
    sys.path.insert(0, str(SCORER.parent))
    try:
        import score_extraction as scorer
    finally:
        sys.path.pop(0)
    gold = scorer.load_gold()
    pred = tmp_path / "pred.jsonl"
    names = sorted(gold["articles"])
    texts = [(Path(scorer.SEEDS) / n).read_text(encoding="utf-8") for n in names]
    with pred.open("w", encoding="utf-8") as f:
        for name, x in zip(names, extract_many(texts), strict=True):
            f.write(json.dumps(x.to_contract(name), ensure_ascii=False) + "\n")
    res = scorer.score(gold, str(pred))
    assert res["quotes"]["f1"] >= 0.95, res["misses"]
    assert res["speaker_accuracy"] >= 0.95, res["misses"]
