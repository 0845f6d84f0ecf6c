"""The outbox separates what an email belongs to (``campaign``, for people) from its opaque
uniqueness key (``idempotency_key``, the former ``dedupe_key``, kept as it was so every
existing row stays unique). The former ``wave_key`` becomes the campaign; the apps that made
those keys name them for people in their own data migrations (cohorts 0008)."""

from django.db import migrations, models


def wave_key_to_campaign(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    OutgoingEmail.objects.exclude(wave_key="").update(campaign=models.F("wave_key"))


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0007_waitlist_closed_and_area_cohort_open_kinds"),
    ]

    operations = [
        migrations.RenameField(
            model_name="outgoingemail", old_name="dedupe_key", new_name="idempotency_key"
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="campaign",
            field=models.CharField(
                blank=True,
                help_text="What the email belongs to, e.g. a wave or a cohort.",
                max_length=160,
                verbose_name="campaign",
            ),
        ),
        migrations.AddField(
            model_name="historicaloutgoingemail",
            name="campaign",
            field=models.CharField(
                blank=True,
                help_text="What the email belongs to, e.g. a wave or a cohort.",
                max_length=160,
                verbose_name="campaign",
            ),
        ),
        migrations.RunPython(wave_key_to_campaign, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="outgoingemail", name="outbox_wave_kind"),
        migrations.RemoveField(model_name="outgoingemail", name="wave_key"),
        migrations.RemoveField(model_name="historicaloutgoingemail", name="wave_key"),
        migrations.AddIndex(
            model_name="outgoingemail",
            index=models.Index(fields=["campaign", "kind"], name="outbox_campaign_kind"),
        ),
    ]
