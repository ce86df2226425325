# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The values an RPC client sends, before they reach SQL.

Odoo 11's ORM writes stored fields without converting their values: a text
for a many2one, an id beyond 32 bits, an unknown selection key, a malformed
date, NaN or a NUL character end in a server error instead of a message the
user can act on. :func:`check_vals` runs the ORM's own conversion of each
value (which knows the choices, dates and numbers) and adds what only
PostgreSQL would refuse (32-bit ids, finite numbers, NUL characters), then
refuses the bad ones with one ValidationError naming the fields.
:func:`drop_derived` drops the values of fields the model computes itself.
"""
import math
from datetime import date

from odoo import _
from odoo.exceptions import ValidationError

INT32 = 2 ** 31 - 1
# No quantity, price or allowance of this business comes near it; beyond,
# sums overflow PostgreSQL's numeric columns.
MAX_NUMBER = 1e12


def _is_int(value):
    return isinstance(value, int) and not isinstance(value, bool)


def _id_ok(value):
    return _is_int(value) and 0 < value <= INT32


def _number_ok(value):
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value) and abs(value) < MAX_NUMBER


def _x2many_ok(value):
    if not isinstance(value, (list, tuple)):
        return False
    for command in value:
        if _id_ok(command):
            continue
        if not isinstance(command, (list, tuple)) or not command or \
                not _is_int(command[0]) or not 0 <= command[0] <= 6:
            return False
        code = command[0]
        if code in (1, 2, 3, 4) and not _id_ok(command[1] if len(command) > 1 else None):
            return False
        if code in (0, 1) and not isinstance(
                command[2] if len(command) > 2 else None, dict):
            return False
        if code == 6:
            ids = command[2] if len(command) > 2 else None
            if not isinstance(ids, (list, tuple)) or not all(_id_ok(i) for i in ids):
                return False
    return True


def _value_ok(model, field, value):
    """True when ``value`` can be stored in ``field`` of ``model``: the ORM's
    own conversion accepts it (choices, dates, numbers), and so will
    PostgreSQL (the ORM lets through what the column refuses)."""
    if value is False or value is None:
        return True
    kind = field.type
    if kind in ("one2many", "many2many"):
        return _x2many_ok(value)
    if kind == "many2one":
        return _id_ok(value)  # the ORM takes any text for an id
    try:
        field.convert_to_cache(value, model.browse(), validate=True)
    except (ValueError, TypeError, AttributeError, OverflowError):
        return False
    if kind == "integer":
        return _is_int(value) and abs(value) <= INT32
    if kind in ("float", "monetary"):
        return _number_ok(value)
    if kind in ("char", "text", "html") and _number_ok(value):
        return True  # stored as its text, as Odoo does
    if kind in ("char", "text", "html", "selection", "date", "datetime"):
        return isinstance(value, str) and "\x00" not in value or (
            kind in ("date", "datetime") and isinstance(value, date))
    return True


def check_vals(model, vals):
    """Raise a ValidationError naming every field of ``vals`` whose value
    ``model`` cannot store; return ``vals`` unchanged otherwise."""
    bad = []
    for name, value in (vals or {}).items():
        field = model._fields.get(name)
        if field is None or _value_ok(model, field, value):
            continue
        bad.append(field.get_description(model.env)["string"])
    if bad:
        raise ValidationError(_(
            "%(model)s: the value given for %(fields)s cannot be stored: "
            "send a value of the field's type (an existing record's id, one "
            "of the choices, a date YYYY-MM-DD, a finite number, a text "
            "without NUL character).") % {
                "model": model._description,
                "fields": ", ".join('"%s"' % label for label in bad)})
    return vals


def is_derived(field):
    """True when ``field`` is one the model derives itself: related, or
    computed without inverse."""
    return field is not None and bool(
        field.related or (field.compute and not field.inverse))


def drop_derived(model, vals):
    """Return ``vals`` without the values of fields that ``model`` derives
    itself. Odoo 11 stores a value sent for a computed field as it comes (a
    forged amount) and writes a value sent for a related field through to
    the other record (a deployment moved to another company from one of its
    options): what the caller sends for them is ignored, the ORM computes
    them."""
    if not vals:
        return vals
    return {name: value for name, value in vals.items()
            if not is_derived(model._fields.get(name))}
