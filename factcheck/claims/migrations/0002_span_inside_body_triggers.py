"""Database triggers that keep every span inside its article's body.

A CHECK constraint cannot look at another table, so the rule "end <= len(article.body)"
is a trigger, on PostgreSQL and on the embedded SQLite alike. Both databases count
characters (code points), as Python's string offsets do.
"""

from django.db import migrations

TABLES = {"claims_claim": ["end"], "claims_quote": ["end", "speaker_end"]}


def pg_sql(table: str, columns: list[str]) -> str:
    checks = "\n".join(
        f"""  IF NEW."{col}" IS NOT NULL AND NEW."{col}" > body_len THEN
    RAISE EXCEPTION '{table}.{col} % is outside the article body (length %)', NEW."{col}", body_len
      USING ERRCODE = '23514';
  END IF;"""
        for col in columns
    )
    return f"""
CREATE OR REPLACE FUNCTION {table}_span_inside_body() RETURNS trigger AS $$
DECLARE body_len integer;
BEGIN
  SELECT char_length(body) INTO body_len FROM articles_article WHERE id = NEW.article_id;
{checks}
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER {table}_span_inside_body BEFORE INSERT OR UPDATE ON {table}
  FOR EACH ROW EXECUTE FUNCTION {table}_span_inside_body();
"""


def sqlite_sql(table: str, columns: list[str]) -> list[str]:
    cond = " OR ".join(
        f'(NEW."{col}" IS NOT NULL AND NEW."{col}" > (SELECT length(body) FROM articles_article WHERE id = NEW.article_id))'
        for col in columns
    )
    return [
        f"""CREATE TRIGGER {table}_span_inside_body_{op.lower()} BEFORE {op} ON {table}
WHEN {cond}
BEGIN SELECT RAISE(ABORT, 'CHECK constraint failed: {table} span is outside the article body'); END;"""
        for op in ("INSERT", "UPDATE")
    ]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table, columns in TABLES.items():
        if vendor == "postgresql":
            schema_editor.execute(pg_sql(table, columns), params=None)
        elif vendor == "sqlite":
            for statement in sqlite_sql(table, columns):
                schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_inside_body ON {table};")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_span_inside_body();")
        elif vendor == "sqlite":
            for op in ("insert", "update"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_inside_body_{op};")


class Migration(migrations.Migration):
    dependencies = [("claims", "0001_initial"), ("articles", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
