# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.tests.common import SavepointCase

from odoo.addons.telecom_parc.tests.common_i18n import (
    check_every_term_translated, check_fr_po_usable, check_pot_current)

from ..models.telecom_line_update import SYNC_STATES
from ..models.telecom_sync_request import STATES as REQUEST_STATES


class TestSyncI18n(unittest.TestCase):
    """The French translation file is usable and uses the seed's words."""

    def test_fr_po_complete(self):
        by_id = check_fr_po_usable(self, "telecom_snaic_cfast", 100)
        self.assertEqual(by_id["Applied"], "Appliqué")
        self.assertEqual(by_id["Retry"], "Réessayer")
        # A stat button shows about 14 characters ("Erreurs de sy…").
        self.assertLessEqual(len(by_id["Sync Errors"]), 14)

    def test_one_word_per_state(self):
        """A request done and a MAJ applied read the same word, on the
        lines as on the deployments."""
        requests = dict(REQUEST_STATES)
        updates = dict(SYNC_STATES)
        self.assertEqual(requests["done"], updates["applied"])
        for state in set(requests) & set(updates):
            self.assertEqual(requests[state], updates[state], state)


class TestSyncI18nTerms(SavepointCase):
    """Every term of the addon has its French translation in i18n/fr.po:
    a new ``_()`` string, field label, help, selection value, view, menu or
    action without translation fails here (the terms are exported as
    Odoo's ``--i18n-export`` does)."""

    def test_every_term_translated(self):
        check_every_term_translated(self, "telecom_snaic_cfast", self.env.cr)

    def test_pot_current(self):
        check_pot_current(self, "telecom_snaic_cfast", self.env.cr)
