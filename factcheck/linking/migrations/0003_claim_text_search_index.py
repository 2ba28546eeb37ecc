"""Full-text search index for cross-linking: a GIN index on to_tsvector('english', text) of
claims (the expression factcheck.linking.search queries). PostgreSQL only: on SQLite the
search scans in Python instead, so this migration does nothing there."""

from django.db import migrations

INDEX = "linking_claim_text_fts_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (to_tsvector('english'::regconfig, text))"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("linking", "0002_claimembedding"),
        ("claims", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
