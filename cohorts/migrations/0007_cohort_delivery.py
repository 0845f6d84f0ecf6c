"""Each cohort points to its delivery (``workshops.Delivery``); filled by 0008."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0006_place_settles_and_area_interest"),
        ("workshops", "0006_delivery"),
    ]

    operations = [
        migrations.AddField(
            model_name="cohort",
            name="delivery",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cohort",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
        migrations.AddField(
            model_name="historicalcohort",
            name="delivery",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
    ]
