# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models


class IrModelAccess(models.Model):
    _inherit = "ir.model.access"

    @api.model_cr
    def group_names_with_access(self, model_name, access_mode):
        """The groups named in an access error ("Telecom/Telecom User"), in
        the user's language: Odoo 11 reads their names with SQL, untranslated
        (only when an access is refused: a few reads)."""
        names = super(IrModelAccess, self).group_names_with_access(
            model_name, access_mode)
        lang = self.env.lang
        if not lang or lang == "en_US" or not names:
            return names
        accesses = self.sudo().with_context(lang=lang).search([
            ("model_id.model", "=", model_name),
            ("perm_%s" % access_mode, "=", True),
            ("group_id", "!=", False)])
        return [("%s/%s" % (group.category_id.name, group.name))
                if group.category_id else group.name
                for group in accesses.mapped("group_id")]
