# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
from collections import OrderedDict

from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.addons.queue_job.job import job
from odoo.addons.telecom_parc.tools.access import (
    check_company_reachable, reachable_company_ids)
from odoo.addons.telecom_parc.tools.lang import stored_lang
from odoo.addons.telecom_parc.tools.phone import to_national
from odoo.tools.misc import format_date, formatLang

from ..models.account_tax import tax_memo

_logger = logging.getLogger(__name__)

# At most this many records named in one error message.
MAX_NAMED = 10
# Invoice lines created between two computations of their amounts.
RECOMPUTE_EVERY = 500
# Options invoiced in one transaction (see _telecom_part_size).
PART_SIZE = 2000
# Written by a run only (see action_create_invoices).
RUN_FIELDS = {"invoice_ids", "queued_count"}


class TelecomOneOffInvoice(models.TransientModel):
    """Invoice the one-off options of the done deployments of a period: one
    draft customer invoice per customer (and a credit note for the
    reversals of options already on a validated invoice), each option
    billed once."""

    _name = "telecom.one.off.invoice"
    _description = "Invoice the One-off Options"

    @api.model
    def _default_date_from(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today + relativedelta(day=1, months=-1))

    @api.model
    def _default_date_to(self):
        today = fields.Date.from_string(fields.Date.context_today(self))
        return fields.Date.to_string(today + relativedelta(day=1, days=-1))

    date_from = fields.Date(
        string="From", required=True, default=_default_date_from,
        help="The first MAJ date invoiced (activation date of the done "
             "deployments).")
    date_to = fields.Date(
        string="To", required=True, default=_default_date_to,
        help="The last MAJ date invoiced, included.")
    partner_ids = fields.Many2many(
        comodel_name="res.partner", string="Customers",
        domain=[("customer", "=", True)],
        help="Only the lines of these customers; leave empty to invoice "
             "every customer.")
    company_id = fields.Many2one(
        comodel_name="res.company", required=True,
        default=lambda self: self.env.user.company_id)
    currency_id = fields.Many2one(
        related="company_id.currency_id", readonly=True)
    invoice_ids = fields.Many2many(
        comodel_name="account.invoice", string="Invoices", readonly=True,
        help="The invoices made or completed by this run.")
    queued_count = fields.Integer(
        string="Options Queued", readonly=True,
        help="The options that background jobs add to the invoices.")
    option_count = fields.Integer(
        string="Options to Invoice", compute="_compute_preview")
    amount = fields.Monetary(
        string="Amount to Invoice", compute="_compute_preview",
        currency_field="currency_id",
        help="Without taxes; reversals count negative.")

    @api.depends("date_from", "date_to", "partner_ids", "company_id")
    def _compute_preview(self):
        reachable = reachable_company_ids(self.env)
        for wizard in self:
            rows = []
            # Another company's figures only for who may invoice it.
            if wizard.date_from and wizard.date_to and (
                    wizard.company_id.id in reachable or
                    self.env.uid == SUPERUSER_ID):
                rows = wizard._telecom_fetch_options(
                    wizard.company_id, wizard.date_from, wizard.date_to,
                    wizard.partner_ids, lock=False)
            wizard.option_count = len(rows)
            wizard.amount = sum(row["quantity"] * row["price_unit"]
                                for row in rows)

    # Access --------------------------------------------------------------

    @api.model
    def create(self, vals):
        # What a run did is written by the run only.
        vals = {key: value for key, value in vals.items()
                if key not in RUN_FIELDS}
        # Odoo 11 ignores the access rights of a transient model.
        wizard = super(TelecomOneOffInvoice, self).create(vals)
        wizard._telecom_check_access()
        return wizard

    @api.multi
    def write(self, vals):
        if self.env.uid != SUPERUSER_ID and RUN_FIELDS & set(vals):
            raise UserError(_(
                "What a run of the invoicing did is written by the run "
                "only: press Create the Invoices."))
        return super(TelecomOneOffInvoice, self).write(vals)

    @api.multi
    def _telecom_check_access(self):
        """Accountants run it: Telecom Accountant and Odoo's invoicing
        (Billing) together, on a company they reach."""
        if self.env.uid == SUPERUSER_ID:
            return
        user = self.env.user
        if not (user.has_group("telecom_parc.group_telecom_accountant") and
                user.has_group("account.group_account_invoice")):
            raise AccessError(_(
                "Invoicing the one-off options is for the accountants: it "
                "needs both the Telecom Accountant group and Odoo's "
                "invoicing (Billing) rights. Ask an administrator to give "
                "them to %s.") % user.name)
        for wizard in self:
            check_company_reachable(self.env, wizard.company_id.id)

    # The options to invoice ----------------------------------------------

    @api.model
    def _telecom_fetch_options(self, company, date_from, date_to,
                               partners=None, lock=True, option_ids=None):
        """The options of the done deployments of ``company`` whose MAJ
        date is in [date_from, date_to], not invoiced yet, of the lines of
        ``partners`` (all when empty) and among ``option_ids`` (when
        given), as dicts, customers together; with ``lock``, their rows
        are locked until the transaction ends (a concurrent invoicing
        waits, then finds them invoiced)."""
        Option = self.env["telecom.deployment.option"]
        Option.check_access_rights("read")
        query = """
            SELECT o.id, o.line_id, l.partner_id, o.product_id, o.quantity,
                   o.price_unit, d.id AS deployment_id, d.name AS deployment,
                   d.date_activation, rd.name AS reversed,
                   l.name AS line, l.phone_number
              FROM telecom_deployment_option o
              JOIN telecom_deployment d ON d.id = o.deployment_id
              JOIN telecom_line l ON l.id = o.line_id
         LEFT JOIN telecom_deployment rd ON rd.id = d.reversed_deployment_id
             WHERE d.state = 'done' AND d.company_id = %(company)s
               AND d.date_activation >= %(date_from)s
               AND d.date_activation <= %(date_to)s
               AND o.invoice_line_id IS NULL"""
        params = {"company": company.id, "date_from": date_from,
                  "date_to": date_to}
        if partners:
            query += " AND l.partner_id IN %(partners)s"
            params["partners"] = tuple(partners.ids)
        if option_ids is not None:
            query += " AND o.id IN %(options)s"
            params["options"] = tuple(option_ids) or (0,)
        query += """
          ORDER BY l.partner_id, d.date_activation, d.name, o.sequence, o.id"""
        if lock:
            query += " FOR UPDATE OF o"
        self.env.cr.execute(query, params)
        return self.env.cr.dictfetchall()

    @api.model
    def _telecom_validated_originals(self, option_ids):
        """For the reversal options among ``option_ids``: {option id: the
        validated customer invoices that billed the option it reverses}."""
        if not option_ids:
            return {}
        self.env.cr.execute("""
            SELECT r.id, array_agg(DISTINCT il.invoice_id)
              FROM telecom_deployment_option r
              JOIN telecom_deployment rd ON rd.id = r.deployment_id
              JOIN telecom_deployment_option o
                ON o.deployment_id = rd.reversed_deployment_id
               AND o.line_id = r.line_id AND o.product_id = r.product_id
              JOIN account_invoice_line il ON il.id = o.invoice_line_id
              JOIN account_invoice ai ON ai.id = il.invoice_id
             WHERE r.id IN %s AND ai.type = 'out_invoice'
               AND ai.state IN ('open', 'paid')
          GROUP BY r.id""", (tuple(option_ids),))
        return dict(self.env.cr.fetchall())

    # Invoicing -----------------------------------------------------------

    @api.model
    def _telecom_invoice(self, company, date_from, date_to, partners=None,
                         option_ids=None):
        """Invoice the options of ``company`` of the period (see
        :meth:`_telecom_fetch_options`), all in this transaction; return
        the invoices made or completed. Every error is raised before
        anything is written."""
        rows = self._telecom_fetch_options(
            company, date_from, date_to, partners, option_ids=option_ids)
        if not rows:
            return self.env["account.invoice"]
        plans = self._telecom_check(company, date_from, date_to, rows)
        invoices = self.env["account.invoice"]
        links = []
        with tax_memo():
            for plan in plans:
                invoice, option_lines = self._telecom_write_invoice(plan)
                invoices |= invoice
                links.extend(option_lines)
            self._telecom_link(links)
            self.env.cr.execute("""
                UPDATE account_invoice
                   SET telecom_date_from = %s, telecom_date_to = %s
                 WHERE id IN %s""", (date_from, date_to, tuple(invoices.ids)))
            invoices.invalidate_cache(["telecom_date_from", "telecom_date_to"])
            self._telecom_compute_taxes(invoices)
        counts = {}
        for plan in plans:
            counts[plan["invoice"].id] = counts.get(
                plan["invoice"].id, 0) + len(plan["rows"])
        for invoice in invoices:
            invoice.message_post(body=_(
                "%(count)d one-off options of the MAJ from %(date_from)s to "
                "%(date_to)s invoiced by %(user)s.") % {
                    "count": counts[invoice.id],
                    "date_from": format_date(self.env, date_from),
                    "date_to": format_date(self.env, date_to),
                    "user": self.env.user.name})
        return invoices

    @api.model
    def _telecom_check(self, company, date_from, date_to, rows):
        """Check that the options of ``rows`` can be invoiced (raise one
        UserError naming every customer or product to fix); return the
        plans of their invoices (see :meth:`_telecom_plan`)."""
        self._telecom_check_customers(rows)
        originals = self._telecom_validated_originals(
            [row["id"] for row in rows if row["reversed"]])
        groups = self._telecom_group(rows, originals, company, date_from,
                                     date_to)
        return self._telecom_plan(company, date_from, date_to, groups)

    @api.model
    def _telecom_part_size(self):
        """How many options one transaction invoices (system parameter
        ``telecom_recharge_account.invoice_part``, default 2,000): each
        takes ~7 ms of the worker's CPU, which Odoo's prefork limits to
        60 s per request or job (``limit_time_cpu``)."""
        value = self.env["ir.config_parameter"].sudo().get_param(
            "telecom_recharge_account.invoice_part")
        try:
            return max(1, int(value or PART_SIZE))
        except ValueError:
            return PART_SIZE

    @api.model
    def _telecom_invoice_in_parts(self, company, date_from, date_to,
                                  partners=None):
        """Invoice the options of ``company`` of the period, every one
        checked first: the first part (:meth:`_telecom_part_size`) in
        this transaction, the others by a chain of queued jobs, one part
        each, that complete the same draft invoices. Return the invoices
        made or completed here and how many options were queued."""
        rows = self._telecom_fetch_options(company, date_from, date_to,
                                           partners)
        if not rows:
            return self.env["account.invoice"], 0
        size = self._telecom_part_size()
        if len(rows) > size:
            # Every error before anything is written, as in one part.
            self._telecom_check(company, date_from, date_to, rows)
        option_ids = [row["id"] for row in rows]
        invoices = self._telecom_invoice(
            company, date_from, date_to, option_ids=option_ids[:size])
        rest = option_ids[size:]
        if rest:
            self._telecom_delay_part(company, date_from, date_to, rest)
        return invoices, len(rest)

    @api.model
    def _telecom_delay_part(self, company, date_from, date_to, option_ids):
        """Queue the job that invoices the next part of ``option_ids``
        (run as this user, after this transaction commits)."""
        # A caller who sends test_queue_job_no_delay would have queue_job
        # run the job at once, inside the caller's transaction: never here.
        self.with_context(
            test_queue_job_no_delay=False, tracking_disable=True,
            mail_create_nolog=True, mail_create_nosubscribe=True,
        ).with_delay(
            description=_("Invoice %(count)d one-off options of "
                          "%(date_from)s to %(date_to)s (%(company)s)") % {
                "count": len(option_ids),
                "date_from": format_date(self.env, date_from),
                "date_to": format_date(self.env, date_to),
                "company": company.name},
        )._telecom_job_invoice(company.id, date_from, date_to, option_ids)

    @job(default_channel="root.telecom_invoice")
    @api.model
    def _telecom_job_invoice(self, company_id, date_from, date_to,
                             option_ids):
        """Job: invoice the first part of ``option_ids`` (those still to
        invoice: never twice), then queue the rest. Returns what it did,
        in words."""
        self._telecom_check_access()
        company = self.env["res.company"].browse(company_id)
        check_company_reachable(self.env, company.id)
        size = self._telecom_part_size()
        part, rest = option_ids[:size], option_ids[size:]
        invoices = self._telecom_invoice(
            company, date_from, date_to, option_ids=part)
        if rest:
            self._telecom_delay_part(company, date_from, date_to, rest)
        # Those of the part that were still to invoice (a job run again
        # finds its own invoiced).
        self.env.cr.execute("""
            SELECT count(*) FROM telecom_deployment_option o
              JOIN account_invoice_line il ON il.id = o.invoice_line_id
             WHERE o.id IN %s AND il.invoice_id IN %s""", (
            tuple(part), tuple(invoices.ids) or (0,)))
        count = self.env.cr.fetchone()[0]
        return _("%(count)d options invoiced on %(invoices)s; %(left)d "
                 "left to the next job.") % {
                     "count": count,
                     "invoices": ", ".join(invoices.mapped(
                         "display_name")) or "-",
                     "left": len(rest)}

    @api.model
    def _telecom_check_customers(self, rows):
        orphans = [row["line"] for row in rows if not row["partner_id"]]
        if orphans:
            raise UserError(_(
                "These lines have no customer, so their one-off options "
                "cannot be invoiced: %s. Set the customer of their site, "
                "then invoice again.") % ", ".join(
                    sorted(set(orphans))[:MAX_NAMED]))

    @api.model
    def _telecom_group(self, rows, originals, company, date_from, date_to):
        """{(customer id, invoice type): [rows]}: the reversals of options
        on a validated invoice go to a credit note; an invoice whose total
        would be negative (with the period's draft invoice it completes)
        becomes a credit note."""
        groups = OrderedDict()
        for row in rows:
            kind = "out_refund" if row["id"] in originals else "out_invoice"
            groups.setdefault((row["partner_id"], kind), []).append(row)
        Partner = self.env["res.partner"].with_context(
            force_company=company.id)
        for (partner_id, kind), group in list(groups.items()):
            total = sum(row["quantity"] * row["price_unit"] for row in group)
            if kind == "out_invoice" and total < 0:
                partner = Partner.browse(Partner.browse(
                    partner_id).address_get(["invoice"])["invoice"])
                total += self._telecom_draft(
                    company, partner, kind, date_from,
                    date_to).amount_untaxed
            if kind == "out_invoice" and total < 0:
                del groups[(partner_id, kind)]
                groups.setdefault((partner_id, "out_refund"), []).extend(
                    group)
        for rows_ in groups.values():
            for row in rows_:
                row["refunds"] = originals.get(row["id"], [])
        return groups

    @api.model
    def _telecom_draft(self, company, partner, kind, date_from, date_to):
        """The draft invoice (or credit note, ``kind``) of ``partner`` made
        by the invoicing of the period, that the next one completes."""
        return self.env["account.invoice"].search([
            ("state", "=", "draft"), ("type", "=", kind),
            ("company_id", "=", company.id),
            ("partner_id", "=", partner.id),
            ("telecom_date_from", "=", date_from),
            ("telecom_date_to", "=", date_to)], limit=1)

    @api.model
    def _telecom_plan(self, company, date_from, date_to, groups):
        """What each invoice receives (header values or the draft invoice
        to complete, and its lines' values), checked: raise one UserError
        naming every customer or product to fix."""
        Partner = self.env["res.partner"].with_context(
            force_company=company.id)
        Product = self.env["product.product"].with_context(
            force_company=company.id)
        FiscalPosition = self.env["account.fiscal.position"].with_context(
            force_company=company.id)
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)],
            limit=1)
        if not journal:
            raise UserError(_(
                "The company %s has no sales journal: install its chart of "
                "accounts (Invoicing > Configuration > Settings) before "
                "invoicing the one-off options.") % company.name)
        errors, plans, accounts = [], [], {}
        for (partner_id, kind), rows in groups.items():
            customer = Partner.browse(partner_id)
            partner = Partner.browse(
                customer.address_get(["invoice"])["invoice"])
            receivable = partner.property_account_receivable_id
            if not receivable:
                errors.append(_(
                    "the customer %s has no receivable account: set it on "
                    "the customer (Accounting tab)") % partner.display_name)
                continue
            fpos = FiscalPosition.browse(
                FiscalPosition.get_fiscal_position(customer.id))
            lang = partner.lang or self.env.lang
            sign = -1 if kind == "out_refund" else 1
            lines = []
            for row in rows:
                key = (row["product_id"], fpos.id, partner.id)
                if key not in accounts:
                    product = Product.browse(row["product_id"])
                    # The template's: Odoo 11 caches the variant's
                    # (inherited) company-dependent field for every company.
                    account = \
                        product.product_tmpl_id.property_account_income_id \
                        or product.categ_id.property_account_income_categ_id
                    if not account:
                        errors.append(_(
                            "the one-off option %s has no income account: "
                            "set one on the product or its category") %
                            product.display_name)
                        accounts[key] = None
                        continue
                    taxes = product.taxes_id.filtered(
                        lambda t: t.company_id == company)
                    accounts[key] = (
                        product, fpos.map_account(account).id,
                        (fpos.map_tax(taxes, product, partner)
                         if fpos else taxes).ids)
                if accounts[key] is None:
                    continue
                product, account_id, tax_ids = accounts[key]
                lines.append((row, {
                    "product_id": product.id,
                    "uom_id": product.uom_id.id,
                    "quantity": sign * row["quantity"],
                    "price_unit": row["price_unit"],
                    "account_id": account_id,
                    "invoice_line_tax_ids": [(6, 0, tax_ids)],
                }))
            draft = self._telecom_draft(
                company, partner, kind, date_from, date_to)
            refunded = {invoice for row in rows for invoice in row["refunds"]}
            plans.append({
                "invoice": draft,
                "rows": rows,
                "lang": lang,
                "lines": lines,
                "header": {
                    "type": kind,
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "journal_id": journal.id,
                    "currency_id": company.currency_id.id,
                    "account_id": receivable.id,
                    "fiscal_position_id": fpos.id,
                    "payment_term_id": (
                        partner.property_payment_term_id.id
                        if kind == "out_invoice" else False),
                    "name": self.with_context(lang=lang)._telecom_reference(
                        kind, date_from, date_to),
                    "refund_invoice_id": (
                        refunded.pop() if len(refunded) == 1 else False),
                },
            })
        if errors:
            raise UserError(_(
                "The one-off options of %(date_from)s to %(date_to)s cannot "
                "be invoiced yet: %(errors)s.") % {
                    "date_from": format_date(self.env, date_from),
                    "date_to": format_date(self.env, date_to),
                    "errors": "; ".join(
                        OrderedDict.fromkeys(errors).keys())})
        return plans

    @api.model
    def _telecom_reference(self, kind, date_from, date_to):
        """The invoice's reference, in the language of the context."""
        values = {"date_from": format_date(self.env, date_from),
                  "date_to": format_date(self.env, date_to)}
        if kind == "out_refund":
            return _("One-off options reversed from %(date_from)s to "
                     "%(date_to)s") % values
        return _("One-off options from %(date_from)s to %(date_to)s") % \
            values

    @api.model
    def _telecom_line_names(self, rows):
        """{option id: its invoice line's description}, in the language of
        the context: the option, the phone number, the deployment and the
        MAJ date."""
        dates, products, names = {}, {}, {}
        Product = self.env["product.product"]
        for row in rows:
            day = row["date_activation"]
            if day not in dates:
                dates[day] = format_date(self.env, day)
            if row["product_id"] not in products:
                products[row["product_id"]] = Product.browse(
                    row["product_id"]).display_name
            values = {
                "option": products[row["product_id"]],
                "phone": to_national(row["phone_number"]) or
                row["phone_number"] or row["line"],
                "deployment": row["deployment"],
                "reversed": row["reversed"],
                "date": dates[day],
            }
            if row["reversed"]:
                names[row["id"]] = _(
                    "%(option)s\n%(phone)s · %(deployment)s, reversal of "
                    "%(reversed)s · MAJ of %(date)s") % values
            else:
                names[row["id"]] = _(
                    "%(option)s\n%(phone)s · %(deployment)s · MAJ of "
                    "%(date)s") % values
        return names

    @api.model
    def _telecom_write_invoice(self, plan):
        """Create the invoice of ``plan`` (or complete its draft) and its
        lines; return it and the (option id, invoice line id) pairs."""
        invoice = plan["invoice"]
        if not invoice:
            invoice = self.env["account.invoice"].create(plan["header"])
        names = self.with_context(lang=plan["lang"])._telecom_line_names(
            plan["rows"])
        # Thousands of lines: the ORM would compute the invoice's totals
        # again after each line (quadratic). They are computed after each
        # chunk of lines instead (the ORM merges the records waiting for a
        # computation one by one: keep them few).
        InvoiceLine = self.env["account.invoice.line"].with_context(
            recompute=False)
        # Not through invoice_line_ids: a draft completed by a part can
        # hold thousands of lines.
        self.env.cr.execute(
            "SELECT COALESCE(max(sequence), 0) FROM account_invoice_line "
            "WHERE invoice_id = %s", (invoice.id,))
        sequence = self.env.cr.fetchone()[0]
        links = []
        for row, vals in plan["lines"]:
            sequence += 1
            line = InvoiceLine.create(dict(
                vals, invoice_id=invoice.id, name=names[row["id"]],
                sequence=sequence))
            links.append((row["id"], line.id))
            if len(links) % RECOMPUTE_EVERY == 0:
                InvoiceLine.recompute()
        InvoiceLine.recompute()
        plan["invoice"] = invoice
        return invoice, links

    @api.model
    def _telecom_compute_taxes(self, invoices):
        """The tax lines and totals of ``invoices``, as Odoo's
        ``compute_taxes()`` makes them, without its closing write on the
        lines (which computes the amount of each line again: a third of
        the time at 10,000 lines)."""
        InvoiceTax = self.env["account.invoice.tax"]
        for invoice in invoices:
            invoice.tax_line_ids.filtered(lambda tax: not tax.manual).unlink()
            for vals in invoice.get_taxes_values().values():
                InvoiceTax.create(vals)
        invoices.recompute()

    @api.model
    def _telecom_link(self, links):
        """Record on each option the invoice line that bills it."""
        if not links:
            return
        option_ids, line_ids = zip(*links)
        self.env.cr.execute("""
            UPDATE telecom_deployment_option o
               SET invoice_line_id = v.line_id
              FROM unnest(%s::int[], %s::int[]) AS v(option_id, line_id)
             WHERE o.id = v.option_id""", (list(option_ids), list(line_ids)))
        self.env["telecom.deployment.option"].invalidate_cache(
            ["invoice_line_id"], list(option_ids))

    # Actions -------------------------------------------------------------

    @api.multi
    def action_create_invoices(self):
        """Invoice the options of the period; return the action listing
        the invoices made (or completed)."""
        self.ensure_one()
        self._telecom_check_access()
        if self.date_from > self.date_to:
            raise UserError(_(
                "The period to invoice ends (%(date_to)s) before it starts "
                "(%(date_from)s): choose a start date on or before the end "
                "date.") % {"date_from": format_date(self.env, self.date_from),
                            "date_to": format_date(self.env, self.date_to)})
        invoices, queued = self._telecom_invoice_in_parts(
            self.company_id, self.date_from, self.date_to, self.partner_ids)
        if not invoices:
            raise UserError(_(
                "Nothing to invoice from %(date_from)s to %(date_to)s: the "
                "one-off options of the done deployments of that period are "
                "already invoiced (or there are none). Choose another "
                "period, or cancel a draft invoice to invoice its options "
                "again.") % {
                    "date_from": format_date(self.env, self.date_from),
                    "date_to": format_date(self.env, self.date_to)})
        # What the run did, for RPC clients (the list opens at once).
        self.sudo().write({"queued_count": queued,
                           "invoice_ids": [(6, 0, invoices.ids)]})
        return self._telecom_invoices_action(invoices, queued)

    @api.model
    def _telecom_invoices_action(self, invoices, queued=0):
        """The list of ``invoices``, titled for the one-off options and
        saying how many options background jobs still add to them."""
        action = self.env.ref("account.action_invoice_tree1").read()[0]
        # The web client titles the list with display_name, else name.
        title = _("One-off Option Invoices")
        if queued:
            # Short: the breadcrumb cuts a long title.
            title = _("One-off Option Invoices (%(count)s more to come)") % {
                          "count": formatLang(self.env, queued, digits=0)}
        action.update(
            name=title, display_name=title,
            domain=[("id", "in", invoices.ids)],
            context={"type": "out_invoice", "journal_type": "sale"})
        return action

    @api.model
    def _cron_invoice_last_month(self):
        """Scheduled action (inactive by default): invoice last month's
        one-off options of every company, each in its own savepoint (a
        company to fix does not stop the others). Returns True."""
        date_from, date_to = self._default_date_from(), \
            self._default_date_to()
        # A few companies: each one's options in its own savepoint.
        for company in self.env["res.company"].search(  # pylint: disable=no-search-all
                []):
            try:
                with self.env.cr.savepoint():
                    invoices, queued = self._telecom_invoice_in_parts(
                        company, date_from, date_to)
            except UserError as error:
                _logger.error("One-off options of %s not invoiced: %s",
                              company.name, error.name)
                continue
            _logger.info("One-off options of %s: %d invoices made or "
                         "completed, %d options queued", company.name,
                         len(invoices), queued)
        return True

    @api.model
    def _telecom_demo_invoice_last_month(self):
        """Demo data only: invoice last month's one-off options of the main
        company, in its language. Returns True."""
        company = self.env.ref("base.main_company")
        self.with_context(lang=stored_lang(self.env, company))._telecom_invoice(
            company, self._default_date_from(), self._default_date_to())
        return True
