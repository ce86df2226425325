# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from ..tools.access import check_readable, check_still_writable
from ..tools.search import name_search_on
from ..tools.vals import drop_derived

SERVICE_TYPES = [
    ("mobile", "Mobile"),
    ("fixed", "Fixed"),
    ("internet", "Internet"),
    ("other", "Other"),
]


class TelecomParc(models.Model):
    """A parc: the lines of a site for one service type and one partner
    operator, shown as "Mobile / Actif Telecom"."""

    _name = "telecom.parc"
    _description = "Telecom Parc"
    _order = "site_id, service_type, name"

    name = fields.Char(
        compute="_compute_name",
        store=True,
        help="Service type / partner operator, in English; the display "
             "name uses the user's language.",
    )
    complete_name = fields.Char(
        compute="_compute_name",
        store=True,
        help="Site code / service type / partner operator: unique enough "
             "to find the parc when importing lines.",
    )
    site_id = fields.Many2one(
        comodel_name="telecom.site",
        required=True,
        ondelete="restrict",
        index=True,
    )
    partner_id = fields.Many2one(
        related="site_id.partner_id", string="Customer", store=True,
        readonly=True)
    service_type = fields.Selection(
        selection=SERVICE_TYPES,
        required=True,
        default="mobile",
    )
    partner_operator_id = fields.Many2one(
        comodel_name="res.partner",
        required=True,
        ondelete="restrict",
        domain=[("telecom_is_partner_operator", "=", True)],
    )
    line_ids = fields.One2many(
        comodel_name="telecom.line", inverse_name="parc_id", string="Lines")
    line_count = fields.Integer(compute="_compute_line_count")
    company_id = fields.Many2one(
        related="site_id.company_id", string="Company", store=True,
        readonly=True, index=True)
    active = fields.Boolean(default=True)

    @api.depends("service_type", "partner_operator_id.name", "site_id.code")
    def _compute_name(self):
        labels = dict(SERVICE_TYPES)
        for parc in self:
            name = "%s / %s" % (labels.get(parc.service_type, ""),
                                parc.partner_operator_id.name or "")
            parc.name = name
            parc.complete_name = "%s / %s" % (parc.site_id.code or "", name)

    @api.multi
    def _compute_line_count(self):
        groups = self.env["telecom.line"].read_group(
            [("parc_id", "in", self.ids)], ["parc_id"], ["parc_id"])
        counts = {group["parc_id"][0]: group["parc_id_count"]
                  for group in groups}
        for parc in self:
            parc.line_count = counts.get(parc.id, 0)

    @api.multi
    def name_get(self):
        # The service type label in the user's language: "Mobile / Actif
        # Telecom", "Fixe / Orange".
        labels = dict(self._fields["service_type"]._description_selection(
            self.env))
        result = []
        for parc in self:
            name = "%s / %s" % (labels.get(parc.service_type, ""),
                                parc.partner_operator_id.name or "")
            if self.env.context.get("telecom_parc_show_site"):
                name = "%s / %s" % (parc.site_id.code, name)
            result.append((parc.id, name))
        return result

    @api.model
    def _name_search(self, name="", args=None, operator="ilike", limit=100,
                     name_get_uid=None):
        return name_search_on(self, ["name", "complete_name"], name, args, operator, limit,
                              name_get_uid)

    @api.model
    def create(self, vals):
        # The company follows the site; never write through the related field.
        vals = drop_derived(self, vals)
        if vals.get("site_id"):
            check_readable(self.env["telecom.site"].browse(vals["site_id"]))
        return super(TelecomParc, self).create(vals)

    @api.multi
    def write(self, vals):
        vals = drop_derived(self, vals)
        if vals.get("site_id"):
            check_readable(self.env["telecom.site"].browse(vals["site_id"]))
        res = super(TelecomParc, self).write(vals)
        if "site_id" in vals:
            check_still_writable(self)
        return res

    @api.multi
    def action_view_lines(self):
        """Open the lines of the parc."""
        self.ensure_one()
        action = self.env.ref("telecom_parc.telecom_line_action").read()[0]
        action["domain"] = [("parc_id", "=", self.id)]
        action["context"] = {"default_parc_id": self.id}
        return action

    @api.multi
    def action_add_lines(self):
        """Open the "Add Lines" wizard on this parc."""
        self.ensure_one()
        action = self.env.ref("telecom_parc.telecom_line_add_action").read()[0]
        action["context"] = {
            "default_site_mode": "existing",
            "default_site_id": self.site_id.id,
            "default_parc_mode": "existing",
            "default_parc_id": self.id,
        }
        return action
