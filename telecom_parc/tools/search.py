# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A name search over several fields, shared by sites, parcs and lines."""

NEGATIVE_OPERATORS = ("!=", "not like", "not ilike", "not in", "<>")


def name_search_on(model, field_names, name, args, operator, limit,
                   name_get_uid):
    """``_name_search`` of ``model`` matching ``name`` on any of
    ``field_names`` (on none of them for a negative operator)."""
    args = list(args or [])
    if name:
        leaves = [(field, operator, name) for field in field_names]
        glue = "&" if operator in NEGATIVE_OPERATORS else "|"
        args = [glue] * (len(leaves) - 1) + leaves + args
    uid = name_get_uid or model._uid
    ids = model._search(args, limit=limit, access_rights_uid=uid)
    return model.browse(ids).sudo(uid).name_get()
