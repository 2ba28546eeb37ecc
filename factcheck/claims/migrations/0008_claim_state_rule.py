"""One state machine for a claim: a claim past draft, or with a verdict, was accepted.

Before this, labelling did not touch the triage status, so a labelled, approved or
published claim could still read "candidate". Existing rows are brought in line first,
then a check constraint keeps them so.
"""

from django.db import migrations, models
from django.db.models import Q


def accept_labelled(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Claim.objects.filter(status="candidate").filter(~Q(workflow="draft") | Q(verdict__isnull=False)).update(
        status="accepted"
    )
    Claim.objects.filter(status="rejected").exclude(workflow="draft").update(status="accepted")


class Migration(migrations.Migration):
    dependencies = [("claims", "0006_review_queue_indexes")]

    operations = [
        migrations.RunPython(accept_labelled, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(("workflow", "draft"), ("status", "accepted"), _connector="OR"),
                name="claim_workflow_needs_accepted",
            ),
        ),
    ]
