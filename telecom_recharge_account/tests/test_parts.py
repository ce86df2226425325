# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError
from odoo.addons.queue_job.job import Job
from odoo.addons.telecom_parc.tests.common_i18n import load_french

from .common import MARCH, TelecomInvoiceCase

METHOD = "_telecom_job_invoice"


class TestInvoicingInParts(TelecomInvoiceCase):
    """A large invoicing runs a part at a time (system parameter
    ``telecom_recharge_account.invoice_part``, 2 options here): the first
    part in the click's transaction, the others by a chain of queued jobs
    run as the accountant, each completing the same draft invoices; every
    option checked before anything is written, each invoiced once."""

    @classmethod
    def setUpClass(cls):
        super(TestInvoicingInParts, cls).setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "telecom_recharge_account.invoice_part", "2")
        # The customer: 3 options (3 GB at 1.00, 3 GB at 0.50, 2 GB at
        # 1.00: 6.50); the export customer: 2 options (2 GB at 1.00, 4 GB
        # at 0.50: 4.00). Five options: three parts.
        cls.dep_1 = cls._deploy(
            {cls.line_20: 3, cls.line_100: 3}, "2026-03-05")
        cls.dep_2 = cls._deploy({cls.line_sfr: 2}, "2026-03-31")
        cls.dep_3 = cls._deploy(
            {cls.line2_20: 2, cls.line2_100: 4}, "2026-03-20")
        cls.options = (cls.dep_1 | cls.dep_2 | cls.dep_3).mapped("option_ids")

    def _march(self):
        """The invoices of this test's period (the database may hold the
        demo's of last month)."""
        return self._one_off_invoices().filtered(
            lambda invoice: invoice.telecom_date_from == MARCH[0])

    def setUp(self):
        super(TestInvoicingInParts, self).setUp()
        # The database may hold the jobs of earlier runs (a real server's).
        self.last_job = self.env["queue.job"].search(
            [], order="id desc", limit=1).id or 0

    def _jobs(self, state="pending"):
        return self.env["queue.job"].search([
            ("method_name", "=", METHOD), ("state", "=", state),
            ("id", ">", self.last_job)], order="id")

    def _perform(self, record):
        """Run the job of ``record`` as the job runner does (as the user
        who queued it); return its result."""
        job = Job.load(self.env, record.uuid)
        job.set_started()
        job.perform()
        job.set_done()
        job.store()
        return job.result

    def _run_jobs(self):
        results = []
        for _round in range(10):
            jobs = self._jobs()
            if not jobs:
                break
            for record in jobs:
                results.append(self._perform(record))
        return results

    def test_first_part_now_the_rest_by_jobs(self):
        wizard = self.Wizard.sudo(self.user_billing).create(
            {"date_from": MARCH[0], "date_to": MARCH[1]})
        self.assertEqual(wizard.option_count, 5)
        action = wizard.action_create_invoices()
        # The click invoiced the first part, lists its invoice and says
        # what is queued.
        first = self.Invoice.browse(action["domain"][0][2])
        self.assertEqual(action["res_model"], "account.invoice")
        self.assertEqual(
            action["display_name"],
            "One-off Option Invoices (3 more to come)")
        self.assertEqual(action["name"], action["display_name"])
        self.assertEqual(wizard.queued_count, 3)
        self.assertEqual(wizard.invoice_ids, first)
        self.assertEqual(first.mapped("partner_id"), self.customer)
        self.assertEqual(first.telecom_option_count, 2)
        self.assertEqual(len(self.options.filtered("invoice_line_id")), 2)
        jobs = self._jobs()
        self.assertEqual(len(jobs), 1)
        self.assertEqual(jobs.user_id, self.user_billing)
        self.assertEqual(jobs.channel, "root.telecom_invoice")
        self.assertEqual(len(jobs.args[3]), 3)

        results = self._run_jobs()
        # Two more parts (2 options, then 1), each job queuing the next.
        self.assertEqual(len(results), 2, results)
        self.assertIn("2 options invoiced", results[0])
        self.assertIn("1 left", results[0])
        self.assertIn("0 left", results[1])
        self.assertEqual(len(self._jobs("done")), 2)
        self.assertTrue(all(self.options.mapped("invoice_line_id")))
        made = self._march()
        by_partner = self._by_partner(made)
        self.assertEqual(len(made), 2)
        # The first part's draft completed, not a second invoice.
        self.assertEqual(by_partner[self.customer], first)
        invoice = first
        self.assertEqual(invoice.telecom_option_count, 3)
        self.assertEqual(len(invoice.invoice_line_ids), 3)
        self.assertAlmostEqual(invoice.amount_untaxed, 6.5)
        self.assertAlmostEqual(invoice.amount_tax, 1.3)
        self.assertAlmostEqual(invoice.tax_line_ids.amount, 1.3)
        self.assertEqual(invoice.invoice_line_ids.mapped("create_uid"),
                         self.user_billing)
        export = by_partner[self.customer2]
        self.assertAlmostEqual(export.amount_untaxed, 4.0)
        self.assertAlmostEqual(export.amount_tax, 0.0)
        # Each part noted in the invoice's chatter, signed by the user.
        notes = invoice.message_ids.filtered(
            lambda m: "one-off options" in (m.body or ""))
        self.assertEqual(len(notes), 2, notes.mapped("body"))
        self.assertTrue(all("recharge_billing" in body
                            for body in notes.mapped("body")))
        # Done: the period has nothing left.
        with self.assertRaises(UserError):
            self._run(user=self.user_billing)

    def test_french_title(self):
        load_french(self.env, ("telecom_parc", "telecom_recharge",
                               "telecom_recharge_account"))
        wizard = self.Wizard.sudo(self.user_billing).with_context(
            lang="fr_FR").create({"date_from": MARCH[0], "date_to": MARCH[1]})
        action = wizard.action_create_invoices()
        self.assertEqual(
            action["display_name"],
            "Factures des options ponctuelles (3 de plus à venir)")

    def test_a_job_run_again_invoices_nothing_twice(self):
        self._run(user=self.user_billing)
        job = self._jobs()
        self._perform(job)
        lines = self.env["account.invoice.line"].search_count([])
        # The same job again (a retry after a lost answer): its options
        # are invoiced already.
        result = self._perform(job)
        self.assertIn("0 options invoiced", result)
        self.assertEqual(self.env["account.invoice.line"].search_count([]),
                         lines)
        self._run_jobs()
        self.assertEqual(len(self.options.mapped("invoice_line_id")), 5)
        self.assertEqual(sum(self._march().mapped(
            "telecom_option_count")), 5)

    def test_a_draft_deleted_between_parts(self):
        _wizard, _action, invoices = self._run(user=self.user_billing)
        invoices.unlink()
        self._run_jobs()
        # The first part's options are free again (to invoice), the
        # others on a new draft: none twice.
        self.assertEqual(len(self.options.filtered("invoice_line_id")), 3)
        self._run(user=self.user_billing)
        self.assertEqual(len(self.options.filtered("invoice_line_id")), 5)
        self.assertEqual(len(self._march()), 2)

    def test_every_part_checked_before_anything_is_written(self):
        # The export customer's options come in the last part. No
        # receivable account for it (nor the company's default one, which
        # a chart of accounts sets), read afresh by the accountant.
        self.env["ir.property"].search([
            ("name", "=", "property_account_receivable_id"),
            ("company_id", "=", self.company.id),
            ("res_id", "in", [False, "res.partner,%d" % self.customer2.id]),
        ]).unlink()
        self.env["res.partner"].invalidate_cache()
        with self.assertRaises(UserError) as error:
            self._run(user=self.user_billing)
        self.assertIn(self.customer2.name, error.exception.name)
        self.assertFalse(self.options.mapped("invoice_line_id"))
        self.assertFalse(self._march())
        self.assertFalse(self._jobs())

    def test_job_of_a_user_who_lost_billing(self):
        self._run(user=self.user_billing)
        self.user_billing.groups_id = [
            (3, self.env.ref("account.group_account_invoice").id)]
        job = Job.load(self.env, self._jobs().uuid)
        with self.assertRaises(AccessError):
            job.perform()
        self.assertEqual(len(self.options.filtered("invoice_line_id")), 2)

    def test_run_fields_written_by_the_run_only(self):
        invoice = self.Invoice.create({
            "partner_id": self.customer.id,
            "account_id": self.acc_a["receivable"].id})
        wizard = self.Wizard.sudo(self.user_billing).create({
            "date_from": MARCH[0], "date_to": MARCH[1],
            "queued_count": 99, "invoice_ids": [(6, 0, invoice.ids)]})
        self.assertEqual(wizard.queued_count, 0)
        self.assertFalse(wizard.invoice_ids)
        for vals in ({"queued_count": 1},
                     {"invoice_ids": [(6, 0, invoice.ids)]}):
            with self.assertRaises(UserError):
                wizard.write(vals)

    def test_small_run_in_one_part(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "telecom_recharge_account.invoice_part", "5")
        wizard, action, invoices = self._run(user=self.user_billing)
        self.assertEqual(action["display_name"], "One-off Option Invoices")
        self.assertEqual(len(invoices), 2)
        self.assertEqual((wizard.queued_count, wizard.invoice_ids),
                         (0, invoices))
        self.assertFalse(self._jobs())

    def test_cron_in_parts(self):
        # Last month's options, invoiced by the monthly cron.
        day = self.Wizard._default_date_to()
        options = self._deploy({self.line_20: 1, self.line_100: 1,
                                self.line2_20: 1}, day).option_ids
        self.Wizard._cron_invoice_last_month()
        self.assertEqual(len(options.filtered("invoice_line_id")), 2)
        self.assertEqual(len(self._jobs()), 1)
        self._run_jobs()
        self.assertTrue(all(options.mapped("invoice_line_id")))
        # March was not the cron's period.
        self.assertFalse(self.options.mapped("invoice_line_id"))
