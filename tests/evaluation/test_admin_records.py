"""The Django admin of survey invitations and responses: read-only records."""

import pytest
from django.urls import reverse

from evaluation.models import Response, TimePoint

from .factories import AnswerFactory, QuestionFactory, ResponseFactory, SurveyInvitationFactory

pytestmark = pytest.mark.django_db


def make_responses(count: int) -> list[Response]:
    responses = []
    for _ in range(count):
        response = ResponseFactory()
        AnswerFactory(response=response, question=QuestionFactory(), number=4)
        responses.append(response)
    return responses


def test_a_response_page_shows_its_answers_read_only_and_not_who_gave_them(admin_client):
    response = make_responses(1)[0]
    place = response.invitation.participant.person

    page = admin_client.get(reverse("admin:evaluation_response_change", args=[response.pk]))

    body = page.content.decode()
    assert page.status_code == 200
    assert "Close" in body and 'name="_save"' not in body  # a view page, no save button
    answer = response.answers.get()
    assert answer.question.code in body
    assert place.establishment.name not in body
    assert place.attendee_email not in body


def test_responses_and_invitations_cannot_be_added_in_the_admin(admin_client):
    assert admin_client.get(reverse("admin:evaluation_response_add")).status_code == 403
    assert admin_client.get(reverse("admin:evaluation_surveyinvitation_add")).status_code == 403


def test_deleting_a_response_removes_its_answers(admin_client):
    response = make_responses(1)[0]

    admin_client.post(
        reverse("admin:evaluation_response_delete", args=[response.pk]), {"post": "yes"}
    )

    assert not Response.objects.filter(pk=response.pk).exists()
    assert not response.answers.exists()


@pytest.mark.parametrize("name", ["response", "surveyinvitation"])
def test_record_lists_cost_the_same_at_3_and_30_rows(
    admin_client, django_assert_max_num_queries, name
):
    url = reverse(f"admin:evaluation_{name}_changelist")
    make_responses(3)
    with django_assert_max_num_queries(20) as few:
        assert admin_client.get(url).status_code == 200
    make_responses(27)
    SurveyInvitationFactory(time_point=TimePoint.POST)  # one without a response
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = admin_client.get(url)
    assert page.status_code == 200
