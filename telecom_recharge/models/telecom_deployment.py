# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
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
        options = Option.with_context(prefetch_fields=False).search([
            ("deployment_id", "in", self.ids),
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
