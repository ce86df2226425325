# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import html_escape
from odoo.addons.telecom_parc.tools.access import (check_company_reachable,
                                                   check_still_writable)
from odoo.addons.telecom_parc.tools.bulk import bulk_insert
from odoo.addons.telecom_parc.tools.lang import stored_lang
from odoo.addons.telecom_parc.tools.vals import check_vals, drop_derived
from odoo.tools.misc import format_date, formatLang

from ..tools.money import option_amount

DEPLOYMENT_STATES = [
    ("draft", "Draft"),
    ("confirmed", "Confirmed"),
    ("done", "Done"),
    ("cancelled", "Cancelled"),
]
OPEN_STATES = ("draft", "confirmed")
# Once done the MAJ are applied; a cancelled deployment is reset to draft
# before it changes again.
LOCKED_STATES = ("done", "cancelled")

# Every change of status, in one table that each action method reads (as
# OCA/contract does): the statuses an action takes a deployment from, and the
# status it leaves it in. A deployment already in that status is left alone;
# one in any other status is refused with the action's message.
TRANSITIONS = {
    "action_confirm": {"from": ("draft",), "to": "confirmed"},
    "action_done": {"from": ("draft", "confirmed"), "to": "done"},
    "action_cancel": {"from": ("draft", "confirmed"), "to": "cancelled"},
    "action_draft": {"from": ("cancelled",), "to": "draft"},
    # Deleted, not moved: a done deployment is kept with its MAJ.
    "unlink": {"from": ("draft", "cancelled"), "to": None},
}

CATEGORIES = [
    ("voice_data", "Voice & Data"),
    ("voice", "Voice"),
    ("data", "Data"),
    ("other", "Other"),
]

COMMITMENTS = [
    ("none", "No Commitment"),
    ("12", "12 Months"),
    ("24", "24 Months"),
    ("36", "36 Months"),
]

# Who may reverse a done deployment (the Reverse button, the wizard
# telecom.deployment.reverse, and the method behind them).
REVERSAL_GROUP = "telecom_parc.group_telecom_manager"
# Set only by the reversal itself (_telecom_reverse): never sent.
REVERSAL_FIELDS = ("reversed_deployment_id", "reversal_reason")

# What the MAJ copies and the options price: frozen once done.
LOCKED_FIELDS = (
    "partner_operator_id", "collection_operator_id", "category",
    "framework_agreement", "framework_agreement_ref", "commitment",
    "line_ids", "option_ids", "date_installed", "date_activation",
    "company_id",
)


class TelecomDeployment(models.Model):
    """A deployment: work on a set of lines (e.g. a Recharge DATA) with its
    one-off options. When it is done, each line gets a MAJ."""

    _name = "telecom.deployment"
    _description = "Telecom Deployment"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default="/",
        index=True,
    )
    state = fields.Selection(
        selection=DEPLOYMENT_STATES,
        string="Status",
        required=True,
        readonly=True,
        copy=False,
        default="draft",
        index=True,
        track_visibility="onchange",
        help="Draft: being prepared. Confirmed: the work is ordered from "
             "the operator; nothing changes on the lines yet. Done: "
             "installed and activated (the Finish button); the MAJ of the "
             "lines are made and sent to SNAIC/CFAST. Cancelled: given up; "
             "reset it to draft to use it again.",
    )
    partner_operator_id = fields.Many2one(
        comodel_name="res.partner",
        required=True,
        ondelete="restrict",
        index=True,
        domain=[("telecom_is_partner_operator", "=", True)],
        track_visibility="onchange",
    )
    collection_operator_id = fields.Many2one(
        comodel_name="res.partner",
        ondelete="restrict",
        index=True,
        domain=[("telecom_is_collection_operator", "=", True)],
        track_visibility="onchange",
    )
    category = fields.Selection(
        selection=CATEGORIES,
        required=True,
        default="voice_data",
        track_visibility="onchange",
    )
    framework_agreement = fields.Boolean(
        help="The deployment is done under a framework agreement with the "
             "customer.",
        track_visibility="onchange",
    )
    framework_agreement_ref = fields.Char(
        string="Framework Agreement Reference",
    )
    commitment = fields.Selection(
        selection=COMMITMENTS,
        help="Commitment period the customer agreed to with this "
             "deployment.",
    )
    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        relation="telecom_deployment_line_rel",
        column1="deployment_id",
        column2="line_id",
        string="Lines",
        copy=False,
    )
    line_count = fields.Integer(
        compute="_compute_line_count")
    option_ids = fields.One2many(
        comodel_name="telecom.deployment.option",
        inverse_name="deployment_id",
        string="One-off Options",
        copy=True,
    )
    option_count = fields.Integer(
        compute="_compute_amounts",
        store=True,
    )
    amount_one_off = fields.Monetary(
        string="One-off Options Amount",
        compute="_compute_amounts",
        store=True,
        currency_field="currency_id",
        track_visibility="onchange",
    )
    option_summary = fields.Char(
        string="One-off Options Summary",
        compute="_compute_option_summary",
        help="e.g. \"1 option(s), 0.50 €\".",
    )
    date_planned = fields.Date(
        string="Planned Date", track_visibility="onchange")
    date_installed = fields.Date(
        string="Installation Finished On",
        copy=False,
        track_visibility="onchange",
        help="Required to mark the deployment as done.",
    )
    date_activation = fields.Date(
        string="Activation Date",
        copy=False,
        track_visibility="onchange",
        help="Required to mark the deployment as done: the date of the MAJ "
             "of each line.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        track_visibility="onchange",
    )
    origin = fields.Char(
        string="Source",
        copy=False,
        help="What created the deployment, e.g. \"Recharge DATA 2 GB\".",
    )
    note = fields.Text(string="Notes")
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        index=True,
        default=lambda self: self.env["res.company"]._company_default_get(
            "telecom.deployment"),
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id",
        string="Currency",
        store=True,
        readonly=True,
    )
    update_ids = fields.One2many(
        comodel_name="telecom.line.update",
        inverse_name="deployment_id",
        string="MAJ",
        readonly=True,
        copy=False,
    )
    update_count = fields.Integer(
        string="MAJ Count", compute="_compute_update_count")
    reversed_deployment_id = fields.Many2one(
        comodel_name="telecom.deployment",
        string="Reversal Of",
        readonly=True,
        index=True,
        ondelete="restrict",
        copy=False,
        help="The done deployment this reversal undoes: its options are "
             "those of the reversed lines, with negative quantities and "
             "amounts.",
    )
    reversal_ids = fields.One2many(
        comodel_name="telecom.deployment",
        inverse_name="reversed_deployment_id",
        string="Reversals",
        readonly=True,
        copy=False,
    )
    reversal_count = fields.Integer(compute="_compute_reversal_count")
    reversal_reason = fields.Text(
        string="Reason of the Reversal",
        readonly=True,
        copy=False,
    )

    # ------------------------------------------------------------------
    # Computes and constraints
    # ------------------------------------------------------------------
    @api.depends("option_ids.quantity", "option_ids.price_unit",
                 "currency_id")
    def _compute_amounts(self):
        # From quantity and unit price, as the MAJ and the systems get them.
        # Only those columns: a Recharge DATA may have thousands of options.
        for deployment in self:
            currency = deployment.currency_id
            options = deployment.with_context(
                prefetch_fields=False).option_ids
            deployment.option_count = len(options)
            deployment.amount_one_off = sum(
                option_amount(currency, option.quantity, option.price_unit)
                for option in options)

    @api.depends("option_count", "amount_one_off", "currency_id")
    def _compute_option_summary(self):
        for deployment in self:
            deployment.option_summary = _(
                "%(count)d option(s), %(amount)s") % {
                    "count": deployment.option_count,
                    "amount": formatLang(self.env, deployment.amount_one_off,
                                         currency_obj=deployment.currency_id)}

    @api.multi
    def _compute_line_count(self):
        for deployment in self:
            deployment.line_count = len(deployment.line_ids)

    @api.multi
    def _compute_update_count(self):
        groups = self.env["telecom.line.update"].read_group(
            [("deployment_id", "in", self.ids)],
            ["deployment_id"], ["deployment_id"])
        counts = {group["deployment_id"][0]: group["deployment_id_count"]
                  for group in groups}
        for deployment in self:
            deployment.update_count = counts.get(deployment.id, 0)

    @api.multi
    def _compute_reversal_count(self):
        groups = self.read_group(
            [("reversed_deployment_id", "in", self.ids)],
            ["reversed_deployment_id"], ["reversed_deployment_id"])
        counts = {group["reversed_deployment_id"][0]:
                  group["reversed_deployment_id_count"] for group in groups}
        for deployment in self:
            deployment.reversal_count = counts.get(deployment.id, 0)

    @api.constrains("line_ids", "company_id")
    def _check_line_company(self):
        Line = self.env["telecom.line"].with_context(active_test=False)
        for deployment in self:
            # All its lines: read as the user, the many2many would hide the
            # lines of a company the user cannot see.
            others = Line.sudo().search([
                ("id", "in", deployment.sudo().with_context(
                    active_test=False).line_ids.ids),
                ("company_id", "!=", deployment.company_id.id),
            ])
            if not others:
                continue
            # Name only the lines the user may read.
            visible = Line.search([("id", "in", others.ids)], limit=10)
            hidden = len(others) - len(visible)
            names = visible.mapped("name")
            if hidden:
                names.append(_("%d line(s) you do not have access to") %
                             hidden)
            raise ValidationError(_(
                "The deployment %(deployment)s belongs to the company "
                "%(company)s but the line(s) %(lines)s belong to another "
                "company. Make a deployment per company.") % {
                    "deployment": deployment.name,
                    "company": deployment.company_id.name,
                    "lines": ", ".join(names)})

    # ------------------------------------------------------------------
    # ORM
    # ------------------------------------------------------------------
    @api.model
    def create(self, vals):
        check_vals(self, vals)
        vals = drop_derived(self, vals)
        if vals.get("state", "draft") != "draft":
            self._telecom_refuse_state_write()
        if any(vals.get(name) for name in REVERSAL_FIELDS):
            self._telecom_refuse_reversal_write()
        check_company_reachable(self.env, vals.get("company_id"))
        # The reference comes from the sequence, whatever is sent.
        company_id = vals.get("company_id") or \
            self.env["res.company"]._company_default_get(
                "telecom.deployment").id
        vals["name"] = self.env["ir.sequence"].with_context(
            force_company=company_id).next_by_code(
                "telecom.deployment") or "/"
        return super(TelecomDeployment, self).create(vals)

    @api.multi
    def write(self, vals):
        check_vals(self, vals)
        vals = drop_derived(self, vals)
        # The reference is the sequence's, and it names the MAJ info.
        vals.pop("name", None)
        if "state" in vals:
            self._telecom_refuse_state_write()
        if set(vals) & set(REVERSAL_FIELDS):
            self._telecom_refuse_reversal_write()
        if "company_id" in vals:
            check_company_reachable(self.env, vals["company_id"])
        locked = set(vals) & set(LOCKED_FIELDS)
        if locked:
            self._telecom_check_unlocked()
        res = super(TelecomDeployment, self).write(vals)
        if "company_id" in vals:
            check_still_writable(self)
        return res

    @api.multi
    def unlink(self):
        refused = self._telecom_transition("unlink")[1]
        if refused:
            raise UserError(_(
                "The deployment %(deployment)s is %(state)s: only draft or "
                "cancelled deployments can be deleted. Cancel it first (a "
                "done deployment is kept with its MAJ).") % {
                    "deployment": refused[0].name,
                    "state": refused[0]._telecom_state_label()})
        return super(TelecomDeployment, self).unlink()

    @api.model
    def _telecom_refuse_state_write(self):
        """Refuse a status written directly (e.g. over RPC), whatever the
        context: the action methods check the dates and make the MAJ."""
        raise UserError(_(
            "The status of a deployment changes only through its "
            "buttons (Confirm, Finish, Cancel, Reset to Draft), "
            "that is the methods action_confirm, action_done, "
            "action_cancel and action_draft, which check it first."))

    @api.model
    def _telecom_refuse_reversal_write(self):
        """Refuse the reversal's fields sent by a caller: a reversal is
        made by the Reverse button, which checks it first."""
        raise UserError(_(
            "A reversal is made only by the Reverse button of a done "
            "deployment (the method action_reverse and its wizard), which "
            "checks who reverses what: its \"Reversal Of\" and its reason "
            "cannot be set or changed otherwise."))

    @api.multi
    def _telecom_set_state(self, state):
        """Write the status, for the action methods only. ``write`` refuses
        it from anyone; this goes to the ORM's write below this class (the
        chatter still tracks the change): no flag a caller could send
        opens that door."""
        return super(TelecomDeployment, self).write({"state": state})

    @api.multi
    def _telecom_transition(self, action):
        """Split these deployments for ``action`` (a key of TRANSITIONS):
        returns (to move, refused); those already in the target status are
        in neither."""
        rule = TRANSITIONS[action]
        todo = self.filtered(lambda d: d.state in rule["from"])
        refused = self.filtered(
            lambda d: d.state not in rule["from"] and d.state != rule["to"])
        return todo, refused

    @api.multi
    def _telecom_state_label(self):
        self.ensure_one()
        return dict(self._fields["state"]._description_selection(
            self.env)).get(self.state)

    @api.multi
    def _telecom_check_unlocked(self):
        """Refuse a change to the options or what the MAJ copies once
        the deployment is done or cancelled."""
        locked = self.filtered(lambda d: d.state in LOCKED_STATES)
        if locked:
            deployment = locked[0]
            if deployment.state == "done":
                raise UserError(_(
                    "The deployment %s is done: its lines, one-off options, "
                    "amounts and dates are locked, because the MAJ of its "
                    "lines were made from them. Create a new deployment to "
                    "change them.") % deployment.name)
            raise UserError(_(
                "The deployment %s is cancelled: reset it to draft before "
                "changing it.") % deployment.name)

    @api.multi
    def _telecom_sync_option_lines(self):
        """Add to the deployment's lines the lines its options are for.
        Returns True."""
        # Only the lines' column of thousands of options.
        for deployment in self.with_context(active_test=False,
                                            prefetch_fields=False):
            missing = deployment.option_ids.mapped("line_id") - \
                deployment.line_ids
            if missing:
                super(TelecomDeployment, deployment).write({
                    "line_ids": [(4, line_id) for line_id in missing.ids]})
        return True

    @api.multi
    def _telecom_reprice_options(self):
        """Price again, from the list price of their product, the options
        whose price no Telecom Manager set: the price when the work is done
        is the catalogue's, whatever was stored while it was a draft."""
        Option = self.env["telecom.deployment.option"]
        # Only the columns used, of thousands of options.
        # A reversal keeps the prices of the deployment it reverses.
        options = Option.with_context(prefetch_fields=False).search([
            ("deployment_id", "in", self.filtered(
                lambda d: not d.reversed_deployment_id).ids),
            ("price_overridden", "!=", True)])
        by_product = defaultdict(lambda: Option)
        for option in options:
            price = option.currency_id.round(option.product_id.lst_price)
            if not option.currency_id.is_zero(option.price_unit - price):
                by_product[(option.product_id, price)] |= option
        for (_product, price), todo in by_product.items():
            todo.write({"price_unit": price})

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    @api.multi
    def action_confirm(self):
        """Confirm draft deployments (the work is ordered). Confirmed ones
        are left as they are. Returns True."""
        todo, refused = self._telecom_transition("action_confirm")
        if refused:
            raise UserError(_(
                "The deployment %(deployment)s is %(state)s: only a draft "
                "deployment can be confirmed.") % {
                    "deployment": refused[0].name,
                    "state": refused[0]._telecom_state_label()})
        for deployment in todo:
            if not deployment.line_ids:
                raise UserError(_(
                    "The deployment %s has no line. Add the lines it is for "
                    "before confirming it.") % deployment.name)
        todo._telecom_set_state(TRANSITIONS["action_confirm"]["to"])
        return True

    @api.multi
    def action_done(self):
        """Mark the deployments as done and create the MAJ of each of their
        lines, with the one-off options of the line.

        A draft deployment is confirmed on the way. The installation
        finished date and the activation date are required. A deployment
        already done is left as it is (its MAJ are never made twice).
        Returns True."""
        todo, refused = self._telecom_transition("action_done")
        errors = [_("The deployment %s is cancelled: reset it to draft "
                    "first.") % deployment.name for deployment in refused]
        for deployment in todo:
            missing = []
            if not deployment.date_installed:
                missing.append(self._fields["date_installed"].get_description(
                    self.env)["string"])
            if not deployment.date_activation:
                missing.append(self._fields["date_activation"].get_description(
                    self.env)["string"])
            if missing:
                errors.append(_(
                    "The deployment %(deployment)s cannot be done without "
                    "its dates: fill in %(fields)s.") % {
                        "deployment": deployment.name,
                        "fields": _(" and ").join(
                            "\"%s\"" % label for label in missing)})
            if not deployment.line_ids:
                errors.append(_(
                    "The deployment %s has no line. Add the lines it is "
                    "for.") % deployment.name)
        if errors:
            raise UserError("\n".join(errors))
        if not todo:
            return True
        # Lock the rows: two "done" clicks must not make the MAJ twice.
        self.env.cr.execute(
            "SELECT id FROM telecom_deployment WHERE id IN %s FOR UPDATE",
            (tuple(todo.ids),))
        todo.invalidate_cache(["state"], todo.ids)
        todo = todo._telecom_transition("action_done")[0]
        todo._telecom_sync_option_lines()
        todo._telecom_reprice_options()
        todo._telecom_set_state(TRANSITIONS["action_done"]["to"])
        todo._telecom_create_updates()
        return True

    @api.multi
    def action_cancel(self):
        """Cancel draft or confirmed deployments. A done deployment cannot
        be cancelled: its MAJ are applied. Returns True."""
        todo, refused = self._telecom_transition("action_cancel")
        if refused:
            raise UserError(_(
                "The deployment %s is done: its MAJ are applied to the "
                "lines, so it cannot be cancelled. Create a new deployment "
                "to undo the change.") % refused[0].name)
        todo._telecom_set_state(TRANSITIONS["action_cancel"]["to"])
        return True

    @api.multi
    def action_draft(self):
        """Reset cancelled deployments to draft. Returns True."""
        todo, refused = self._telecom_transition("action_draft")
        if refused:
            raise UserError(_(
                "The deployment %(deployment)s is %(state)s: only a cancelled "
                "deployment can be reset to draft.") % {
                    "deployment": refused[0].name,
                    "state": refused[0]._telecom_state_label()})
        todo._telecom_set_state(TRANSITIONS["action_draft"]["to"])
        return True

    @api.multi
    def action_add_option(self):
        """Open a dialog to add a one-off option to this deployment."""
        self.ensure_one()
        self._telecom_check_unlocked()
        return {
            "type": "ir.actions.act_window",
            "name": _("Add a one-off option"),
            "res_model": "telecom.deployment.option",
            "view_mode": "form",
            "view_id": self.env.ref(
                "telecom_recharge.telecom_deployment_option_view_form").id,
            "target": "new",
            "context": {
                "default_deployment_id": self.id,
                "default_line_id": self.line_ids[:1].id,
            },
        }

    @api.multi
    def action_view_lines(self):
        """Open the lines of the deployment."""
        self.ensure_one()
        action = self.env.ref("telecom_parc.telecom_line_action").read()[0]
        action["domain"] = [("id", "in", self.line_ids.ids)]
        action["context"] = {}
        return action

    @api.multi
    def action_view_updates(self):
        """Open the MAJ made by the deployment."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_recharge.telecom_line_update_action").read()[0]
        action["domain"] = [("deployment_id", "=", self.id)]
        action["context"] = {}
        return action

    # ------------------------------------------------------------------
    # MAJ
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_update_info(self):
        """Return the "MAJ info" text of the MAJ made by this deployment,
        in the language of its company (else of its responsible), with the
        dates in that language's format: the MAJ keep it as written."""
        self.ensure_one()
        lang = stored_lang(self.env, self.company_id,
                           self.user_id or self.env.user)
        return self.with_context(lang=lang)._telecom_update_info_text()

    @api.multi
    def _telecom_update_info_text(self):
        """The "MAJ info" text in the language of the context."""
        self.ensure_one()
        if self.reversed_deployment_id:
            return _("%(deployment)s: reversal of %(reversed)s "
                     "(%(category)s), activated on %(date_activation)s. "
                     "Reason: %(reason)s") % {
                         "deployment": self.name,
                         "reversed": self.reversed_deployment_id.name,
                         "category": dict(self._fields[
                             "category"]._description_selection(
                                 self.env)).get(self.category),
                         "date_activation": format_date(
                             self.env, self.date_activation),
                         "reason": self.reversal_reason}
        return _("%(deployment)s (%(category)s): installation finished on "
                 "%(date_installed)s, activated on %(date_activation)s.") % {
                     "deployment": self.name,
                     "category": dict(self._fields[
                         "category"]._description_selection(
                             self.env)).get(self.category),
                     "date_installed": format_date(self.env,
                                                   self.date_installed),
                     "date_activation": format_date(self.env,
                                                    self.date_activation)}

    @api.multi
    def _telecom_prepare_update_vals(self, line, info=None):
        """Return the stored values of the MAJ of ``line`` made by this
        deployment (without its options); ``info`` is the MAJ info,
        computed once per deployment."""
        self.ensure_one()
        return {
            "line_id": line.id,
            "deployment_id": self.id,
            "date": self.date_activation,
            "date_activation": self.date_activation,
            "date_deactivation": line.date_deactivation,
            "service_type": line.parc_id.service_type,
            "partner_operator_id": self.partner_operator_id.id,
            "collection_operator_id": self.collection_operator_id.id,
            "category": self.category,
            "framework_agreement": self.framework_agreement,
            "commitment": self.commitment,
            # This addon's deployments change no recurring amount: the
            # subscription and the recurring options stay as they are.
            "amount_total": 0.0,
            "amount_options": 0.0,
            "info": info if info is not None else
            self._telecom_update_info(),
            "company_id": self.company_id.id,
        }

    @api.multi
    def _telecom_prepare_update_option_vals(self, option, product_names):
        """Return the values of the MAJ option copied from ``option``:
        copied, so that the history does not change with the products. The
        amount is computed again from quantity and unit price."""
        currency = self.currency_id
        price_unit = currency.round(option.price_unit)
        return {
            "name": product_names[option.product_id.id],
            "product_id": option.product_id.id,
            "default_code": option.product_id.default_code,
            "quantity": option.quantity,
            "price_unit": price_unit,
            "amount": option_amount(currency, option.quantity, price_unit),
        }

    @api.multi
    def _telecom_create_updates(self):
        """Create the MAJ of every line of these done deployments, with
        the one-off options of the line, and return them.

        The MAJ and their options are inserted in bulk (two queries per
        deployment, see :func:`odoo.addons.telecom_parc.tools.bulk.bulk_insert`): addons that act
        on new MAJ extend this method rather than
        ``telecom.line.update.create``."""
        Update = self.env["telecom.line.update"]
        UpdateOption = self.env["telecom.line.update.option"]
        # The MAJ are the history of what was applied and billed: nobody
        # creates them by hand (users only read them). Whoever may set these
        # deployments to done makes their MAJ.
        self.check_access_rights("write")
        self.check_access_rule("write")
        # Only the columns used: thousands of lines and options.
        deployments = self.with_context(prefetch_fields=False)
        products = deployments.mapped("option_ids.product_id")
        product_names = dict(
            products.with_context(display_default_code=False).name_get())
        update_ids = []
        for deployment in deployments:
            currency = deployment.currency_id
            name = Update._telecom_name_for_date(deployment.date_activation)
            info = deployment._telecom_update_info()
            # A reversal's MAJ say, in the same insert, which MAJ they
            # reverse (telecom_snaic_cfast sends a cancel for them).
            kind = "reversal" if deployment.reversed_deployment_id \
                else "apply"
            reversed_updates = deployment._telecom_reversed_updates()
            options_by_line = defaultdict(list)
            for option in deployment.option_ids:
                options_by_line[option.line_id.id].append(
                    deployment._telecom_prepare_update_option_vals(
                        option, product_names))
            rows = []
            for line in deployment.line_ids:
                vals = deployment._telecom_prepare_update_vals(line, info)
                vals.update({
                    "name": name,
                    "update_kind": kind,
                    "reversed_update_id": reversed_updates.get(line.id, False),
                    "currency_id": currency.id,
                    "amount_one_off": currency.round(sum(
                        option["amount"]
                        for option in options_by_line[line.id])),
                })
                rows.append(vals)
            created = bulk_insert(Update, rows, returning=("id", "line_id"))
            option_rows = []
            for update_id, line_id in created:
                for option in options_by_line[line_id]:
                    option_rows.append(dict(
                        option,
                        update_id=update_id,
                        line_id=line_id,
                        date=deployment.date_activation,
                        update_kind=kind,
                        company_id=deployment.company_id.id,
                        currency_id=currency.id))
            bulk_insert(UpdateOption, option_rows)
            update_ids += [update_id for update_id, _line_id in created]
        # The new rows were written behind the ORM's back.
        self.invalidate_cache()
        updates = Update.browse(update_ids)
        # Each MAJ in its line's chatter (off the click when it can be).
        updates._telecom_log_later()
        return updates

    @api.multi
    def _telecom_reversed_updates(self):
        """{line id: MAJ id} of the MAJ of the deployment this reversal
        reverses; empty for a deployment that is not a reversal."""
        self.ensure_one()
        if not self.reversed_deployment_id:
            return {}
        # Two columns of thousands of MAJ (search_read named each line).
        self.env["telecom.line.update"].check_access_rights("read")
        self.env.cr.execute(
            "SELECT line_id, id FROM telecom_line_update "
            "WHERE deployment_id = %s", (self.reversed_deployment_id.id,))
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Reversal (extourne)
    # ------------------------------------------------------------------
    @api.model
    def _telecom_check_reverser(self):
        """Refuse anyone but a Telecom Manager: a reversal cancels what
        was applied and billed."""
        if self.env.uid == SUPERUSER_ID or \
                self.env.user.has_group(REVERSAL_GROUP):
            return
        raise AccessError(_(
            "Only Telecom Managers can reverse a deployment; ask one of "
            "them to do it."))

    @api.multi
    def _telecom_check_reversible(self):
        """Raise a UserError naming this deployment when it cannot be
        reversed: a reversal, or not done."""
        self.ensure_one()
        if self.reversed_deployment_id:
            raise UserError(_(
                "The deployment %(deployment)s is the reversal of "
                "%(reversed)s: a reversal cannot be reversed. To apply the "
                "options again, make a new deployment (e.g. a Recharge "
                "DATA).") % {
                    "deployment": self.name,
                    "reversed": self.reversed_deployment_id.name})
        if self.state != "done":
            raise UserError(_(
                "The deployment %(deployment)s is %(state)s: only a done "
                "deployment can be reversed (its MAJ were applied). Cancel "
                "it instead while it is not done.") % {
                    "deployment": self.name,
                    "state": self._telecom_state_label()})

    @api.multi
    def _telecom_reversed_lines(self):
        """{line: reversal deployment} of the lines of this deployment
        that a reversal already reversed."""
        self.ensure_one()
        updates = self.env["telecom.line.update"].sudo().search([
            ("reversed_update_id.deployment_id", "=", self.id)])
        return {update.line_id: update.deployment_id for update in updates}

    @api.multi
    def _telecom_lines_to_reverse(self):
        """The lines of this deployment not reversed yet."""
        self.ensure_one()
        lines = self.with_context(active_test=False).line_ids
        done = self._telecom_reversed_lines()
        return lines.filtered(lambda line: line not in done)

    @api.multi
    def _telecom_check_reversal(self, lines, reason):
        """Raise a UserError naming the deployment, the line and the fix
        when ``lines`` of this deployment cannot be reversed for
        ``reason``. Nothing is written."""
        self.ensure_one()
        self._telecom_check_reverser()
        self.check_access_rights("write")
        self.check_access_rule("write")
        self._telecom_check_reversible()
        if not (reason or "").strip():
            raise UserError(_(
                "Give the reason of the reversal of the deployment %s: it "
                "is written in the MAJ of its lines.") % self.name)
        if not lines:
            raise UserError(_(
                "Choose the lines of the deployment %s to reverse.") %
                self.name)
        foreign = lines - self.with_context(active_test=False).line_ids
        if foreign:
            raise UserError(_(
                "The line(s) %(lines)s are not lines of the deployment "
                "%(deployment)s: choose among its lines.") % {
                    "lines": ", ".join(foreign[:10].mapped("name")),
                    "deployment": self.name})
        done = self._telecom_reversed_lines()
        again = [line for line in lines if line in done]
        if again:
            raise UserError(_(
                "A line is reversed at most once per deployment: on the "
                "deployment %(deployment)s, %(lines)s. Leave these lines "
                "out.") % {
                    "deployment": self.name,
                    "lines": ", ".join(
                        _("the line %(line)s was already reversed by "
                          "%(reversal)s") % {
                              "line": line.name,
                              "reversal": done[line].name}
                        for line in again[:10])})

    @api.multi
    def _telecom_reverse(self, lines, reason):
        """Reverse ``lines`` of this done deployment for ``reason``, in
        one go: a reversal deployment of the same operators, category and
        company, whose options are the lines' options with negative
        quantities (at the same unit prices), done at once today, and
        whose MAJ reverse the MAJ of these lines. Telecom Managers only;
        every check comes before anything is written. Returns the
        reversal."""
        self.ensure_one()
        lines = lines.with_context(active_test=False)
        self._telecom_check_reversal(lines, reason)
        # One reversal of this deployment at a time. Two at once of the
        # same line: the second waits here, then its MAJ meet the unique
        # key of reversed_update_id (its snapshot predates the first).
        self.env.cr.execute(
            "SELECT id FROM telecom_deployment WHERE id = %s FOR UPDATE",
            (self.id,))
        lang = stored_lang(self.env, self.company_id, self.env.user)
        today = fields.Date.context_today(self)
        reversal = self.create({
            "partner_operator_id": self.partner_operator_id.id,
            "collection_operator_id": self.collection_operator_id.id,
            "category": self.category,
            "framework_agreement": self.framework_agreement,
            "framework_agreement_ref": self.framework_agreement_ref,
            "commitment": self.commitment,
            "company_id": self.company_id.id,
            "date_planned": today,
            "date_installed": today,
            "date_activation": today,
            "origin": self.with_context(
                lang=lang)._telecom_reversal_origin(),
            "line_ids": [(6, 0, lines.ids)],
        })
        # Set here only: write() refuses them from anyone.
        super(TelecomDeployment, reversal).write({
            "reversed_deployment_id": self.id,
            "reversal_reason": reason.strip(),
        })
        self._telecom_copy_reversed_options(reversal, lines)
        reversal.action_done()
        self.with_context(lang=lang)._telecom_post_reversal(reversal)
        return reversal

    @api.multi
    def _telecom_reversal_origin(self):
        """The origin of a reversal of this deployment, in the language
        of the context."""
        self.ensure_one()
        return _("Reversal of %s") % self.name

    @api.multi
    def _telecom_copy_reversed_options(self, reversal, lines):
        """Insert in ``reversal`` the options of ``lines`` in this
        deployment with negative quantities and amounts, at their unit
        prices (never priced again), in one query."""
        self.ensure_one()
        Option = self.env["telecom.deployment.option"]
        Option.check_access_rights("create")
        # The columns copied, of thousands of options, in one query (the
        # ORM's reads of them took a third of the reversal's time).
        Option.check_access_rights("read")
        self.check_access_rule("read")
        self.env.cr.execute("""
            SELECT sequence, line_id, product_id, quantity, price_unit,
                   price_overridden
              FROM telecom_deployment_option
             WHERE deployment_id = %s AND line_id IN %s
          ORDER BY sequence, id""", (self.id, tuple(lines.ids) or (0,)))
        currency = reversal.currency_id
        bulk_insert(Option, [{
            "deployment_id": reversal.id,
            "sequence": sequence,
            "line_id": line_id,
            "product_id": product_id,
            "quantity": -quantity,
            "price_unit": price_unit,
            "price_overridden": bool(price_overridden),
            "amount": option_amount(currency, -quantity, price_unit),
            "currency_id": currency.id,
            "company_id": reversal.company_id.id,
        } for sequence, line_id, product_id, quantity, price_unit,
            price_overridden in self.env.cr.fetchall()])
        totals = ["option_count", "amount_one_off"]
        reversal.invalidate_cache(["option_ids"] + totals, reversal.ids)
        for name in totals:
            self.env.add_todo(self._fields[name], reversal)
        reversal.recompute()

    @api.multi
    def _telecom_post_reversal(self, reversal):
        """Link this deployment and its ``reversal`` in their chatters, in
        the language of the context."""
        self.ensure_one()

        def link(deployment):
            return '<a href="#" data-oe-model="telecom.deployment" ' \
                'data-oe-id="%d">%s</a>' % (deployment.id,
                                            html_escape(deployment.name))
        reason = html_escape(reversal.reversal_reason)
        self._telecom_post_note(_(
            "Reversed by %(reversal)s for %(count)d line(s). Reason: "
            "%(reason)s") % {
                "reversal": link(reversal),
                "count": len(reversal.line_ids),
                "reason": reason})
        reversal._telecom_post_note(_(
            "Reversal of %(deployment)s. Reason: %(reason)s") % {
                "deployment": link(self), "reason": reason})

    @api.multi
    def _telecom_post_note(self, body):
        """Log ``body`` (HTML, its values escaped) as an internal note of
        the current user in this deployment's chatter, through the ORM:
        without ``message_post``'s e-mails, which refuse a user without an
        e-mail address."""
        self.ensure_one()
        user = self.env.user
        return self.env["mail.message"].sudo().create({
            "model": self._name,
            "res_id": self.id,
            "record_name": self.name,
            "message_type": "notification",
            "subtype_id": self.env.ref("mail.mt_note").id,
            "author_id": user.partner_id.id,
            "email_from": user.partner_id.email_formatted
            if user.email else False,
            "body": "<p>%s</p>" % body,
        })

    @api.multi
    def action_reverse(self):
        """Open the wizard that reverses lines of this done deployment
        (Telecom Managers): its options are cancelled with negative
        quantities and amounts."""
        self.ensure_one()
        self._telecom_check_reverser()
        self._telecom_check_reversible()
        if not self._telecom_lines_to_reverse():
            raise UserError(_(
                "Every line of the deployment %s is already reversed: see "
                "its reversals.") % self.name)
        action = self.env.ref(
            "telecom_recharge.telecom_deployment_reverse_action").read()[0]
        action["context"] = {"active_model": self._name,
                             "active_id": self.id,
                             "active_ids": self.ids}
        return action

    @api.multi
    def action_view_reversals(self):
        """Open the reversals of this deployment."""
        self.ensure_one()
        action = self.env.ref(
            "telecom_recharge.telecom_deployment_action").read()[0]
        action["context"] = {}
        if len(self.reversal_ids) == 1:
            action.update({
                "view_mode": "form",
                "views": [(self.env.ref(
                    "telecom_recharge.telecom_deployment_view_form").id,
                    "form")],
                "res_id": self.reversal_ids.id,
            })
        else:
            action["domain"] = [("reversed_deployment_id", "=", self.id)]
        return action
