# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Access checks that Odoo 11 leaves to the caller.

Odoo 11 checks the record rules of a write on the values *before* it: a user
may move a record of their company into another company by writing the field
that carries the company. It does not check that a many2one written points
to a record the user may read. These helpers close both, with a message that
names nothing the user may not see.
"""
from odoo import SUPERUSER_ID, _
from odoo.exceptions import AccessError


def reachable_company_ids(env):
    """The ids of the companies whose records the user reaches: their
    current company and its children (the project's record rules)."""
    return set(env["res.company"].sudo().search(
        [("id", "child_of", env.user.company_id.ids)]).ids)


def check_company_reachable(env, company_id):
    """Raise an AccessError when ``company_id`` is a company the user
    cannot reach."""
    if env.uid == SUPERUSER_ID or not company_id:
        return
    if company_id not in reachable_company_ids(env):
        raise AccessError(_(
            "You cannot create or move a record into a company you do not "
            "have access to. Switch to that company first, or choose your "
            "own company."))


def check_readable(records):
    """Raise an AccessError, naming nothing, when the user may not read one
    of ``records`` (e.g. another company's parc sent over RPC)."""
    if records.env.uid == SUPERUSER_ID or not records:
        return
    visible = records.with_context(active_test=False).search_count(
        [("id", "in", records.ids)])
    if visible != len(set(records.ids)):
        raise AccessError(_(
            "%s: one of the records chosen does not exist or belongs to a "
            "company you do not have access to. Choose a record of your own "
            "company.") % records._description)


def check_still_writable(records):
    """After a write, raise an AccessError when ``records`` left the
    companies the user may write (Odoo 11 checks the rules on the old
    values only). The transaction is rolled back with it."""
    if records.env.uid == SUPERUSER_ID or not records:
        return
    try:
        records.check_access_rule("write")
    except AccessError:
        raise AccessError(_(
            "%s: this change would move the record into a company you do "
            "not have access to. Choose a record of your own company.") %
            records._description)
