"""Every change through the coordinator pages is recorded: who, when, from what to what."""

import pytest
from django.urls import reverse

from cohorts.models import Place
from tests.cohorts.factories import PlaceFactory, make_open_cohort

pytestmark = pytest.mark.django_db


def test_a_cohort_edit_shows_on_its_page_with_who_and_what(admin_client):
    cohort = make_open_cohort(capacity=5, name="Camden spring")
    form = {
        "name": "Camden spring 2027",
        "local_authority": cohort.local_authority_id,
        "capacity": 4,
        "format": "in_person",
        "venue_name": "Civic Centre",
        "venue_address": "1 High St",
    }

    admin_client.post(reverse("cohorts:edit", args=[cohort.pk]), form)

    page = admin_client.get(reverse("cohorts:detail", args=[cohort.pk]))
    # The edit saves the details and the capacity together (one service, all or nothing):
    # one entry, with both changes.
    entries = page.context["history"][:1]
    assert {entry.who for entry in entries} == {"admin"}
    changes = {(c.field, c.old, c.new) for entry in entries for c in entry.changes}
    assert ("capacity (schools)", "5", "4") in changes
    assert ("name", "Camden spring", "Camden spring 2027") in changes
    assert "Camden spring → Camden spring 2027" in page.content.decode()


def test_place_history_never_copies_access_needs():
    place = PlaceFactory(access_needs="Wheelchair access; hearing loop")
    place.attendee_name = "Sam Example"
    place.save()

    fields = {f.name for f in Place.history.model._meta.get_fields()}
    assert "access_needs" not in fields
    assert place.history.count() == 2
    assert place.history.latest().attendee_name == "Sam Example"
