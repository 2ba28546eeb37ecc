"""Properties of every input face: any input gives a result or a one-line reason, never a
traceback. Bounded by the "ci" profile in tests/conftest.py."""

from __future__ import annotations

import contextlib
import json
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from hypothesis import given, settings
from hypothesis import strategies as st

from factcheck.articles.intake import IntakeRecord, iter_file_records
from factcheck.core.lines import BadLine, loads, read_lines
from factcheck.core.problems import IntakeProblem
from factcheck.linking.claimreview import Review, iter_reviews, parse_document
from factcheck.review.forms.articles import ArticleSubmitForm

# Any JSON value (strings with every code point, lone surrogates included).
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
# A line as bytes: random bytes, or JSON of any value, or JSON nested deeper than Python recurses.
raw_lines = st.one_of(
    st.binary(max_size=200),
    json_values.map(lambda v: json.dumps(v).encode()),
    st.integers(1_500, 5_000).map(lambda n: b"[" * n + b"]" * n),
    st.integers(4_301, 6_000).map(lambda n: b'{"id": ' + b"9" * n + b"}"),
)
contract_lines = st.one_of(
    raw_lines,
    st.builds(lambda i, t: json.dumps({"id": i, "text": t}).encode(), json_values, st.text(max_size=300)),
)


@given(st.lists(raw_lines, max_size=6))
def test_read_lines_yields_text_or_a_reason_per_line(lines):
    data = b"\n".join(line.replace(b"\n", b" ") for line in lines)
    out = list(read_lines(BytesIO(data), max_bytes=1_000))
    assert [n for n, _ in out] == list(range(1, len(out) + 1))
    for _, item in out:
        assert isinstance(item, str | BadLine)
        if isinstance(item, str):
            parsed = loads(item)
            assert not isinstance(parsed, BadLine) or "\n" not in parsed.reason


@given(st.lists(raw_lines, min_size=1, max_size=5))
def test_intake_reader_gives_a_record_or_a_problem_per_line(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("p") / "in.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    for item in iter_file_records(path, max_bytes=2_000):
        assert isinstance(item, IntakeRecord | IntakeProblem)
        if isinstance(item, IntakeProblem):
            assert item.source.startswith(str(path)) and "\n" not in item.reason and len(item.reason) < 300
        else:
            item.body.encode("utf-8")  # storable: no lone surrogate
            assert "\x00" not in item.body


@given(json_values)
def test_claimreview_parse_document_any_json(doc):
    for item in parse_document(doc, "doc.json"):
        assert isinstance(item, Review | IntakeProblem)


@given(json_values, json_values)
def test_claimreview_any_appearance_or_claim_date_is_kept_valid_or_left_out_with_a_reason(appearance, date):
    doc = {
        "@type": "ClaimReview",
        "url": "https://x.example/r",
        "claimReviewed": "A claim",
        "itemReviewed": {"@type": "Claim", "appearance": appearance, "datePublished": date},
    }
    [review] = parse_document(doc, "doc.json")
    assert isinstance(review, Review)  # optional fields never refuse the review
    url = review.appearance_url
    assert url == "" or (url.startswith(("http://", "https://")) and len(url) <= 1000)
    url.encode("utf-8")  # storable
    assert all("\n" not in why and len(why) < 300 for why in review.skipped)
    if review.claim_date is None and date not in (None, ""):
        assert any("itemReviewed.datePublished" in why for why in review.skipped)


@given(st.lists(raw_lines, min_size=1, max_size=4))
def test_claimreview_iter_reviews_any_lines(tmp_path_factory, lines):
    path = tmp_path_factory.mktemp("cr") / "feed.jsonl"
    path.write_bytes(b"\n".join(line.replace(b"\n", b" ") for line in lines) + b"\n")
    for item in iter_reviews([path]):
        assert isinstance(item, Review | IntakeProblem)


def _run(name: str, *args) -> tuple[list[str], str]:
    out, err = StringIO(), StringIO()
    with contextlib.suppress(CommandError):
        call_command(name, *args, stdout=out, stderr=err)
    # Split on "\n" only: a JSON string written with ensure_ascii=False may hold a raw U+2028.
    text = out.getvalue()
    return (text.removesuffix("\n").split("\n") if text else []), err.getvalue()


def _nonblank(lines: list[bytes]) -> int:
    return sum(1 for line in lines if line.strip())


# The commands' first example loads the engines (spaCy, the sentence encoder: seconds, once per
# process, whichever test runs first), so Hypothesis' per-example deadline would be flaky here;
# the time a hostile input may take is bounded by the corpus tests in tests/hostile/.
COMMAND_SETTINGS = settings(deadline=None)


@COMMAND_SETTINGS
@given(st.lists(contract_lines, min_size=1, max_size=4))
def test_extract_contract_any_input(tmp_path_factory, lines):
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path = tmp_path_factory.mktemp("ex") / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err = _run("extract", "--input-jsonl", str(path), "--format", "jsonl")
    rows = [json.loads(line) for line in out]
    assert len(rows) == _nonblank(lines)
    for row in rows:
        assert isinstance(row["id"], str) and isinstance(row["quotes"], list) and isinstance(row["claims"], list)
        assert "error" not in row or isinstance(row["error"], str)
    assert "Traceback" not in err


@pytest.mark.django_db
@COMMAND_SETTINGS
@given(st.lists(contract_lines, min_size=1, max_size=4))
def test_similar_contract_any_input(tmp_path_factory, lines):
    lines = [line.replace(b"\n", b" ").replace(b"\r", b" ") for line in lines]
    path = tmp_path_factory.mktemp("si") / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    out, err = _run("similar", "--input-jsonl", str(path), "--backfill", "0")
    rows = [json.loads(line) for line in out]
    assert len(rows) == _nonblank(lines)
    for row in rows:
        assert row["id"] is None or isinstance(row["id"], str)
        assert isinstance(row["results"], list)
    assert "Traceback" not in err


@pytest.mark.django_db
@given(
    text=st.text(max_size=500),
    headline=st.text(max_size=600),
    url=st.text(max_size=100),
    published=st.text(max_size=20),
    upload=st.none() | st.binary(max_size=300),
)
def test_submit_form_any_input_is_valid_or_has_field_errors(text, headline, url, published, upload):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {"upload": SimpleUploadedFile("a.txt", upload)} if upload is not None else {}
    form = ArticleSubmitForm(data={"text": text, "headline": headline, "url": url, "published": published}, files=files)
    if form.is_valid():
        body = form.cleaned_data["body"]
        assert body.strip() and "\x00" not in body
    else:
        assert form.errors and set(form.errors) <= {"text", "upload", "headline", "url", "published", "__all__"}
