"""The directory meets the cohorts: local professionals added to many cohorts at once."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction

from cohorts.errors import CohortError
from cohorts.models import Cohort, CohortStatus
from cohorts.services.sessions import professional_add
from core.actors import takes_actor
from workshops.models import LocalProfessional, Professional


@dataclass
class ProfessionalsAdded:
    """What a bulk add did: the professionals it added, and who was on a cohort already."""

    added: list[Professional] = field(default_factory=list)
    already: list[tuple[LocalProfessional, Cohort]] = field(default_factory=list)


#: A cohort in these statuses takes no new professionals from the directory.
CLOSED = (CohortStatus.COMPLETED, CohortStatus.CANCELLED)


@takes_actor
def local_professionals_add_to_cohorts(
    *, professionals: Sequence[LocalProfessional], cohorts: Sequence[Cohort]
) -> ProfessionalsAdded:
    """Add every one of ``professionals`` (from the directory) to every one of ``cohorts``,
    each through ``professional_add`` as one added by hand, all or nothing. Someone on a
    cohort already (by email address, without case) is left as they are and reported."""
    if not professionals or not cohorts:
        raise CohortError("Choose at least one professional and at least one cohort.")
    if closed := [c.name for c in cohorts if c.status in CLOSED]:
        raise CohortError(
            f"{', '.join(closed)}: a completed or cancelled cohort takes no new professionals."
        )
    result = ProfessionalsAdded()
    with transaction.atomic():
        on = {
            (delivery_id, email.lower())
            for delivery_id, email in Professional.objects.filter(
                delivery__in=[c.delivery_id for c in cohorts]
            ).values_list("delivery_id", "email")
        }
        for cohort in cohorts:
            for person in professionals:
                if (cohort.delivery_id, person.email.lower()) in on:
                    result.already.append((person, cohort))
                    continue
                result.added.append(
                    professional_add(
                        cohort=cohort,
                        name=person.name,
                        organisation=person.organisation,
                        organisation_type=person.sector,
                        email=person.email,
                    )
                )
                on.add((cohort.delivery_id, person.email.lower()))
    return result
