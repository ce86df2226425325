# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.tools.misc import formatLang
from odoo.addons.telecom_parc.tools.access import check_readable

from ..models.telecom_deployment import REVERSAL_GROUP


class TelecomDeploymentReverse(models.TransientModel):
    """Reverse (extourner) lines of a done deployment: a reversal
    deployment cancels their one-off options with negative quantities and
    amounts, done at once. Telecom Managers only."""

    _name = "telecom.deployment.reverse"
    _inherit = "telecom.wizard.mixin"
    _description = "Reverse a Deployment"
    _telecom_wizard_group = REVERSAL_GROUP

    deployment_id = fields.Many2one(
        comodel_name="telecom.deployment",
        required=True,
        readonly=True,
        ondelete="cascade",
        default=lambda self: self._default_deployment(),
    )
    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        relation="telecom_deployment_reverse_line_rel",
        column1="wizard_id",
        column2="line_id",
        string="Lines to Reverse",
        default=lambda self: self._default_lines(),
        help="By default every line of the deployment not reversed yet. A "
             "line is reversed at most once per deployment.",
    )
    reason = fields.Text(
        required=True,
        help="Why the options are reversed (e.g. wrong line, wrong "
             "quantity): written in the MAJ of the lines and in the "
             "chatter.",
    )
    amount_preview = fields.Char(
        string="Amount Reversed",
        compute="_compute_amount_preview",
    )

    @api.model
    def _telecom_check_wizard_group(self):
        # The refusal says who can, whatever the way in (RPC included).
        self.env["telecom.deployment"]._telecom_check_reverser()

    @api.model
    def _default_deployment(self):
        if self.env.context.get("active_model") == "telecom.deployment":
            return self.env["telecom.deployment"].browse(
                self.env.context.get("active_id"))
        return self.env["telecom.deployment"]

    @api.model
    def _default_lines(self):
        deployment = self._default_deployment()
        if not deployment or deployment.state != "done" or \
                deployment.reversed_deployment_id:
            return self.env["telecom.line"]
        return deployment._telecom_lines_to_reverse()

    @api.model
    def create(self, vals):
        # Made over RPC with a deployment and no lines: its lines not
        # reversed yet, as the dialog proposes them.
        deployment_id = (vals or {}).get("deployment_id")
        if "line_ids" not in vals and isinstance(deployment_id, int) and \
                not isinstance(deployment_id, bool):
            self._telecom_check_wizard_group()
            deployment = self.env["telecom.deployment"].browse(deployment_id)
            check_readable(deployment)
            if deployment.state == "done" and \
                    not deployment.reversed_deployment_id:
                vals = dict(vals, line_ids=[
                    (6, 0, deployment._telecom_lines_to_reverse().ids)])
        return super(TelecomDeploymentReverse, self).create(vals)

    @api.depends("deployment_id", "line_ids")
    def _compute_amount_preview(self):
        for wizard in self:
            deployment = wizard.deployment_id
            line_ids = set(wizard.line_ids.ids)
            options = deployment.option_ids.filtered(
                lambda option, line_ids=line_ids: option.line_id.id in
                line_ids)
            wizard.amount_preview = formatLang(
                self.env, -sum(options.mapped("amount")),
                currency_obj=deployment.currency_id)

    @api.multi
    def action_confirm(self):
        """Make the reversal of the chosen lines of the deployment (every
        check first, in one transaction) and return the action opening
        it."""
        self.ensure_one()
        self._telecom_check_wizard_group()
        reversal = self.deployment_id._telecom_reverse(
            self.line_ids, self.reason)
        return {
            "type": "ir.actions.act_window",
            "name": _("Reversal"),
            "res_model": "telecom.deployment",
            "view_mode": "form",
            "views": [(self.env.ref(
                "telecom_recharge.telecom_deployment_view_form").id, "form")],
            "res_id": reversal.id,
            "target": "current",
        }
