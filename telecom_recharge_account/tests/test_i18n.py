# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.tests.common import SavepointCase

from odoo.addons.telecom_parc.tests.common_i18n import (
    check_every_term_translated, check_fr_po_usable, check_pot_current)


class TestRechargeAccountI18n(unittest.TestCase):
    """The French translation is complete and uses the accountants'
    words."""

    def test_fr_po_complete(self):
        by_id = check_fr_po_usable(self, "telecom_recharge_account", 50)
        self.assertTrue(by_id["To Invoice"].startswith("À facturer"),
                        by_id["To Invoice"])
        self.assertTrue(by_id["Invoiced"].startswith("Factur"),
                        by_id["Invoiced"])
        self.assertIn("factur", by_id["Invoice One-off Options"].lower())
        self.assertIn("options ponctuelles",
                      by_id["Invoice One-off Options"].lower())


class TestRechargeAccountI18nTerms(SavepointCase):
    """Every term of the addon has its French translation in i18n/fr.po,
    and its .pot is current."""

    def test_every_term_translated(self):
        # A small addon: 57 terms when it was written.
        check_every_term_translated(
            self, "telecom_recharge_account", self.env.cr, minimum=50)

    def test_pot_current(self):
        check_pot_current(self, "telecom_recharge_account", self.env.cr)
