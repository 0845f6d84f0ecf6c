"""School staff give feedback on the workshops after the programme, as professionals do: the
published staff questionnaire gets the section, in a new version if anyone was sent it (see
evaluation.seed.seed_staff_workshop_feedback)."""

from django.db import migrations


def add(apps, schema_editor):
    from evaluation.seed import seed_staff_workshop_feedback

    seed_staff_workshop_feedback(apps)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0006_one_line_labels")]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
