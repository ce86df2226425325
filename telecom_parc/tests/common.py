# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests.common import SavepointCase


class TelecomParcCase(SavepointCase):
    """Fixtures shared by the telecom_parc tests: a customer, an operator,
    subscriptions, a site and a parc of the main company, and one user per
    group."""

    @classmethod
    def setUpClass(cls):
        super(TelecomParcCase, cls).setUpClass()
        # The assertions read English messages, whatever the admin's language.
        cls.env = cls.env(context=dict(cls.env.context, lang="en_US"))
        cls.company = cls.env.ref("base.main_company")
        cls.operator = cls.env["res.partner"].create({
            "name": "Opérateur Test",
            "is_company": True,
            "telecom_is_partner_operator": True,
        })
        cls.customer = cls.env["res.partner"].create({
            "name": "Client Test",
            "is_company": True,
            "customer": True,
        })
        cls.sub_100 = cls.env["telecom.subscription"].create({
            "name": "Test 100Go",
            "operator_id": cls.operator.id,
            "data_allowance_gb": 100,
        })
        cls.sub_20 = cls.env["telecom.subscription"].create({
            "name": "Test 20Go",
            "operator_id": cls.operator.id,
            "data_allowance_gb": 20,
        })
        cls.sub_none = cls.env["telecom.subscription"].create({
            "name": "Test voix seule",
            "operator_id": cls.operator.id,
        })
        cls.site = cls.env["telecom.site"].create({
            "name": "Site de test",
            "code": "TSITE1",
            "partner_id": cls.customer.id,
            "company_id": cls.company.id,
        })
        cls.parc = cls.env["telecom.parc"].create({
            "site_id": cls.site.id,
            "service_type": "mobile",
            "partner_operator_id": cls.operator.id,
        })
        cls.parc_internet = cls.env["telecom.parc"].create({
            "site_id": cls.site.id,
            "service_type": "internet",
            "partner_operator_id": cls.operator.id,
        })
        cls.user_ops = cls._create_user(
            "test_ops", "telecom_parc.group_telecom_user")
        cls.user_accountant = cls._create_user(
            "test_accountant", "telecom_parc.group_telecom_accountant")
        cls.user_manager = cls._create_user(
            "test_manager", "telecom_parc.group_telecom_manager")

    @classmethod
    def _create_user(cls, login, group_xmlid, company=None):
        company = company or cls.company
        return cls.env["res.users"].with_context(
            no_reset_password=True, tracking_disable=True).create({
                "name": login,
                "login": login,
                "email": "%s@example.com" % login,
                "company_id": company.id,
                "company_ids": [(6, 0, [company.id])],
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                      cls.env.ref(group_xmlid).id])],
            })

    @classmethod
    def _create_line(cls, number, parc=None, **values):
        values.update({
            "phone_number": number,
            "parc_id": (parc or cls.parc).id,
        })
        return cls.env["telecom.line"].create(values)
