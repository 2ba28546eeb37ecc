"""Fact-checks are unique by review, news by text (issue 15: every organisation's check is kept).

Existing imported fact-checks get their review_key from what was stored (url, claim text,
rating words, date), the recipe of factcheck.linking.claimreview.review_key_of.
"""

import hashlib
import importlib

from django.conf import settings
from django.db import migrations, models

span_triggers = importlib.import_module("factcheck.claims.migrations.0002_span_inside_body_triggers")


def sqlite_drop_span_triggers(apps, schema_editor):
    # SQLite rebuilds articles_article for the new constraints; the claims span triggers
    # read that table, so they go first and come back after (sqlite_span_triggers).
    if schema_editor.connection.vendor != "sqlite":
        return
    for table in span_triggers.TABLES:
        for op in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_inside_body_{op};")


def sqlite_span_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    sqlite_drop_span_triggers(apps, schema_editor)
    for table, columns in span_triggers.TABLES.items():
        for statement in span_triggers.sqlite_sql(table, columns):
            schema_editor.execute(statement)


def backfill_review_keys(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    Claim = apps.get_model("claims", "Claim")
    for article in Article.objects.filter(kind="factcheck", review_key="").iterator():
        claim = Claim.objects.filter(article=article).order_by("id").first()
        rating = claim.review_rating_text if claim is not None else ""
        parts = [article.url, article.body, rating[:200], str(article.published or ""), ""]
        key = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        Article.objects.filter(pk=article.pk).update(review_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0001_initial"),
        ("claims", "0009_quote_speaker_confidence"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(sqlite_drop_span_triggers, sqlite_span_triggers),
        migrations.RemoveConstraint(
            model_name="article",
            name="article_unique_fingerprint",
        ),
        migrations.AddField(
            model_name="article",
            name="review_key",
            field=models.CharField(blank=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="article",
            name="summary",
            field=models.TextField(blank=True),
        ),
        migrations.RunPython(backfill_review_keys, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "factcheck"), _negated=True),
                fields=("fingerprint",),
                name="article_unique_fingerprint",
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "factcheck")), fields=("review_key",), name="factcheck_unique_review"
            ),
        ),
        migrations.AddConstraint(
            model_name="article",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("kind", "factcheck"), _negated=True),
                    models.Q(("review_key", ""), _negated=True),
                    _connector="OR",
                ),
                name="factcheck_has_review_key",
            ),
        ),
        migrations.RunPython(sqlite_span_triggers, sqlite_drop_span_triggers),
    ]
