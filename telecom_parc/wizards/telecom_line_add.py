# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import re

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.telecom_parc import SERVICE_TYPES
from ..tools import phone as phone_tools
from ..tools.access import check_company_reachable

_COLUMN_SEPARATOR_RE = re.compile(r"[;\t]")


class TelecomLineAdd(models.TransientModel):
    """Add many lines at once to an existing or a new site and parc.

    All or nothing: when a pasted row is wrong, the wizard lists every bad
    row and creates nothing (no line, no site, no parc).
    """

    _name = "telecom.line.add"
    _inherit = "telecom.wizard.mixin"
    _telecom_wizard_fixed_fields = ()
    _description = "Add Telecom Lines"

    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.user.company_id,
        help="Company of a new site.",
    )
    site_mode = fields.Selection(
        selection=[("existing", "Existing site"), ("new", "New site")],
        string="Site",
        required=True,
        default="existing",
    )
    site_id = fields.Many2one(
        comodel_name="telecom.site", string="Existing Site")
    site_name = fields.Char(string="New Site Name")
    site_code = fields.Char(string="New Site Code")
    site_partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer",
        domain=[("customer", "=", True)])
    parc_mode = fields.Selection(
        selection=[("existing", "Existing parc"), ("new", "New parc")],
        string="Parc",
        required=True,
        default="existing",
    )
    parc_id = fields.Many2one(
        comodel_name="telecom.parc", string="Existing Parc")
    parc_service_type = fields.Selection(
        selection=SERVICE_TYPES, string="Service Type", default="mobile")
    parc_partner_operator_id = fields.Many2one(
        comodel_name="res.partner",
        string="Partner Operator",
        domain=[("telecom_is_partner_operator", "=", True)],
    )
    subscription_id = fields.Many2one(
        comodel_name="telecom.subscription",
        help="Subscription given to every added line (optional).",
    )
    date_activation = fields.Date(
        string="Activation Date",
        help="Activation date given to every added line (optional).")
    lines_text = fields.Text(
        string="Lines",
        help="One line per row: phone number; user name; customer account. "
             "Separate the columns with ; or a tab (a copy from a "
             "spreadsheet). Only the phone number is required.",
    )

    @api.model
    def default_get(self, fields_list):
        res = super(TelecomLineAdd, self).default_get(fields_list)
        context = self.env.context
        if context.get("active_model") == "telecom.line" and \
                context.get("active_ids") and "default_parc_id" not in context:
            # Lines selected in one parc: add the new ones next to them.
            parcs = self.env["telecom.line"].browse(
                context["active_ids"]).mapped("parc_id")
            if len(parcs) == 1:
                res.update({
                    "site_mode": "existing",
                    "site_id": parcs.site_id.id,
                    "parc_mode": "existing",
                    "parc_id": parcs.id,
                })
        return res

    @api.onchange("site_mode")
    def _onchange_site_mode(self):
        if self.site_mode == "new":
            self.parc_mode = "new"
            self.site_id = False
            self.parc_id = False

    @api.onchange("site_id")
    def _onchange_site_id(self):
        if self.parc_id and self.parc_id.site_id != self.site_id:
            self.parc_id = False
        if self.site_id and not self.parc_id:
            parcs = self.site_id.parc_ids
            if len(parcs) == 1:
                self.parc_id = parcs

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_target_company(self):
        self.ensure_one()
        if self.site_mode == "existing":
            return self.site_id.company_id
        return self.company_id

    @api.multi
    def _telecom_check_site_parc(self):
        """Return the list of errors on the site and parc chosen."""
        self.ensure_one()
        errors = []
        if self.site_mode == "existing":
            if not self.site_id:
                errors.append(_(
                    "Choose the site of the lines, or choose \"New site\" "
                    "and fill its name, code and customer."))
        else:
            missing = []
            if not (self.site_name or "").strip():
                missing.append(_("name"))
            if not (self.site_code or "").strip():
                missing.append(_("code"))
            if not self.site_partner_id:
                missing.append(_("customer"))
            if missing:
                errors.append(_("Fill these fields of the new site: %s.") %
                              ", ".join(missing))
            if (self.site_code or "").strip():
                other = self.env["telecom.site"]._telecom_find_same_code(
                    self.site_code.strip(), self.company_id)
                if other:
                    errors.append(_(
                        "The site code \"%(code)s\" is already used by the "
                        "site \"%(site)s\": choose it as existing site or "
                        "give the new site another code.") % {
                            "code": self.site_code.strip(),
                            "site": other.name})
        if self.parc_mode == "existing":
            if self.site_mode == "new":
                errors.append(_(
                    "A new site has no parc yet: choose \"New parc\"."))
            elif not self.parc_id:
                errors.append(_(
                    "Choose the parc of the lines, or choose \"New parc\" "
                    "and fill its service type and partner operator."))
            elif self.site_id and self.parc_id.site_id != self.site_id:
                errors.append(_(
                    "The parc \"%(parc)s\" belongs to the site "
                    "\"%(parc_site)s\", not to \"%(site)s\": choose a parc "
                    "of the site.") % {
                        "parc": self.parc_id.display_name,
                        "parc_site": self.parc_id.site_id.display_name,
                        "site": self.site_id.display_name})
        else:
            if not self.parc_service_type:
                errors.append(_("Choose the service type of the new parc."))
            if not self.parc_partner_operator_id:
                errors.append(_(
                    "Choose the partner operator of the new parc."))
        return errors

    @api.multi
    def _telecom_parse_rows(self):
        """Read the pasted rows.

        Return ``(rows, errors)``: ``rows`` is a list of
        ``(row_number, text, values)`` ready for ``telecom.line``,
        ``errors`` a list of ``(row_number, text, reason)``.
        """
        self.ensure_one()
        line_model = self.env["telecom.line"]
        region = line_model._telecom_phone_region()
        company = self._telecom_target_company()
        rows, errors = [], []
        first_row_of = {}
        for number, text in enumerate(
                (self.lines_text or "").splitlines(), start=1):
            text = text.strip()
            if not text:
                continue
            columns = [col.strip() for col in _COLUMN_SEPARATOR_RE.split(text)]
            if len(columns) > 3:
                errors.append((number, text, _(
                    "too many columns: write phone number; user name; "
                    "customer account")))
                continue
            columns += [""] * (3 - len(columns))
            typed_number, user_name, customer_account = columns
            if not typed_number:
                errors.append((number, text, _("the phone number is missing")))
                continue
            e164 = phone_tools.to_e164(typed_number, region)
            if not e164:
                errors.append((number, text, _(
                    "\"%s\" is not a valid phone number: type 10 digits "
                    "(07 00 00 00 90) or + and the country code "
                    "(+33 7 00 00 00 90)") % typed_number))
                continue
            if e164 in first_row_of:
                errors.append((number, text, _(
                    "the number is already on row %d of the paste") %
                    first_row_of[e164]))
                continue
            first_row_of[e164] = number
            rows.append((number, text, {
                "phone_number": e164,
                "user_name": user_name or False,
                "customer_account": customer_account or False,
            }))
        if company and first_row_of:
            existing = line_model.sudo().with_context(active_test=True).search(
                [("company_id", "=", company.id),
                 ("phone_number", "in", list(first_row_of))])
            by_number = {line.phone_number: line for line in existing}
            for number, text, values in list(rows):
                duplicate = by_number.get(values["phone_number"])
                if duplicate:
                    errors.append((number, text, _(
                        "the number is already used by the active line "
                        "\"%(line)s\" (site %(site)s, parc %(parc)s)") % {
                            "line": duplicate.name,
                            "site": duplicate.site_id.code,
                            "parc": duplicate.parc_id.name}))
                    rows.remove((number, text, values))
        errors.sort()
        return rows, errors

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    @api.multi
    def action_confirm(self):
        """Create the lines (and the new site and parc) and return the
        action opening the created lines.

        Raise a UserError listing every wrong row, and create nothing, when
        one row or the site/parc is wrong.
        """
        self.ensure_one()
        # Before the checks: their messages name the sites of the company.
        check_company_reachable(self.env, self.company_id.id)
        setup_errors = self._telecom_check_site_parc()
        rows, row_errors = self._telecom_parse_rows()
        if not rows and not row_errors:
            setup_errors.append(_(
                "Paste at least one phone number, one per row."))
        if setup_errors or row_errors:
            message = [_("Nothing was created. Correct the following and "
                         "try again:")]
            message += ["- %s" % error for error in setup_errors]
            # _() looks for the language in its caller's frame: translate
            # outside the comprehension.
            row_template = _("- Row %(row)d \"%(text)s\": %(error)s")
            message += [row_template % {"row": row, "text": text,
                                        "error": error}
                        for row, text, error in row_errors]
            raise UserError("\n".join(message))

        site = self.site_id
        if self.site_mode == "new":
            site = self.env["telecom.site"].create({
                "name": self.site_name.strip(),
                "code": self.site_code.strip(),
                "partner_id": self.site_partner_id.id,
                "company_id": self.company_id.id,
            })
        parc = self.parc_id
        if self.parc_mode == "new":
            parc = self.env["telecom.parc"].create({
                "site_id": site.id,
                "service_type": self.parc_service_type,
                "partner_operator_id": self.parc_partner_operator_id.id,
            })
        common = {
            "parc_id": parc.id,
            "subscription_id": self.subscription_id.id,
            "date_activation": self.date_activation,
        }
        # Bulk creation: no chatter log per line (docs/ARCHITECTURE.md, costs).
        line_model = self.env["telecom.line"].with_context(
            tracking_disable=True)
        lines = self.env["telecom.line"]
        for _number, _text, values in rows:
            values.update(common)
            lines |= line_model.create(values)
        action = self.env.ref("telecom_parc.telecom_line_action").read()[0]
        action.update({
            "name": _("Added Lines"),
            "domain": [("id", "in", lines.ids)],
            "context": {"search_default_group_by_parc": 1},
            "target": "current",
        })
        return action
