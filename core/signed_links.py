"""Personal links that open something without a login: signed, stamped, expiring.

A link carries one object's id, signed with the site's secret and a salt of its own (so a
booking token can never open a survey) and stamped with the time it was made. An altered
link fails the signature check; an old one is still recognised, so the app can offer to
send a new one to the address it knows, but it opens nothing. The apps that make links
(``cohorts.services.links``, ``evaluation.links``) say what the id names and what each
failure tells the person holding the link.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing


class LinkTampered(Exception):
    """The token was altered, or was never made here with this salt."""


@dataclass(frozen=True)
class SignedLinks:
    """The links of one kind: ``salt`` keeps them apart from every other kind; ``key`` names
    the id in the signed payload (fixed for good: links already sent must keep working)."""

    salt: str
    key: str

    def token(self, pk: int) -> str:
        """A fresh URL-safe token for the object ``pk``."""
        return signing.dumps({self.key: pk}, salt=self.salt)

    def read(self, token: str, *, max_age: timedelta) -> tuple[int, bool]:
        """(the id the token names, whether it is older than ``max_age``). Raises
        ``LinkTampered`` for a token that is altered or not of this kind."""
        try:
            return self._id(signing.loads(token, salt=self.salt, max_age=max_age)), False
        except signing.SignatureExpired:
            return self._id(signing.loads(token, salt=self.salt)), True
        except signing.BadSignature as error:
            raise LinkTampered from error

    def _id(self, payload) -> int:
        try:
            return int(payload[self.key])
        except (KeyError, TypeError, ValueError) as error:
            raise LinkTampered from error
