# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..models.telecom_deployment import TRANSITIONS


class TelecomDeploymentFinish(models.TransientModel):
    """The "Finish" step of a deployment: its two dates, then done, in one
    dialog (instead of Edit, the dates, Save, then Mark as Done)."""

    _name = "telecom.deployment.finish"
    _inherit = "telecom.wizard.mixin"
    _description = "Finish a Deployment"

    deployment_id = fields.Many2one(
        comodel_name="telecom.deployment",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda self: self._default_deployment(),
    )
    date_installed = fields.Date(
        string="Installation Finished On",
        required=True,
        default=lambda self: self._default_date("date_installed"),
        help="The day the operator finished the installation.",
    )
    date_activation = fields.Date(
        string="Activation Date",
        required=True,
        default=lambda self: self._default_date("date_activation"),
        help="The day the options are active: the date of the MAJ of "
             "each line.",
    )

    @api.model
    def _default_deployment(self):
        if self.env.context.get("active_model") == "telecom.deployment":
            return self.env["telecom.deployment"].browse(
                self.env.context.get("active_id"))
        return self.env["telecom.deployment"]

    @api.model
    def _default_date(self, name):
        """The deployment's own date when it has one, else today."""
        deployment = self._default_deployment()
        return (deployment[name] if deployment else False) or \
            fields.Date.context_today(self)

    @api.multi
    def action_finish(self):
        """Write the two dates on the deployment and mark it as done (its
        MAJ are made): only a draft or confirmed deployment. Returns the
        action closing the dialog."""
        self.ensure_one()
        deployment = self.deployment_id
        if deployment.state not in TRANSITIONS["action_done"]["from"]:
            raise UserError(_(
                "The deployment %(deployment)s is %(state)s: only a draft "
                "or confirmed deployment can be finished.") % {
                    "deployment": deployment.name,
                    "state": deployment._telecom_state_label()})
        dates = {name: self[name]
                 for name in ("date_installed", "date_activation")
                 if deployment[name] != self[name]}
        if dates:
            deployment.write(dates)
        deployment.action_done()
        return {"type": "ir.actions.act_window_close"}
