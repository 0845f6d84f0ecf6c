"""A closed school's programme follows its successor (issue 14, item 2), on real GIAS rows.

The register holds places on 15 establishments as they were before they converted, merged
or split (the July 2025 rows, reopened). Importing those rows (where they are closed, and
their successors open) with the April 2025 links file moves each simple conversion's
place, with its attendance and survey invitations, to the successor, with history on both;
mergers, splits and a successor that already holds a place wait for a person.
"""

import io
import shutil
from datetime import date

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import Role
from cohorts.models import CohortStatus, Invitation, Place, PlaceStatus
from evaluation.models import SurveyInvitation
from schools.models import ChangeKind, ChangeStatus, Establishment, RegisterChange, Status
from schools.services.areas import areas_load_reference
from schools.services.gias import gias_import
from schools.services.successors import successor_links
from schools.services.sync import register_import
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory, InvitationFactory, PlaceFactory, WaveFactory
from tests.evaluation.factories import SurveyInvitationFactory
from tests.schools.conftest import DATA
from tests.workshops.factories import WorkshopFactory
from workshops.models import Attendance

pytestmark = pytest.mark.django_db

EXTRACT = DATA / "gias_20250718_conversions.csv"
LINKS = DATA / "links_20250422_conversions.csv"
#: Closed with one "Successor" link each, to ten different academies.
SIMPLE = (100268, 100285, 100347, 100502, 100642, 100727, 100731, 100732, 100734, 100742)
PAIR = (126581, 126584)  # two schools with one successor, 100163
MERGED = (100012, 100221)  # "Successor - merged"
SPLIT = 100362  # two successors


@pytest.fixture
def before(db, tmp_path):
    """The register before the conversions: the real rows, predecessors reopened, each
    predecessor holding a booked place (a completed one, with attendance and a survey
    invitation, for the first three)."""
    areas_load_reference()
    gias_import(path=EXTRACT)
    predecessors = [*SIMPLE, *PAIR, *MERGED, SPLIT]
    Establishment.objects.filter(urn__in=predecessors).update(
        status=Status.OPEN, close_date=None, contact_email=""
    )
    Establishment.objects.filter(urn=100268).update(contact_email="head@old-school.example")
    places = {}
    wave = WaveFactory()
    for index, urn in enumerate(predecessors):
        school = Establishment.objects.get(urn=urn)
        cohort = CohortFactory(local_authority=school.la, status=CohortStatus.OPEN)
        if index < 3:
            place = PlaceFactory(
                cohort=cohort,
                establishment=school,
                status=PlaceStatus.COMPLETED,
                completed_on=date(2024, 3, 1),
            )
            SurveyInvitationFactory(place=place)
            Attendance.objects.create(
                workshop=WorkshopFactory(cohort=cohort), participant=place.participant
            )
        else:
            place = PlaceFactory(cohort=cohort, establishment=school)
        InvitationFactory(wave=wave, establishment=school)
        places[urn] = place
    # The pair's two places cannot both move to their one successor.
    newer = tmp_path / "edubasealldata20250718.csv"
    shutil.copy(EXTRACT, newer)
    return places, newer


def successor_of(urn: int) -> Establishment:
    [link] = successor_links(urn)
    return Establishment.objects.get(urn=link.linked_urn)


def test_simple_conversions_carry_places_attendance_and_surveys_to_the_successor(before):
    places, newer = before

    run, report = register_import(newer, links=LINKS)

    for urn in SIMPLE:
        closed = Establishment.objects.get(urn=urn)
        successor = successor_of(urn)
        place = Place.objects.get(pk=places[urn].pk)
        assert closed.status == Status.CLOSED
        assert place.establishment == successor, urn
        # History on both, saying what happened.
        assert closed.history.first().history_change_reason == (
            f"Programme moved to its successor, URN {successor.urn}"
        )
        assert successor.history.first().history_change_reason.startswith(
            f"Took over the programme of its predecessor, URN {urn}"
        )
        assert place.history.first().history_change_reason == (
            "Moved to the school's successor in GIAS"
        )
    # The move is told on the register changes page as what was done.
    outcome = RegisterChange.objects.get(establishment__urn=SIMPLE[0], kind=ChangeKind.CLOSING)
    assert outcome.outcome.endswith(
        ": places, with their attendance and surveys: 1; invitations: 1."
    )
    # Survey invitations and attendance belong to the place, so they followed it.
    for urn in list(SIMPLE)[:3]:
        invitation = SurveyInvitation.objects.get(participant=places[urn].participant)
        assert invitation.participant.person.establishment == successor_of(urn)
        attendance = Attendance.objects.get(participant=places[urn].participant)
        assert attendance.participant.person.establishment == successor_of(urn)
    # So did its invitations: the successor counts as invited.
    for urn in SIMPLE:
        assert Invitation.objects.filter(establishment=successor_of(urn)).count() == 1
        assert not Invitation.objects.filter(establishment__urn=urn).exists()
    # The successor had no contact email: it takes the predecessor's.
    assert successor_of(100268).contact_email == "head@old-school.example"
    applied = RegisterChange.objects.filter(kind=ChangeKind.CLOSING, status=ChangeStatus.APPLIED)
    assert applied.count() == len(SIMPLE) + 1  # and one of the pair
    assert "moved to their successor" in run.message
    assert "URNs not in the register" in run.message


def test_mergers_splits_and_a_successor_with_a_place_wait_for_a_person(before):
    places, newer = before

    register_import(newer, links=LINKS)

    choices = RegisterChange.objects.filter(kind=ChangeKind.SUCCESSOR, status=ChangeStatus.PENDING)
    by_urn = {change.establishment.urn: change for change in choices}
    # Of the pair, the first closure moved; the second finds its successor holding a place.
    [second] = set(by_urn) & set(PAIR)
    assert set(by_urn) == {*MERGED, SPLIT, second}
    assert [c["type"] for c in by_urn[100012].fields["successors"]] == ["Successor - merged"]
    assert len(by_urn[SPLIT].fields["successors"]) == 2
    assert "Both schools hold a place" in by_urn[second].held_because
    # Nothing moved for them.
    for urn in (*MERGED, SPLIT, second):
        assert Place.objects.get(pk=places[urn].pk).establishment.urn == urn


def test_an_admin_moves_a_merged_school_to_its_successor_in_one_click(before, client):
    places, newer = before
    register_import(newer, links=LINKS)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN, username="nat"))
    change = RegisterChange.objects.get(
        kind=ChangeKind.SUCCESSOR, establishment__urn=100012, status=ChangeStatus.PENDING
    )
    page = client.get(reverse("schools:register-changes")).content.decode()
    assert "Move to this successor" in page

    done = client.post(
        reverse("schools:register-change-move", args=[change.pk]),
        {"successor": 100021},
        follow=True,
    )

    assert "Moved to" in done.content.decode()
    assert Place.objects.get(pk=places[100012].pk).establishment.urn == 100021
    assert Establishment.objects.get(urn=100012).status == Status.CLOSED
    # A successor it is not linked to is refused.
    split = RegisterChange.objects.get(kind=ChangeKind.SUCCESSOR, establishment__urn=SPLIT)
    refused = client.post(
        reverse("schools:register-change-move", args=[split.pk]), {"successor": 100021}, follow=True
    )
    assert "not one of its successors" in refused.content.decode()


def test_the_command_takes_the_links_file(before):
    _places, newer = before
    out = io.StringIO()

    call_command("import_gias", str(newer), "--links", str(LINKS), stdout=out, stderr=io.StringIO())

    assert "moved to their successor" in out.getvalue()
