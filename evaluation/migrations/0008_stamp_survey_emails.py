"""A survey email to a professional (no establishment) is stamped with the survey's cohort's
areas, so the coordinators of that cohort see it on the outbox page. The outbox's campaign
of each survey email names the cohort's surveys."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def stamp_from_cohorts(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    ContentType = apps.get_model("contenttypes", "ContentType")
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    Cohort = apps.get_model("cohorts", "Cohort")
    invitation_type = ContentType.objects.filter(
        app_label="evaluation", model="surveyinvitation"
    ).first()
    if invitation_type is None:
        return
    about_surveys = OutgoingEmail.objects.filter(subject_type=invitation_type)
    invitation = SurveyInvitation.objects.filter(pk=OuterRef("subject_id"))
    about_surveys.filter(establishment__isnull=True).update(
        local_authority_id=Subquery(invitation.values("cohort__local_authority_id")[:1]),
        mhst_area_id=Subquery(invitation.values("cohort__mhst_area_id")[:1]),
    )
    for cohort in Cohort.objects.filter(
        pk__in=SurveyInvitation.objects.values("cohort_id")
    ).only("pk", "name"):
        about_surveys.filter(
            subject_id__in=SurveyInvitation.objects.filter(cohort=cohort).values("pk")
        ).update(campaign=f"Surveys of {cohort.name} (cohort {cohort.pk})"[:160])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0007_staff_workshop_feedback"),
        ("outbox", "0010_area_stamps"),
        ("cohorts", "0015_stamp_professional_emails"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(stamp_from_cohorts, migrations.RunPython.noop)]
