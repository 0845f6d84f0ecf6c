"""Reads of the establishment register that pages and reports need."""

from django.db.models import Count, Q

from schools.models import Establishment, LocalAuthority, MHSTArea, eligible_q


def register_summary() -> dict[str, int]:
    """Headline counts of the register, in a constant number of queries."""
    eligible = eligible_q()
    counts = Establishment.objects.aggregate(
        establishments=Count("pk"),
        eligible=Count("pk", filter=eligible),
        eligible_in_mhst_areas=Count("pk", filter=eligible & Q(mhst_area__isnull=False)),
        with_contact_email=Count("pk", filter=eligible & ~Q(contact_email="")),
    )
    counts["local_authorities"] = LocalAuthority.objects.filter(is_current=True).count()
    counts["mhst_areas"] = MHSTArea.objects.count()
    return counts
