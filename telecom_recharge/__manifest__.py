# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Telecom Recharge DATA",
    "summary": "Recharge DATA on telecom lines: deployments with one-off "
               "options priced by subscription tier, and the MAJ history "
               "of each line",
    "version": "11.0.1.0.0",
    "category": "Telecom",
    "author": "Telecom Parc contributors",
    "website": "https://example.com/telecom_recharge",
    "license": "LGPL-3",
    "depends": ["telecom_parc", "product", "report_xlsx"],
    "data": [
        "security/telecom_recharge_security.xml",
        "security/ir.model.access.csv",
        "data/ir_sequence_data.xml",
        "data/product_data.xml",
        "views/assets.xml",
        "views/product_template_views.xml",
        "views/telecom_subscription_views.xml",
        "wizards/telecom_deployment_finish.xml",
        "wizards/telecom_deployment_reverse.xml",
        "views/telecom_deployment_views.xml",
        "views/telecom_line_update_views.xml",
        "wizards/telecom_line_recharge.xml",
        "wizards/telecom_recharge_config.xml",
        "views/telecom_line_views.xml",
        "views/telecom_one_off_report_views.xml",
        "report/telecom_one_off_report_xlsx.xml",
        "wizards/telecom_one_off_export.xml",
        "views/res_config_settings_views.xml",
        "views/telecom_recharge_menus.xml",
    ],
    "demo": [
        "demo/telecom_recharge_demo.xml",
    ],
    "installable": True,
}
