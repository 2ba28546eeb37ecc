"""Create the four role groups. What each may do is in factcheck/accounts/roles.py."""

from django.db import migrations

ROLES = ["reporter", "fact-checker", "editor", "admin"]


def forwards(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
