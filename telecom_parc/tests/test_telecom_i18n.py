# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest

from odoo.tests.common import SavepointCase

from .common_i18n import (check_every_term_translated, check_fr_po_usable,
                          check_pot_current)


class TestTelecomI18n(unittest.TestCase):
    """The French translation is complete and usable."""

    def test_fr_po_complete(self):
        by_id = check_fr_po_usable(self, "telecom_parc", 150)
        self.assertEqual(by_id["Line ID"], "ID de ligne")
        self.assertEqual(by_id["User Name"], "Nom d'utilisateur")
        self.assertEqual(by_id["Customer Account"], "Compte client")
        self.assertEqual(by_id["Add Lines"], "Ajouter des lignes")
        self.assertEqual(by_id["Delete Lines"], "Supprimer les lignes")


class TestTelecomI18nTerms(SavepointCase):
    """Every term of the addon has its French translation in i18n/fr.po:
    a new ``_()`` string, field label, help, selection value, view, menu or
    action without translation fails here (the terms are exported as
    Odoo's ``--i18n-export`` does)."""

    def test_every_term_translated(self):
        check_every_term_translated(self, "telecom_parc", self.env.cr)

    def test_pot_current(self):
        check_pot_current(self, "telecom_parc", self.env.cr)
