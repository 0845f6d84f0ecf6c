"""Every cohort has its delivery (filled by 0008)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0008_cohort_delivery_filled"),
    ]

    operations = [
        migrations.AlterField(
            model_name="cohort",
            name="delivery",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cohort",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
    ]
