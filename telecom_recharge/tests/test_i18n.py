# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import os
import re
import unittest

from babel.messages import pofile

from odoo.modules.module import get_module_path


class TestRechargeI18n(unittest.TestCase):
    """The French translation is complete and uses the seed's words."""

    def test_fr_po_complete(self):
        path = os.path.join(
            get_module_path("telecom_recharge"), "i18n", "fr.po")
        with open(path, "rb") as po_file:
            catalog = pofile.read_po(po_file)
        messages = [message for message in catalog if message.id]
        self.assertGreater(len(messages), 100)
        by_id = {message.id: message.string for message in messages}
        for message in messages:
            self.assertTrue(message.string, message.id)
            self.assertEqual(
                sorted(re.findall(r"%[sd]", message.id)),
                sorted(re.findall(r"%[sd]", message.string)), message.id)
        self.assertEqual(by_id["Recharge DATA"], "Recharge DATA")
        self.assertEqual(by_id["Top-up Value (GB)"],
                         "Valeur de la recharge en Go")
        self.assertEqual(by_id["Partner Operator"], "Opérateur partenaire")
        self.assertEqual(by_id["Collection Operator"],
                         "Opérateur de collecte")
        self.assertEqual(by_id["One-off Options"], "Options ponctuelles")
        self.assertEqual(by_id["Framework Agreement"], "Accord cadre")
        self.assertEqual(by_id["Commitment"], "Engagement")
        self.assertEqual(by_id["MAJ Info"], "Infos de MAJ")
