"""Before each professional is held once on a cohort (by email address without case, 0004),
rows entered twice are resolved, losing nothing recorded: of a cohort's rows sharing an
address, a copy with no attendance and no survey invitation is deleted (the one with
records, or else the first entered, stays). If two of them both have records, the migration
stops and says which, so a person decides.
"""

from django.db import migrations
from django.db.models import Count
from django.db.models.functions import Lower


class DuplicateProfessionals(RuntimeError):
    pass


def remove_duplicate_professionals(apps, schema_editor):
    Professional = apps.get_model("workshops", "Professional")
    Attendance = apps.get_model("workshops", "Attendance")
    SurveyInvitation = apps.get_model("evaluation", "SurveyInvitation")
    groups = (
        Professional.objects.annotate(address=Lower("email"))
        .values("cohort_id", "address")
        .annotate(rows=Count("pk"))
        .filter(rows__gt=1)
    )
    unresolved = []
    for group in groups:
        rows = list(
            Professional.objects.annotate(address=Lower("email"))
            .filter(cohort_id=group["cohort_id"], address=group["address"])
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        recorded = set(
            Attendance.objects.filter(professional_id__in=rows).values_list(
                "professional_id", flat=True
            )
        ) | set(
            SurveyInvitation.objects.filter(professional_id__in=rows).values_list(
                "professional_id", flat=True
            )
        )
        if len(recorded) > 1:
            unresolved.append(f"cohort {group['cohort_id']}: professionals {sorted(recorded)}")
            continue
        keep = next(iter(recorded)) if recorded else rows[0]
        Professional.objects.filter(pk__in=[pk for pk in rows if pk != keep]).delete()
    if unresolved:
        raise DuplicateProfessionals(
            "Some professionals are on a cohort twice with the same email address, and both "
            "entries have attendance or survey invitations recorded, so neither can be "
            "removed automatically: "
            + "; ".join(unresolved)
            + ". Give one of each pair its own correct email address (the cohort page, Edit "
            "professional), then migrate again."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0003_survey_invitations_responses"),
        ("workshops", "0003_one_line_names"),
    ]

    operations = [
        migrations.RunPython(remove_duplicate_professionals, migrations.RunPython.noop),
    ]
