# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import ValidationError

from .common import TelecomRechargeCase


class TestProductTiers(TelecomRechargeCase):
    """Administrators add price tiers; overlapping or gapped tiers of a
    kind are refused with a message naming both products."""

    def _tier(self, name, low, high, **values):
        values = dict({
            "type": "service",
            "list_price": 2.0,
            "telecom_is_one_off": True,
            "telecom_option_kind": "data_topup",
        }, **values)
        values.update({
            "name": name,
            "telecom_min_allowance_gb": low,
            "telecom_max_allowance_gb": high,
        })
        return self.env["product.template"].create(values)

    def test_data_tiers(self):
        lt50 = self.product_lt50.product_tmpl_id
        ge50 = self.product_ge50.product_tmpl_id
        self.assertEqual((lt50.telecom_min_allowance_gb,
                          lt50.telecom_max_allowance_gb), (0, 50))
        self.assertEqual((ge50.telecom_min_allowance_gb,
                          ge50.telecom_max_allowance_gb), (50, 0))
        self.assertEqual(lt50.list_price, 1.0)
        self.assertEqual(ge50.list_price, 0.5)
        self.assertEqual(lt50.default_code, "RDATA1G-LT50")
        self.assertEqual(ge50.default_code, "RDATA1G-GE50")
        self.assertEqual(lt50.telecom_option_kind, "data_topup")

    def test_overlap_refused(self):
        with self.assertRaises(ValidationError) as error:
            self._tier("Recharge 40-60", 40, 60)
        message = str(error.exception)
        self.assertIn("overlap", message)
        self.assertIn("Recharge 40-60", message)
        self.assertIn("Recharge DATA 1Go", message)

    def test_gap_refused(self):
        lt50 = self.product_lt50.product_tmpl_id
        with self.assertRaises(ValidationError) as error:
            lt50.telecom_max_allowance_gb = 40
        message = str(error.exception)
        self.assertIn("gap", message)
        self.assertIn("Recharge DATA 1Go (Abo <50Go)", message)
        self.assertIn("Recharge DATA 1Go (Abo >=50Go)", message)
        self.assertIn("40 GB to less than 50 GB", message)

    def test_archiving_a_middle_tier_is_a_gap(self):
        ge50 = self.product_ge50.product_tmpl_id
        ge50.telecom_max_allowance_gb = 100
        top = self._tier("Recharge 100+", 100, 0)
        self.assertTrue(top)
        with self.assertRaises(ValidationError):
            ge50.active = False

    def test_add_a_tier(self):
        """Splitting the upper tier in two: a third tier from 100 GB."""
        ge50 = self.product_ge50.product_tmpl_id
        ge50.telecom_max_allowance_gb = 100
        top = self._tier("Recharge DATA 1Go (Abo >=100Go)", 100, 0,
                         list_price=0.25)
        _action, deployment = self._recharge(
            self.line_100 | self.line_50, 1)
        by_line = {o.line_id: o for o in deployment.option_ids}
        self.assertEqual(by_line[self.line_100].product_id,
                         top.product_variant_id)
        self.assertEqual(by_line[self.line_100].amount, 0.25)
        self.assertEqual(by_line[self.line_50].product_id, self.product_ge50)

    def test_other_kind_not_tiered(self):
        """Options of kind Other are not price tiers: they may share a
        range."""
        first = self._tier("Option SIM", 0, 0, telecom_option_kind="other")
        second = self._tier("Option roaming", 0, 0,
                            telecom_option_kind="other")
        self.assertTrue(first and second)

    def test_bad_range_refused(self):
        lt50 = self.product_lt50.product_tmpl_id
        with self.assertRaises(ValidationError) as error:
            lt50.telecom_min_allowance_gb = 60
        self.assertIn("must be above its minimum", str(error.exception))
        with self.assertRaises(ValidationError) as error:
            lt50.telecom_gb_per_unit = 0
        self.assertIn("at least 1 GB per unit", str(error.exception))
