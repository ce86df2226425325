# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.addons.telecom_recharge.tests.common import TelecomRechargeCase

# The period of the invoicing tests, far from today (the reversals, dated
# today, have their own).
MARCH = ("2026-03-01", "2026-03-31")


class TelecomInvoiceCase(TelecomRechargeCase):
    """Fixtures of the invoicing tests, whatever chart of accounts the
    database has (French, generic or none): for the main company and the
    company B, their own receivable and income accounts, a 20 % sales tax
    and a 0 % one, a sales journal when the company has none; the one-off
    products carry both companies' 20 % tax and income account. Two
    customers: the recharge tests' one, and a second one whose fiscal
    position maps the 20 % tax to 0 % and the income account to the export
    one. A Telecom Accountant with Odoo's invoicing (Billing) rights."""

    @classmethod
    def setUpClass(cls):
        super(TelecomInvoiceCase, cls).setUpClass()
        cls.Invoice = cls.env["account.invoice"]
        cls.Wizard = cls.env["telecom.one.off.invoice"]
        cls.acc_a = cls._create_accounting(cls.company, "TA")
        cls.acc_b = cls._create_accounting(cls.company_b, "TB")
        # Both tiers: the product's own income account and taxes, per
        # company (the category's account and the chart's tax unused).
        for product in cls.product_lt50 | cls.product_ge50:
            product.taxes_id = [(6, 0, [cls.acc_a["tax"].id,
                                        cls.acc_b["tax"].id])]
            for company, acc in ((cls.company, cls.acc_a),
                                 (cls.company_b, cls.acc_b)):
                product.product_tmpl_id.with_context(
                    force_company=company.id).property_account_income_id = \
                    acc["income"]

        cls.customer2 = cls.env["res.partner"].create({
            "name": "Client Export Test", "is_company": True,
            "customer": True})
        for company, acc in ((cls.company, cls.acc_a),
                             (cls.company_b, cls.acc_b)):
            # No automatic fiscal position of the chart for the first one.
            cls.customer.with_context(force_company=company.id).write({
                "property_account_receivable_id": acc["receivable"].id,
                "property_account_position_id": acc["fpos_neutral"].id})
            cls.customer2.with_context(force_company=company.id).write({
                "property_account_receivable_id": acc["receivable"].id,
                "property_account_position_id": acc["fpos"].id})
        site2 = cls.env["telecom.site"].create({
            "name": "Site Export", "code": "TRSITE2",
            "partner_id": cls.customer2.id, "company_id": cls.company.id})
        parc2 = cls.env["telecom.parc"].create({
            "site_id": site2.id, "service_type": "mobile",
            "partner_operator_id": cls.op_actif.id})
        cls.line2_20 = cls._create_line("0622000020", cls.sub_20, parc=parc2)
        cls.line2_100 = cls._create_line("0622000100", cls.sub_100,
                                         parc=parc2)

        cls.user_billing = cls._create_user(
            "recharge_billing", "telecom_parc.group_telecom_accountant")
        cls.user_billing.groups_id = [
            (4, cls.env.ref("account.group_account_invoice").id)]

    @classmethod
    def _create_accounting(cls, company, prefix):
        """Accounts, taxes, fiscal positions and sales journal of
        ``company`` for the tests, as a dict."""
        Account = cls.env["account.account"]

        def account(code, name, xmlid, reconcile=False):
            return Account.create({
                "code": prefix + code, "name": "%s %s" % (prefix, name),
                "user_type_id": cls.env.ref(xmlid).id,
                "reconcile": reconcile, "company_id": company.id})
        acc = {
            "receivable": account(
                "411", "Receivable", "account.data_account_type_receivable",
                reconcile=True),
            "income": account(
                "706", "Sales", "account.data_account_type_revenue"),
            "income_export": account(
                "7069", "Export sales", "account.data_account_type_revenue"),
            "tax_account": account(
                "4457", "VAT collected",
                "account.data_account_type_current_liabilities"),
        }
        Tax = cls.env["account.tax"]
        for key, amount in (("tax", 20.0), ("tax_zero", 0.0)):
            acc[key] = Tax.create({
                "name": "%s VAT %d %%" % (prefix, amount),
                "amount_type": "percent", "amount": amount,
                "type_tax_use": "sale", "company_id": company.id,
                "account_id": acc["tax_account"].id,
                "refund_account_id": acc["tax_account"].id})
        FiscalPosition = cls.env["account.fiscal.position"]
        acc["fpos"] = FiscalPosition.create({
            "name": "%s Export" % prefix, "company_id": company.id,
            "tax_ids": [(0, 0, {"tax_src_id": acc["tax"].id,
                                "tax_dest_id": acc["tax_zero"].id})],
            "account_ids": [(0, 0, {
                "account_src_id": acc["income"].id,
                "account_dest_id": acc["income_export"].id})]})
        acc["fpos_neutral"] = FiscalPosition.create({
            "name": "%s Domestic" % prefix, "company_id": company.id})
        Journal = cls.env["account.journal"]
        domain = [("type", "=", "sale"), ("company_id", "=", company.id)]
        if not Journal.search(domain, limit=1):
            Journal.create({
                "name": "%s Sales" % prefix, "code": prefix + "S",
                "type": "sale", "company_id": company.id,
                "update_posted": True})
        # The invoicing takes the company's first sales journal.
        acc["journal"] = Journal.search(domain, limit=1)
        return acc

    @classmethod
    def _deploy(cls, gb_by_line, date, company=None, done=True):
        """A Recharge DATA of ``gb_by_line`` ({line: GB}), at the tier
        price of each line, activated on ``date``; done unless ``done`` is
        False. Returns the deployment."""
        company = company or cls.company
        options = []
        for line, gb in gb_by_line.items():
            allowance = line.subscription_id.data_allowance_gb
            product = cls.product_ge50 if allowance >= 50 else \
                cls.product_lt50
            options.append((0, 0, {"line_id": line.id,
                                   "product_id": product.id,
                                   "quantity": gb}))
        deployment = cls.env["telecom.deployment"].create({
            "partner_operator_id": cls.op_actif.id,
            "collection_operator_id": cls.coll_orange.id,
            "company_id": company.id,
            "date_planned": date,
            "date_installed": date,
            "date_activation": date,
            "line_ids": [(6, 0, [line.id for line in gb_by_line])],
            "option_ids": options,
        })
        if done:
            deployment.action_done()
        return deployment

    def _run(self, period=MARCH, partners=None, company=None, user=None):
        """Run the wizard for ``period``; return (wizard, action,
        invoices)."""
        Wizard = self.Wizard.sudo(user) if user else self.Wizard
        vals = {"date_from": period[0], "date_to": period[1]}
        if partners:
            vals["partner_ids"] = [(6, 0, partners.ids)]
        if company:
            vals["company_id"] = company.id
        wizard = Wizard.create(vals)
        action = wizard.action_create_invoices()
        return wizard, action, self.Invoice.browse(action["domain"][0][2])

    def _one_off_invoices(self):
        """Every invoice made by the invoicing of the one-off options."""
        return self.Invoice.search([("telecom_date_from", "!=", False)])

    @staticmethod
    def _by_partner(invoices):
        return {invoice.partner_id: invoice for invoice in invoices}
