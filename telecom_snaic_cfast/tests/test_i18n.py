# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.tests.common import SavepointCase

from odoo.addons.telecom_parc.tests.common_i18n import (
    check_every_term_translated, check_fr_po_usable, check_pot_current)


class TestSyncI18n(unittest.TestCase):
    """The French translation file is usable and uses the seed's words."""

    def test_fr_po_complete(self):
        by_id = check_fr_po_usable(self, "telecom_snaic_cfast", 100)
        self.assertEqual(by_id["Applied"], "Appliqué")
        self.assertEqual(by_id["Retry"], "Réessayer")


class TestSyncI18nTerms(SavepointCase):
    """Every term of the addon has its French translation in i18n/fr.po:
    a new ``_()`` string, field label, help, selection value, view, menu or
    action without translation fails here (the terms are exported as
    Odoo's ``--i18n-export`` does)."""

    def test_every_term_translated(self):
        check_every_term_translated(self, "telecom_snaic_cfast", self.env.cr)

    def test_pot_current(self):
        check_pot_current(self, "telecom_snaic_cfast", self.env.cr)
