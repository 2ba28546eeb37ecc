"""`manage.py extract`: the fixed JSON Lines contract, and clear errors on bad input."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command


def run(*args) -> tuple[list[str], str, int]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("extract", *args, stdout=out, stderr=err)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue().splitlines(), err.getvalue(), code


def test_contract_shape_order_and_offsets(tmp_path, seeds_dir):
    texts = {
        "one": '"We will win," the minister said on Tuesday.',
        "seed": (seeds_dir / "cnn-2024-08-14-kursk.txt").read_text(encoding="utf-8"),
        "two": "Unemployment fell to 3.9% in March, the lowest rate since 2001.",
    }
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in texts.items()), encoding="utf-8")
    lines, err, code = run("--input-jsonl", str(path), "--format", "jsonl")
    assert code == 0, err
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["one", "seed", "two"]
    for row in rows:
        text = texts[row["id"]]
        for q in row["quotes"]:
            assert text[q["start"] : q["end"]] == q["text"]
            assert set(q) >= {"text", "start", "end", "speaker", "speaker_start", "speaker_end"}
            if q["speaker_start"] is not None:
                assert 0 <= q["speaker_start"] < q["speaker_end"] <= len(text)
        for c in row["claims"]:
            assert text[c["start"] : c["end"]] == c["text"]
            assert 0.0 <= c["score"] <= 1.0 and isinstance(c["checkworthy"], bool)
    one = rows[0]
    assert one["quotes"][0]["text"] == "We will win,"
    assert "minister" in one["quotes"][0]["speaker"]
    # A single sentence is scored as a sentence; a statistic is check-worthy.
    assert rows[2]["claims"] and rows[2]["claims"][0]["checkworthy"] is True


def test_bad_lines_get_an_error_in_place_and_a_nonzero_exit(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a", "text": "Prices rose 4% last year."}\n'
        "{broken json\n"
        '{"id": "c", "text": ""}\n'
        '{"id": "d", "text": 42}\n'
        '["not", "an", "object"]\n'
        '{"id": "f", "text": "<script>alert(1)</script> \\"unbalanced quote that never ends"}\n',
        encoding="utf-8",
    )
    lines, err, code = run("--input-jsonl", str(path), "--format", "jsonl")
    assert code == 1
    rows = [json.loads(line) for line in lines]
    assert len(rows) == 6  # one output line per input line, same order
    assert [r.get("error") is None for r in rows] == [True, False, False, False, False, True]
    assert "malformed JSON" in rows[1]["error"] and f"{path}:2" in err
    assert rows[2]["error"] == "empty text"
    assert rows[3]["error"] == '"text" must be a string'
    hostile = rows[5]
    assert all(q["end"] <= 60 for q in hostile["quotes"])


def test_non_utf8_file_is_reported(tmp_path):
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 prices rose 10% in Paris.".encode("latin-1"))
    lines, err, code = run(str(bad))
    assert code == 1
    assert "not UTF-8" in err


def test_human_text_output(seeds_dir):
    lines, err, code = run(str(seeds_dir / "lbc-2024-08-14-kursk.txt"))
    assert code == 0, err
    text = "\n".join(lines)
    assert "Vladimir Putin: “kick the enemy out of our territory”" in text
    assert "check-worthy claims" in text


def test_needs_exactly_one_kind_of_input():
    with pytest.raises(CommandError, match="either text files or --input-jsonl"):
        call_command("extract", stdout=StringIO(), stderr=StringIO())
