# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from dateutil.relativedelta import relativedelta

from odoo import fields

from .common import TelecomRechargeCase


class TestLine(TelecomRechargeCase):
    """What a line shows: its MAJ, the one-off options of the current
    period and its open deployments."""

    @classmethod
    def setUpClass(cls):
        super(TestLine, cls).setUpClass()
        today = fields.Date.from_string(fields.Date.context_today(
            cls.env["telecom.line"]))
        cls.this_month = fields.Date.to_string(today + relativedelta(day=1))
        cls.last_month = fields.Date.to_string(
            today + relativedelta(day=1, months=-1))

    def _queries(self, lines, field_name):
        """Return how many queries reading ``field_name`` on ``lines``
        takes."""
        lines.invalidate_cache()
        before = self.cr.sql_log_count
        lines.mapped(field_name)
        return self.cr.sql_log_count - before

    def _recharge_done(self, lines, data_gb, date):
        _action, deployments = self._recharge(lines, data_gb)
        self._done(deployments, date)
        return deployments

    def test_one_off_summary_current_month(self):
        self._recharge_done(self.line_20 | self.line_100, 2, self.this_month)
        self.assertEqual(self.line_20.one_off_summary,
                         "Recharge DATA 1Go (Abo <50Go) \u00d72")
        self.assertEqual(self.line_100.one_off_summary,
                         "Recharge DATA 1Go (Abo >=50Go) \u00d72")
        self.assertFalse(self.line_49.one_off_summary)
        # Two top-ups in the month add up.
        self._recharge_done(self.line_20, 3, self.this_month)
        self.line_20.invalidate_cache()
        self.assertEqual(self.line_20.one_off_summary,
                         "Recharge DATA 1Go (Abo <50Go) \u00d75")

    def test_one_off_summary_ignores_other_months(self):
        self._recharge_done(self.line_20, 2, self.last_month)
        self.assertFalse(self.line_20.one_off_summary)
        self.assertEqual(len(self.line_20.update_ids), 1)

    def test_one_off_summary_ignores_open_deployments(self):
        self._recharge(self.line_20, 2)
        self.assertFalse(self.line_20.one_off_summary)

    def test_one_off_summary_in_bulk(self):
        """Computed for a whole list in a constant number of queries."""
        self._recharge_done(self.line_20 | self.line_100 | self.line_49, 1,
                            self.this_month)
        lines = self.env["telecom.line"].search([])
        self.assertGreater(len(lines), 10)
        self.assertEqual(self._queries(self.line_49, "one_off_summary"),
                         self._queries(lines, "one_off_summary"))
        summaries = {line.id: line.one_off_summary for line in lines}
        self.assertTrue(summaries[self.line_49.id])

    def test_open_deployment_count(self):
        self.assertEqual(self.line_20.open_deployment_count, 0)
        _action, first = self._recharge(self.line_20 | self.line_100, 1)
        _action, second = self._recharge(self.line_20, 2)
        self.line_20.invalidate_cache()
        self.assertEqual(self.line_20.open_deployment_count, 2)
        self.assertEqual(self.line_100.open_deployment_count, 1)
        self.assertEqual(self.line_49.open_deployment_count, 0)
        action = self.line_20.action_view_open_deployments()
        self.assertEqual(self.env["telecom.deployment"].search(
            action["domain"]), first | second)
        first.action_confirm()
        self._done(second)
        (self.line_20 | self.line_100).invalidate_cache()
        self.assertEqual(self.line_20.open_deployment_count, 1)
        first.action_cancel()
        (self.line_20 | self.line_100).invalidate_cache()
        self.assertEqual(self.line_20.open_deployment_count, 0)
        self.assertEqual(self.line_100.open_deployment_count, 0)

    def test_open_deployment_count_in_bulk(self):
        self._recharge(self.line_20 | self.line_100, 1)
        lines = self.env["telecom.line"].search([])
        self.assertGreater(len(lines), 10)
        self.assertEqual(
            self._queries(self.line_20, "open_deployment_count"),
            self._queries(lines, "open_deployment_count"))
        counts = {line.id: line.open_deployment_count for line in lines}
        self.assertEqual(counts[self.line_20.id], 1)

    def test_update_list(self):
        deployments = self._recharge_done(self.line_20, 2, "2026-03-01")
        self.assertEqual(self.line_20.update_ids.deployment_id, deployments)
        self.assertEqual(self.line_20.update_ids.name, "MAJ 01-03-2026")
