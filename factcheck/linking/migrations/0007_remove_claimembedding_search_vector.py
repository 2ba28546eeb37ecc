"""Drop linking's copy of the claims' full-text vectors (`ClaimEmbedding.search_vector`,
linking 0005 and 0006) and its two indexes: the claim now stores its own, as a generated
column the database keeps current (claims 0007), so link retrieval no longer needs a copy
written beside each embedding, nor a fallback for claims that have none.

Reversing adds the column back empty with its indexes (PostgreSQL); the previous code fills
it as it re-embeds claims (`manage.py similar --backfill`).
"""

from django.db import migrations

INDEXES = {
    "claimembedding_search_idx": "linking_claimembedding USING gin (search_vector) WITH (fastupdate = off)",
    "claimembedding_nosearch_idx": "linking_claimembedding (claim_id) WHERE search_vector IS NULL",
}


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, target in INDEXES.items():
            schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


class Migration(migrations.Migration):
    dependencies = [
        ("linking", "0006_search_index_no_pending_list"),
        ("claims", "0007_claim_search"),
    ]

    operations = [
        migrations.RunPython(drop_indexes, migrations.RunPython.noop, elidable=False),
        migrations.RemoveField(model_name="claimembedding", name="search_vector"),
        migrations.RunPython(migrations.RunPython.noop, create_indexes, elidable=False),
    ]
