"""A participant for every existing place (the school's attendee, on its cohort's delivery)
and every professional (on theirs), their history pointed to it, and each attendance
recorded against the participant of its place or professional. In its own transaction:
PostgreSQL alters no table with pending trigger events, and 0012 here and workshops 0010
alter these tables."""

from django.db import migrations


def participants_made(apps, schema_editor):
    Place = apps.get_model("cohorts", "Place")
    HistoricalPlace = apps.get_model("cohorts", "HistoricalPlace")
    Participant = apps.get_model("workshops", "Participant")
    Professional = apps.get_model("workshops", "Professional")
    HistoricalProfessional = apps.get_model("workshops", "HistoricalProfessional")
    Attendance = apps.get_model("workshops", "Attendance")
    HistoricalAttendance = apps.get_model("workshops", "HistoricalAttendance")

    of_place, of_professional = {}, {}
    for place_id, delivery_id in Place.objects.filter(participant__isnull=True).values_list(
        "pk", "cohort__delivery_id"
    ):
        participant = Participant.objects.create(delivery_id=delivery_id, kind="school_attendee")
        Place.objects.filter(pk=place_id).update(participant=participant)
        of_place[place_id] = participant.pk
    for pk, delivery_id in Professional.objects.filter(participant__isnull=True).values_list(
        "pk", "delivery_id"
    ):
        participant = Participant.objects.create(delivery_id=delivery_id, kind="professional")
        Professional.objects.filter(pk=pk).update(participant=participant)
        of_professional[pk] = participant.pk
    for model, people in (
        (HistoricalPlace, of_place),
        (HistoricalProfessional, of_professional),
    ):
        for pk, participant_id in people.items():
            model.objects.filter(id=pk).update(participant_id=participant_id)
    for model in (Attendance, HistoricalAttendance):
        for place_id, participant_id in of_place.items():
            model.objects.filter(place_id=place_id).update(participant_id=participant_id)
        for pk, participant_id in of_professional.items():
            model.objects.filter(professional_id=pk).update(participant_id=participant_id)


def people_restored(apps, schema_editor):
    """Backwards: each attendance back on the place or professional of its participant."""
    Place = apps.get_model("cohorts", "Place")
    Professional = apps.get_model("workshops", "Professional")
    Attendance = apps.get_model("workshops", "Attendance")
    for place_id, participant_id in Place.objects.values_list("pk", "participant_id"):
        Attendance.objects.filter(participant_id=participant_id).update(place_id=place_id)
    for pk, participant_id in Professional.objects.values_list("pk", "participant_id"):
        Attendance.objects.filter(participant_id=participant_id).update(professional_id=pk)


class Migration(migrations.Migration):
    dependencies = [
        ("cohorts", "0010_place_participant"),
    ]

    operations = [migrations.RunPython(participants_made, people_restored)]
