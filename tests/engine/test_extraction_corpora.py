"""The corpus benchmark reads PolNeAR's format (brat standoff) and scores the contract.

A two-article corpus in PolNeAR's layout is written here from invented sentences; the
benchmark must read it through the shared scorer, run the engine and report the figures.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from factcheck.extraction.engine import pipeline

SHARED = Path("/work/shared")
ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(
    not (SHARED / "tools" / "score_polnear.py").exists(), reason="the shared scorers are not on this machine"
)


@pytest.fixture(autouse=True)
def _no_claims(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "_find_claims", lambda *args, **kwargs: [])


def _benchmark():  # noqa: ANN202 - a script module, loaded by path
    spec = importlib.util.spec_from_file_location("extraction_corpora", ROOT / "benchmarks" / "extraction_corpora.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _write_article(base: Path, name: str, text: str, relations: list[tuple[str, str, str]]) -> None:
    """relations: (source, cue, content) substrings of text, one attribution each."""
    (base / "text").mkdir(parents=True, exist_ok=True)
    (base / "attributions").mkdir(parents=True, exist_ok=True)
    (base / "text" / f"{name}.txt").write_text(text, encoding="utf-8")
    lines, t = [], 0
    for e, (source, cue, content) in enumerate(relations, 1):
        ids = []
        for role, words in (("Source", source), ("Cue", cue), ("Content", content)):
            t += 1
            start = text.index(words)
            lines.append(f"T{t}\t{role} {start} {start + len(words)}\t{words}")
            ids.append(f"{role}:T{t}")
        lines.append(f"E{e}\tAttribution:T{t - 1} " + " ".join(ids))
    (base / "attributions" / f"{name}_ann1.ann").write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_polnear_reader_and_scores(tmp_path: Path) -> None:
    dev = tmp_path / "data" / "dev"
    _write_article(
        dev,
        "wire_2016-01-01_budget",
        'Budget talks stall\n\n"We are not close to a deal," said Senator Ida Marsh.\n\n'
        'The governor called the plan "a fantasy" on Monday.',
        [
            ("Senator Ida Marsh", "said", "We are not close to a deal,"),
            ("The governor", "called", '"a fantasy"'),
        ],
    )
    _write_article(
        dev,
        "paper_2016-01-02_roads",
        "Road repairs begin\n\nThe mayor spoke at the depot.\n\n“Crews start tomorrow,” she said.",
        [("she", "said", "Crews start tomorrow,")],
    )
    row = _benchmark().polnear_row(SHARED, str(tmp_path), "dev", claims=False)
    assert row["docs"] == 2 and row["gold"] == 3
    assert row["f1"] == 1.0
    assert row["speaker"] == 1.0 and row["e2e"] == 1.0


def test_the_held_out_split_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        _benchmark().polnear_row(SHARED, str(tmp_path), "test", claims=False)
