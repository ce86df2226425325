# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..tools.access import check_company_reachable, check_still_writable
from ..tools.search import name_search_on


class TelecomSite(models.Model):
    """A customer's site (e.g. SITE_SW1): the first level of the parc."""

    _name = "telecom.site"
    _description = "Telecom Site"
    _order = "code, name"

    name = fields.Char(required=True)
    code = fields.Char(
        required=True,
        help="Short reference of the site, unique per company "
             "(e.g. SITE_SW1).",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        required=True,
        ondelete="restrict",
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "telecom.site"),
    )
    parc_ids = fields.One2many(
        comodel_name="telecom.parc", inverse_name="site_id", string="Parcs")
    line_ids = fields.One2many(
        comodel_name="telecom.line", inverse_name="site_id", string="Lines")
    line_count = fields.Integer(compute="_compute_line_count")
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_company_uniq", "unique(code, company_id)",
         "Another site of this company already uses this code. "
         "Choose another site code."),
    ]

    @api.multi
    def _compute_line_count(self):
        groups = self.env["telecom.line"].read_group(
            [("site_id", "in", self.ids)], ["site_id"], ["site_id"])
        counts = {group["site_id"][0]: group["site_id_count"]
                  for group in groups}
        for site in self:
            site.line_count = counts.get(site.id, 0)

    @api.multi
    def name_get(self):
        return [(site.id, "%s - %s" % (site.code, site.name)
                 if site.code and site.code != site.name else site.name)
                for site in self]

    @api.model
    def _name_search(self, name="", args=None, operator="ilike", limit=100,
                     name_get_uid=None):
        return name_search_on(self, ["code", "name"], name, args, operator, limit,
                              name_get_uid)

    @api.model
    def _telecom_find_same_code(self, code, company, exclude=None):
        """Return the site of ``company`` using ``code``, if any."""
        domain = [("code", "=", code), ("company_id", "=", company.id)]
        if exclude:
            domain.append(("id", "not in", exclude.ids))
        return self.sudo().with_context(active_test=False).search(
            domain, limit=1)

    @api.model
    def create(self, vals):
        # Before the code check: its message names the other site.
        check_company_reachable(self.env, vals.get("company_id"))
        if vals.get("code"):
            vals["code"] = vals["code"].strip()
            company = self.env["res.company"].browse(
                vals.get("company_id")) if vals.get("company_id") else \
                self.env["res.company"]._company_default_get("telecom.site")
            other = self._telecom_find_same_code(vals["code"], company)
            if other:
                raise ValidationError(_(
                    "The site code \"%(code)s\" is already used by the site "
                    "\"%(site)s\" of the company %(company)s. Choose "
                    "another code or add the lines to that site.") % {
                        "code": vals["code"],
                        "site": other.name,
                        "company": company.name})
        return super(TelecomSite, self).create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("code"):
            vals["code"] = vals["code"].strip()
        if "company_id" in vals:
            check_company_reachable(self.env, vals["company_id"])
            moved = self.filtered(
                lambda s: s.company_id.id != vals["company_id"] and s.line_ids)
            if moved:
                raise UserError(_(
                    "The site \"%s\" has lines: it cannot be moved to another "
                    "company. Create a new site in that company and move the "
                    "parcs' lines there instead.") % moved[0].display_name)
        if vals.get("code") or "company_id" in vals:
            for site in self:
                code = vals.get("code") or site.code
                company = self.env["res.company"].browse(
                    vals["company_id"]) if "company_id" in vals \
                    else site.company_id
                other = self._telecom_find_same_code(code, company, site)
                if other:
                    raise ValidationError(_(
                        "The site code \"%(code)s\" is already used by the "
                        "site \"%(site)s\" of the company %(company)s. "
                        "Choose another code.") % {
                            "code": code,
                            "site": other.name,
                            "company": company.name})
        res = super(TelecomSite, self).write(vals)
        if "company_id" in vals:
            check_still_writable(self)
        return res

    @api.multi
    def action_view_lines(self):
        """Open the lines of the site, grouped by parc."""
        self.ensure_one()
        action = self.env.ref("telecom_parc.telecom_line_action").read()[0]
        action["domain"] = [("site_id", "=", self.id)]
        action["context"] = {"search_default_group_by_parc": 1}
        return action

    @api.multi
    def action_add_lines(self):
        """Open the "Add Lines" wizard on this site."""
        self.ensure_one()
        action = self.env.ref("telecom_parc.telecom_line_add_action").read()[0]
        action["context"] = {
            "default_site_mode": "existing",
            "default_site_id": self.id,
        }
        return action
