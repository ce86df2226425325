# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import unittest

from babel.messages import pofile

from odoo.modules.module import get_module_path


class TestTelecomI18n(unittest.TestCase):
    """The French translation is complete and usable."""

    def test_fr_po_complete(self):
        path = os.path.join(
            get_module_path("telecom_parc"), "i18n", "fr.po")
        with open(path, "rb") as po_file:
            catalog = pofile.read_po(po_file)
        messages = [message for message in catalog if message.id]
        self.assertGreater(len(messages), 150)
        by_id = {message.id: message.string for message in messages}
        for message in messages:
            self.assertTrue(message.string, message.id)
            self.assertEqual(re.findall(r"%[sd]", message.id),
                             re.findall(r"%[sd]", message.string),
                             message.id)
        self.assertEqual(by_id["Line ID"], "ID de ligne")
        self.assertEqual(by_id["User Name"], "Nom d'utilisateur")
        self.assertEqual(by_id["Customer Account"], "Compte client")
        self.assertEqual(by_id["Add Lines"], "Ajouter des lignes")
        self.assertEqual(by_id["Delete Lines"], "Supprimer les lignes")
