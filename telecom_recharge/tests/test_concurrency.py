# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import threading
import unittest

import odoo
from odoo import SUPERUSER_ID
from odoo.service.model import execute_kw
from odoo.tests.common import get_db_name


class TestRechargeConcurrency(unittest.TestCase):
    """Two Recharge DATA confirmations of the same wizard at the same time
    (double click, replayed request) make one deployment.

    It goes through ``execute_kw``, the XML-RPC layer (own cursors,
    commits, retries on serialization failures), so it commits: the
    records it makes are deleted at the end."""

    def setUp(self):
        super(TestRechargeConcurrency, self).setUp()
        self.db = get_db_name()
        with odoo.registry(self.db).cursor() as cr:
            env = odoo.api.Environment(cr, SUPERUSER_ID, {})
            # make test installs the demo data: its line is here.
            self.line_id = env.ref("telecom_parc.demo_line_0700000092").id
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM telecom_deployment")
            self.last_deployment_id = cr.fetchone()[0]
        self.wizard_id = self._call("telecom.line.recharge", "create", [{
            "line_ids": [(6, 0, [self.line_id])], "data_gb": 3}])

    def tearDown(self):
        made = self._made()
        if made:
            self._call("telecom.deployment", "unlink", [made])
        super(TestRechargeConcurrency, self).tearDown()

    def _made(self):
        return self._call("telecom.deployment", "search", [[
            ("id", ">", self.last_deployment_id),
            ("line_ids", "in", [self.line_id])]])

    def _call(self, model, method, args):
        return execute_kw(self.db, SUPERUSER_ID, model, method, args)

    def test_concurrent_confirm(self):
        barrier = threading.Barrier(2)
        results, errors = [], []

        def confirm():
            barrier.wait()
            with odoo.api.Environment.manage():
                try:
                    results.append(self._call(
                        "telecom.line.recharge", "action_confirm",
                        [[self.wizard_id]]))
                except Exception as error:  # reported by the assertion
                    errors.append(error)

        threads = [threading.Thread(target=confirm) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        wizard = self._call("telecom.line.recharge", "read",
                            [[self.wizard_id], ["deployment_ids"]])[0]
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 2)
        self.assertEqual(len(wizard["deployment_ids"]), 1)
        self.assertEqual([result["res_id"] for result in results],
                         wizard["deployment_ids"] * 2)
        self.assertEqual(self._made(), wizard["deployment_ids"])
