"""import_articles: good files, duplicates, each kind of bad file, and a folder of 1,000."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from factcheck.articles.models import Article, ExtractionState

pytestmark = pytest.mark.django_db


def run_import(*paths, **kw) -> tuple[str, str, int]:
    out, err = StringIO(), StringIO()
    code = 0
    try:
        call_command("import_articles", *map(str, paths), no_progress=True, stdout=out, stderr=err, **kw)
    except CommandError as exc:
        code = exc.returncode
        err.write(str(exc))
    return out.getvalue(), err.getvalue(), code


def article_text(n: int, date: str = "2024-08-14") -> str:
    return f" date {date} Headline number {n}\n\nParagraph {n} says 1,{n:03d} people were there.\n"


def test_imports_the_sample_articles_with_metadata(seeds_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        out, err, code = run_import(seeds_dir)
    assert code == 0, err
    assert "imported 2, unchanged 0, failed 0" in out
    lbc = Article.objects.get(source_name__endswith="lbc-2024-08-14-kursk.txt")
    assert lbc.outlet.name == "LBC"
    assert lbc.published.isoformat() == "2024-08-14"
    assert lbc.byline == "Henry Moore"
    assert lbc.headline.startswith("Ukraine 'captures 100 prisoners of war'")
    assert lbc.body == (seeds_dir / "lbc-2024-08-14-kursk.txt").read_text(encoding="utf-8")  # exactly as received
    assert lbc.extraction_state == ExtractionState.PENDING
    assert len(callbacks) == 2  # one extraction enqueued per article, after commit


def test_reimport_changes_nothing(seeds_dir):
    run_import(seeds_dir)
    before = list(Article.objects.values_list("id", "updated_at"))
    out, _, code = run_import(seeds_dir)
    assert code == 0
    assert "imported 0, unchanged 2, failed 0" in out
    assert list(Article.objects.values_list("id", "updated_at")) == before


def test_jsonl_import_and_line_numbered_errors(tmp_path):
    good = {
        "url": "https://example.org/a",
        "outlet": "Example",
        "headline": "H",
        "published": "2024-08-14",
        "body": "B1",
    }
    rows = [
        json.dumps(good),
        "{not json",
        json.dumps({**good, "body": ""}),
        json.dumps({**good, "body": "B2", "published": "yesterday"}),
        json.dumps({**good, "body": "B3", "url": "javascript:alert(1)"}),
        json.dumps([1, 2]),
        json.dumps({**good, "body": "B4", "published": "2024-08-15T10:00:00Z"}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out, err, code = run_import(path)
    assert code == 1
    assert "imported 2, unchanged 0, failed 5" in out
    assert f"{path}:2: malformed JSON" in err
    assert f'{path}:3: missing or empty "body"' in err
    assert f"{path}:4: The publication date 'yesterday' is not a date" in err
    assert f'{path}:5: "url"' in err
    assert f"{path}:6: each line must be a JSON object" in err
    assert set(Article.objects.values_list("body", flat=True)) == {"B1", "B4"}


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\xff\xfe date 2024-01-01 caf\xe9", "not UTF-8"),
        (b"No header line here.\n", "no date line"),
        (b" date 2024-13-45 Body\n", "not a date"),
        (b" date 2024-01-01 \n", "no article text"),
        (b" date 2024-01-01 x" + b"a" * 3000, "over the limit"),
        (b" date 2024-01-01 \x00\x01binary", "binary"),
    ],
)
def test_each_kind_of_bad_text_file_is_reported_and_the_rest_imported(tmp_path, content, reason):
    (tmp_path / "bad.txt").write_bytes(content)
    (tmp_path / "good.txt").write_text(article_text(1), encoding="utf-8")
    out, err, code = run_import(tmp_path, max_bytes=2000)
    assert code == 1
    assert "imported 1, unchanged 0, failed 1" in out
    line = next(line for line in err.splitlines() if line.startswith("FAILED"))
    assert "bad.txt" in line and reason in line
    assert Article.objects.count() == 1


def test_missing_path_and_unsupported_type(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    out, err, code = run_import(tmp_path / "nope", tmp_path)
    assert code == 1
    assert "no such file or folder" in err
    assert "unsupported file type '.pdf'" in err


def test_hostile_text_is_stored_verbatim(tmp_path):
    body = ' date 2024-01-01 <script>alert("x")</script> \'; DROP TABLE articles_article; -- "unbalanced\n'
    (tmp_path / "x.txt").write_text(body, encoding="utf-8")
    _, err, code = run_import(tmp_path)
    assert code == 0, err
    assert Article.objects.get().body == body


def test_folder_of_1000_generated_articles(tmp_path):
    for n in range(1000):
        sub = tmp_path / f"batch{n % 7}"
        sub.mkdir(exist_ok=True)
        (sub / f"ex-2024-01-01-{n}.txt").write_text(article_text(n), encoding="utf-8")
    (tmp_path / "batch0" / "broken.txt").write_bytes(b"\xc3\x28 not utf8")
    out, err, code = run_import(tmp_path, no_extract=True)
    assert "imported 1000, unchanged 0, failed 1" in out
    assert code == 1
    assert Article.objects.count() == 1000
    out, _, _ = run_import(tmp_path, no_extract=True)
    assert "imported 0, unchanged 1000, failed 1" in out


def test_an_article_opening_with_its_lead_gets_its_first_sentence_whole(seeds_dir):
    run_import(seeds_dir)
    cnn = Article.objects.get(source_name__endswith="cnn-2024-08-14-kursk.txt")
    assert cnn.headline == (
        "Ukrainian President Volodymyr Zelensky said his forces are advancing in Russia’s southern Kursk "
        "region by 1 to 2 kilometers since the beginning of the day on Wednesday."
    )
    assert str(Article(body=" date 2024-01-01 Short lead.\n\nMore.")) == "Short lead."


def test_a_long_lead_is_cut_at_a_clause_or_between_words_never_inside_one():
    from factcheck.articles.intake import guess_headline

    clause = "The minister, speaking after a long cabinet meeting on the budget in London on Tuesday evening, " + (
        "said that the government would spend far more on the railways than any government before it had. " * 2
    )
    assert (
        guess_headline(clause)
        == "The minister, speaking after a long cabinet meeting on the budget in London on Tuesday evening…"
    )
    words = "word " * 60 + "end."
    cut = guess_headline(words)
    assert cut.endswith("word…") and len(cut) <= 161
