"""GIN indexes for the workspace's full-text search (PostgreSQL only).

The expressions are exactly what Django's SearchVector(..., config="english") compiles
to (COALESCE included), or PostgreSQL would not use them. SQLite searches with LIKE.
"""

from django.db import migrations

INDEXES = {
    "claim_text_fts_idx": "claims_claim USING gin (to_tsvector('english'::regconfig, COALESCE(text, ''::text)))",
    "quote_text_fts_idx": "claims_quote USING gin (to_tsvector('english'::regconfig, COALESCE(text, ''::text)))",
    "article_text_fts_idx": (
        "articles_article USING gin (to_tsvector('english'::regconfig, "
        "((COALESCE(headline, ''::text) || ' '::text) || COALESCE(body, ''::text))))"
    ),
}


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}", params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}", params=None)


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_quote_speaker_span_not_null"), ("articles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
