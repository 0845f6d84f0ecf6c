"""Each place will have its participant (the school's attendee); filled by 0011."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0009_cohort_delivery_required'),
        ('workshops', '0009_participants'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplace',
            name='participant',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='workshops.participant', verbose_name='participant'),
        ),
        migrations.AddField(
            model_name='place',
            name='participant',
            field=models.OneToOneField(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='school_attendee', to='workshops.participant', verbose_name='participant'),
        ),
    ]
