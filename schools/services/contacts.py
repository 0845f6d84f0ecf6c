"""Link's own details of an establishment: the contact email invitations go to."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from schools.models import Establishment


class ContactError(ValueError):
    """The contact details cannot be saved; the message says why."""


@transaction.atomic
def establishment_update_contact(*, establishment: Establishment, contact_email: str) -> bool:
    """Set (or clear, with "") where invitations go. Returns whether anything changed.

    The change is recorded in the establishment's audit history with the signed-in user
    (simple-history's request middleware).
    """
    contact_email = contact_email.strip()
    if contact_email:
        try:
            validate_email(contact_email)
        except ValidationError:
            raise ContactError(f"{contact_email!r} is not an email address.") from None
    if contact_email == establishment.contact_email:
        return False
    establishment.contact_email = contact_email
    establishment.save(update_fields=["contact_email", "updated_at"])
    return True
