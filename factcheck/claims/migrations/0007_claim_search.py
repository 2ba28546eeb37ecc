"""The claim's stored full-text vector: a generated `search_vector` column and its GIN index.

Why not a plain AddField: the column is a stored generated column on PostgreSQL, but SQLite
cannot add a STORED generated column with ALTER TABLE, and Django would then rebuild
claims_claim, dropping the span triggers of claims 0002. So the model state gets the field
as declared (`makemigrations --check` stays clean), and the database gets, per vendor:

- PostgreSQL: the column exactly as Django declares it (`GENERATED ALWAYS AS
  (to_tsvector('english'::regconfig, COALESCE(text, ''))) STORED`, which rewrites the table
  once), its GIN index written without the fast-update pending list (every scan reads that
  list in full, once per query clause for link retrieval), and the expression index of
  claims 0005 on the same words dropped: both workspace search and link retrieval now
  query the column.
- SQLite: a VIRTUAL generated column whose value is NULL (what the field compiles to
  there; a later table rebuild would make it STORED NULL, the same thing). No index:
  search there uses LIKE.
"""

import django.contrib.postgres.search
from django.db import migrations, models

import factcheck.core.fulltext

INDEX = "claim_search_idx"
OLD_INDEX = "claim_text_fts_idx"
OLD_INDEX_SQL = (
    f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON claims_claim "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, ''::text)))"
)


def forwards(apps, schema_editor):
    claim = apps.get_model("claims", "Claim")
    field = claim._meta.get_field("search_vector")
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.add_field(claim, field)
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin (search_vector) WITH (fastupdate = off)"
        )
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")
        schema_editor.execute("ANALYZE claims_claim")
    elif vendor == "sqlite":
        schema_editor.execute(
            'ALTER TABLE claims_claim ADD COLUMN "search_vector" tsvector GENERATED ALWAYS AS (NULL) VIRTUAL'
        )
    else:
        schema_editor.add_field(claim, field)


def backwards(apps, schema_editor):
    claim = apps.get_model("claims", "Claim")
    field = claim._meta.get_field("search_vector")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(OLD_INDEX_SQL)
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute('ALTER TABLE claims_claim DROP COLUMN "search_vector"')
    else:
        schema_editor.remove_field(claim, field)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_review_queue_indexes"),
    ]

    operations = [
        # State only: the database side is the RunPython below, per vendor.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="claim",
                    name="search_vector",
                    field=models.GeneratedField(
                        db_persist=True,
                        expression=factcheck.core.fulltext.StoredSearchVector("text", config="english"),
                        output_field=django.contrib.postgres.search.SearchVectorField(),
                    ),
                ),
            ],
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
