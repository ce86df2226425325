# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Phone number helpers, free of the ORM so other addons and scripts reuse them.

We accept every number that has a *possible* length and shape for its
country rather than only the ranges ``phonenumbers`` knows as allocated:
the customers' fleets contain numbers such as ``07 00 00 00 90`` that the
library's metadata lists as unallocated, and refusing them would block the
user's real data.
"""
import re

import phonenumbers

DEFAULT_REGION = "FR"

# What a typed number may contain besides digits. Letters are refused on
# purpose: phonenumbers would read "0800FLOWERS" as a vanity number.
_ALLOWED_RE = re.compile(r"^[0-9+\s().\-/]+$")


def parse_phone(number, region=DEFAULT_REGION):
    """Return the ``PhoneNumber`` object of ``number`` or ``None``.

    ``None`` means the text is not a possible phone number for ``region``
    (national format) or for the country code it starts with (``+`` or
    ``00`` followed by the country code).
    """
    if not number or not isinstance(number, str):
        return None
    text = number.strip()
    if not text or not _ALLOWED_RE.match(text):
        return None
    try:
        parsed = phonenumbers.parse(text, region or DEFAULT_REGION)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(parsed)
    if reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        return None
    return parsed


def to_e164(number, region=DEFAULT_REGION):
    """Return ``number`` in E.164 (``+33700000090``) or ``None``."""
    parsed = parse_phone(number, region)
    if parsed is None:
        return None
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164)


def to_national(number, region=DEFAULT_REGION, compact=False):
    """Return ``number`` in national format (``07 00 00 00 90``) or ``None``.

    With ``compact`` the separators are removed (``0700000090``), the way
    the users write a line ID.
    """
    parsed = parse_phone(number, region)
    if parsed is None:
        return None
    national = phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    if compact:
        national = re.sub(r"[^0-9+]", "", national)
    return national


def digits_only(number):
    """Return the digits of ``number`` without the leading zeros.

    Used to search a partly typed number inside E.164 numbers.
    """
    return re.sub(r"\D", "", number or "").lstrip("0")
