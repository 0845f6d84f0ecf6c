"""One-line text: every CharField people type into refuses a line break, wherever it comes
from (the apps' own forms and services are tested with each app)."""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse

from cohorts.models import Phase
from core.validators import validate_one_line

LINK_APPS = (
    "accounts",
    "cohorts",
    "evaluation",
    "facilitation",
    "outbox",
    "schools",
    "workshops",
)
#: CharFields that Link writes itself; nobody types into them.
WRITTEN_BY_LINK = {
    "outbox.OutgoingEmail": {
        "campaign",
        "idempotency_key",
        "subject",
        "last_error",
        "message_id",
        "lease_token",
    },
    "outbox.FanOut": {"name", "last_error"},
    "facilitation.MeetingInvite": {"told_digest"},
    "evaluation.Answer": {"choice"},  # the value of one of the question's choices
    "evaluation.SurveyInvitation": {"pair_key"},  # random, made by the retention job
    "facilitation.RatingRequest": {"pair_key"},  # likewise (facilitation.rating_retention)
    # The evaluation report's cells, worked out from the answers (evaluation.cells).
    "evaluation.SurveyCell": {"audience", "region", "time_point"},
    "evaluation.AnswerCell": {"audience", "code", "kind", "region", "time_point", "value"},
    "evaluation.AnswerTotal": {"audience", "code", "kind", "region", "time_point", "value"},
    "evaluation.PairCell": {"audience", "code", "outcome", "region", "time_a", "time_b"},
    "evaluation.PairTotal": {"audience", "code", "outcome", "region", "time_a", "time_b"},
    "evaluation.PairAreaTotal": {"audience", "outcome", "region", "time_a", "time_b"},
    "evaluation.RateTotal": {"audience", "region", "time_point"},
    "evaluation.CellThreshold": {"key_id"},  # the name of a key, made by the database
    # What a GIAS import and the register's review say happened, written by Link.
    "schools.GiasImport": {"message"},
    "schools.RegisterChange": {"held_because", "outcome"},
}


def typed_char_fields():
    for model in apps.get_models():
        label = model._meta.label
        if model._meta.app_label not in LINK_APPS or model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if (
                isinstance(field, models.CharField)
                and not field.choices
                and field.name not in WRITTEN_BY_LINK.get(label, ())
            ):
                yield pytest.param(field, id=f"{label}.{field.name}")


@pytest.mark.parametrize(
    "line_break", ["\n", "\r", "\r\n", "\v", "\f", "\x85", "\u2028", "\u2029"], ids=repr
)
def test_every_kind_of_line_break_is_refused(line_break):
    with pytest.raises(ValidationError, match="Enter this on one line.") as refused:
        validate_one_line(f"Camden{line_break}spring")

    assert refused.value.code == "one_line"


def test_text_on_one_line_is_taken():
    validate_one_line("St Mary’s C of E – Hall 2\t(rear entrance), Camden; NW1 1AA")


@pytest.mark.parametrize("field", list(typed_char_fields()))
def test_every_char_field_people_type_into_refuses_a_line_break(field):
    if isinstance(field, models.EmailField):
        valid = "one@school.example"
    elif isinstance(field, models.URLField):
        valid = "https://meet.example/one"
    else:
        valid = "one"
    field.run_validators(valid)
    # Most by the one-line validator; emails, links, slugs and codes by their own.
    with pytest.raises(ValidationError):
        field.run_validators(valid[:2] + "\n" + valid[2:])


@pytest.mark.django_db
def test_the_admin_refuses_a_name_on_two_lines(admin_client):
    response = admin_client.post(
        reverse("admin:cohorts_phase_add"),
        {"name": "Year 1\r\nautumn", "start_date": "2026-09-01", "end_date": "2026-12-18"},
    )

    assert response.status_code == 200
    assert "Enter this on one line." in response.content.decode()
    assert not Phase.objects.exists()
