# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Telecom Parc",
    "summary": "Keep the parc of your customers' telecom lines: "
               "sites, parcs and mobile lines",
    "version": "11.0.1.0.0",
    "category": "Telecom",
    "author": "Telecom Parc contributors",
    "website": "https://example.com/telecom_parc",
    "license": "LGPL-3",
    "depends": ["mail"],
    "external_dependencies": {"python": ["phonenumbers"]},
    "data": [
        "security/telecom_parc_security.xml",
        "security/ir.model.access.csv",
        "security/ir_cron_security.xml",
        "views/assets.xml",
        "views/res_partner_views.xml",
        "views/telecom_subscription_views.xml",
        "views/telecom_site_views.xml",
        "views/telecom_parc_views.xml",
        "views/telecom_line_views.xml",
        "wizards/telecom_line_add.xml",
        "wizards/telecom_line_mass_edit.xml",
        "wizards/telecom_line_delete.xml",
        "wizards/telecom_line_task.xml",
        "wizards/telecom_line_terminate.xml",
        "views/telecom_menus.xml",
        "views/ir_cron_views.xml",
    ],
    "demo": [
        "demo/telecom_parc_demo.xml",
    ],
    "application": True,
    "installable": True,
}
