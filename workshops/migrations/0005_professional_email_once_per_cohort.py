"""Each professional once on a cohort, by email address without case (duplicates were
resolved by 0003, in its own transaction: PostgreSQL builds no index on a table with
pending trigger events)."""

import django.db.models.functions.text
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0004_professional_duplicates_resolved"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="professional",
            constraint=models.UniqueConstraint(
                django.db.models.functions.text.Lower("email"),
                models.F("cohort"),
                name="professional_email_once_per_cohort",
                violation_error_message="This email address is already on this cohort.",
            ),
        ),
    ]
