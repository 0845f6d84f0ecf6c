"""Seed the standard questionnaires, so every database has them (see evaluation.seed)."""

from django.db import migrations


def seed(apps, schema_editor):
    from evaluation.seed import seed_questionnaires

    seed_questionnaires(apps)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
