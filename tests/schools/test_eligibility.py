"""Establishment.objects.eligible(): who the programme is offered to."""

import csv
from pathlib import Path

import pytest

from schools.models import ELIGIBLE_TYPE_CODES, Establishment, Status, TypeGroup

from .factories import EstablishmentFactory

TYPES = Path(__file__).parent / "data" / "establishment_types.csv"

# One representative type per GIAS type group, with the answer the rule must give.
ONE_PER_TYPE_GROUP = [
    (TypeGroup.COLLEGES, 18, "Further education", True),
    (TypeGroup.UNIVERSITIES, 29, "Higher education institutions", False),
    (TypeGroup.INDEPENDENT, 11, "Other independent school", False),
    (TypeGroup.LA_MAINTAINED, 1, "Community school", True),
    (TypeGroup.SPECIAL, 7, "Community special school", True),
    (TypeGroup.WELSH, 30, "Welsh establishment", False),
    (TypeGroup.OTHER, 37, "British schools overseas", False),
    (TypeGroup.ACADEMIES, 42, "Academy alternative provision converter", True),
    (TypeGroup.FREE_SCHOOLS, 38, "Free schools alternative provision", True),
    (TypeGroup.ONLINE_PROVIDER, 49, "Online provider", False),
]


def test_every_type_group_has_a_case():
    assert {case[0] for case in ONE_PER_TYPE_GROUP} == set(TypeGroup)


@pytest.mark.parametrize(
    ("group", "type_code", "type_name", "eligible"),
    ONE_PER_TYPE_GROUP,
    ids=[case[0].name.lower() for case in ONE_PER_TYPE_GROUP],
)
@pytest.mark.django_db
def test_one_case_per_type_group(group, type_code, type_name, eligible):
    school = EstablishmentFactory(type_group=group, type_code=type_code, type_name=type_name)

    assert Establishment.objects.eligible().filter(pk=school.pk).exists() is eligible
    assert school.is_eligible is eligible


@pytest.mark.parametrize(
    ("type_code", "eligible"),
    [
        (14, True),  # pupil referral unit: alternative provision
        (15, True),  # maintained nursery school
        (6, True),  # city technology college: state-funded though grouped as independent
        (8, False),  # non-maintained special school
        (10, False),  # independent special school
        (25, False),  # offshore school
        (24, False),  # secure unit
    ],
)
@pytest.mark.django_db
def test_types_where_the_group_does_not_decide(type_code, eligible):
    school = EstablishmentFactory(type_code=type_code)

    assert Establishment.objects.eligible().filter(pk=school.pk).exists() is eligible


@pytest.mark.parametrize(
    ("status", "eligible"),
    [
        (Status.OPEN, True),
        (Status.OPEN_PROPOSED_TO_CLOSE, True),
        (Status.CLOSED, False),
        (Status.PROPOSED_TO_OPEN, False),
    ],
)
@pytest.mark.django_db
def test_status(status, eligible):
    school = EstablishmentFactory(status=status)

    assert Establishment.objects.eligible().filter(pk=school.pk).exists() is eligible


@pytest.mark.django_db
def test_a_state_school_outside_an_english_la_is_not_eligible():
    school = EstablishmentFactory(la=None, gias_la_code="681")

    assert not Establishment.objects.eligible().filter(pk=school.pk).exists()
    assert Establishment.objects.ineligible().filter(pk=school.pk).exists()


@pytest.mark.django_db
def test_queryset_and_property_agree_for_every_gias_type_and_status():
    with open(TYPES, newline="") as f:
        type_codes = {int(row["type-of-establishment-code"]) for row in csv.DictReader(f)}
    assert ELIGIBLE_TYPE_CODES.keys() <= type_codes
    schools = [
        EstablishmentFactory(type_code=code, status=status)
        for code in sorted(type_codes)
        for status in Status
    ]
    in_queryset = set(Establishment.objects.eligible().values_list("pk", flat=True))
    not_in = set(Establishment.objects.ineligible().values_list("pk", flat=True))

    assert {s.pk for s in schools if s.is_eligible} == in_queryset
    assert in_queryset.isdisjoint(not_in)
    assert len(in_queryset) + len(not_in) == len(schools)
