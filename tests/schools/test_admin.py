"""The Django admin of the register: search, filters, read-only GIAS fields, query counts."""

import pytest
from django.urls import reverse

from schools.models import Status, TypeGroup

from .factories import EstablishmentFactory, MHSTAreaFactory

pytestmark = pytest.mark.django_db
CHANGELIST = reverse("admin:schools_establishment_changelist")


def listed_urns(response) -> set[int]:
    return {obj.urn for obj in response.context["cl"].result_list}


def test_search_by_urn_name_or_postcode(admin_client):
    aldgate = EstablishmentFactory(urn=100000, name="The Aldgate School", postcode="EC3A 5DE")
    other = EstablishmentFactory(urn=100008, name="Argyle Primary School", postcode="WC1H 9EG")

    assert listed_urns(admin_client.get(CHANGELIST, {"q": "100000"})) == {aldgate.urn}
    assert listed_urns(admin_client.get(CHANGELIST, {"q": "argyle"})) == {other.urn}
    assert listed_urns(admin_client.get(CHANGELIST, {"q": "EC3A 5DE"})) == {aldgate.urn}
    assert listed_urns(admin_client.get(CHANGELIST, {"q": "ec3a5de"})) == {aldgate.urn}


def test_filters_by_eligibility_type_group_status_la_and_mhst_area(admin_client):
    area = MHSTAreaFactory()
    eligible = EstablishmentFactory(mhst_area=area)
    independent = EstablishmentFactory(
        type_code=11, type_group=TypeGroup.INDEPENDENT, type_name="Other independent school"
    )
    closed = EstablishmentFactory(status=Status.CLOSED)

    def filtered(**params):
        return listed_urns(admin_client.get(CHANGELIST, params))

    assert filtered(eligible="yes") == {eligible.urn}
    assert filtered(eligible="no") == {independent.urn, closed.urn}
    assert filtered(type_group=TypeGroup.INDEPENDENT) == {independent.urn}
    assert filtered(status__exact=Status.CLOSED) == {closed.urn}
    assert filtered(mhst_area__id__exact=area.pk) == {eligible.urn}
    assert filtered(la__id__exact=closed.la_id) == {closed.urn}


def test_urn_and_gias_fields_are_read_only_and_link_fields_editable(admin_client):
    school = EstablishmentFactory()
    url = reverse("admin:schools_establishment_change", args=[school.pk])

    form = admin_client.get(url).context["adminform"].form

    assert "urn" not in form.fields
    assert "name" not in form.fields
    assert {"contact_email", "mhst_area"} <= set(form.fields)
    response = admin_client.post(url, {"contact_email": "lead@school.example.org"})
    assert response.status_code == 302
    school.refresh_from_db()
    assert school.contact_email == "lead@school.example.org"
    assert school.urn == EstablishmentFactory._meta.model.objects.get(pk=school.pk).urn


def test_changelist_costs_the_same_at_any_size(admin_client, django_assert_max_num_queries):
    EstablishmentFactory.create_batch(5)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(CHANGELIST)
    EstablishmentFactory.create_batch(120)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = admin_client.get(CHANGELIST)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "model", ["localauthority", "mhstarea", "mhsteam", "establishment"], ids=str
)
def test_every_register_model_has_a_working_admin(admin_client, model):
    assert admin_client.get(reverse(f"admin:schools_{model}_changelist")).status_code == 200
