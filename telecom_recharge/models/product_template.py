# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

OPTION_KINDS = [
    ("data_topup", "Data Top-up"),
    ("other", "Other"),
]

# Kinds whose products are price tiers chosen by the subscription's data
# allowance: their ranges must neither overlap nor leave a gap.
TIERED_KINDS = ("data_topup",)


def format_gb(value):
    """Return ``value`` GB as short text: 50, 0.5, 12.25."""
    return ("%.2f" % value).rstrip("0").rstrip(".")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    telecom_is_one_off = fields.Boolean(
        string="One-off Option",
        help="A one-off option (\"option ponctuelle\") applied once to a "
             "telecom line by a deployment, e.g. a data top-up.",
    )
    telecom_option_kind = fields.Selection(
        selection=OPTION_KINDS,
        string="Option Kind",
        default="other",
        help="Data Top-up: chosen by the Recharge DATA wizard, by the data "
             "allowance of the line's subscription.",
    )
    telecom_gb_per_unit = fields.Integer(
        string="GB per Unit",
        default=1,
        help="Data added by one unit of this option. A top-up of N GB "
             "gives a quantity of N / GB per unit.",
    )
    telecom_min_allowance_gb = fields.Float(
        string="Min. Subscription Allowance (GB)",
        digits=(16, 2),
        default=0.0,
        help="The option applies to subscriptions whose data allowance is "
             "at least this value (included).",
    )
    telecom_max_allowance_gb = fields.Float(
        string="Max. Subscription Allowance (GB)",
        digits=(16, 2),
        default=0.0,
        help="The option applies to subscriptions whose data allowance is "
             "below this value (excluded). 0 means no upper bound.",
    )
    telecom_allowance_range = fields.Char(
        string="Subscription Allowance",
        compute="_compute_telecom_allowance_range",
    )

    @api.depends("telecom_min_allowance_gb", "telecom_max_allowance_gb")
    def _compute_telecom_allowance_range(self):
        for template in self:
            template.telecom_allowance_range = template._telecom_range_text()

    @api.multi
    def _telecom_range_text(self):
        """Return the allowance range as text: "50 GB or more",
        "from 0 GB to less than 50 GB"."""
        self.ensure_one()
        low = format_gb(self.telecom_min_allowance_gb)
        if not self.telecom_max_allowance_gb:
            return _("%s GB or more") % low
        return _("from %(min)s GB to less than %(max)s GB") % {
            "min": low,
            "max": format_gb(self.telecom_max_allowance_gb)}

    @api.multi
    def _telecom_max_bound(self):
        """Return the exclusive upper bound, infinity when unbounded."""
        self.ensure_one()
        return self.telecom_max_allowance_gb or float("inf")

    @api.constrains("telecom_is_one_off", "telecom_option_kind",
                    "telecom_gb_per_unit", "telecom_min_allowance_gb",
                    "telecom_max_allowance_gb")
    def _check_telecom_option(self):
        for template in self.filtered("telecom_is_one_off"):
            if not template.telecom_option_kind:
                raise ValidationError(_(
                    "The one-off option \"%s\" has no option kind. Choose "
                    "Data Top-up or Other.") % template.name)
            if template.telecom_gb_per_unit < 1 and \
                    template.telecom_option_kind == "data_topup":
                raise ValidationError(_(
                    "The data top-up \"%s\" must add at least 1 GB per "
                    "unit. Set \"GB per Unit\" to 1 or more.") %
                    template.name)
            if template.telecom_min_allowance_gb < 0 or \
                    template.telecom_max_allowance_gb < 0:
                raise ValidationError(_(
                    "The subscription allowance range of \"%s\" cannot be "
                    "negative. Enter 0 or more.") % template.name)
            if template.telecom_max_allowance_gb and \
                    template.telecom_max_allowance_gb <= \
                    template.telecom_min_allowance_gb:
                raise ValidationError(_(
                    "The maximum subscription allowance of \"%(option)s\" "
                    "(%(max)s GB) must be above its minimum (%(min)s GB), "
                    "or 0 for no upper bound.") % {
                        "option": template.name,
                        "max": format_gb(template.telecom_max_allowance_gb),
                        "min": format_gb(template.telecom_min_allowance_gb)})

    @api.constrains("telecom_is_one_off", "telecom_option_kind",
                    "telecom_min_allowance_gb", "telecom_max_allowance_gb",
                    "active", "company_id")
    def _check_telecom_tiers(self):
        kinds = set(self.filtered("telecom_is_one_off").mapped(
            "telecom_option_kind")) & set(TIERED_KINDS)
        # A product archived or moved out of a kind can open a gap too.
        if any(not t.telecom_is_one_off or not t.active
               or t.telecom_option_kind not in TIERED_KINDS for t in self):
            kinds |= set(TIERED_KINDS)
        for kind in kinds:
            self._telecom_check_tier_set(kind)

    @api.model
    def _telecom_check_tier_set(self, kind):
        """Raise a ValidationError when the active one-off products of
        ``kind`` overlap or leave a gap, for any company."""
        templates = self.sudo().with_context(active_test=True).search([
            ("telecom_is_one_off", "=", True),
            ("telecom_option_kind", "=", kind),
        ])
        companies = templates.mapped("company_id")
        scopes = [templates.filtered(lambda t: not t.company_id)]
        scopes += [templates.filtered(
            lambda t, c=company: not t.company_id or t.company_id == c)
            for company in companies]
        for scope in scopes:
            tiers = scope.sorted(
                key=lambda t: (t.telecom_min_allowance_gb, t.id))
            for low, high in zip(tiers, tiers[1:]):
                low_max = low._telecom_max_bound()
                if low_max > high.telecom_min_allowance_gb:
                    raise ValidationError(_(
                        "The one-off options \"%(first)s\" "
                        "(%(first_range)s) and \"%(second)s\" "
                        "(%(second_range)s) overlap: a subscription "
                        "allowance from %(allowance)s GB would match both. "
                        "Change the subscription allowance range of one of "
                        "them so that one ends where the other starts.") % {
                            "first": low.name,
                            "first_range": low._telecom_range_text(),
                            "second": high.name,
                            "second_range": high._telecom_range_text(),
                            "allowance": format_gb(
                                high.telecom_min_allowance_gb)})
                if low_max < high.telecom_min_allowance_gb:
                    raise ValidationError(_(
                        "There is a gap between the one-off options "
                        "\"%(first)s\" (%(first_range)s) and \"%(second)s\" "
                        "(%(second_range)s): a subscription allowance from "
                        "%(gap_from)s GB to less than %(gap_to)s GB would "
                        "match no option. Set the maximum allowance of "
                        "\"%(first)s\" or the minimum allowance of "
                        "\"%(second)s\" so that one ends where the other "
                        "starts.") % {
                            "first": low.name,
                            "first_range": low._telecom_range_text(),
                            "second": high.name,
                            "second_range": high._telecom_range_text(),
                            "gap_from": format_gb(low_max),
                            "gap_to": format_gb(
                                high.telecom_min_allowance_gb)})

    @api.model
    def _telecom_tier_table(self, kind, company):
        """Return the price tiers of ``kind`` for ``company`` as a list of
        ``(min, max, product.product)`` sorted by min; max is infinity when
        unbounded. Read once, then matched in memory for every line."""
        templates = self.sudo().with_context(active_test=True).search([
            ("telecom_is_one_off", "=", True),
            ("telecom_option_kind", "=", kind),
            ("company_id", "in", [company.id, False]),
        ])
        table = []
        for template in templates.sorted(
                key=lambda t: (t.telecom_min_allowance_gb, t.id)):
            if template.product_variant_id:
                table.append((template.telecom_min_allowance_gb,
                              template._telecom_max_bound(),
                              template.product_variant_id))
        return table

    @api.model
    def _telecom_find_tier(self, table, allowance):
        """Return the product of ``table`` whose range holds ``allowance``
        (min included, max excluded), or None."""
        for low, high, product in table:
            if low <= allowance < high:
                return product
        return None
