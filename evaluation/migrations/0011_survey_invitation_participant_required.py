"""A survey invitation is a participant's, once per time point; the place and professional
columns go (their constraints went in 0009, so that backwards they come back only once 0010
has put each invitation on its place or professional again)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0010_survey_invitation_participant_filled")]

    operations = [
        migrations.RemoveField(model_name="surveyinvitation", name="place"),
        migrations.RemoveField(model_name="surveyinvitation", name="professional"),
        migrations.AlterField(
            model_name="surveyinvitation",
            name="participant",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="survey_invitations",
                to="workshops.participant",
                verbose_name="participant",
            ),
        ),
        migrations.AddConstraint(
            model_name="surveyinvitation",
            constraint=models.UniqueConstraint(
                fields=("participant", "time_point"),
                name="survey_invitation_once_per_participant",
                violation_error_message="This participant is already invited at this time point.",
            ),
        ),
    ]
