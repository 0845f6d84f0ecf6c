"""Workshop days and professionals belong to a delivery, no longer to a cohort (moved by
cohorts 0008): one workshop per number and delivery, each professional once per delivery."""

import django.db.models.deletion
import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0006_delivery"),
        ("cohorts", "0008_cohort_delivery_filled"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="professional", name="professional_email_once_per_cohort"
        ),
        migrations.RemoveConstraint(model_name="workshop", name="workshop_one_per_day"),
        migrations.AlterField(
            model_name="professional",
            name="delivery",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="professionals",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
        migrations.AlterField(
            model_name="workshop",
            name="delivery",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="workshops",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
        migrations.RemoveField(model_name="historicalprofessional", name="cohort"),
        migrations.RemoveField(model_name="historicalworkshop", name="cohort"),
        migrations.RemoveField(model_name="professional", name="cohort"),
        migrations.RemoveField(model_name="workshop", name="cohort"),
        migrations.AlterModelOptions(
            name="professional",
            options={
                "ordering": ["delivery", "name"],
                "verbose_name": "professional",
                "verbose_name_plural": "professionals",
            },
        ),
        migrations.AlterModelOptions(
            name="workshop",
            options={
                "ordering": ["delivery", "day"],
                "verbose_name": "workshop",
                "verbose_name_plural": "workshops",
            },
        ),
        migrations.AddConstraint(
            model_name="professional",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("delivery"),
                name="professional_email_once_per_delivery",
                violation_error_message="This email address is already on this cohort.",
            ),
        ),
        migrations.AddConstraint(
            model_name="workshop",
            constraint=models.UniqueConstraint(
                fields=("delivery", "day"), name="workshop_one_per_day"
            ),
        ),
    ]
