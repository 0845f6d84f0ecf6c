"""The programme's record from the emails sent before it existed.

- An ``Invitation`` (channel email) for each invitation email not cancelled, in the wave its
  key names (``invitation|<recipient>|schools.establishment:<id>|wave-<id>``), invited when
  it was sent (or queued), linked to the email; ``nudged_at`` from the wave's nudge email.
- A ``WorkshopReminder`` for each workshop reminder email not cancelled (its key names the
  workshop and how long before: ``workshop-<id>-7d``).
- The outbox's campaigns named for people: the former wave key ``wave-<id>`` becomes the
  wave's name; an email about a place, a workshop or an area interest belongs to its cohort;
  a new booking link to "Booking links".
"""

import re

from django.db import migrations

_WAVE = re.compile(r"^wave-(\d+)$")
_REMINDER = re.compile(r"^workshop-(\d+)-(\w+)$")


def _wave_id(key: str) -> int | None:
    match = _WAVE.match(key.rsplit("|", 1)[-1])
    return int(match[1]) if match else None


def invitations_from_emails(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    Invitation = apps.get_model("cohorts", "Invitation")
    Wave = apps.get_model("cohorts", "Wave")
    waves = set(Wave.objects.values_list("pk", flat=True))
    emails = (
        OutgoingEmail.objects.filter(kind="invitation", establishment__isnull=False)
        .exclude(status="cancelled")
        .order_by("pk")
        .values_list("pk", "idempotency_key", "establishment_id", "sent_at", "created_at")
    )
    batch = []
    for pk, key, establishment_id, sent_at, created_at in emails.iterator(chunk_size=2000):
        wave_id = _wave_id(key)
        if wave_id not in waves:
            continue
        batch.append(
            Invitation(
                wave_id=wave_id,
                establishment_id=establishment_id,
                channel="email",
                invited_at=sent_at or created_at,
                email_id=pk,
            )
        )
        if len(batch) >= 2000:
            Invitation.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Invitation.objects.bulk_create(batch, ignore_conflicts=True)
    nudges = OutgoingEmail.objects.filter(kind="nudge", establishment__isnull=False).values_list(
        "idempotency_key", "establishment_id", "created_at"
    )
    for key, establishment_id, created_at in nudges.iterator(chunk_size=2000):
        wave_id = _wave_id(key)
        if wave_id in waves:
            Invitation.objects.filter(
                wave_id=wave_id, establishment_id=establishment_id, nudged_at__isnull=True
            ).update(nudged_at=created_at)


def reminders_from_emails(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    WorkshopReminder = apps.get_model("cohorts", "WorkshopReminder")
    Place = apps.get_model("cohorts", "Place")
    Workshop = apps.get_model("workshops", "Workshop")
    emails = (
        OutgoingEmail.objects.filter(kind="workshop_reminder", subject_id__isnull=False)
        .exclude(status="cancelled")
        .values_list("idempotency_key", "subject_id")
    )
    wanted = []
    for key, place_id in emails.iterator(chunk_size=2000):
        match = _REMINDER.match(key.rsplit("|", 1)[-1])
        if match:
            wanted.append((place_id, int(match[1]), match[2]))
    places = set(Place.objects.filter(pk__in={w[0] for w in wanted}).values_list("pk", flat=True))
    workshops = set(
        Workshop.objects.filter(pk__in={w[1] for w in wanted}).values_list("pk", flat=True)
    )
    WorkshopReminder.objects.bulk_create(
        [
            WorkshopReminder(place_id=place_id, workshop_id=workshop_id, label=label)
            for place_id, workshop_id, label in wanted
            if place_id in places and workshop_id in workshops
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )


def campaigns_named(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Wave = apps.get_model("cohorts", "Wave")
    Cohort = apps.get_model("cohorts", "Cohort")
    Place = apps.get_model("cohorts", "Place")
    AreaInterest = apps.get_model("cohorts", "AreaInterest")
    Workshop = apps.get_model("workshops", "Workshop")
    for wave in Wave.objects.all():
        OutgoingEmail.objects.filter(campaign=f"wave-{wave.pk}").update(
            campaign=f"{wave.name} (wave {wave.pk})"[:160]
        )

    def content_type(app_label, model):
        return ContentType.objects.filter(app_label=app_label, model=model).first()

    place_type = content_type("cohorts", "place")
    workshop_type = content_type("workshops", "workshop")
    interest_type = content_type("cohorts", "areainterest")
    for cohort in Cohort.objects.all():
        campaign = f"{cohort.name} (cohort {cohort.pk})"[:160]
        for subject_type, ids in (
            (place_type, Place.objects.filter(cohort=cohort).values("pk")),
            (workshop_type, Workshop.objects.filter(delivery__cohort=cohort).values("pk")),
            (interest_type, AreaInterest.objects.filter(told_about=cohort).values("pk")),
        ):
            if subject_type is not None:
                OutgoingEmail.objects.filter(subject_type=subject_type, subject_id__in=ids).update(
                    campaign=campaign
                )
    OutgoingEmail.objects.filter(kind="new_link", campaign__startswith="link-").exclude(
        subject_type__app_label="evaluation"
    ).update(campaign="Booking links")


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0013_invitations_and_what_was_told"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("workshops", "0010_attendance_per_participant"),
    ]

    operations = [
        migrations.RunPython(invitations_from_emails, migrations.RunPython.noop),
        migrations.RunPython(reminders_from_emails, migrations.RunPython.noop),
        migrations.RunPython(campaigns_named, migrations.RunPython.noop),
    ]
