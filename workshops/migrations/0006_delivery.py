"""A delivery (one way of delivering to one group) that workshop days and professionals will
belong to instead of a cohort; filled by cohorts 0008, made required by 0007 here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0005_professional_email_once_per_cohort"),
    ]

    operations = [
        migrations.CreateModel(
            name="Delivery",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                (
                    "kind",
                    models.CharField(
                        choices=[("cohort", "Cohort of schools")],
                        max_length=20,
                        verbose_name="kind",
                    ),
                ),
            ],
            options={"verbose_name": "delivery", "verbose_name_plural": "deliveries"},
        ),
        migrations.AddConstraint(
            model_name="delivery",
            constraint=models.CheckConstraint(
                condition=models.Q(("kind__in", ["cohort"])), name="delivery_kind_valid"
            ),
        ),
        migrations.AddField(
            model_name="historicalprofessional",
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
        migrations.AddField(
            model_name="historicalworkshop",
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
        migrations.AddField(
            model_name="professional",
            name="delivery",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="professionals",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
        migrations.AddField(
            model_name="workshop",
            name="delivery",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="workshops",
                to="workshops.delivery",
                verbose_name="delivery",
            ),
        ),
    ]
