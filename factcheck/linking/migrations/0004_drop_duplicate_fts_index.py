"""Drop linking 0003's GIN index on to_tsvector('english', text): claims 0005's
claim_text_fts_idx indexes the same words (its expression adds COALESCE), and
factcheck.linking.search now queries with that exact expression, so one index serves the
workspace search and link suggestions. PostgreSQL only, like 0003."""

from django.db import migrations

INDEX = "linking_claim_text_fts_idx"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (to_tsvector('english'::regconfig, text))"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("linking", "0003_claim_text_search_index"),
        ("claims", "0005_full_text_indexes"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
