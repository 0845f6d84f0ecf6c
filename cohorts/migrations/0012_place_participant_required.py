"""Every place has its participant (filled by 0011)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0011_participants_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="place",
            name="participant",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="school_attendee",
                to="workshops.participant",
                verbose_name="participant",
            ),
        ),
    ]
