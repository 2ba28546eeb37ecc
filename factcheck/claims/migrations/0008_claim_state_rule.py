"""One state machine for a claim: a claim past draft, or with a verdict, was accepted.

Before this, labelling did not touch the triage status, so a labelled, approved or
published claim could still read "candidate". Existing rows are brought in line first,
then a check constraint keeps them so.

On SQLite, adding a constraint rebuilds claims_claim, which drops the span triggers of
claims 0002 (claims 0004 had dropped claims_quote's the same way): they are created
again here, for both tables, so the embedded default keeps the rule too.
"""

import importlib

from django.db import migrations, models
from django.db.models import Q

span_triggers = importlib.import_module("factcheck.claims.migrations.0002_span_inside_body_triggers")


def sqlite_span_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for table, columns in span_triggers.TABLES.items():
        for op in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_span_inside_body_{op};")
        for statement in span_triggers.sqlite_sql(table, columns):
            schema_editor.execute(statement)


def accept_labelled(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(status="candidate").filter(~Q(workflow="draft") | Q(verdict__isnull=False)).update(
        status="accepted"
    )
    Claim.objects.filter(status="rejected").exclude(workflow="draft").update(status="accepted")


class Migration(migrations.Migration):
    dependencies = [("claims", "0007_claim_search")]

    operations = [
        migrations.RunPython(accept_labelled, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("workflow", "draft"), ("status", "accepted"), _connector="OR"),
                name="claim_workflow_needs_accepted",
            ),
        ),
        migrations.RunPython(sqlite_span_triggers, sqlite_span_triggers),
    ]
