"""Attendance is per (session, participant), whatever the kind of person: the place and
professional columns (and the constraint that one of them is set) go, once cohorts 0011 has
recorded each attendance against its participant. Every professional is a participant."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0009_participants"),
        ("cohorts", "0011_participants_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="attendance",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="attendances",
                to="workshops.participant",
                verbose_name="participant",
            ),
        ),
        migrations.AlterField(
            model_name="professional",
            name="participant",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="professional",
                to="workshops.participant",
                verbose_name="participant",
            ),
        ),
        migrations.RemoveConstraint(
            model_name='attendance',
            name='attendance_for_a_place_or_a_professional',
        ),
        migrations.RemoveConstraint(
            model_name='attendance',
            name='attendance_once_per_place_and_day',
        ),
        migrations.RemoveConstraint(
            model_name='attendance',
            name='attendance_once_per_professional_and_day',
        ),
        migrations.RemoveField(
            model_name='attendance',
            name='place',
        ),
        migrations.RemoveField(
            model_name='attendance',
            name='professional',
        ),
        migrations.RemoveField(
            model_name='historicalattendance',
            name='place',
        ),
        migrations.RemoveField(
            model_name='historicalattendance',
            name='professional',
        ),
        migrations.AddConstraint(
            model_name='attendance',
            constraint=models.UniqueConstraint(fields=('workshop', 'participant'), name='attendance_once_per_participant'),
        ),
    ]
