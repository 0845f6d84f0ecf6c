"""The directory's writes: venues and local professionals checked, saved with their history,
one name (a venue) or email (a professional) per area, only in the areas allowed; and the
CSV import, all or nothing, row by row, harmless twice."""

import io

import pytest

from schools.models import LocalAuthority, MHSTArea
from tests.accounts.factories import UserFactory
from tests.schools.factories import LocalAuthorityFactory, MHSTAreaFactory
from tests.workshops.factories import LocalProfessionalFactory, VenueFactory
from workshops.directory import (
    Area,
    LocalProfessionalDetails,
    VenueDetails,
    local_professional_save,
    venue_save,
)
from workshops.directory_import import (
    PROFESSIONALS,
    VENUES,
    DirectoryImportError,
    directory_import_csv,
)
from workshops.errors import DirectoryError
from workshops.models import LocalProfessional, OrganisationType, Venue

pytestmark = pytest.mark.django_db


@pytest.fixture
def camden():
    return LocalAuthorityFactory(name="Camden", code="202")


def test_a_venue_is_saved_with_who_saved_it(camden):
    user = UserFactory()
    venue = venue_save(
        details=VenueDetails(
            name=" Camden Centre ", postcode="NW1 2AA", easting=529000, northing=183500, capacity=60
        ),
        area=Area(local_authority=camden),
        actor=user,
    )
    assert venue.name == "Camden Centre"
    assert venue.history.get().history_user == user
    assert venue.full_address == "NW1 2AA"


@pytest.mark.parametrize(
    "details, message",
    [
        (VenueDetails(name=""), "Enter the venue's name"),
        (VenueDetails(name="A\nB"), "one line"),
        (VenueDetails(name="A", easting=529000), "both the easting and the northing"),
        (VenueDetails(name="A", easting=9_000_000, northing=1), "not in Great Britain"),
        (VenueDetails(name="A", capacity=0), "capacity"),
    ],
)
def test_a_venue_that_does_not_add_up_is_refused(camden, details, message):
    with pytest.raises(DirectoryError, match=message):
        venue_save(details=details, area=Area(local_authority=camden))
    assert not Venue.objects.exists()


def test_an_entry_needs_an_area_and_only_one_allowed(camden):
    other = LocalAuthorityFactory(name="Barnet")
    with pytest.raises(DirectoryError, match="Choose a local authority"):
        venue_save(details=VenueDetails(name="A"), area=Area())
    with pytest.raises(DirectoryError, match="Barnet is not one of your areas"):
        venue_save(
            details=VenueDetails(name="A"),
            area=Area(local_authority=other),
            local_authorities=LocalAuthority.objects.filter(pk=camden.pk),
        )
    area = MHSTAreaFactory(name="North")
    with pytest.raises(DirectoryError, match="North is not one of your areas"):
        venue_save(
            details=VenueDetails(name="A"),
            area=Area(mhst_area=area),
            mhst_areas=MHSTArea.objects.none(),
        )


def test_one_venue_name_and_one_email_per_area(camden):
    VenueFactory(name="Camden Centre", local_authority=camden)
    with pytest.raises(DirectoryError, match="Camden has a venue called CAMDEN CENTRE"):
        venue_save(details=VenueDetails(name="CAMDEN CENTRE"), area=Area(local_authority=camden))
    # The same name elsewhere is another venue.
    venue_save(details=VenueDetails(name="Camden Centre"), area=Area(mhst_area=MHSTAreaFactory()))
    LocalProfessionalFactory(email="dr.rao@nhs.example", local_authority=camden)
    details = LocalProfessionalDetails(
        name="Dr Rao",
        organisation="CYPMHS",
        sector=OrganisationType.NHS_CYPMHS,
        email="DR.RAO@nhs.example",
    )
    with pytest.raises(DirectoryError, match="lists someone with the email"):
        local_professional_save(details=details, area=Area(local_authority=camden))


def test_a_professional_is_checked_and_changed_in_place(camden):
    professional = LocalProfessionalFactory(local_authority=camden)
    with pytest.raises(DirectoryError, match="Unknown sector"):
        local_professional_save(
            details=LocalProfessionalDetails(name="A", organisation="B", sector="x", email="a@b.c"),
            area=Area(local_authority=camden),
            professional=professional,
        )
    with pytest.raises(DirectoryError, match="Email"):
        local_professional_save(
            details=LocalProfessionalDetails(
                name="A", organisation="B", sector="vcs", email="not an address"
            ),
            area=Area(local_authority=camden),
            professional=professional,
        )
    saved = local_professional_save(
        details=LocalProfessionalDetails(
            name="Ms Field",
            organisation="Mind",
            sector="vcs",
            email="field@mind.example",
            role="Lead",
        ),
        area=Area(local_authority=camden),
        professional=professional,
    )
    assert saved.pk == professional.pk
    assert LocalProfessional.objects.get().organisation == "Mind"


# --- CSV import ----------------------------------------------------------------------------


def upload(text: str, encoding="utf-8"):
    return io.BytesIO(text.encode(encoding))


def run(text, kind=VENUES, dry_run=False, **kwargs):
    return directory_import_csv(
        file=upload(text),
        kind=kind,
        local_authorities=kwargs.get("las", LocalAuthority.objects.all()),
        mhst_areas=kwargs.get("areas", MHSTArea.objects.all()),
        dry_run=dry_run,
    )


VENUES_CSV = (
    "Name,Address,Postcode,Easting,Northing,Accessibility notes,Capacity,"
    "Local authority,MHST area\n"
    "Camden Centre,1 High St,NW1 1AA,529000,183500,Step-free,60,Camden,\n"
    "Kentish Town Library,,NW5 1AA,,,,,202,\n"
)


def test_venues_import_preview_then_import_then_again(camden):
    preview = run(VENUES_CSV, dry_run=True)
    assert (preview.added, preview.errors, preview.written) == (2, 0, False)
    assert not Venue.objects.exists()

    report = run(VENUES_CSV)
    assert (report.added, report.written) == (2, True)
    centre = Venue.objects.get(name="Camden Centre")
    assert (centre.easting, centre.northing, centre.capacity) == (529000, 183500, 60)
    assert Venue.objects.get(name="Kentish Town Library").local_authority == camden

    again = run(VENUES_CSV)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    changed = run(VENUES_CSV.replace(",60,", ",80,"))
    assert (changed.updated, changed.unchanged) == (1, 1)
    assert Venue.objects.get(name="Camden Centre").capacity == 80


def test_one_bad_row_saves_nothing_and_every_problem_is_named(camden):
    text = VENUES_CSV + (
        "Hall,,,12x,5,,,Camden,\n"
        "Camden Centre,,,,,,,Camden,\n"
        "Far Hall,,,,,,,Barnet,\n"
        "Nowhere,,,,,,,,\n"
    )
    report = run(text)
    assert not report.written and not Venue.objects.exists()
    assert [(row.number, row.reason) for row in report.error_rows] == [
        (4, "The easting '12x' is not a whole number."),
        (5, "Row 2 has the same name in the same area: give each once."),
        (6, "The local authority 'Barnet' is not one of your areas."),
        (7, "Give the local authority or the MHST area."),
    ]


def test_areas_outside_those_allowed_are_not_found(camden):
    report = run(VENUES_CSV, las=LocalAuthority.objects.none())
    assert report.errors == 2
    assert not Venue.objects.exists()


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"PK\x03\x04rest", "Excel workbook"),
        (b"Title,Where\nA,B\n", "must name the columns"),
    ],
)
def test_a_file_that_cannot_be_used_says_why(camden, data, message):
    with pytest.raises(DirectoryImportError, match=message):
        directory_import_csv(
            file=io.BytesIO(data),
            kind=VENUES,
            local_authorities=LocalAuthority.objects.all(),
            mhst_areas=MHSTArea.objects.all(),
            dry_run=False,
        )


def test_professionals_import_with_sectors_in_words(camden):
    area = MHSTAreaFactory(name="North Central London")
    text = (
        "name;role;organisation;sector;email;local authority;mhst area\n"
        "Dr Rao;Consultant;Camden CYPMHS;NHS CYPMHS;rao@nhs.example;Camden;\n"
        "Ms Field;;Mind;VCS;field@mind.example;;North Central London\n"
        "Mr Stone;EP;Camden Council;Local authority;stone@camden.example;"
        "camden;north central london\n"
        "Ms Bad;;X;Police;bad@x.example;Camden;\n"
    )
    report = run(text, kind=PROFESSIONALS)
    assert [row.reason for row in report.error_rows] == [
        "The sector 'Police' is not one of NHS CYPMHS, LA, VCS or other."
    ]
    report = run(text.rsplit("Ms Bad", 1)[0], kind=PROFESSIONALS)
    assert report.added == 3
    stone = LocalProfessional.objects.get(name="Mr Stone")
    assert (stone.sector, stone.local_authority, stone.mhst_area) == (
        OrganisationType.LOCAL_AUTHORITY,
        camden,
        area,
    )
    assert LocalProfessional.objects.get(name="Ms Field").sector == OrganisationType.VCS


def test_the_admin_lists_and_opens_the_directory(admin_client, camden):
    venue = VenueFactory(local_authority=camden, name="Camden Centre")
    professional = LocalProfessionalFactory(local_authority=camden, name="Dr Rao")
    for model, entry, name in (
        ("venue", venue, "Camden Centre"),
        ("localprofessional", professional, "Dr Rao"),
    ):
        listing = admin_client.get(f"/admin/workshops/{model}/")
        assert name in listing.content.decode()
        assert admin_client.get(f"/admin/workshops/{model}/{entry.pk}/change/").status_code == 200
