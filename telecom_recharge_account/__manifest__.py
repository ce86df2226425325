# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Telecom Recharge DATA Invoicing",
    "summary": "Invoice the one-off options of the deployments once: one "
               "draft customer invoice per customer and period",
    "version": "11.0.1.0.0",
    "category": "Telecom",
    "author": "Telecom Parc contributors",
    "website": "https://example.com/telecom_recharge_account",
    "license": "LGPL-3",
    "depends": ["telecom_recharge", "account", "queue_job"],
    "data": [
        "data/ir_cron_data.xml",
        "wizards/telecom_one_off_invoice.xml",
        "views/account_invoice_views.xml",
        "views/telecom_deployment_views.xml",
        "views/telecom_one_off_report_views.xml",
        "views/telecom_recharge_account_menus.xml",
    ],
    "demo": [
        "demo/telecom_recharge_account_demo.xml",
    ],
    "post_init_hook": "post_init_hook",
    "installable": True,
}
