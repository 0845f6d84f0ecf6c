"""Give the seeded questionnaires' sections their time points (see evaluation.seed)."""

from django.db import migrations


def update(apps, schema_editor):
    from evaluation.seed import seed_section_time_points

    seed_section_time_points(apps)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0004_section_time_points")]

    operations = [migrations.RunPython(update, migrations.RunPython.noop)]
