# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import html_escape

from ..tools import phone as phone_tools
from ..tools.access import check_readable, check_still_writable
from ..tools.search import NEGATIVE_OPERATORS, name_search_on
from ..tools.vals import check_vals, drop_derived

LINE_STATES = [
    ("active", "Active"),
    ("suspended", "Suspended"),
    ("terminated", "Terminated"),
]



class TelecomLine(models.Model):
    """A telecom line of a customer's parc (e.g. the mobile line
    0700000090)."""

    _name = "telecom.line"
    _description = "Telecom Line"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "site_id, parc_id, name, id"

    name = fields.Char(
        string="Line ID",
        index=True,
        track_visibility="onchange",
        help="Reference of the line. Left empty, it is the phone number in "
             "national format (e.g. 0700000090).",
    )
    phone_number = fields.Char(
        required=True,
        index=True,
        track_visibility="onchange",
        help="Stored in international E.164 format (e.g. +33700000090). "
             "Type it in any format: 0700000090, 07 00 00 00 90, "
             "+33 7 00 00 00 90.",
    )
    phone_national = fields.Char(
        string="Phone Number (national)",
        compute="_compute_phone_national",
        store=True,
    )
    phone_search = fields.Char(
        string="Phone Number (any format)",
        compute="_compute_phone_search",
        search="_search_phone_search",
        help="Search a line by its number typed in any format.",
    )
    user_name = fields.Char(track_visibility="onchange")
    customer_account = fields.Char(track_visibility="onchange")
    subscription_id = fields.Many2one(
        comodel_name="telecom.subscription",
        ondelete="restrict",
        index=True,
        track_visibility="onchange",
    )
    parc_id = fields.Many2one(
        comodel_name="telecom.parc",
        required=True,
        ondelete="restrict",
        index=True,
        track_visibility="onchange",
    )
    site_id = fields.Many2one(
        related="parc_id.site_id", string="Site", store=True, readonly=True,
        index=True)
    partner_id = fields.Many2one(
        related="parc_id.site_id.partner_id", string="Customer", store=True,
        readonly=True, index=True)
    service_type = fields.Selection(
        related="parc_id.service_type", string="Service Type",
        readonly=True)
    partner_operator_id = fields.Many2one(
        related="parc_id.partner_operator_id", string="Partner Operator",
        readonly=True)
    company_id = fields.Many2one(
        related="parc_id.company_id", string="Company", store=True,
        readonly=True, index=True)
    # Archive / Unarchive are offered only to the users who may write the
    # lines (static/src/js/telecom_list_renderer.js).
    active = fields.Boolean(default=True)
    state = fields.Selection(
        selection=LINE_STATES,
        string="Status",
        required=True,
        default="active",
        track_visibility="onchange",
    )
    date_activation = fields.Date(
        string="Activation Date", track_visibility="onchange")
    date_deactivation = fields.Date(
        string="Deactivation Date", track_visibility="onchange")

    @api.model_cr
    def init(self):
        # Backstop of the Python check: two active lines of a company can
        # never share a number, whatever writes to the table.
        self.env.cr.execute("""
            CREATE UNIQUE INDEX IF NOT EXISTS
                telecom_line_phone_company_active_uniq
            ON telecom_line (company_id, phone_number)
            WHERE active
        """)

    # ------------------------------------------------------------------
    # Phone numbers
    # ------------------------------------------------------------------
    @api.model
    def _telecom_phone_region(self):
        """Return the region used to read numbers typed without ``+``.

        Override to use, e.g., the company's country.
        """
        return phone_tools.DEFAULT_REGION

    @api.model
    def _telecom_normalize_phone(self, number):
        """Return ``number`` in E.164, or raise a ValidationError naming
        the number typed and how to fix it."""
        e164 = phone_tools.to_e164(number, self._telecom_phone_region())
        if not e164:
            raise ValidationError(_(
                "The phone number \"%s\" is not valid. Type a French number "
                "with its 10 digits (e.g. 07 00 00 00 90) or an "
                "international number starting with + and the country code "
                "(e.g. +32 470 12 34 56).") % (number or "",))
        return e164

    @api.depends("phone_number")
    def _compute_phone_national(self):
        region = self._telecom_phone_region()
        for line in self:
            line.phone_national = phone_tools.to_national(
                line.phone_number, region) or line.phone_number

    @api.multi
    def _compute_phone_search(self):
        for line in self:
            line.phone_search = line.phone_number

    @api.model
    def _search_phone_search(self, operator, value):
        """Find lines by a number typed in any format.

        A complete number is normalised and matched exactly; a partial one
        is matched on its digits inside the stored numbers and on the line
        ID.
        """
        if not value or not isinstance(value, str):
            return [("phone_number", operator, value)]
        e164 = phone_tools.to_e164(value, self._telecom_phone_region())
        if e164:
            domain = ["|", ("phone_number", "=", e164),
                      ("name", "ilike", value)]
        else:
            digits = phone_tools.digits_only(value)
            if digits:
                domain = ["|", ("phone_number", "ilike", digits),
                          ("name", "ilike", value)]
            else:
                domain = [("name", "ilike", value)]
        if operator in NEGATIVE_OPERATORS:
            return ["!"] + domain
        return domain

    @api.model
    def _telecom_default_name(self, phone_number):
        """Return the default line ID of a number: its compact national
        format (0700000090)."""
        return phone_tools.to_national(
            phone_number, self._telecom_phone_region(), compact=True) \
            or phone_number

    @api.model
    def _telecom_find_active_duplicate(self, phone_number, company,
                                       exclude=None):
        """Return the active line of ``company`` that has ``phone_number``
        (E.164), whatever the user's access rights, or an empty recordset.
        """
        if not phone_number or not company:
            return self.browse()
        domain = [("phone_number", "=", phone_number),
                  ("company_id", "=", company.id)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return self.sudo().with_context(active_test=True).search(
            domain, limit=1)

    @api.model
    def _telecom_duplicate_message(self, phone_number, duplicate):
        if not duplicate.with_context(active_test=False).search_count(
                [("id", "=", duplicate.id)]):
            # Never name a line the user may not read.
            return _(
                "The phone number %s is already used by another active line "
                "of the company. A number can be used by one active line "
                "only: ask a colleague of that company to archive that "
                "line, or correct the number.") % (
                    phone_tools.to_national(phone_number) or phone_number)
        return _(
            "The phone number %(number)s is already used by the active line "
            "\"%(line)s\" (site %(site)s, parc %(parc)s). A number can be "
            "used by one active line only: archive or delete that line "
            "first, or correct the number.") % {
                "number": (phone_tools.to_national(phone_number) or
                           phone_number),
                "line": duplicate.name,
                "site": duplicate.site_id.code or "",
                "parc": duplicate.parc_id.name or ""}

    @api.model
    def _telecom_prepare_vals(self, vals):
        # Site, customer and company follow the parc: a value sent for them
        # would be written through to the parc or the site.
        vals = drop_derived(self, vals)
        if vals.get("parc_id"):
            check_readable(self.env["telecom.parc"].browse(vals["parc_id"]))
        if "phone_number" in vals:
            vals["phone_number"] = self._telecom_normalize_phone(
                vals["phone_number"])
        if "name" in vals and vals["name"]:
            if not isinstance(vals["name"], str):
                raise ValidationError(_(
                    "The line ID \"%s\" is not a text. Type the line ID, "
                    "e.g. 0700000090.") % (vals["name"],))
            vals["name"] = vals["name"].strip()
        return vals

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        check_vals(self, vals)
        vals = self._telecom_prepare_vals(vals)
        if not vals.get("name") and vals.get("phone_number"):
            vals["name"] = self._telecom_default_name(vals["phone_number"])
        if vals.get("active", True) and vals.get("parc_id"):
            parc = self.env["telecom.parc"].browse(vals["parc_id"])
            duplicate = self._telecom_find_active_duplicate(
                vals.get("phone_number"), parc.sudo().company_id)
            if duplicate:
                raise ValidationError(self._telecom_duplicate_message(
                    vals["phone_number"], duplicate))
        return super(TelecomLine, self).create(vals)

    @api.multi
    def write(self, vals):
        check_vals(self, vals)
        vals = self._telecom_prepare_vals(vals)
        if {"phone_number", "active", "parc_id"} & set(vals):
            self._telecom_check_write_duplicates(vals)
        if "name" in vals and not vals["name"]:
            # An emptied line ID goes back to the default one.
            del vals["name"]
            for line in self:
                number = vals.get("phone_number") or line.phone_number
                super(TelecomLine, line).write(
                    {"name": self._telecom_default_name(number)})
        renamed = self.browse()
        if vals.get("phone_number") and "name" not in vals:
            # A line ID that was the old number follows the new number.
            renamed = self.filtered(
                lambda line: line.name == self._telecom_default_name(
                    line.phone_number))
        res = super(TelecomLine, self).write(vals)
        if renamed:
            super(TelecomLine, renamed).write(
                {"name": self._telecom_default_name(vals["phone_number"])})
        if "parc_id" in vals:
            check_still_writable(self)
        return res

    @api.multi
    def unlink(self):
        """Delete lines without history; refuse, before the database does,
        a line whose history must be kept: it is archived instead."""
        for line in self:
            reasons = line._telecom_history_reasons()
            if reasons:
                raise UserError(_(
                    "The line \"%(line)s\" cannot be deleted because "
                    "%(reasons)s. Archive it instead (Action > Delete Lines "
                    "archives the lines that have a history), so that its "
                    "history is kept.") % {
                        "line": line.name,
                        "reasons": "; ".join(reasons)})
        return super(TelecomLine, self).unlink()

    @api.multi
    def _telecom_check_write_duplicates(self, vals):
        """Refuse, before the database does, a write that would give the
        number of an active line to another active line of its company."""
        parc = self.env["telecom.parc"].browse(vals["parc_id"]) \
            if vals.get("parc_id") else None
        seen = {}
        for line in self:
            active = vals.get("active", line.active)
            if not active:
                continue
            number = vals.get("phone_number") or line.phone_number
            company = (parc or line.parc_id).sudo().company_id
            key = (number, company.id)
            if key in seen:
                raise ValidationError(_(
                    "The lines \"%(line)s\" and \"%(other_line)s\" would "
                    "both use the phone number %(number)s. Give each active "
                    "line its own number.") % {
                        "line": seen[key].name,
                        "other_line": line.name,
                        "number": phone_tools.to_national(number) or number})
            seen[key] = line
            duplicate = self._telecom_find_active_duplicate(
                number, company, exclude=self)
            if duplicate:
                raise ValidationError(self._telecom_duplicate_message(
                    number, duplicate))

    @api.constrains("phone_number", "company_id", "active")
    def _check_phone_number_unique(self):
        for line in self.filtered("active"):
            duplicate = self._telecom_find_active_duplicate(
                line.phone_number, line.company_id, exclude=line)
            if duplicate:
                raise ValidationError(self._telecom_duplicate_message(
                    line.phone_number, duplicate))

    # ------------------------------------------------------------------
    # Status: each change is a button with a confirmation (terminate asks
    # for the deactivation date, see telecom.line.terminate).
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_check_state_from(self, allowed, action):
        wrong = self.filtered(lambda line: line.state not in allowed)
        if wrong:
            labels = dict(self._fields["state"]._description_selection(
                self.env))
            raise UserError(_(
                "%(action)s is not possible for the line %(line)s: its "
                "status is %(state)s. Refresh the page to see its current "
                "status.") % {
                    "action": action,
                    "line": wrong[0].display_name,
                    "state": labels.get(wrong[0].state)})

    @api.multi
    def action_suspend(self):
        """Suspend active lines (the Suspend button asks to confirm)."""
        self._telecom_check_state_from(("active",), _("Suspending"))
        self.write({"state": "suspended"})
        return True

    @api.multi
    def action_reactivate(self):
        """Put suspended or terminated lines back in the Active status and
        clear their deactivation date (the button asks to confirm)."""
        self._telecom_check_state_from(("suspended", "terminated"),
                                       _("Reactivating"))
        self.write({"state": "active", "date_deactivation": False})
        return True

    @api.multi
    def action_terminate(self):
        """Open the wizard that asks for the deactivation date of the
        lines and terminates them."""
        self._telecom_check_state_from(("active", "suspended"),
                                       _("Terminating"))
        action = self.env.ref(
            "telecom_parc.telecom_line_terminate_action").read()[0]
        action["context"] = {"active_model": self._name,
                             "active_ids": self.ids,
                             "active_id": self[:1].id}
        return action

    @api.multi
    def _telecom_terminate(self, date_deactivation):
        self._telecom_check_state_from(("active", "suspended"),
                                       _("Terminating"))
        self.write({"state": "terminated",
                    "date_deactivation": date_deactivation})

    # ------------------------------------------------------------------
    # The list grouped by parc says, like the intranet, how many lines
    # each parc has: "Mobile / Actif Telecom (4 line(s)) ⚙️ 2".
    # ------------------------------------------------------------------
    @api.model
    def read_group(self, domain, fields, groupby, offset=0, limit=None,
                   orderby=False, lazy=True):
        groups = super(TelecomLine, self).read_group(
            domain, fields, groupby, offset=offset, limit=limit,
            orderby=orderby, lazy=lazy)
        groupby = [groupby] if isinstance(groupby, str) else list(
            groupby or [])
        if lazy and groupby and groupby[0] == "parc_id":
            parc_ids = [group["parc_id"][0] for group in groups
                        if group.get("parc_id")]
            extras = self._telecom_parc_group_extras(domain or [], parc_ids)
            for group in groups:
                if not group.get("parc_id"):
                    continue
                parc_id, name = group["parc_id"]
                group["parc_id"] = (parc_id, self._telecom_parc_group_label(
                    name, group.get("parc_id_count", 0),
                    extras.get(parc_id)))
        return groups

    @api.model
    def _telecom_parc_group_label(self, name, count, extra=None):
        label = _("%(parc)s (%(count)d line(s))") % {
            "parc": name, "count": count}
        return "%s %s" % (label, extra) if extra else label

    @api.model
    def _telecom_parc_group_extras(self, domain, parc_ids):
        """Return {parc id: text} added after the line count of the parc's
        group (e.g. the open work on its lines); other addons fill it."""
        return {}

    @api.constrains("date_activation", "date_deactivation")
    def _check_dates(self):
        for line in self:
            if line.date_activation and line.date_deactivation and \
                    line.date_deactivation < line.date_activation:
                raise ValidationError(_(
                    "The deactivation date of the line \"%s\" is before its "
                    "activation date. Correct one of the two dates.") %
                    line.name)

    @api.model
    def _name_search(self, name="", args=None, operator="ilike", limit=100,
                     name_get_uid=None):
        return name_search_on(self, ["name", "phone_search"], name, args, operator, limit,
                              name_get_uid)

    # ------------------------------------------------------------------
    # History
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_history_reasons(self):
        """Return why this line has a history, as a list of sentences
        (empty when it has none).

        In this addon a line has a history when:

        * it is not in the "Active" state (suspended or terminated) or it
          has a deactivation date;
        * its chatter holds a message someone wrote (a note, a message or
          an e-mail) or a completed activity; the automatic creation log
          does not count;
        * its chatter holds a tracked change of a value that was already
          set (the initial values logged at creation do not count).

        Other addons add their reasons (e.g. the MAJ of Recharge DATA) by
        extending this method or :meth:`_telecom_has_history`.
        """
        self.ensure_one()
        reasons = []
        if self.state != "active":
            reasons.append(_("its status is %s") % dict(
                self._fields["state"]._description_selection(self.env)
            ).get(self.state))
        if self.date_deactivation:
            reasons.append(_("it has a deactivation date"))
        messages = self.env["mail.message"].sudo().search([
            ("model", "=", self._name), ("res_id", "=", self.id)])
        activity_subtype = self.env.ref(
            "mail.mt_activities", raise_if_not_found=False)
        written = messages.filtered(
            lambda m: m.message_type in ("comment", "email") or
            (activity_subtype and m.subtype_id == activity_subtype))
        if written:
            reasons.append(
                _("it has %d message(s) in its chatter") % len(written))
        changes = messages.mapped("tracking_value_ids").filtered(
            lambda t: t.old_value_char or t.old_value_integer or
            t.old_value_float or t.old_value_monetary or
            t.old_value_datetime or t.old_value_text)
        if changes:
            reasons.append(
                _("it has %d recorded change(s)") % len(changes))
        return reasons

    @api.multi
    def _telecom_has_history(self):
        """Return True when this line has a history that must be kept:
        such a line is archived instead of deleted.

        See :meth:`_telecom_history_reasons` for what counts as history.
        """
        self.ensure_one()
        return bool(self._telecom_history_reasons())

    @api.model
    def _telecom_log_many(self, messages):
        """Log ``messages`` ([(line id, plain text)]) in the lines' chatter
        as internal notes, through the ORM, without ``message_post``'s
        subscriptions and e-mails; the followers of notes are told as
        ``mail.message`` does. The lines' names are read once for all
        (``mail.message`` reads each one otherwise). Returns True."""
        if not messages:
            return True
        subtype = self.env.ref("mail.mt_note")
        names = dict(self.sudo().browse(
            list({line_id for line_id, _body in messages})).name_get())
        Message = self.env["mail.message"].sudo()
        for line_id, body in messages:
            Message.create({
                "model": self._name,
                "res_id": line_id,
                "record_name": names.get(line_id),
                "message_type": "notification",
                "subtype_id": subtype.id,
                "body": "<p>%s</p>" % html_escape(body or ""),
            })
        return True
