"""LA term dates (issue 13, item 5): loaded from a CSV per LA (upload page or command), a
workshop day in a school holiday is flagged like a weekend and stands only with a reason."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role
from cohorts.calendar import school_holiday_concerns
from cohorts.errors import TermDatesError
from cohorts.models import SchoolTerm
from cohorts.services.terms import term_dates_load
from tests.accounts.factories import user_with_role
from tests.cohorts.factories import CohortFactory
from tests.schools.factories import LocalAuthorityFactory, MHSTAreaFactory
from workshops.models import Workshop

pytestmark = pytest.mark.django_db

SAMPLE = Path(__file__).parent / "data" / "term_dates_staffordshire_2025_26.csv"


@pytest.fixture
def staffordshire():
    return LocalAuthorityFactory(code="860", name="Staffordshire")


def test_the_command_loads_the_sample_and_a_second_load_replaces_the_year(staffordshire):
    call_command("load_term_dates", "860", str(SAMPLE))

    terms = list(SchoolTerm.objects.filter(local_authority=staffordshire))
    assert [t.name for t in terms][:2] == ["Autumn 1", "Autumn 2"]
    assert (terms[0].first_day, terms[-1].last_day) == (dt.date(2025, 9, 2), dt.date(2026, 7, 17))
    assert terms[0].source == SAMPLE.name

    loaded = term_dates_load(local_authority=staffordshire, data=SAMPLE.read_bytes())
    assert (loaded.terms, loaded.replaced, loaded.school_years) == (6, 6, ["2025/26"])
    assert SchoolTerm.objects.count() == 6
    # Another year is added beside it.
    term_dates_load(
        local_authority=staffordshire,
        data=b"term,first_day,last_day\nAutumn,01/09/2026,18/12/2026\n",
    )
    assert SchoolTerm.objects.count() == 7


def test_the_command_says_what_is_wrong(staffordshire, tmp_path):
    with pytest.raises(CommandError, match="No local authority has the code 999"):
        call_command("load_term_dates", "999", str(SAMPLE))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "term,first_day,last_day\nAutumn 1,2025-09-02,2025-10-24\nAutumn 2,3 Nov,2025-12-19\n"
    )
    with pytest.raises(CommandError, match="Line 3: the first day “3 Nov” is not a date"):
        call_command("load_term_dates", "860", str(bad))
    assert not SchoolTerm.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (b"name,start\nAutumn,2025-09-02\n", "missing: term, first day, last day"),
        (b"term,first_day,last_day\n", "The file lists no terms."),
        (b"term,first_day,last_day\nAutumn,2025-12-19,2025-09-02\n", "Line 2: Autumn ends"),
        (
            b"term,first_day,last_day\nA,2025-09-02,2025-10-24\nB,2025-10-20,2025-12-19\n",
            "Line 3: B starts (20 October 2025) before A ends (24 October 2025).",
        ),
        (b"PK\x03\x04rest", "Excel workbook"),
    ],
)
def test_a_bad_file_loads_nothing(staffordshire, text, message):
    SchoolTerm.objects.create(
        local_authority=staffordshire,
        name="Kept",
        first_day=dt.date(2025, 9, 2),
        last_day=dt.date(2025, 10, 24),
    )
    with pytest.raises(TermDatesError) as refused:
        term_dates_load(local_authority=staffordshire, data=text)
    assert message in refused.value.message
    assert list(SchoolTerm.objects.values_list("name", flat=True)) == ["Kept"]


def test_days_in_the_school_holidays_are_flagged_where_dates_are_loaded(staffordshire):
    term_dates_load(local_authority=staffordshire, data=SAMPLE.read_bytes())
    other = LocalAuthorityFactory(code="T09", name="No dates loaded")
    half_term, in_term, summer = dt.date(2025, 10, 28), dt.date(2025, 11, 4), dt.date(2026, 8, 4)
    next_year = dt.date(2026, 10, 27)  # no dates loaded for 2026/27: not known, not flagged

    concerns = school_holiday_concerns(
        [half_term, in_term, summer, next_year], local_authorities=[staffordshire, other]
    )

    assert concerns[half_term] == [
        "Tuesday 28 October 2025 is in the school holidays in Staffordshire "
        "(Autumn 1 ends 24 October 2025 and Autumn 2 starts 3 November 2025)"
    ]
    assert concerns[in_term] == []
    assert concerns[summer] == [
        "Tuesday 4 August 2026 is in the school holidays in Staffordshire "
        "(Summer 2 ends 17 July 2026)"
    ]
    assert concerns[next_year] == []


def _days(day_1, day_2, **extra):
    data = {}
    for prefix, date in (("day1", day_1), ("day2", day_2)):
        data |= {
            f"{prefix}-date": date.isoformat(),
            f"{prefix}-start_time": "09:30",
            f"{prefix}-end_time": "15:30",
            f"{prefix}-venue_name": "Shire Hall",
        }
    return data | extra


def test_a_workshop_in_the_half_term_needs_a_reason(client, staffordshire, clock):
    clock.move_to(dt.datetime(2025, 6, 2, 9, tzinfo=dt.UTC))
    term_dates_load(local_authority=staffordshire, data=SAMPLE.read_bytes())
    # A cohort of an MHST area in Staffordshire: the area's LAs' dates apply.
    area = MHSTAreaFactory(name="Stafford MHST")
    area.local_authorities.add(staffordshire)
    cohort = CohortFactory(local_authority=None, mhst_area=area)
    client.force_login(user_with_role(Role.NATIONAL_ADMIN))
    url = reverse("cohorts:workshops", args=[cohort.pk])
    half_term, later = dt.date(2026, 2, 17), dt.date(2026, 3, 24)

    asked = client.post(url, _days(half_term, later))

    assert asked.status_code == 200
    assert "Tuesday 17 February 2026 is in the school holidays in Staffordshire" in (
        asked.content.decode()
    )
    assert not Workshop.objects.filter(delivery__cohort=cohort).exists()

    saved = client.post(url, _days(half_term, later, reason="Training day for the trust"))

    assert saved.status_code == 302
    day_1 = Workshop.objects.get(delivery__cohort=cohort, day=1)
    assert day_1.history.first().history_change_reason == (
        "Date kept on purpose: Training day for the trust"
    )
    assert (
        Workshop.objects.get(delivery__cohort=cohort, day=2).history.first().history_change_reason
        is None
    )


def test_a_coordinator_uploads_dates_for_their_own_la_only(client, staffordshire):
    elsewhere = LocalAuthorityFactory(code="T08", name="Elsewhere")
    client.force_login(user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[staffordshire]))
    url = reverse("cohorts:term-dates")

    def upload(la, data=None):
        data = SAMPLE.read_bytes() if data is None else data
        return client.post(
            url, {"local_authority": la.pk, "file": SimpleUploadedFile("dates.csv", data)}
        )

    refused = upload(elsewhere)
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode()
    bad = upload(staffordshire, b"term,first_day,last_day\nAutumn,2025-13-01,2025-12-19\n")
    assert "Line 2: the first day “2025-13-01” is not a date" in bad.content.decode()
    assert not SchoolTerm.objects.exists()

    done = upload(staffordshire)

    assert done.status_code == 302
    assert SchoolTerm.objects.filter(local_authority=staffordshire).count() == 6
    page = client.get(url).content.decode()
    assert "Staffordshire" in page and "2 Sep 2025" in page


def test_facilitators_and_viewers_may_not_upload(client, staffordshire):
    for role in (Role.FACILITATOR, Role.VIEWER):
        client.force_login(user_with_role(role))
        assert client.get(reverse("cohorts:term-dates")).status_code == 403
