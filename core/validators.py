"""Checks on what people type that every app shares: one-line text, and the services' own
run of a model's field validators on input that no form has checked."""

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

#: A line break: CR LF, or any one character ``str.splitlines()`` ends a line at. A name,
#: role, phone number or venue holding one breaks an email header, a calendar line or a row.
LINE_BREAK = re.compile("\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")


def is_one_line(value: str) -> bool:
    return LINE_BREAK.search(value) is None


def validate_one_line(value: str) -> None:
    """Refuse text with a line break in it: the validator of every one-line CharField."""
    if isinstance(value, str) and not is_one_line(value):
        raise ValidationError(_("Enter this on one line."), code="one_line")


def field_values_check(
    model: type[models.Model], *, error: Callable[[str], Exception], **values
) -> None:
    """Run the validators ``model`` declares on each field named in ``values`` (line breaks,
    length, email addresses...), for a service taking input that no form may have checked.
    The first refusal is raised as ``error(message)``, the message naming the field."""
    for name, value in values.items():
        field = model._meta.get_field(name)
        try:
            field.run_validators(value)
        except ValidationError as refused:
            raise error(f"{capfirst(field.verbose_name)}: {' '.join(refused.messages)}") from None
