# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import math
from collections import OrderedDict

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.addons.telecom_parc.tools.bulk import bulk_insert
from odoo.addons.telecom_parc.tools.lang import stored_lang

from ..models.product_template import format_gb
from ..models.res_company import DEFAULT_RECHARGE_MAX_GB
from ..tools.money import option_amount

# The preview shows this many lines; the total and the checks cover all.
PREVIEW_LIMIT = 200


class TelecomLineRecharge(models.TransientModel):
    """Recharge DATA: top up the selected lines with N GB. Confirming
    creates one deployment per (partner operator, collection operator),
    with a one-off option per line priced by the tier of its subscription,
    and opens it."""

    _name = "telecom.line.recharge"
    _inherit = "telecom.wizard.mixin"
    _description = "Recharge DATA"

    line_ids = fields.Many2many(
        comodel_name="telecom.line",
        relation="telecom_line_recharge_line_rel",
        column1="wizard_id",
        column2="line_id",
        string="Lines",
        default=lambda self: self._default_line_ids(),
    )
    data_gb = fields.Integer(
        string="Top-up Value (GB)",
        default=1,
        help="The data added to each selected line, in GB: a whole number "
             "from 1 to the maximum set by the administrators.",
    )
    # What the user types, as typed: the form sends it on each keystroke
    # (widget telecom_live_char), so the preview and the "whole number"
    # message follow the input at once, even for "1,5", which the integer
    # field could not take. Saved into data_gb (refused when not whole).
    data_gb_text = fields.Char(
        string="Top-up Value (GB)",
        compute="_compute_data_gb_text",
        inverse="_inverse_data_gb_text",
        help="The data added to each selected line: a whole number of GB "
             "from 1 to the maximum set by the administrators.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.user.company_id,
    )
    currency_id = fields.Many2one(
        related="company_id.currency_id", string="Currency", readonly=True)
    max_gb = fields.Integer(
        string="Maximum (GB)", compute="_compute_max_gb")
    preview_ids = fields.One2many(
        comodel_name="telecom.line.recharge.line",
        inverse_name="wizard_id",
        readonly=True,
    )
    line_count = fields.Integer(compute="_compute_summary")
    amount_total = fields.Monetary(
        string="Total", compute="_compute_summary",
        currency_field="currency_id")
    problems = fields.Text(
        string="To Fix", compute="_compute_summary")
    preview_note = fields.Char(compute="_compute_summary")
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
        readonly=True,
    )
    deployment_ids = fields.Many2many(
        comodel_name="telecom.deployment",
        relation="telecom_line_recharge_deployment_rel",
        column1="wizard_id",
        column2="deployment_id",
        string="Deployments",
        readonly=True,
    )

    @api.model
    def _default_line_ids(self):
        if self.env.context.get("active_model") == "telecom.line":
            return [(6, 0, self.env.context.get("active_ids") or [])]
        return []

    @api.depends("company_id")
    def _compute_max_gb(self):
        for wizard in self:
            wizard.max_gb = wizard._telecom_max_gb()

    @api.depends("data_gb")
    def _compute_data_gb_text(self):
        for wizard in self:
            wizard.data_gb_text = str(wizard.data_gb)

    @api.multi
    def _inverse_data_gb_text(self):
        for wizard in self:
            wizard.data_gb = self._telecom_int_data_gb(wizard.data_gb_text)

    @api.multi
    def _telecom_raw_gb(self):
        """The top-up value as the user typed it (the text of the form),
        else the stored whole number."""
        self.ensure_one()
        text = (self.data_gb_text or "").strip()
        return text if text else self.data_gb

    @api.depends("data_gb", "data_gb_text", "line_ids", "company_id")
    def _compute_summary(self):
        for wizard in self:
            entries, errors = wizard._telecom_plan()
            wizard.line_count = len(entries)
            wizard.amount_total = sum(
                entry["amount"] for entry in entries
                if not entry["problem"])
            wizard.problems = "\n".join(errors) if errors else False
            wizard.preview_note = _(
                "The first %(shown)d of the %(total)d lines are shown; the "
                "total covers all of them.") % {
                    "shown": PREVIEW_LIMIT,
                    "total": len(entries)} \
                if len(entries) > PREVIEW_LIMIT else False

    @api.onchange("data_gb_text")
    def _onchange_data_gb_text(self):
        """Follow the typed value: store it when it is a whole number, and
        say at once why it is refused otherwise (the same sentence as the
        Save's), with the preview of what it would do."""
        raw = self._telecom_raw_gb()
        error = self._telecom_data_gb_error(raw)
        if not error:
            self.data_gb = self._telecom_int_data_gb(raw)
        self._telecom_fill_preview(raw)
        # The text keeps what was typed (setting data_gb recomputes it).
        self.data_gb_text = raw
        if error and not self._telecom_bad_type(raw):
            # Out of range (0, above the maximum): the message of the form
            # says it; a dialog is kept for the typed value the field
            # cannot hold (e.g. 1,5).
            return {}
        if error:
            return {"warning": {
                "title": _("Whole number of GB"),
                "message": error,
            }}
        return {}

    @api.onchange("data_gb", "line_ids")
    def _onchange_preview(self):
        self._telecom_fill_preview()

    @api.multi
    def _telecom_fill_preview(self, data_gb=None):
        entries, _errors = self._telecom_plan(data_gb=data_gb)
        commands = [(5, 0, 0)]
        for entry in entries[:PREVIEW_LIMIT]:
            commands.append((0, 0, {
                "line_id": entry["line"].id,
                "subscription_id": entry["subscription"].id,
                "allowance_gb": entry["allowance"],
                "product_id": entry["product"].id if entry["product"]
                else False,
                "quantity": entry["quantity"],
                "price_unit": entry["price_unit"],
                "amount": entry["amount"],
                "problem": entry["problem"] or False,
            }))
        self.preview_ids = commands

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_max_gb(self):
        company = self.company_id or self.env.user.company_id
        return company.sudo().telecom_recharge_max_gb or \
            DEFAULT_RECHARGE_MAX_GB

    @api.model
    def _telecom_parse_data_gb(self, value):
        """Return ``value`` as a number, or None when it is not one (an
        RPC client may send anything)."""
        if isinstance(value, bool) or value is None:
            return None
        if isinstance(value, str):
            try:
                value = float(value.strip().replace(",", "."))
            except ValueError:
                return None
        if isinstance(value, int):
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        return None

    @api.multi
    def _telecom_data_gb_error(self, value):
        """Return why the top-up ``value`` is refused, or None."""
        maximum = self._telecom_max_gb()
        number = self._telecom_parse_data_gb(value)
        if number is None:
            return _(
                "The top-up value \"%(value)s\" is not a number. Enter a "
                "whole number of GB from 1 to %(maximum)d.") % {
                    "value": value,
                    "maximum": maximum}
        if number != int(number):
            return _(
                "The top-up value %(value)s GB is not a whole number. Enter "
                "a whole number of GB from 1 to %(maximum)d (e.g. "
                "%(example)d).") % {
                    "value": self._telecom_shown_gb(value, number),
                    "maximum": maximum,
                    "example": max(1, int(number))}
        if number < 1:
            return _(
                "The top-up value must be at least 1 GB (it is %(value)d GB). "
                "Enter a whole number of GB from 1 to %(maximum)d.") % {
                    "value": number,
                    "maximum": maximum}
        if number > maximum:
            return _(
                "The top-up value %(value)d GB is above the maximum of "
                "%(maximum)d GB per line set by the administrators. Enter "
                "%(maximum)d GB or less, or ask an administrator to raise "
                "the maximum (Telecom > Configuration > Recharge DATA "
                "Settings).") % {
                    "value": number,
                    "maximum": maximum}
        return None

    @api.model
    def _telecom_shown_gb(self, value, number):
        """The refused value as the user typed it ("1,5"), else the number
        with the decimal point of the user's language."""
        if isinstance(value, str) and value.strip():
            return value.strip()
        lang = self.env["res.lang"]._lang_get(self.env.lang or "en_US")
        return format_gb(number).replace(".", lang.decimal_point or ".")

    @api.model
    def _telecom_line_label(self, line):
        label = line.name or ""
        national = line.phone_national or line.phone_number
        if national and national != label:
            label = "%s (%s)" % (label, national)
        return label

    @api.multi
    def _telecom_plan(self, data_gb=None):
        """Return ``(entries, errors)`` for the top-up of ``data_gb`` GB
        (the wizard's value by default) on the wizard's lines.

        ``entries`` has one dict per line: line, subscription, allowance,
        product, quantity, price_unit, amount and problem (the reason the
        line is refused, or None). ``errors`` lists every reason the
        top-up is refused, each naming the line and the fix. The tier
        products are read once for all the lines.
        """
        self.ensure_one()
        if data_gb is None:
            data_gb = self._telecom_raw_gb()
        company = self.company_id or self.env.user.company_id
        errors = []
        gb_error = self._telecom_data_gb_error(data_gb)
        if gb_error:
            errors.append(gb_error)
        number = self._telecom_parse_data_gb(data_gb)
        valid_gb = not gb_error and int(number)
        # Only lines the user may read get here (telecom.wizard.mixin).
        # Only the columns used: a selection may hold thousands of lines.
        # Archived lines are checked too (reading a many2many hides them;
        # the form's new record keeps its lines in its own cache).
        wizard = self.with_context(active_test=False) \
            if isinstance(self.id, int) else self
        lines = wizard.line_ids.with_context(prefetch_fields=False)
        if not lines:
            errors.append(_(
                "No line is selected. Select the lines to top up in the "
                "list of lines, then use Action > Recharge DATA."))
        table = self.env["product.template"]._telecom_tier_table(
            "data_topup", company)
        find_tier = self.env["product.template"]._telecom_find_tier
        entries = []
        for line in lines:
            subscription = line.subscription_id
            allowance = subscription.data_allowance_gb
            product = None
            quantity = price_unit = 0.0
            problem = None
            if line.company_id != company:
                problem = _(
                    "it belongs to the company %(line_company)s, not to "
                    "%(company)s. Switch to the company %(line_company)s to "
                    "top it up, or remove it from the selection.") % {
                        "line_company": line.company_id.name,
                        "company": company.name}
            elif not line.active:
                problem = _(
                    "it is archived. Restore it or remove it from the "
                    "selection.")
            elif line.state == "terminated":
                problem = _(
                    "it is terminated and cannot be topped up. Remove it "
                    "from the selection.")
            elif not subscription:
                problem = _(
                    "it has no subscription. Set the subscription of the "
                    "line, then run Recharge DATA again.")
            elif allowance <= 0:
                problem = _(
                    "its subscription \"%s\" has no data allowance. A data "
                    "top-up needs a subscription with a data allowance: "
                    "set the allowance of the subscription or remove the "
                    "line from the selection.") % subscription.name
            else:
                product = find_tier(table, allowance)
                if not product:
                    problem = _(
                        "no Data Top-up one-off option matches the "
                        "%(allowance)s GB allowance of its subscription "
                        "\"%(subscription)s\". Ask an administrator to add "
                        "a tier covering %(allowance)s GB (Telecom > "
                        "Configuration > One-off Options).") % {
                            "allowance": format_gb(allowance),
                            "subscription": subscription.name}
                elif valid_gb and valid_gb % product.telecom_gb_per_unit:
                    problem = _(
                        "the option \"%(option)s\" is sold by %(gb)d GB: "
                        "enter a multiple of %(gb)d GB.") % {
                            "option": product.name,
                            "gb": product.telecom_gb_per_unit}
                    product = None
                elif valid_gb:
                    quantity = valid_gb / product.telecom_gb_per_unit
                    price_unit = product.lst_price
            if problem:
                errors.append(_("Line %(line)s: %(problem)s") % {
                    "line": self._telecom_line_label(line),
                    "problem": problem})
            entries.append({
                "line": line,
                "subscription": subscription,
                "allowance": allowance,
                "product": product,
                "quantity": quantity,
                "price_unit": price_unit,
                "amount": option_amount(company.currency_id, quantity,
                                        price_unit),
                "problem": problem,
            })
        return entries, errors

    @api.model
    def _telecom_refusal(self, errors):
        return UserError(_(
            "Recharge DATA refused, nothing was created. Fix the "
            "following, then try again:\n%s") % "\n".join(
                "- %s" % error for error in errors))

    # ------------------------------------------------------------------
    # ORM: an RPC client may send a fractional or non-numeric value that
    # the Integer field would silently truncate.
    # ------------------------------------------------------------------
    @api.model
    def _telecom_text_to_value(self, vals):
        """The form sends the typed text and the stored number: the text
        is what the user sees, so it wins (checked like data_gb)."""
        if "data_gb_text" not in vals:
            return vals
        vals = dict(vals)
        text = vals.pop("data_gb_text")
        if isinstance(text, str) and text.strip():
            vals["data_gb"] = text
        return vals

    @api.model
    def create(self, vals):
        vals = self._telecom_text_to_value(vals)
        raw = vals.get("data_gb")
        bad = "data_gb" in vals and self._telecom_bad_type(raw)
        if bad:
            vals = dict(vals, data_gb=0)
        elif "data_gb" in vals:
            vals = dict(vals, data_gb=self._telecom_int_data_gb(raw))
        wizard = super(TelecomLineRecharge, self).create(vals)
        if bad:
            _entries, errors = wizard._telecom_plan(data_gb=raw)
            raise self._telecom_refusal(errors)
        # The preview is read-only, so the form does not send it: made
        # here, it is still shown when the form reloads the wizard after a
        # refused Save.
        if not wizard.preview_ids:
            wizard._telecom_store_preview()
        return wizard

    @api.multi
    def _telecom_store_preview(self):
        for wizard in self:
            wizard._telecom_fill_preview()

    @api.multi
    def write(self, vals):
        vals = self._telecom_text_to_value(vals)
        if "data_gb" in vals:
            raw = vals["data_gb"]
            if self._telecom_bad_type(raw):
                errors = []
                for wizard in self:
                    errors += wizard._telecom_plan(data_gb=raw)[1]
                raise self._telecom_refusal(errors)
            vals = dict(vals, data_gb=self._telecom_int_data_gb(raw))
        result = super(TelecomLineRecharge, self).write(vals)
        if "data_gb" in vals or "line_ids" in vals:
            self.filtered(lambda w: w.state == "draft")._telecom_store_preview()
        return result

    @api.model
    def _telecom_int_data_gb(self, value):
        number = self._telecom_parse_data_gb(value)
        return int(number) if number is not None else 0

    @api.model
    def _telecom_bad_type(self, value):
        """True when ``value`` cannot be stored as a whole number of GB
        without changing it (2.5, "abc", True)."""
        if value is None or value is False:
            return False
        number = self._telecom_parse_data_gb(value)
        # Beyond the integer column too: refused with the plan's message
        # (above the maximum) before anything is stored.
        return number is None or number != int(number) or \
            abs(number) >= 2 ** 31

    # ------------------------------------------------------------------
    # Action
    # ------------------------------------------------------------------
    @api.multi
    def action_confirm(self):
        """Create the deployment(s) of the top-up and return the action
        opening them: the form when there is one, a list otherwise.

        Refused as a whole, with one message listing every problem, when
        the top-up value or any line is not valid. Calling it again (double
        click, replayed request) returns the same deployments."""
        self.ensure_one()
        self.env["telecom.deployment"].check_access_rights("create")
        # Two concurrent calls on the same wizard run one after the other;
        # the second finds the deployments of the first.
        self.env.cr.execute(
            "SELECT id FROM telecom_line_recharge WHERE id IN %s "
            "FOR UPDATE", (tuple(self.ids),))
        self.invalidate_cache(["state", "deployment_ids"], self.ids)
        if self.state == "done":
            return self._telecom_action_open(self.deployment_ids)
        entries, errors = self._telecom_plan()
        if errors:
            raise self._telecom_refusal(errors)
        deployments = self._telecom_create_deployments(entries)
        self.write({
            "state": "done",
            "deployment_ids": [(6, 0, deployments.ids)],
        })
        return self._telecom_action_open(deployments)

    @api.multi
    def _telecom_deployment_key(self, line):
        """Return the (partner operator, collection operator) ids that
        group the lines into deployments."""
        return (line.parc_id.partner_operator_id.id,
                line.subscription_id.collection_operator_id.id)

    @api.multi
    def _telecom_prepare_deployment_vals(self, key, entries):
        """Return the values of the deployment of the lines of
        ``entries``, without its options (see
        :meth:`_telecom_prepare_option_rows`)."""
        self.ensure_one()
        return {
            "partner_operator_id": key[0],
            "collection_operator_id": key[1] or False,
            "category": "voice_data",
            "company_id": self.company_id.id,
            "date_planned": fields.Date.context_today(self),
            "origin": self.with_context(lang=stored_lang(
                self.env, self.company_id))._telecom_origin(),
            "line_ids": [(6, 0, [entry["line"].id for entry in entries])],
        }

    @api.multi
    def _telecom_origin(self):
        """The origin of the deployments made, in the language of the
        context (the deployment keeps it as written)."""
        self.ensure_one()
        return _("Recharge DATA %d GB") % self.data_gb

    @api.multi
    def _telecom_prepare_option_rows(self, deployment, entries):
        """Return the rows of the one-off options of ``deployment``, one
        per line, with their stored amounts."""
        currency = deployment.currency_id
        return [{
            "deployment_id": deployment.id,
            "sequence": 10,
            "line_id": entry["line"].id,
            "product_id": entry["product"].id,
            "quantity": entry["quantity"],
            "price_unit": currency.round(entry["price_unit"]),
            "amount": option_amount(currency, entry["quantity"],
                                    entry["price_unit"]),
            "currency_id": currency.id,
            "company_id": deployment.company_id.id,
        } for entry in entries]

    @api.multi
    def _telecom_create_deployments(self, entries):
        """Create one deployment per (partner operator, collection
        operator), then all its options in one query."""
        self.ensure_one()
        groups = OrderedDict()
        for entry in entries:
            key = self._telecom_deployment_key(entry["line"])
            groups.setdefault(key, []).append(entry)
        Deployment = self.env["telecom.deployment"]
        Option = self.env["telecom.deployment.option"]
        Option.check_access_rights("create")
        deployments = Deployment.browse()
        for key, group in groups.items():
            deployment = Deployment.create(
                self._telecom_prepare_deployment_vals(key, group))
            bulk_insert(Option, self._telecom_prepare_option_rows(
                deployment, group))
            deployments |= deployment
        # Only the totals of the deployments are to recompute: the stored
        # values of the options were inserted with them.
        totals = ["option_count", "amount_one_off"]
        deployments.invalidate_cache(["option_ids"] + totals,
                                     deployments.ids)
        for name in totals:
            self.env.add_todo(Deployment._fields[name], deployments)
        deployments.recompute()
        return deployments

    @api.model
    def _telecom_action_open(self, deployments):
        action = self.env.ref(
            "telecom_recharge.telecom_deployment_action").read()[0]
        action["context"] = {}
        if len(deployments) == 1:
            form = self.env.ref(
                "telecom_recharge.telecom_deployment_view_form")
            action.update({
                "view_mode": "form",
                "views": [(form.id, "form")],
                "res_id": deployments.id,
            })
        else:
            action["domain"] = [("id", "in", deployments.ids)]
        return action
