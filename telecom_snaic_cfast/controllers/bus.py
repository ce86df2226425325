# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.http import request

from odoo.addons.mail.controllers.bus import MailChatController

from ..models.telecom_sync_push import BUS_CHANNEL


class TelecomSyncBusController(MailChatController):
    """The web client of an internal user also listens to the push of the
    SNAIC/CFAST requests (``telecom.sync.request._telecom_notify_deployments``),
    from its first poll: a channel added in the browser would only be polled
    once the poll in progress (up to 50 s) ends."""

    def _poll(self, dbname, channels, last, options):
        if request.session.uid and request.env.user.has_group(
                "base.group_user"):
            channels = list(channels) + [(request.db, BUS_CHANNEL)]
        return super(TelecomSyncBusController, self)._poll(
            dbname, channels, last, options)
