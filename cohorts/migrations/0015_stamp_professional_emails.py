"""An email to a professional (about a workshop, with no establishment) is stamped with its
cohort's areas, so the coordinators of that cohort see it on the outbox page."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def stamp_from_cohorts(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Workshop = apps.get_model("workshops", "Workshop")
    workshop_type = ContentType.objects.filter(app_label="workshops", model="workshop").first()
    if workshop_type is None:
        return
    workshop = Workshop.objects.filter(pk=OuterRef("subject_id"))
    OutgoingEmail.objects.filter(establishment__isnull=True, subject_type=workshop_type).update(
        local_authority_id=Subquery(workshop.values("delivery__cohort__local_authority_id")[:1]),
        mhst_area_id=Subquery(workshop.values("delivery__cohort__mhst_area_id")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0014_invitations_from_emails"),
        ("outbox", "0010_area_stamps"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(stamp_from_cohorts, migrations.RunPython.noop)]
