# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging
import time

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger
from odoo.addons.telecom_parc.tests.common_i18n import load_french
from odoo.addons.telecom_parc.tools.bulk import bulk_insert

from ..tools.xlsx import read_xlsx_rows
from .common import TelecomRechargeCase

_logger = logging.getLogger(__name__)


def reverse(deployment, reason, lines=None, user=None):
    """Run the reversal wizard on ``deployment`` as ``user`` (the
    environment's by default); return (wizard, reversal)."""
    Wizard = deployment.env["telecom.deployment.reverse"]
    if user:
        Wizard = Wizard.sudo(user)
    vals = {"reason": reason}
    if lines is not None:
        vals["line_ids"] = [(6, 0, lines.ids)]
    wizard = Wizard.with_context(
        active_model="telecom.deployment", active_id=deployment.id).create(
            vals)
    action = wizard.action_confirm()
    return wizard, deployment.env["telecom.deployment"].browse(
        action["res_id"])


class TestReversal(TelecomRechargeCase):
    """A Telecom Manager reverses (extourne) lines of a done deployment:
    a reversal deployment with negative options, done at once, whose MAJ
    reverse the MAJ of those lines."""

    @classmethod
    def setUpClass(cls):
        super(TestReversal, cls).setUpClass()
        # line_20: 2 x 1.00 EUR; line_100: 2 x 0.50 EUR.
        wizard = cls.env["telecom.line.recharge"].with_context(
            active_model="telecom.line",
            active_ids=(cls.line_20 | cls.line_100).ids).create(
                {"data_gb": 2})
        wizard.action_confirm()
        cls.deployment = wizard.deployment_ids
        cls.deployment.write({"date_installed": "2026-03-01",
                              "date_activation": "2026-03-01"})
        cls.deployment.action_done()
        # The reversal's day is the manager's (their time zone).
        cls.today = fields.Date.context_today(
            cls.deployment.sudo(cls.user_manager))

    def _count(self):
        Deployment = self.env["telecom.deployment"]
        return Deployment.search_count([]), self.env[
            "telecom.line.update"].search_count([])

    def test_full_reversal(self):
        deployment = self.deployment.sudo(self.user_manager)
        wizard, reversal = reverse(deployment, "Wrong lines")
        self.assertEqual(wizard.line_ids, self.line_20 | self.line_100)
        self.assertEqual(reversal.state, "done")
        self.assertEqual(reversal.reversed_deployment_id, self.deployment)
        self.assertEqual(reversal.reversal_reason, "Wrong lines")
        self.assertEqual(self.deployment.reversal_ids, reversal)
        self.assertEqual(self.deployment.reversal_count, 1)
        for name in ("partner_operator_id", "collection_operator_id",
                     "category", "company_id"):
            self.assertEqual(reversal[name], self.deployment[name])
        self.assertEqual(reversal.line_ids, self.line_20 | self.line_100)
        self.assertEqual(reversal.date_installed, self.today)
        self.assertEqual(reversal.date_activation, self.today)
        self.assertEqual(reversal.amount_one_off, -3.0)
        by_line = {o.line_id: o for o in reversal.option_ids}
        self.assertEqual(by_line[self.line_20].quantity, -2.0)
        self.assertEqual(by_line[self.line_20].price_unit, 1.0)
        self.assertEqual(by_line[self.line_20].amount, -2.0)
        self.assertEqual(by_line[self.line_100].product_id,
                         self.product_ge50)
        self.assertEqual(by_line[self.line_100].amount, -1.0)
        # Its MAJ reverse the original MAJ of the same lines.
        originals = {u.line_id: u for u in self.deployment.update_ids}
        self.assertEqual(len(reversal.update_ids), 2)
        for update in reversal.update_ids:
            self.assertEqual(update.update_kind, "reversal")
            self.assertEqual(update.reversed_update_id,
                             originals[update.line_id])
            self.assertEqual(update.date, self.today)
            self.assertEqual(update.amount_one_off,
                             -originals[update.line_id].amount_one_off)
            self.assertEqual(update.option_ids.quantity, -2.0)
            self.assertIn(self.deployment.name, update.info)
            self.assertIn("Wrong lines", update.info)
        self.assertEqual(set(self.deployment.update_ids.mapped(
            "update_kind")), {"apply"})
        # Each chatter links to the other.
        link = 'data-oe-id="%d"' % reversal.id
        self.assertTrue([m for m in self.deployment.message_ids
                         if link in (m.body or "")])
        back = 'data-oe-id="%d"' % self.deployment.id
        self.assertTrue([m for m in reversal.message_ids
                         if back in (m.body or "") and
                         "Wrong lines" in m.body])
        # The line's MAJ list.
        self.assertEqual(
            self.line_20.update_ids.mapped("update_kind"),
            ["reversal", "apply"])

    def test_rpc_wizard_defaults_to_the_lines_not_reversed(self):
        deployment = self.deployment.sudo(self.user_manager)
        reverse(deployment, "Wrong line", lines=self.line_20)
        # Over RPC: no context, the deployment in the values.
        wizard = self.env["telecom.deployment.reverse"].sudo(
            self.user_manager).create({"deployment_id": deployment.id,
                                       "reason": "The rest"})
        self.assertEqual(wizard.line_ids, self.line_100)
        self.assertEqual(wizard.amount_preview.replace("\xa0", " "),
                         "-1.00 €")
        action = wizard.action_confirm()
        self.assertEqual(action["res_model"], "telecom.deployment")
        self.assertEqual(self.env["telecom.deployment"].browse(
            action["res_id"]).line_ids, self.line_100)

    def test_reversal_keeps_the_original_prices(self):
        self.product_lt50.product_tmpl_id.list_price = 3.0
        _wizard, reversal = reverse(
            self.deployment.sudo(self.user_manager), "Wrong quantity",
            lines=self.line_20)
        self.assertEqual(reversal.option_ids.price_unit, 1.0)
        self.assertEqual(reversal.amount_one_off, -2.0)
        self.assertEqual(reversal.update_ids.amount_one_off, -2.0)

    def test_partial_then_the_rest(self):
        deployment = self.deployment.sudo(self.user_manager)
        _wizard, first = reverse(deployment, "Wrong line",
                                 lines=self.line_20)
        self.assertEqual(first.line_ids, self.line_20)
        self.assertEqual(first.amount_one_off, -2.0)
        # The next wizard proposes the lines not reversed yet.
        wizard, second = reverse(deployment, "Also wrong")
        self.assertEqual(wizard.line_ids, self.line_100)
        self.assertEqual(second.amount_one_off, -1.0)
        self.assertEqual(self.deployment.reversal_ids, first | second)
        self.assertEqual(
            self.deployment.action_view_reversals()["domain"],
            [("reversed_deployment_id", "=", self.deployment.id)])
        with self.assertRaisesRegex(UserError, "already reversed"):
            deployment.action_reverse()

    def test_line_reversed_once_per_deployment(self):
        deployment = self.deployment.sudo(self.user_manager)
        _wizard, first = reverse(deployment, "Wrong line",
                                 lines=self.line_20)
        before = self._count()
        with self.assertRaises(UserError) as error:
            reverse(deployment, "Again", lines=self.line_20 | self.line_100)
        message = str(error.exception.name)
        self.assertIn(self.line_20.name, message)
        self.assertIn(first.name, message)
        self.assertNotIn(self.line_100.name, message)
        # Nothing half-created.
        self.assertEqual(self._count(), before)
        # The database refuses a second reversal of the same MAJ.
        update = first.update_ids
        row = {name: update[name] for name in (
            "line_id", "date", "company_id", "currency_id")}
        row.update(name="MAJ", update_kind="reversal",
                   reversed_update_id=update.reversed_update_id,
                   deployment_id=self.deployment.id, amount_one_off=0.0)
        row = {name: value.id if hasattr(value, "id") else value
               for name, value in row.items()}
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), \
                self.env.cr.savepoint():
            bulk_insert(self.env["telecom.line.update"], [row])

    def test_reversal_cannot_be_reversed(self):
        _wizard, reversal = reverse(
            self.deployment.sudo(self.user_manager), "Wrong")
        reversal = reversal.sudo(self.user_manager)
        with self.assertRaisesRegex(UserError, "cannot be reversed"):
            reversal.action_reverse()
        with self.assertRaisesRegex(UserError, "cannot be reversed"):
            reverse(reversal, "Back again")

    def test_refusals(self):
        deployment = self.deployment.sudo(self.user_manager)
        _action, draft = self._recharge(self.line_49, 1)
        before = self._count()
        with self.assertRaisesRegex(UserError, "only a done deployment"):
            draft.sudo(self.user_manager).action_reverse()
        with self.assertRaisesRegex(UserError, "only a done deployment"):
            draft.sudo(self.user_manager)._telecom_reverse(
                self.line_49, "Not done")
        with self.assertRaisesRegex(UserError, "not lines of the deploy"):
            reverse(deployment, "Other line", lines=self.line_49)
        with self.assertRaisesRegex(UserError, "Choose the lines"):
            reverse(deployment, "No line",
                    lines=self.env["telecom.line"])
        with self.assertRaisesRegex(UserError, "reason"):
            deployment._telecom_reverse(self.line_20, "  ")
        self.assertEqual(self._count(), before)

    def test_access_per_group(self):
        message = "Only Telecom Managers can reverse a deployment"
        Wizard = self.env["telecom.deployment.reverse"].with_context(
            active_model="telecom.deployment", active_id=self.deployment.id)
        for user in (self.user_ops, self.user_accountant):
            with self.assertRaisesRegex(AccessError, message):
                self.deployment.sudo(user).action_reverse()
            with self.assertRaisesRegex(AccessError, message):
                Wizard.sudo(user).create({"reason": "x"})
            with self.assertRaisesRegex(AccessError, message):
                Wizard.sudo(user).default_get(["line_ids"])
            with self.assertRaisesRegex(AccessError, message):
                self.deployment.sudo(user)._telecom_reverse(
                    self.line_20, "x")
        # A wizard a manager made, confirmed by someone else (RPC).
        wizard = Wizard.sudo(self.user_manager).create({"reason": "x"})
        with self.assertRaisesRegex(AccessError, message):
            wizard.sudo(self.user_ops).action_confirm()
        self.assertFalse(self.deployment.reversal_ids)
        # Nobody sets the reversal fields by hand, managers included.
        _action, draft = self._recharge(self.line_49, 1)
        with self.assertRaisesRegex(UserError, "Reverse button"):
            draft.sudo(self.user_manager).write(
                {"reversed_deployment_id": self.deployment.id})
        with self.assertRaisesRegex(UserError, "Reverse button"):
            self.env["telecom.deployment"].sudo(self.user_manager).create({
                "partner_operator_id": self.op_actif.id,
                "reversal_reason": "forged"})
        self.assertTrue(wizard.sudo(self.user_manager).action_confirm())

    def test_access_multi_company(self):
        Deployment = self.env["telecom.deployment"]
        other = Deployment.create({
            "partner_operator_id": self.op_actif.id,
            "company_id": self.company_b.id,
            "line_ids": [(6, 0, self.line_company_b.ids)],
            "option_ids": [(0, 0, {"line_id": self.line_company_b.id,
                                   "product_id": self.product_lt50.id,
                                   "quantity": 3})]})
        self._done(other)
        # A manager of the main company does not reach company B's.
        with self.assertRaises(AccessError):
            self.env["telecom.deployment.reverse"].sudo(
                self.user_manager).with_context(
                    active_model="telecom.deployment",
                    active_id=other.id).create({"reason": "x"})
        with self.assertRaises(AccessError):
            other.sudo(self.user_manager)._telecom_reverse(
                self.line_company_b, "x")
        self.assertFalse(other.reversal_ids)
        # Company B's manager does, and the reversal is company B's.
        manager_b = self.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": "manager b", "login": "reversal_manager_b",
                "company_id": self.company_b.id,
                "company_ids": [(6, 0, self.company_b.ids)],
                "groups_id": [(6, 0, [self.env.ref(
                    "telecom_parc.group_telecom_manager").id])]})
        _wizard, reversal = reverse(other.sudo(manager_b), "Wrong",
                                    user=manager_b)
        self.assertEqual(reversal.company_id, self.company_b)
        self.assertEqual(reversal.amount_one_off, -3.0)
        self.assertEqual(reversal.update_ids.company_id, self.company_b)

    def test_locks_stay(self):
        _wizard, reversal = reverse(
            self.deployment.sudo(self.user_manager), "Wrong")
        option = reversal.option_ids[0].sudo(self.user_manager)
        with self.assertRaisesRegex(UserError, "is done"):
            option.write({"quantity": -5})
        with self.assertRaisesRegex(UserError, "is done"):
            option.unlink()
        with self.assertRaisesRegex(UserError, "is done"):
            reversal.sudo(self.user_manager).write({"option_ids": [
                (0, 0, {"line_id": self.line_20.id,
                        "product_id": self.product_lt50.id,
                        "quantity": -1})]})
        # A normal deployment still refuses a negative quantity, from
        # anyone.
        _action, draft = self._recharge(self.line_49, 1)
        with self.assertRaisesRegex(ValidationError, "must be above 0"):
            self.env["telecom.deployment.option"].sudo(
                self.user_manager).create({
                    "deployment_id": draft.id, "line_id": self.line_49.id,
                    "product_id": self.product_lt50.id, "quantity": -2})
        with self.assertRaisesRegex(ValidationError, "must be above 0"):
            draft.option_ids.sudo(self.user_manager).write(
                {"quantity": -1})
        with self.assertRaises(ValidationError):
            reversal.sudo(self.user_manager).copy()

    def test_report_nets_in_the_month_of_the_reversal(self):
        _wizard, reversal = reverse(
            self.deployment.sudo(self.user_manager), "Wrong")
        Report = self.env["telecom.one.off.report"].sudo(
            self.user_accountant)
        domain = [("deployment_id", "in",
                   (self.deployment | reversal).ids)]
        by_month = {
            group["date:month"]: group["amount"]
            for group in Report.read_group(
                domain, ["date", "amount"], ["date:month"])}
        march = [key for key in by_month if "2026" in key and
                 ("March" in key or "mars" in key)]
        self.assertEqual(by_month[march[0]], 3.0)
        self.assertEqual(sum(by_month.values()), 0.0)
        rows = Report.search(domain + [("kind", "=", "reversal")])
        self.assertEqual(len(rows), 2)
        self.assertEqual(set(rows.mapped("date")), {self.today})
        self.assertEqual(sum(rows.mapped("amount")), -3.0)
        self.assertEqual(sum(rows.mapped("quantity")), -4.0)
        self.assertEqual(rows.mapped("reversed_deployment_id"),
                         self.deployment)
        self.assertTrue(all(rows.mapped("update_id")))
        by_kind = {group["kind"]: group["amount"] for group in
                   Report.read_group(domain, ["kind", "amount"], ["kind"])}
        self.assertEqual(by_kind, {"apply": 3.0, "reversal": -3.0})
        # The spreadsheet: negative rows, said so.
        report = self.env.ref(
            "telecom_recharge.telecom_one_off_report_xlsx").sudo(
                self.user_accountant)
        content, _kind = report.render_xlsx(rows.ids, {})
        sheet = read_xlsx_rows(content)
        header = sheet[0]
        body = sheet[1:3]
        quantity = header.index("Quantity")
        amount = header.index("Amount")
        self.assertEqual(sorted(r[amount] for r in body), [-2.0, -1.0])
        self.assertEqual({r[quantity] for r in body}, {-2.0})
        self.assertEqual({r[header.index("Kind")] for r in body},
                         {"Reversal"})
        self.assertEqual({r[header.index("Reversal Of")] for r in body},
                         {self.deployment.name})
        self.assertEqual(sheet[3][amount], -3.0)

    def test_one_off_column_shows_the_reversal(self):
        _action, deployment = self._recharge(self.line_50, 2)
        self._done(deployment, self.today)
        self.line_50.invalidate_cache()
        self.assertEqual(self.line_50.one_off_summary,
                         "Recharge DATA 1Go (Abo >=50Go) \u00d72")
        reverse(deployment.sudo(self.user_manager), "Wrong")
        self.line_50.invalidate_cache()
        self.assertEqual(
            self.line_50.one_off_summary,
            "Recharge DATA 1Go (Abo >=50Go) \u00d72, "
            "Recharge DATA 1Go (Abo >=50Go) \u00d7-2 (reversal)")

    def test_texts_in_the_company_language(self):
        french = load_french(self.env)
        self.company.partner_id.lang = french
        _wizard, reversal = reverse(
            self.deployment.sudo(self.user_manager), "Mauvaise ligne",
            lines=self.line_20)
        self.assertIn("extourne de %s" % self.deployment.name,
                      reversal.update_ids.info)
        self.assertIn("Mauvaise ligne", reversal.update_ids.info)
        self.assertEqual(reversal.origin,
                         "Extourne de %s" % self.deployment.name)
        self.assertTrue([m for m in self.deployment.message_ids
                         if "Extourné par" in (m.body or "")])


class TestReversalAtScale(TelecomRechargeCase):
    """Confirming the reversal of a 1,000-line deployment: bulk inserts,
    no record created line by line. Logged, not asserted (the machine's
    load varies; ``make bench`` measures it)."""

    def test_reverse_1000_lines(self):
        env = self.env(context=dict(self.env.context, tracking_disable=True,
                                    mail_create_nolog=True,
                                    mail_notrack=True))
        Line = env["telecom.line"]
        lines = Line.browse()
        for number in range(1000):
            lines |= Line.create({
                "phone_number": "+3368%07d" % number,
                "parc_id": self.parc.id,
                "subscription_id": self.sub_20.id})
        _action, deployment = self._recharge(lines, 1)
        self._done(deployment)
        measure_reversal(self, deployment, "Scale test")


def measure_reversal(case, deployment, reason):
    """Reverse every line of ``deployment`` as its environment's user and
    log how long the confirm took (the measure ``make bench`` can reuse:
    ``measure_reversal(None, deployment, reason)`` from an Odoo shell)."""
    wizard = deployment.env["telecom.deployment.reverse"].with_context(
        active_model="telecom.deployment", active_id=deployment.id).create(
            {"reason": reason})
    started = time.time()
    action = wizard.action_confirm()
    elapsed = time.time() - started
    reversal = deployment.browse(action["res_id"])
    _logger.info("Reversal of %d lines confirmed in %.2f s",
                 len(reversal.line_ids), elapsed)
    if case is not None:
        case.assertEqual(len(reversal.update_ids), len(deployment.line_ids))
        case.assertEqual(reversal.amount_one_off, -deployment.amount_one_off)
    return elapsed
