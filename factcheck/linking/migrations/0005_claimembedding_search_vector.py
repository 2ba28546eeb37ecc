"""Store each indexed claim's full-text vector on linking's per-claim row (ClaimEmbedding),
GIN-indexed, so link suggestions rank matched claims on the stored tsvector instead of
re-computing to_tsvector of every matched claim's text. (Superseded by the claim's own
generated column, claims 0007; linking 0007 drops this one.)

The backfill fills rows whose text_hash still matches the claim's text (md5, as
factcheck.linking.engine.embed.text_hash computes it); stale rows stay NULL and search
finds those claims by their text until they are re-embedded. Batched by claim id, then the
GIN index is built once. The workspace's claim_text_fts_idx (claims 0005) is untouched.
PostgreSQL only for the backfill and the index: on SQLite the column stays NULL.
"""

import django.contrib.postgres.search
from django.db import migrations

INDEX = "claimembedding_search_idx"
# Rows still without a search vector (stale ones, or written by a path that skipped it):
# nearly empty, so search.search_vectors_backfill finds them without a scan.
PENDING_INDEX = "claimembedding_nosearch_idx"
BATCH = 50_000
# Exactly factcheck.linking.search.FTS_EXPR over the claim's text.
FILL = """
UPDATE linking_claimembedding e
SET search_vector = to_tsvector('english'::regconfig, COALESCE(c.text, ''::text))
FROM claims_claim c
WHERE c.id = e.claim_id AND e.claim_id > %s AND e.claim_id <= %s
  AND e.search_vector IS NULL AND e.text_hash = md5(c.text)
"""


def backfill(schema_editor) -> int:
    """Fill missing search vectors in batches of claim ids; returns rows filled."""
    filled = 0
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(min(claim_id), 0), coalesce(max(claim_id), 0) FROM linking_claimembedding")
        low, high = cursor.fetchone()
        start = low - 1
        while start < high:
            cursor.execute(FILL, [start, start + BATCH])
            filled += max(cursor.rowcount, 0)
            start += BATCH
    return filled


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    filled = backfill(schema_editor)
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON linking_claimembedding USING gin (search_vector)")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {PENDING_INDEX} ON linking_claimembedding (claim_id) WHERE search_vector IS NULL"
    )
    if filled:
        schema_editor.execute("ANALYZE linking_claimembedding")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        schema_editor.execute(f"DROP INDEX IF EXISTS {PENDING_INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("linking", "0004_drop_duplicate_fts_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="claimembedding",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
