# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
{
    "name": "Telecom SNAIC/CFAST",
    "summary": "Push every MAJ of a line to SNAIC and CFAST exactly once, "
               "fetch their IDs on the fly, report information and errors",
    "version": "11.0.3.0.0",
    "category": "Telecom",
    "author": "Telecom Parc contributors",
    "website": "https://example.com/telecom_snaic_cfast",
    "license": "LGPL-3",
    "depends": ["telecom_recharge", "queue_job"],
    "external_dependencies": {"python": ["requests"]},
    "data": [
        "security/telecom_snaic_cfast_security.xml",
        "security/ir.model.access.csv",
        "data/mail_activity_data.xml",
        "data/ir_cron_data.xml",
        "views/assets.xml",
        "views/telecom_api_backend_views.xml",
        "views/telecom_sync_request_views.xml",
        "views/telecom_binding_views.xml",
        "views/telecom_line_views.xml",
        "views/telecom_site_views.xml",
        "views/res_partner_views.xml",
        "views/telecom_deployment_views.xml",
        "views/telecom_line_update_views.xml",
        "views/telecom_snaic_cfast_menus.xml",
    ],
    "demo": [
        "demo/telecom_snaic_cfast_demo.xml",
    ],
    "installable": True,
}
