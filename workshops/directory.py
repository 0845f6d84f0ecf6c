"""Writes of the directory: an area's venues and local professionals.

A coordinator adds them one at a time or from a CSV file (``workshops.directory_import``);
both go through ``venue_save`` and ``local_professional_save``, so every change is checked
the same way and recorded in the entry's history with who made it. Which areas a
coordinator may write to is their scope's, given by the caller as the areas allowed.
"""

from dataclasses import asdict, dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import QuerySet

from core.actors import takes_actor
from core.validators import field_values_check
from schools.models import LocalAuthority, MHSTArea
from workshops.errors import DirectoryError
from workshops.models import LocalProfessional, OrganisationType, Venue

#: Great Britain on the National Grid, in metres: a position outside is a typing mistake.
MAX_EASTING = 700_000
MAX_NORTHING = 1_300_000


@dataclass(frozen=True)
class Area:
    """Where a directory entry belongs: a local authority, an MHST area or both."""

    local_authority: LocalAuthority | None = None
    mhst_area: MHSTArea | None = None


@dataclass(frozen=True)
class VenueDetails:
    name: str
    address: str = ""
    postcode: str = ""
    easting: int | None = None
    northing: int | None = None
    accessibility: str = ""
    capacity: int | None = None


@dataclass(frozen=True)
class LocalProfessionalDetails:
    name: str
    organisation: str
    sector: str
    email: str
    role: str = ""


def area_check(
    area: Area,
    *,
    local_authorities: QuerySet[LocalAuthority] | None = None,
    mhst_areas: QuerySet[MHSTArea] | None = None,
) -> None:
    """An entry needs an area, and (where the allowed areas are given: a coordinator's)
    only one they cover."""
    if area.local_authority is None and area.mhst_area is None:
        raise DirectoryError("Choose a local authority, an MHST area or both.")
    if (
        area.local_authority is not None
        and local_authorities is not None
        and not local_authorities.filter(pk=area.local_authority.pk).exists()
    ):
        raise DirectoryError(f"{area.local_authority.name} is not one of your areas.")
    if (
        area.mhst_area is not None
        and mhst_areas is not None
        and not mhst_areas.filter(pk=area.mhst_area.pk).exists()
    ):
        raise DirectoryError(f"{area.mhst_area.name} is not one of your areas.")


def venue_check(details: VenueDetails) -> None:
    """A one-line name and postcode, and a whole position on the National Grid or none."""
    if not details.name.strip():
        raise DirectoryError("Enter the venue's name.")
    field_values_check(Venue, error=DirectoryError, name=details.name, postcode=details.postcode)
    if (details.easting is None) != (details.northing is None):
        raise DirectoryError(
            "Give both the easting and the northing of the venue, or neither: one alone is "
            "no position."
        )
    if details.easting is not None and not (
        0 <= details.easting <= MAX_EASTING and 0 <= details.northing <= MAX_NORTHING
    ):
        raise DirectoryError(
            f"The position {details.easting}, {details.northing} is not in Great Britain: an "
            f"easting is 0 to {MAX_EASTING:,} and a northing 0 to {MAX_NORTHING:,} metres."
        )
    if details.capacity is not None and not 1 <= details.capacity <= 10_000:
        raise DirectoryError("A venue's capacity is a number of people, from 1.")


def local_professional_check(details: LocalProfessionalDetails) -> None:
    """A known sector, a name and organisation on one line, an email address."""
    if details.sector not in OrganisationType.values:
        raise DirectoryError(f"Unknown sector {details.sector!r}.")
    if not details.name.strip() or not details.organisation.strip():
        raise DirectoryError("Enter the professional's name and organisation.")
    field_values_check(
        LocalProfessional,
        error=DirectoryError,
        name=details.name,
        role=details.role,
        organisation=details.organisation,
        email=details.email,
    )


def _save(entry, *, taken: str, unique: str) -> None:
    """Save, turning the area's uniqueness (one name, one email: ``unique``, compared
    without case) into a readable refusal. The database's constraint decides; where it
    cannot treat "no MHST area" as one area (SQLite, the embedded default, has no NULLS NOT
    DISTINCT), the same rule is checked here first."""
    if not connection.features.supports_nulls_distinct_unique_constraints:
        same = type(entry)._default_manager.filter(
            local_authority=entry.local_authority_id,
            mhst_area=entry.mhst_area_id,
            **{f"{unique}__iexact": getattr(entry, unique)},
        )
        if same.exclude(pk=entry.pk).exists():
            raise DirectoryError(taken, code="taken")
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise DirectoryError(taken, code="taken") from None


def _write(entry, details, area: Area) -> None:
    for name, value in asdict(details).items():
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    entry.local_authority = area.local_authority
    entry.mhst_area = area.mhst_area


@takes_actor
def venue_save(
    *,
    details: VenueDetails,
    area: Area,
    venue: Venue | None = None,
    local_authorities: QuerySet[LocalAuthority] | None = None,
    mhst_areas: QuerySet[MHSTArea] | None = None,
) -> Venue:
    """Add a venue to the directory, or change ``venue``. ``local_authorities`` and
    ``mhst_areas``, if given, are the areas the person may write to."""
    venue_check(details)
    area_check(area, local_authorities=local_authorities, mhst_areas=mhst_areas)
    venue = venue if venue is not None else Venue()
    _write(venue, details, area)
    _save(
        venue,
        taken=f"{area_label(area)} has a venue called {details.name.strip()} already.",
        unique="name",
    )
    return venue


@takes_actor
def local_professional_save(
    *,
    details: LocalProfessionalDetails,
    area: Area,
    professional: LocalProfessional | None = None,
    local_authorities: QuerySet[LocalAuthority] | None = None,
    mhst_areas: QuerySet[MHSTArea] | None = None,
) -> LocalProfessional:
    """Add a local professional to the directory, or change ``professional``."""
    local_professional_check(details)
    area_check(area, local_authorities=local_authorities, mhst_areas=mhst_areas)
    professional = professional if professional is not None else LocalProfessional()
    _write(professional, details, area)
    _save(
        professional,
        taken=f"{area_label(area)} lists someone with the email address "
        f"{details.email.strip()} already.",
        unique="email",
    )
    return professional


def area_label(area: Area) -> str:
    names = [str(a.name) for a in (area.local_authority, area.mhst_area) if a is not None]
    return " · ".join(dict.fromkeys(names))
