# The survey cells keep the phase, LA and MHST area they are counted in, and the region
# totals gain the response figures by them (``RateTotal``): the functions that keep them
# follow in 0018, once the table's unique constraint exists.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cohorts', '0026_set_up_import'),
        ('evaluation', '0016_survey_cell_released'),
        ('schools', '0008_establishment_name_index'),
    ]

    operations = [
        migrations.AddField(
            model_name='surveycell',
            name='local_authority',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.localauthority'),
        ),
        migrations.AddField(
            model_name='surveycell',
            name='mhst_area',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea'),
        ),
        migrations.AddField(
            model_name='surveycell',
            name='phase',
            field=models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cohorts.phase'),
        ),
        migrations.CreateModel(
            name='RateTotal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region', models.CharField(blank=True, max_length=30)),
                ('audience', models.CharField(max_length=20)),
                ('time_point', models.CharField(max_length=20)),
                ('cells', models.IntegerField()),
                ('invited', models.IntegerField()),
                ('released', models.IntegerField()),
                ('large', models.IntegerField()),
                ('local_authority', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.localauthority')),
                ('mhst_area', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.mhstarea')),
                ('phase', models.ForeignKey(db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='cohorts.phase')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('region', 'audience', 'time_point', 'phase', 'local_authority', 'mhst_area'), name='rate_total_unique', nulls_distinct=False)],
            },
        ),
    ]
