# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    @api.model
    def _telecom_set_default_sale_taxes(self):
        """Give the one-off options without a customer tax of a company
        the default sales tax of that company (its chart of accounts sets
        it for new products). Returns True."""
        templates = self.with_context(active_test=False).search(
            [("telecom_is_one_off", "=", True)])
        IrDefault = self.env["ir.default"].sudo()
        for company in self.env["res.company"].search(  # pylint: disable=no-search-all
                []):
            tax_ids = IrDefault.get(
                "product.template", "taxes_id", company_id=company.id)
            taxes = self.env["account.tax"].browse(tax_ids or []).exists()
            if not taxes:
                continue
            for template in templates:
                if template.company_id not in (company, company.browse()):
                    continue
                if not template.taxes_id.filtered(
                        lambda tax: tax.company_id == company):
                    template.taxes_id = [(4, tax.id) for tax in taxes]
        return True
