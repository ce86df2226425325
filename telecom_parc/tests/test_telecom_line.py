# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import psycopg2

from odoo.exceptions import ValidationError
from odoo.tools import mute_logger

from .common import TelecomParcCase


class TestTelecomLine(TelecomParcCase):

    @classmethod
    def setUpClass(cls):
        super(TestTelecomLine, cls).setUpClass()
        cls.line = cls._create_line(
            "0611223344", user_name="Alice", customer_account="CC-1",
            subscription_id=cls.sub_100.id)
        # A second company with its own site and parc.
        cls.company_b = cls.env["res.company"].create(
            {"name": "Telecom Company B"})
        cls.site_b = cls.env["telecom.site"].create({
            "name": "Site B",
            "code": "TSITE1",  # same code, other company: allowed
            "partner_id": cls.customer.id,
            "company_id": cls.company_b.id,
        })
        cls.parc_b = cls.env["telecom.parc"].create({
            "site_id": cls.site_b.id,
            "service_type": "mobile",
            "partner_operator_id": cls.operator.id,
        })

    def test_number_normalised_and_default_line_id(self):
        self.assertEqual(self.line.phone_number, "+33611223344")
        self.assertEqual(self.line.phone_national, "06 11 22 33 44")
        # The line ID defaults to the number in national format, like the
        # seed's "0700000090".
        self.assertEqual(self.line.name, "0611223344")
        self.assertEqual(self.line.site_id, self.site)
        self.assertEqual(self.line.partner_id, self.customer)
        self.assertEqual(self.line.company_id, self.company)

    def test_number_formats_normalised(self):
        for typed in ("07 00 00 02 90", "+33 7 00 00 02 91", "700000292",
                      "0033 7 00 00 02 93", "07.00.00.02.94"):
            line = self._create_line(typed)
            self.assertRegex(line.phone_number, r"^\+3370000029\d$", typed)
            self.assertTrue(line.name.startswith("070000029"), typed)

    def test_explicit_line_id_kept(self):
        line = self._create_line("0611223355", name="LIGNE-A")
        self.assertEqual(line.name, "LIGNE-A")

    def test_invalid_numbers_refused(self):
        for typed in ("12345", "abc", "06 12 34", "0612345678901234",
                      "0800FLOWERS", ""):
            with self.assertRaises(ValidationError) as error:
                self._create_line(typed)
            if typed:
                self.assertIn(typed, str(error.exception.name))
                self.assertIn("+", str(error.exception.name))

    def test_write_normalises_and_follows_line_id(self):
        line = self._create_line("0611223366")
        line.write({"phone_number": "06 11 22 33 77"})
        self.assertEqual(line.phone_number, "+33611223377")
        self.assertEqual(line.name, "0611223377")
        with self.assertRaises(ValidationError):
            line.write({"phone_number": "06 11"})
        # An explicit line ID does not follow the number.
        line.write({"name": "MY-LINE"})
        line.write({"phone_number": "0611223388"})
        self.assertEqual(line.name, "MY-LINE")

    def test_duplicate_across_formats_refused(self):
        for typed in ("0611223344", "+33 6 11 22 33 44", "6 11 22 33 44"):
            with self.assertRaises(ValidationError) as error:
                self._create_line(typed, parc=self.parc_internet)
            # The message names the existing line.
            self.assertIn(self.line.name, error.exception.name)
        other = self._create_line("0611223399")
        with self.assertRaises(ValidationError):
            other.write({"phone_number": "+33611223344"})
        self.assertEqual(other.phone_number, "+33611223399")

    def test_duplicate_allowed_once_other_archived(self):
        line = self._create_line("0611220001")
        line.active = False
        new = self._create_line("06 11 22 00 01")
        self.assertTrue(new.active)
        # Reactivating the old one would make two active lines.
        with self.assertRaises(ValidationError):
            line.active = True
        self.assertFalse(line.active)

    def test_duplicate_allowed_in_other_company(self):
        line_b = self._create_line("0611223344", parc=self.parc_b)
        self.assertEqual(line_b.company_id, self.company_b)
        self.assertEqual(line_b.phone_number, self.line.phone_number)
        # Moving it to company A's parc is refused.
        with self.assertRaises(ValidationError):
            line_b.parc_id = self.parc

    def test_same_number_given_to_two_lines_refused(self):
        lines = self._create_line("0611220002") | \
            self._create_line("0611220003")
        with self.assertRaises(ValidationError):
            lines.write({"phone_number": "0611220004"})

    def test_database_index_backstop(self):
        line = self._create_line("0611220005")
        with self.assertRaises(psycopg2.IntegrityError), \
                mute_logger("odoo.sql_db"), self.cr.savepoint():
            self.cr.execute(
                "UPDATE telecom_line SET phone_number = %s WHERE id = %s",
                (self.line.phone_number, line.id))

    def test_search_any_format(self):
        Line = self.env["telecom.line"]
        for typed in ("0611223344", "06 11 22 33 44", "+33 6 11 22 33 44",
                      "611223344", "+33611223344", "06.11.22.33.44"):
            found = Line.search([("phone_search", "ilike", typed)])
            self.assertEqual(found, self.line, typed)
        # A partial number finds the line too.
        self.assertIn(self.line,
                      Line.search([("phone_search", "ilike", "22 33 44")]))
        self.assertNotIn(self.line,
                         Line.search([("phone_search", "ilike", "0699999999")]))
        self.assertNotIn(self.line, Line.search(
            [("phone_search", "not ilike", "06 11 22 33 44")]))
        # name_search (many2one fields, imports) as well.
        names = Line.name_search("+33 6 11 22 33 44")
        self.assertEqual([pair[0] for pair in names], [self.line.id])

    def test_search_other_fields(self):
        Line = self.env["telecom.line"]
        self.assertEqual(Line.search([("user_name", "=", "Alice")]), self.line)
        self.assertIn(self.line, Line.search([("site_id", "=", self.site.id)]))
        self.assertIn(self.line, Line.search(
            [("subscription_id", "=", self.sub_100.id)]))
        self.assertIn(self.line, Line.search(
            [("partner_id", "=", self.customer.id)]))

    def test_dates_checked(self):
        with self.assertRaises(ValidationError):
            self._create_line("0611220006", date_activation="2026-02-01",
                              date_deactivation="2026-01-01")

    def test_parc_and_site_names(self):
        self.assertEqual(self.parc.display_name, "Mobile / Opérateur Test")
        self.assertEqual(self.parc.complete_name,
                         "TSITE1 / Mobile / Opérateur Test")
        self.assertEqual(self.parc.line_count, 1)
        self.assertEqual(self.site.line_count, 1)
        self.assertEqual(self.site.parc_ids, self.parc | self.parc_internet)
        self.assertEqual(self.parc.company_id, self.company)
        self.assertEqual(self.parc_b.company_id, self.company_b)
        fr_name = self.parc_internet.with_context(lang="fr_FR").display_name
        self.assertTrue(fr_name.endswith("/ Opérateur Test"))

    def test_site_code_unique_per_company(self):
        with self.assertRaises(ValidationError) as error:
            self.env["telecom.site"].create({
                "name": "Doublon", "code": "TSITE1",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            })
        self.assertIn("Site de test", error.exception.name)
        site = self.env["telecom.site"].create({
            "name": "Autre", "code": "TSITE2",
            "partner_id": self.customer.id, "company_id": self.company.id,
        })
        with self.assertRaises(ValidationError):
            site.code = "TSITE1"

    def test_subscription_allowance(self):
        self.assertTrue(self.sub_100.has_data_allowance)
        self.assertFalse(self.sub_none.has_data_allowance)
        self.assertEqual(self.sub_none.data_allowance_gb, 0.0)
        self.assertEqual(self.sub_100.line_count, 1)
        with self.assertRaises(ValidationError):
            self.sub_20.data_allowance_gb = -1

    def test_notes_logged_and_their_followers_told(self):
        """The lines' notes (the MAJ, the push's failures) carry the line's
        name, and a user who follows the line's notes is still told of them
        (only the chat message formatted for nobody is skipped)."""
        note = self.env.ref("mail.mt_note")
        self.line.message_subscribe(
            partner_ids=self.user_manager.partner_id.ids,
            subtype_ids=note.ids)
        other = self._create_line("0611223366")
        self.env["telecom.line"]._telecom_log_many([
            (self.line.id, "first <note>"), (other.id, "second note")])
        first = self.env["mail.message"].search([
            ("model", "=", "telecom.line"), ("res_id", "=", self.line.id),
            ("subtype_id", "=", note.id)], limit=1)
        self.assertEqual(first.body, "<p>first &lt;note&gt;</p>")
        self.assertEqual(first.record_name, self.line.display_name)
        self.assertIn(self.user_manager.partner_id, first.needaction_partner_ids)
        second = self.env["mail.message"].search([
            ("model", "=", "telecom.line"), ("res_id", "=", other.id),
            ("subtype_id", "=", note.id)], limit=1)
        self.assertEqual(second.record_name, other.display_name)
        self.assertFalse(second.needaction_partner_ids)
