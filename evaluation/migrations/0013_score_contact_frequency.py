"""Contact with CYPMHS, the pilot's first outcome, is asked as how often: its choices are
in an order, so each gets a score (1 “not at all” to 5 “every week or more often”) and the
outcome gets a paired change. Every version of the question is scored, by choice value."""

from django.db import migrations

CODE = "outcome_contact_frequency"
#: As in ``evaluation.seed.questions.CONTACT_FREQUENCY_CHOICES``, written out so that this
#: migration does not change if the seed does.
SCORES = {"never": 1, "once": 2, "few_times": 3, "monthly": 4, "weekly": 5}


def score(apps, schema_editor):
    Choice = apps.get_model("evaluation", "Choice")
    for value, points in SCORES.items():
        Choice.objects.filter(question__code=CODE, value=value).update(score=points)


def unscore(apps, schema_editor):
    Choice = apps.get_model("evaluation", "Choice")
    Choice.objects.filter(question__code=CODE).update(score=None)


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0012_choice_score")]

    operations = [migrations.RunPython(score, unscore)]
