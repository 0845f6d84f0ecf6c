"""Survey invitations point to a participant (issue 12, item 3): nullable first, filled by
0010 from the place's or professional's participant, required by 0011, which drops the place
and professional columns. The "place XOR professional" check and the once-per-place and
once-per-professional constraints go here."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0008_stamp_survey_emails"),
        ("cohorts", "0012_place_participant_required"),
        ("workshops", "0010_attendance_per_participant"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="surveyinvitation", name="survey_invitation_place_or_professional"
        ),
        migrations.RemoveConstraint(
            model_name="surveyinvitation", name="survey_invitation_once_per_place"
        ),
        migrations.RemoveConstraint(
            model_name="surveyinvitation", name="survey_invitation_once_per_professional"
        ),
        migrations.AddField(
            model_name="surveyinvitation",
            name="participant",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="survey_invitations",
                to="workshops.participant",
                verbose_name="participant",
            ),
        ),
    ]
