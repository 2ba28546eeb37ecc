"""Write linking's stored-tsvector GIN index (claimembedding_search_idx, linking 0005) directly,
without GIN's "fast update" pending list, and flush the entries already pending.

With fastupdate on (PostgreSQL's default), rows inserted or updated since the last VACUUM sit
in an unsorted pending list (up to gin_pending_list_limit) that every scan of the index reads
in full, and link suggestions scan this index once per query clause. Without it, each new
row's lexemes go into the index when the row is written. PostgreSQL only, like 0005. (The
index is dropped by linking 0007; claims 0007 creates the claims' own index the same way.)
"""

from django.db import migrations

INDEX = "claimembedding_search_idx"


def _index_exists(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [INDEX])
        return bool(cursor.fetchone()[0])


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql" or not _index_exists(schema_editor):
        return
    schema_editor.execute(f"ALTER INDEX {INDEX} SET (fastupdate = off)")
    # Turning fastupdate off does not flush what is already pending.
    schema_editor.execute(f"SELECT gin_clean_pending_list('{INDEX}'::regclass)")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql" and _index_exists(schema_editor):
        schema_editor.execute(f"ALTER INDEX {INDEX} RESET (fastupdate)")


class Migration(migrations.Migration):
    dependencies = [
        ("linking", "0005_claimembedding_search_vector"),
    ]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
