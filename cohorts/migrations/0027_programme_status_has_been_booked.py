from django.db import migrations, models

# The roster statuses as they stood when the column was added (cohorts.models.places).
ROSTER = ("booked", "attended_day_1", "completed", "attended_one_day", "did_not_attend")


def fill(apps, schema_editor):
    """Every establishment that has held a place on a roster: its status row says so (each
    such establishment has one, as it has a place)."""
    Place = apps.get_model("cohorts", "Place")
    ProgrammeStatus = apps.get_model("cohorts", "ProgrammeStatus")
    ProgrammeStatus.objects.filter(
        establishment_id__in=Place.objects.filter(status__in=ROSTER).values("establishment_id")
    ).update(has_been_booked=True)


class Migration(migrations.Migration):
    dependencies = [("cohorts", "0026_set_up_import")]

    operations = [
        migrations.AddField(
            model_name="programmestatus",
            name="has_been_booked",
            field=models.BooleanField(
                default=False,
                help_text=(
                    "Has held a place on a cohort's roster (booked, then attended or not), "
                    'whatever its status now: the programme funnel\'s "booked".'
                ),
                verbose_name="has been booked",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
