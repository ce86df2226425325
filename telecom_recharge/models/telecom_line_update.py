# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang
from odoo.addons.telecom_parc.models.telecom_parc import SERVICE_TYPES
from odoo.addons.telecom_parc.tools.lang import stored_lang

from .telecom_deployment import CATEGORIES, COMMITMENTS

# What a MAJ does to its line: applies the options of its deployment, or
# reverses (extourne) the MAJ of an earlier deployment.
UPDATE_KINDS = [
    ("apply", "Top-up"),
    ("reversal", "Reversal"),
]


class TelecomLineUpdate(models.Model):
    """The update ("MAJ", mise à jour) of a line made by a done
    deployment: what was applied to the line, with its one-off options
    copied so that the history does not change with the products."""

    _name = "telecom.line.update"
    _description = "Telecom Line Update (MAJ)"
    _order = "date desc, id desc"

    name = fields.Char(
        string="MAJ",
        compute="_compute_name",
        store=True,
    )
    line_id = fields.Many2one(
        comodel_name="telecom.line",
        required=True,
        ondelete="restrict",
        index=True,
        readonly=True,
    )
    phone_number = fields.Char(
        related="line_id.phone_number", string="Phone Number",
        readonly=True)
    phone_national = fields.Char(
        related="line_id.phone_national", string="Phone Number (national)",
        readonly=True)
    deployment_id = fields.Many2one(
        comodel_name="telecom.deployment",
        ondelete="restrict",
        index=True,
        readonly=True,
        help="The deployment whose completion made this MAJ.",
    )
    date = fields.Date(
        string="MAJ Date",
        required=True,
        index=True,
        readonly=True,
        help="The date the MAJ takes effect: the activation date of the "
             "deployment.",
    )
    date_activation = fields.Date(string="Activation Date", readonly=True)
    date_deactivation = fields.Date(
        string="Deactivation Date", readonly=True)
    service_type = fields.Selection(
        selection=SERVICE_TYPES, string="Type", readonly=True)
    partner_operator_id = fields.Many2one(
        comodel_name="res.partner", readonly=True, ondelete="restrict")
    collection_operator_id = fields.Many2one(
        comodel_name="res.partner", readonly=True, ondelete="restrict")
    category = fields.Selection(selection=CATEGORIES, readonly=True)
    framework_agreement = fields.Boolean(readonly=True)
    commitment = fields.Selection(selection=COMMITMENTS, readonly=True)
    amount_total = fields.Monetary(
        string="Total Amount",
        readonly=True,
        currency_field="currency_id",
        help="Recurring monthly amount changed by the MAJ (subscription "
             "and recurring options). One-off options are counted apart.",
    )
    amount_options = fields.Monetary(
        string="Options Amount",
        readonly=True,
        currency_field="currency_id",
        help="Recurring monthly amount of the options changed by the MAJ.",
    )
    option_ids = fields.One2many(
        comodel_name="telecom.line.update.option",
        inverse_name="update_id",
        string="One-off Options",
        readonly=True,
    )
    amount_one_off = fields.Monetary(
        string="One-off Options Amount",
        compute="_compute_amount_one_off",
        store=True,
        currency_field="currency_id",
    )
    info = fields.Text(string="MAJ Info", readonly=True)
    update_kind = fields.Selection(
        selection=UPDATE_KINDS,
        string="Kind",
        required=True,
        readonly=True,
        index=True,
        default="apply",
        help="Top-up: the MAJ applies the one-off options of its deployment. "
             "Reversal: it cancels the MAJ of the same line made by an "
             "earlier deployment, with negative quantities and amounts.",
    )
    reversed_update_id = fields.Many2one(
        comodel_name="telecom.line.update",
        string="Reversed MAJ",
        readonly=True,
        index=True,
        ondelete="restrict",
        help="The MAJ of the same line, made by the reversed deployment, "
             "that this reversal cancels.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "telecom.line.update"),
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", string="Currency", store=True,
        readonly=True)

    _sql_constraints = [
        ("deployment_line_uniq", "unique(deployment_id, line_id)",
         "A deployment makes one MAJ per line."),
        # A line is reversed at most once per deployment: its MAJ there is
        # reversed once.
        ("reversed_update_uniq", "unique(reversed_update_id)",
         "A MAJ is reversed at most once: the line was already reversed "
         "for this deployment."),
    ]

    # ------------------------------------------------------------------
    # The MAJ are the history of what was applied and billed: made only by
    # done deployments (telecom.deployment._telecom_create_updates), then
    # read. Nobody writes or deletes them, whatever their rights.
    # ------------------------------------------------------------------
    @api.model
    def _telecom_refuse_change(self, operation):
        # Those without the right get Odoo's access error, as for any model.
        self.check_access_rights(operation)
        raise UserError(_(
            "A MAJ is the history of what a done deployment applied to a "
            "line and billed: it cannot be created, changed or deleted by "
            "hand. Make a new deployment to change a line."))

    # The MAJ are never created, written or deleted through the ORM: these
    # always refuse, so they call no super() (done deployments insert
    # the MAJ in bulk, _telecom_create_updates).
    @api.model
    def create(self, vals):  # pylint: disable=method-required-super
        return self._telecom_refuse_change("create")

    @api.multi
    def write(self, vals):  # pylint: disable=method-required-super
        return self._telecom_refuse_change("write")

    @api.multi
    def unlink(self):  # pylint: disable=method-required-super
        return self._telecom_refuse_change("unlink")

    @api.model
    def _telecom_name_for_date(self, date):
        """Return the name of a MAJ of ``date``: "MAJ 01-03-2026"."""
        return _("MAJ %s") % (
            fields.Date.from_string(date).strftime("%d-%m-%Y")
            if date else "")

    @api.depends("date")
    def _compute_name(self):
        for update in self:
            update.name = self._telecom_name_for_date(update.date)

    @api.depends("option_ids.amount")
    def _compute_amount_one_off(self):
        for update in self:
            update.amount_one_off = sum(update.option_ids.mapped("amount"))

    @api.multi
    def _telecom_log_later(self):
        """Note these new MAJ in their lines' chatter (see
        ``_telecom_log_on_lines``). Done at once here; telecom_snaic_cfast
        leaves it to a job, off the "done" click. Returns True."""
        return self._telecom_log_on_lines()

    @api.multi
    def _telecom_log_on_lines(self):
        """Note each of these MAJ in its line's chatter: its deployment and
        its one-off options, or that it has none; in the language of the
        MAJ's company (see telecom_parc's ``tools/lang.py``). Internal
        notes made through the ORM, without ``message_post``'s
        subscriptions and e-mails. Returns True."""
        notes = []
        updates = self.sudo()
        for company in updates.mapped("company_id"):
            notes += updates.filtered(
                lambda update, company=company: update.company_id == company
            ).with_context(lang=stored_lang(self.env, company))._telecom_notes()
        return self.env["telecom.line"]._telecom_log_many(notes)

    @api.multi
    def _telecom_notes(self):
        """The note of each of these MAJ for its line, in the language of
        the context: [(line id, text)]. Every text first: each note made
        invalidates the cache, and reading the MAJ between two notes read
        them all again (quadratic)."""
        notes = []
        for update in self:
            if update.option_ids:
                options = ", ".join(
                    "%s × %s (%s)" % (
                        option.name,
                        formatLang(self.env, option.quantity),
                        formatLang(self.env, option.amount,
                                   currency_obj=update.currency_id))
                    for option in update.option_ids)
            else:
                options = _("no one-off option")
            if update.update_kind == "reversal":
                notes.append((update.line_id.id, _(
                    "%(update)s made by the deployment %(deployment)s, "
                    "reversal of %(reversed)s: %(options)s") % {
                        "update": update.name,
                        "deployment": update.deployment_id.name,
                        "reversed": update.reversed_update_id.deployment_id.name,
                        "options": options}))
                continue
            notes.append((update.line_id.id, _(
                "%(update)s made by the deployment %(deployment)s: "
                "%(options)s") % {
                    "update": update.name,
                    "deployment": update.deployment_id.name,
                    "options": options}))
        return notes
