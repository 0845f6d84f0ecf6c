"""The Django admin of questionnaires: lists, two-level editing, the versioning rule."""

import pytest
from django.urls import reverse

from evaluation.models import Audience, Question, QuestionKind, Questionnaire, Section
from evaluation.services import questionnaire_publish

from .factories import ChoiceFactory, QuestionFactory, QuestionnaireFactory, SectionFactory

pytestmark = pytest.mark.django_db
QUESTIONNAIRES = reverse("admin:evaluation_questionnaire_changelist")
QUESTIONS = reverse("admin:evaluation_question_changelist")


@pytest.fixture(autouse=True)
def _without_seeded_questionnaires():
    """Start from no questionnaires, so lists hold only what each test makes."""
    Questionnaire.objects.all().delete()


def change_url(obj) -> str:
    return reverse(f"admin:evaluation_{obj._meta.model_name}_change", args=[obj.pk])


def form_data(form) -> dict:
    """What a browser would post back for an unchanged (bound or unbound) form."""
    data = {}
    for field in form:
        value = field.value()
        if value is None:
            continue
        if isinstance(value, bool):
            if value:
                data[field.html_name] = "on"
            continue
        data[field.html_name] = value
    return data


def post_data(response) -> dict:
    """The change page's form and inline formsets as the browser would post them unchanged."""
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.initial_forms:
            data.update(form_data(form))
    return data


def draft_with_questions(count: int) -> Questionnaire:
    questionnaire = QuestionnaireFactory()
    sections = [SectionFactory(questionnaire=questionnaire, order=order) for order in (1, 2, 3)]
    for order in range(1, count + 1):
        QuestionFactory(section=sections[order % 3], order=order)
    return questionnaire


def test_changelists_load_and_search(admin_client):
    staff = QuestionnaireFactory(name="Staff questionnaire")
    QuestionnaireFactory(name="Professional feedback")
    QuestionFactory(section=SectionFactory(questionnaire=staff), code="cascade_clarity")
    QuestionFactory(code="outcome_referral_routes")

    found = admin_client.get(QUESTIONNAIRES, {"q": "staff"})
    assert [q.pk for q in found.context["cl"].result_list] == [staff.pk]
    found = admin_client.get(QUESTIONS, {"q": "cascade"})
    assert [q.code for q in found.context["cl"].result_list] == ["cascade_clarity"]


def test_questions_filter_by_questionnaire_kind_and_outcome(admin_client):
    wanted = QuestionFactory(outcome="cascade", code="cascade_clarity")
    QuestionFactory(outcome="knowledge", code="outcome_knowledge")
    QuestionFactory(kind=QuestionKind.YES_NO, likert_low_label="", code="yes_no")

    def codes(**params):
        return {q.code for q in admin_client.get(QUESTIONS, params).context["cl"].result_list}

    assert codes(questionnaire__id__exact=wanted.questionnaire_id) == {"cascade_clarity"}
    assert codes(outcome__exact="cascade") == {"cascade_clarity"}
    assert codes(kind__exact=QuestionKind.YES_NO) == {"yes_no"}


def test_draft_is_edited_on_one_page_with_its_sections_and_questions(admin_client):
    questionnaire = draft_with_questions(3)
    question = Question.objects.filter(questionnaire=questionnaire).first()
    url = change_url(questionnaire)
    page = admin_client.get(url)
    assert page.status_code == 200
    assert "Make a new version" in page.content.decode()  # the rule, explained on the page
    data = post_data(page)
    prefix = next(
        i.formset.prefix
        for i in page.context["inline_admin_formsets"]
        if i.formset.model is Question
    )
    index = next(
        n
        for n, form in enumerate(page.context["inline_admin_formsets"][1].formset.initial_forms)
        if form.instance.pk == question.pk
    )
    data[f"{prefix}-{index}-text"] = "Reworded?"
    data["name"] = "Renamed draft"

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    question.refresh_from_db()
    questionnaire.refresh_from_db()
    assert question.text == "Reworded?"
    assert questionnaire.name == "Renamed draft"


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"code": "taken", "likert_low_label": "Never", "likert_high_label": "Always"}, "code"),
        ({"code": "fresh"}, "labels for both ends"),
    ],
    ids=["duplicate-code", "likert-without-labels"],
)
def test_inline_refuses_a_duplicate_code_or_a_likert_question_without_labels(
    admin_client, change, error
):
    questionnaire = draft_with_questions(2)
    Question.objects.filter(questionnaire=questionnaire).filter(
        pk=Question.objects.filter(questionnaire=questionnaire).first().pk
    ).update(code="taken")
    section = questionnaire.sections.first()
    url = change_url(questionnaire)
    data = post_data(admin_client.get(url))
    data.update(
        {
            "questions-TOTAL_FORMS": "3",
            "questions-2-section": section.pk,
            "questions-2-order": "99",
            "questions-2-text": "New?",
            "questions-2-kind": QuestionKind.LIKERT,
            "questions-2-required": "on",
        }
    )
    data.update({f"questions-2-{name}": value for name, value in change.items()})

    response = admin_client.post(url, data)

    assert response.status_code == 200
    assert error in str(response.context["errors"])
    assert Question.objects.filter(questionnaire=questionnaire).count() == 2


def test_published_questionnaire_is_read_only_on_its_page(admin_client):
    questionnaire = questionnaire_publish(questionnaire=draft_with_questions(3))
    question = Question.objects.filter(questionnaire=questionnaire).first()
    url = change_url(questionnaire)

    page = admin_client.get(url)

    assert page.status_code == 200
    assert "name" not in page.context["adminform"].form.fields
    for inline in page.context["inline_admin_formsets"]:
        assert not inline.has_add_permission
        assert not inline.has_change_permission
        assert not inline.has_delete_permission
    data = post_data(page)
    data.update({"questions-0-text": "Changed underneath", "questions-0-DELETE": "on"})
    admin_client.post(url, data)
    question.refresh_from_db()
    assert question.text != "Changed underneath"
    assert Question.objects.filter(questionnaire=questionnaire).count() == 3


def test_question_of_a_published_questionnaire_is_view_only(admin_client):
    section = SectionFactory()
    question = QuestionFactory(section=section, kind=QuestionKind.SINGLE_CHOICE)
    ChoiceFactory(question=question, order=1)
    ChoiceFactory(question=question, order=2)
    questionnaire_publish(questionnaire=section.questionnaire)

    page = admin_client.get(change_url(question))

    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    response = admin_client.post(change_url(question), {"text": "Changed underneath"})
    assert response.status_code == 403
    question.refresh_from_db()
    assert question.text != "Changed underneath"


def test_question_of_a_draft_is_edited_with_its_choices(admin_client):
    question = QuestionFactory(kind=QuestionKind.SINGLE_CHOICE, likert_low_label="")
    ChoiceFactory(question=question, order=1, label="Never", value="never")
    url = change_url(question)
    page = admin_client.get(url)
    assert page.context["has_change_permission"]
    data = post_data(page)
    data.update(
        {
            "choices-TOTAL_FORMS": "2",
            "choices-1-order": "2",
            "choices-1-label": "Often",
            "choices-1-value": "often",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"]
    assert list(question.choices.values_list("value", flat=True)) == ["never", "often"]


def test_make_a_new_version_action(admin_client):
    published = questionnaire_publish(questionnaire=draft_with_questions(4))

    response = admin_client.post(
        QUESTIONNAIRES,
        {"action": "make_new_version", "_selected_action": [published.pk]},
        follow=True,
    )

    assert response.status_code == 200
    copy = Questionnaire.objects.get(family=published.family, version=2)
    assert not copy.is_published
    assert Question.objects.filter(questionnaire=copy).count() == 4
    assert Section.objects.filter(questionnaire=copy).count() == 3
    assert f'Made <a href="{change_url(copy)}">' in response.content.decode()
    # The copy is editable on its page.
    page = admin_client.get(change_url(copy))
    assert all(i.has_change_permission for i in page.context["inline_admin_formsets"])


def test_publish_action_refuses_what_cannot_be_answered(admin_client):
    section = SectionFactory()
    QuestionFactory(section=section, kind=QuestionKind.SINGLE_CHOICE, code="lonely")

    response = admin_client.post(
        QUESTIONNAIRES,
        {"action": "publish", "_selected_action": [section.questionnaire_id]},
        follow=True,
    )

    assert "lonely" in response.content.decode()
    section.questionnaire.refresh_from_db()
    assert not section.questionnaire.is_published


@pytest.mark.parametrize("publish", [False, True], ids=["draft", "published"])
def test_questionnaire_change_page_costs_the_same_at_5_and_60_questions(
    admin_client, django_assert_max_num_queries, publish
):
    small = draft_with_questions(5)
    large = draft_with_questions(60)
    if publish:  # one published version per audience: one for each
        large.audience = Audience.PROFESSIONALS
        large.save()
        questionnaire_publish(questionnaire=small)
        questionnaire_publish(questionnaire=large)

    with django_assert_max_num_queries(40) as few:
        assert admin_client.get(change_url(small)).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(change_url(large))
    assert response.content.decode().count("Question ") >= 60


def test_question_changelist_costs_the_same_at_5_and_60_questions(
    admin_client, django_assert_max_num_queries
):
    draft_with_questions(5)
    with django_assert_max_num_queries(20) as few:
        admin_client.get(QUESTIONS)
    draft_with_questions(55)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(QUESTIONS)
    assert response.context["cl"].result_count == 60


def test_question_is_added_to_a_draft_from_its_own_page(admin_client):
    section = SectionFactory()
    another_draft = SectionFactory()
    questionnaire_publish(questionnaire=draft_with_questions(1))
    add = reverse("admin:evaluation_question_add")
    page = admin_client.get(add)
    offered = set(page.context["adminform"].form.fields["section"].queryset)
    assert section in offered
    assert another_draft in offered
    assert not any(s.questionnaire.is_published for s in offered)

    response = admin_client.post(
        add,
        {
            "section": section.pk,
            "order": "1",
            "code": "referrals_made",
            "text": "How many referrals did you make last term?",
            "kind": QuestionKind.NUMBER,
            "required": "on",
            "min_value": "0",
            "max_value": "1000",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["errors"]
    question = Question.objects.get(code="referrals_made")
    assert question.questionnaire_id == section.questionnaire_id


def test_a_section_is_given_its_time_points_with_tick_boxes():
    from evaluation.admin import SectionForm

    section = SectionFactory()
    form = SectionForm(
        data={"order": 1, "title": "Feedback", "intro": "", "time_points": ["post", "follow_up"]},
        instance=section,
    )
    assert form.is_valid(), form.errors
    form.save()
    section.refresh_from_db()
    assert section.time_points == ["post", "follow_up"]
    assert not section.asked_at("baseline")

    assert not SectionForm(
        data={"order": 1, "title": "Feedback", "time_points": ["later"]}, instance=section
    ).is_valid()
    none_ticked = SectionForm(data={"order": 1, "title": "All"}, instance=section)
    assert none_ticked.is_valid()
    none_ticked.save()
    section.refresh_from_db()
    assert section.time_points == [] and section.asked_at("baseline")
