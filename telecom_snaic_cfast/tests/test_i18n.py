# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import unittest

from babel.messages import pofile

from odoo.modules.module import get_module_path
from odoo.tests.common import SavepointCase
from odoo.tools.translate import trans_generate


class TestSyncI18n(unittest.TestCase):
    """The French translation file is usable and uses the seed's words."""

    def test_fr_po_complete(self):
        path = os.path.join(
            get_module_path("telecom_snaic_cfast"), "i18n", "fr.po")
        with open(path, "rb") as po_file:
            catalog = pofile.read_po(po_file)
        messages = [message for message in catalog if message.id]
        by_id = {message.id: message.string for message in messages}
        for message in messages:
            self.assertTrue(message.string, message.id)
            self.assertEqual(
                sorted(re.findall(r"%[sd]", message.id)),
                sorted(re.findall(r"%[sd]", message.string)), message.id)
        self.assertEqual(by_id["Applied"], "Appliqué")
        self.assertEqual(by_id["Retry"], "Réessayer")


class TestSyncI18nTerms(SavepointCase):
    """Every term of the addon has its French translation in i18n/fr.po:
    a new ``_()`` string, field label, help, selection value, view, menu or
    action without translation fails here (the terms are exported as
    Odoo's ``--i18n-export`` does)."""

    def test_every_term_translated(self):
        module = "telecom_snaic_cfast"
        path = os.path.join(get_module_path(module), "i18n", "fr.po")
        with open(path, "rb") as po_file:
            translated = {message.id: message.string
                          for message in pofile.read_po(po_file)
                          if message.id and message.string}
        terms = sorted({row[4] for row in trans_generate(
            None, [module], self.env.cr) if row[0] == module and row[4]})
        self.assertGreater(len(terms), 100)
        missing = [term for term in terms if term not in translated]
        self.assertFalse(missing, "%d term(s) of %s without French "
                         "translation in %s:\n%s" % (
                             len(missing), module, path,
                             "\n".join(repr(term) for term in missing)))
