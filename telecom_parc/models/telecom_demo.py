# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demo data only: the demo's texts in the language it is shown in.

The demo data (``demo/telecom_parc_demo.xml``) is loaded with the addon; a
text stored in a record (an activity's summary) is not translated when it
is read, so it is written here in the language of the company (``make
demo`` with ``DEMO_LANG`` sets it before the demo data is loaded)."""
from odoo import _, api, models

from ..tools.lang import stored_lang


# One model, one file per concern.
class TelecomLine(models.Model):
    _inherit = "telecom.line"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _telecom_demo_activity_summaries(self, check_id, call_id):
        """Demo data only: write the summaries of the demo's activities
        ``check_id`` and ``call_id`` in the language of the company.
        Returns True."""
        lang = stored_lang(self.env, self.env.user.company_id)
        if self.env.lang != lang:
            return self.with_context(
                lang=lang)._telecom_demo_activity_summaries(check_id, call_id)
        Activity = self.env["mail.activity"].sudo()
        Activity.browse(check_id).write({
            "summary": _("Check the user name with the customer")})
        Activity.browse(call_id).write({
            "summary": _("Call the customer about the data top-up")})
        return True
