# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data only: the demo's texts in the language it is shown in (see
``telecom_parc/models/telecom_demo.py``)."""
from odoo import _, api, models
from odoo.addons.telecom_parc.tools.lang import stored_lang


# One model, one file per concern.
class TelecomDeployment(models.Model):
    _inherit = "telecom.deployment"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _telecom_demo_origin(self, deployment_ids, data_gb):
        """Demo data only: write the origin of the deployments
        ``deployment_ids`` as the Recharge DATA wizard writes it for
        ``data_gb`` GB, in the language of their company. Returns True."""
        deployments = self.browse(deployment_ids)
        lang = stored_lang(self.env, deployments[:1].company_id)
        if self.env.lang != lang:
            return self.with_context(lang=lang)._telecom_demo_origin(
                deployment_ids, data_gb)
        deployments.write({"origin": _("Recharge DATA %d GB") % data_gb})
        return True
