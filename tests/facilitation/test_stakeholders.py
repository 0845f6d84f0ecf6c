"""Stakeholders: one by one or from a CSV (all or nothing, each bad row reported)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from facilitation.errors import FacilitationError
from facilitation.models import Sector
from facilitation.services.stakeholder_import import stakeholders_import_csv
from facilitation.services.stakeholders import StakeholderDetails, stakeholder_add
from tests.accounts.factories import user_with_role
from tests.facilitation.factories import EngagementFactory, StakeholderFactory

pytestmark = pytest.mark.django_db

HEADER = "name,role,organisation,sector,email,lead contact\n"
GOOD = (
    "Ann Head,Head of service,Wiltshire Council,Local authority,ann@la.example,yes\n"
    "Bo Lead,service_lead,Oxford Health,NHS CYPMHS,bo@nhs.example,\n"
)


def test_one_email_once_per_engagement():
    engagement = EngagementFactory()
    details = StakeholderDetails(
        name="Ann", role="head_of_service", organisation="LA", sector="la", email="a@x.example"
    )
    stakeholder_add(engagement=engagement, details=details)
    with pytest.raises(FacilitationError, match="already on this engagement"):
        stakeholder_add(
            engagement=engagement,
            details=details.__class__(**{**details.__dict__, "email": "A@X.example"}),
        )


def test_a_good_csv_adds_every_row():
    engagement = EngagementFactory()
    report = stakeholders_import_csv(engagement=engagement, data=(HEADER + GOOD).encode())
    assert report.saved
    assert {(s.email, s.sector, s.is_lead) for s in engagement.stakeholders.all()} == {
        ("ann@la.example", Sector.LOCAL_AUTHORITY, True),
        ("bo@nhs.example", Sector.NHS_CYPMHS, False),
    }
    assert all(s.participant.kind == "stakeholder" for s in engagement.stakeholders.all())


def test_a_csv_with_bad_rows_saves_nothing_and_names_each_row():
    engagement = EngagementFactory()
    StakeholderFactory(engagement=engagement, email="taken@x.example")
    bad = (
        HEADER
        + GOOD
        + ",Head of service,Org,Education,noname@x.example,\n"  # row 4: no name
        + "Cy,Wizard,Org,Education,cy@x.example,\n"  # row 5: unknown role
        + "Di,Service lead,Org,Schools,di@x.example,\n"  # row 6: unknown sector
        + "Ed,Service lead,Org,Education,ann@la.example,\n"  # row 7: twice in the file
        + "Flo,Service lead,Org,Education,taken@x.example,\n"  # row 8: already on it
        + "Gus,Service lead,Org,Education,not-an-email,\n"  # row 9
    )
    report = stakeholders_import_csv(engagement=engagement, data=bad.encode())
    assert not report.saved
    assert [number for number, _ in report.errors] == [4, 5, 6, 7, 8, 9]
    assert "also on row 2" in report.errors[3][1]
    assert engagement.stakeholders.count() == 1  # nothing saved


def test_an_excel_file_or_a_missing_column_is_refused_clearly():
    engagement = EngagementFactory()
    report = stakeholders_import_csv(engagement=engagement, data=b"PK\x03\x04rest")
    assert "Excel workbook" in report.errors[0][1]
    report = stakeholders_import_csv(engagement=engagement, data=b"name,email\nA,a@x.example\n")
    assert "no role, organisation, sector column" in report.errors[0][1]


def test_the_import_page_lists_bad_rows_and_saves_nothing(client):
    engagement = EngagementFactory()
    client.force_login(
        user_with_role(Role.REGIONAL_COORDINATOR, local_authorities=[engagement.local_authority])
    )
    upload = SimpleUploadedFile(
        "s.csv", (HEADER + GOOD + "X,Boss,Org,Education,x@x.example,\n").encode()
    )
    response = client.post(
        reverse("facilitation:stakeholder-import", args=[engagement.pk]), {"file": upload}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Nothing was saved" in page and "Row 4: Unknown role" in page
    assert engagement.stakeholders.count() == 0
