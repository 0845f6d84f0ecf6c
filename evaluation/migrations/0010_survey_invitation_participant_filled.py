"""Each survey invitation's participant: its place's (the school's attendee) or its
professional's. In its own transaction: 0011 alters the table."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def participants_filled(apps, schema_editor):
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    Place = apps.get_model("cohorts", "Place")
    Professional = apps.get_model("workshops", "Professional")
    SurveyInvitation.objects.filter(place__isnull=False).update(
        participant_id=Subquery(
            Place.objects.filter(pk=OuterRef("place_id")).values("participant_id")[:1]
        )
    )
    SurveyInvitation.objects.filter(professional__isnull=False).update(
        participant_id=Subquery(
            Professional.objects.filter(pk=OuterRef("professional_id")).values(
                "participant_id"
            )[:1]
        )
    )


def people_restored(apps, schema_editor):
    """Backwards: each invitation back on the place or professional of its participant."""
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    Place = apps.get_model("cohorts", "Place")
    Professional = apps.get_model("workshops", "Professional")
    for model, field in ((Place, "place_id"), (Professional, "professional_id")):
        SurveyInvitation.objects.filter(
            participant_id__in=model.objects.values("participant_id")
        ).update(
            **{
                field: Subquery(
                    model.objects.filter(participant_id=OuterRef("participant_id")).values("pk")[
                        :1
                    ]
                )
            }
        )


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0009_survey_invitation_participant")]

    operations = [migrations.RunPython(participants_filled, people_restored)]
