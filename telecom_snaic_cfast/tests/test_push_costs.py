# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What saving the push's results costs: nothing that grows with the
deployment, and the bus messages that tell the forms never clean up the
bus inside the push's transaction."""
import json
from unittest import mock

import psycopg2

from odoo.addons.bus.models import bus as odoo_bus

from .common import SyncCase


class TestPushCosts(SyncCase):

    @classmethod
    def setUpClass(cls):
        super(TestPushCosts, cls).setUpClass()
        # A deployment of one line, and one of many lines (the seed's four
        # and some more), pushed by nobody: their results are saved here.
        cls.many = cls.lines
        for n in range(12):
            cls.many |= cls.new_line(cls, "+33700001%03d" % n)

    def _claimed(self, deployment, count):
        """``count`` requests of ``deployment`` taken by this worker, and
        what it holds of them."""
        requests_ = self.requests_of(deployment).sorted("id")[:count]
        claimed = requests_._telecom_claim()
        self.assertEqual(claimed, requests_)
        return claimed, claimed._telecom_held()[0]

    def _save_queries(self, claimed, held):
        before = self.env.cr.sql_log_count
        counts = claimed._telecom_save_results(
            ((request, ["REF-%d" % request.id]) for request in claimed), held)
        self.assertEqual(counts, {"done": len(claimed)})
        return self.env.cr.sql_log_count - before

    def test_saving_costs_the_same_whatever_the_deployment(self):
        small = self.make_done(self.lines[0])
        big = self.make_done(self.many)
        self.assertEqual(len(self.requests_of(big)), 2 * len(self.many))
        # A first save reads what is read once per process (the activity
        # type, the language...) and deletes the bus messages left over.
        self._save_queries(*self._claimed(self.make_done(self.lines[1]), 2))
        on_small = self._save_queries(*self._claimed(small, 2))
        on_big = self._save_queries(*self._claimed(big, 2))
        self.assertEqual(on_big, on_small)

    def test_more_results_cost_a_constant_each(self):
        big = self.make_done(self.many)
        self._save_queries(*self._claimed(self.make_done(self.lines[1]), 2))
        requests_ = self.requests_of(big).sorted("id")
        two = requests_[:2]._telecom_claim()
        on_two = self._save_queries(two, two._telecom_held()[0])
        eight = requests_[2:10]._telecom_claim()
        on_eight = self._save_queries(eight, eight._telecom_held()[0])
        # A savepoint, the write and its release per result.
        self.assertEqual(on_eight - on_two, 6 * 3)

    def test_bus_not_cleaned_up_in_the_push_transaction(self):
        # Odoo's bus deletes the old messages in 1 message of 100: always
        # here. Two workers doing it at once fail one of them on a
        # serialization error; the push must not depend on it.
        deployment = self.make_done(self.lines[:2])
        failure = psycopg2.extensions.TransactionRollbackError(
            "could not serialize access due to concurrent delete")
        BusModel = type(self.env["bus.bus"])
        with mock.patch.object(odoo_bus.random, "random", return_value=0.0), \
                mock.patch.object(BusModel, "gc", autospec=True,
                                  side_effect=failure) as gc:
            counts = self.requests_of(deployment)._telecom_push()
        self.assertEqual(counts, {"done": 4})
        # Tried once the results were committed (at the summaries), and the
        # failure ignored.
        self.assertTrue(gc.called)
        channel = json.dumps((self.env.cr.dbname, "telecom.sync"),
                             separators=(",", ":"))
        last = self.env["bus.bus"].search([("channel", "=", channel)],
                                          order="id desc", limit=1)
        self.assertEqual(json.loads(last.message), {
            "deployment_ids": [deployment.id],
            "settled_ids": [deployment.id]})
