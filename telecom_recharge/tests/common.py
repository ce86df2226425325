# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests.common import SavepointCase


class TelecomRechargeCase(SavepointCase):
    """Fixtures of the telecom_recharge tests: the seed's operators
    (partner operator, collection operator) and a second pair,
    subscriptions around the 50 GB tier limit, a site and parcs of the
    main company with lines, a line of another company, and one user per
    group. The tier products are the addon's data."""

    @classmethod
    def setUpClass(cls):
        super(TelecomRechargeCase, cls).setUpClass()
        # The assertions read English messages.
        cls.env = cls.env(context=dict(
            cls.env.context, lang="en_US", tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.currency = cls.company.currency_id
        Partner = cls.env["res.partner"]
        cls.op_actif = Partner.create({
            "name": "Actif Telecom Test", "is_company": True,
            "telecom_is_partner_operator": True})
        cls.op_other = Partner.create({
            "name": "Autre Partenaire Test", "is_company": True,
            "telecom_is_partner_operator": True})
        cls.coll_orange = Partner.create({
            "name": "Orange Test", "is_company": True,
            "telecom_is_collection_operator": True})
        cls.coll_sfr = Partner.create({
            "name": "SFR Test", "is_company": True,
            "telecom_is_collection_operator": True})
        cls.customer = Partner.create({
            "name": "Client Recharge Test", "is_company": True,
            "customer": True})
        Subscription = cls.env["telecom.subscription"]

        def subscription(name, allowance, collection=None):
            return Subscription.create({
                "name": name,
                "operator_id": cls.op_actif.id,
                "data_allowance_gb": allowance,
                "collection_operator_id": (collection or cls.coll_orange).id,
            })
        cls.sub_100 = subscription("Abo 100Go", 100)
        cls.sub_50 = subscription("Abo 50Go", 50)
        cls.sub_49 = subscription("Abo 49.99Go", 49.99)
        cls.sub_20 = subscription("Abo 20Go", 20)
        cls.sub_none = subscription("Abo voix seule", 0)
        cls.sub_20_sfr = subscription("Abo 20Go SFR", 20, cls.coll_sfr)

        cls.site = cls.env["telecom.site"].create({
            "name": "Site Recharge", "code": "TRSITE1",
            "partner_id": cls.customer.id, "company_id": cls.company.id})
        cls.parc = cls.env["telecom.parc"].create({
            "site_id": cls.site.id, "service_type": "mobile",
            "partner_operator_id": cls.op_actif.id})
        cls.parc_other = cls.env["telecom.parc"].create({
            "site_id": cls.site.id, "service_type": "fixed",
            "partner_operator_id": cls.op_other.id})

        cls.line_100 = cls._create_line("0611000100", cls.sub_100)
        cls.line_50 = cls._create_line("0611000050", cls.sub_50)
        cls.line_49 = cls._create_line("0611000049", cls.sub_49)
        cls.line_20 = cls._create_line("0611000020", cls.sub_20)
        cls.line_none = cls._create_line("0611000000", cls.sub_none)
        cls.line_nosub = cls._create_line("0611000001", None)
        cls.line_terminated = cls._create_line(
            "0611000002", cls.sub_20, state="terminated")
        cls.line_sfr = cls._create_line("0611000003", cls.sub_20_sfr)
        cls.line_other_op = cls._create_line(
            "0611000004", cls.sub_20, parc=cls.parc_other)

        cls.company_b = cls.env["res.company"].create({
            "name": "Société B Recharge", "currency_id": cls.currency.id})
        site_b = cls.env["telecom.site"].create({
            "name": "Site B", "code": "TRSITEB",
            "partner_id": cls.customer.id, "company_id": cls.company_b.id})
        parc_b = cls.env["telecom.parc"].create({
            "site_id": site_b.id, "service_type": "mobile",
            "partner_operator_id": cls.op_actif.id})
        cls.line_company_b = cls._create_line(
            "0611000005", cls.sub_20, parc=parc_b)

        cls.product_lt50 = cls.env.ref(
            "telecom_recharge.product_recharge_data_lt50").product_variant_id
        cls.product_ge50 = cls.env.ref(
            "telecom_recharge.product_recharge_data_ge50").product_variant_id

        cls.user_ops = cls._create_user(
            "recharge_ops", "telecom_parc.group_telecom_user")
        cls.user_accountant = cls._create_user(
            "recharge_accountant", "telecom_parc.group_telecom_accountant")
        cls.user_manager = cls._create_user(
            "recharge_manager", "telecom_parc.group_telecom_manager")

    @classmethod
    def _create_line(cls, number, subscription, parc=None, **values):
        values.update({
            "phone_number": number,
            "parc_id": (parc or cls.parc).id,
            "subscription_id": subscription.id if subscription else False,
        })
        return cls.env["telecom.line"].create(values)

    @classmethod
    def _create_user(cls, login, group_xmlid):
        return cls.env["res.users"].with_context(
            no_reset_password=True).create({
                "name": login,
                "login": login,
                "email": "%s@example.com" % login,
                "company_id": cls.company.id,
                "company_ids": [(6, 0, [cls.company.id])],
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id,
                                      cls.env.ref(group_xmlid).id])],
            })

    def _wizard(self, lines, data_gb, user=None):
        Wizard = self.env["telecom.line.recharge"]
        if user:
            Wizard = Wizard.sudo(user)
        return Wizard.with_context(
            active_model="telecom.line", active_ids=lines.ids).create(
                {"data_gb": data_gb})

    def _recharge(self, lines, data_gb, user=None):
        """Run the wizard; return (action, deployments)."""
        wizard = self._wizard(lines, data_gb, user)
        action = wizard.action_confirm()
        return action, wizard.deployment_ids

    def _done(self, deployments, date="2026-03-01"):
        deployments.write({"date_installed": date, "date_activation": date})
        deployments.action_done()
        return deployments.mapped("update_ids")
