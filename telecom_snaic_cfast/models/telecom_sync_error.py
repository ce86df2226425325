# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What users read of a SNAIC/CFAST error: one sentence per family of
errors (``clients/errors.py``: not found, unauthorized, validation,
conflict, rate limit, server error, timeout...), saying what happened, who
acts (the operator, the administrator, the system's support, or nobody)
and what they do. The clients' own messages are English and technical: they
go to the log, never to the users."""
from odoo import _, api, models

from ..clients import errors

# The families a push retries by itself while attempts are left.
AUTOMATIC = (errors.RATE_LIMIT, errors.SERVER_ERROR, errors.TIMEOUT,
             errors.UNREACHABLE)
# The families that speak of one line.
OF_A_LINE = (errors.NOT_FOUND, errors.VALIDATION, errors.CONFLICT,
             errors.REFUSED, errors.UNKNOWN_OUTCOME)


# One model, one file per concern (see telecom_sync_request.py).
class TelecomSyncRequest(models.Model):
    _inherit = "telecom.sync.request"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _telecom_error_text(self, error, system, line=None, backend=None,
                            final=True, operation="apply"):
        """The sentence users read for ``error`` (an exception) met with
        ``system`` (its label, e.g. "CFAST") on ``line`` (its name) through
        the connection ``backend`` (its name), in the language of the
        context: what happened, who acts and what they do. ``final``: no
        automatic retry is left (the request is in error, or a person
        waits for the answer). ``operation``: "cancel" for the
        cancellation of a reversal."""
        family = errors.error_family(error)
        status = getattr(error, "status", None)
        code = getattr(error, "code", None)
        if family in OF_A_LINE and not line:
            family = errors.REFUSED
        values = {
            "system": system,
            "line": line or "",
            "backend": backend or system,
            "status": status or "-",
            "code": ", %s" % code if code else "",
            "error": type(error).__name__,
        }
        if operation == "cancel" and family == errors.NOT_FOUND and line:
            # The option to cancel is gone from the system.
            return "%s %s" % (_(
                "%(system)s no longer holds the option applied to the line "
                "%(line)s: it cannot cancel it.") % values, _(
                "Operator: ask the %(system)s support whether the top-up "
                "was removed there; if it was, nothing is left to do.") %
                values)
        return "%s %s" % (self._telecom_error_fact(family, line) % values,
                          self._telecom_error_action(family, final) % values)

    @api.model
    def _telecom_error_fact(self, family, line):
        """What happened, for an error of ``family`` (a format string)."""
        if family == errors.NOT_FOUND:
            return _("%(system)s does not know the line %(line)s.")
        if family == errors.UNAUTHORIZED:
            return _("%(system)s refused the credentials of the connection "
                     "%(backend)s (HTTP %(status)s).")
        if family == errors.VALIDATION:
            return _("%(system)s refused the data sent for the line "
                     "%(line)s (HTTP %(status)s%(code)s).")
        if family == errors.CONFLICT:
            return _("%(system)s refused the option of the line %(line)s: "
                     "it conflicts with what %(system)s already holds "
                     "(HTTP %(status)s%(code)s).")
        if family == errors.REFUSED and line:
            return _("%(system)s refused the request for the line %(line)s "
                     "(HTTP %(status)s%(code)s).")
        if family == errors.REFUSED:
            return _("%(system)s refused the request (HTTP "
                     "%(status)s%(code)s).")
        if family == errors.RATE_LIMIT:
            return _("%(system)s is busy and asks for fewer requests (HTTP "
                     "429).")
        if family == errors.SERVER_ERROR:
            return _("%(system)s had a temporary failure (HTTP "
                     "%(status)s).")
        if family == errors.TIMEOUT:
            return _("%(system)s did not answer in time.")
        if family == errors.UNREACHABLE:
            return _("%(system)s cannot be reached at the address of the "
                     "connection %(backend)s.")
        if family == errors.CONFIGURATION:
            return _("The connection %(backend)s cannot talk to %(system)s "
                     "as it is set up (address, certificate or "
                     "redirection).")
        if family == errors.UNKNOWN_OUTCOME:
            return _("The answer of %(system)s for the line %(line)s was "
                     "lost: the option may have been applied.")
        return _("An unexpected failure (%(error)s) stopped the sending to "
                 "%(system)s.")

    @api.model
    def _telecom_error_action(self, family, final):
        """Who acts and what they do, for an error of ``family`` (a format
        string); ``final``: no automatic retry is left."""
        if family in AUTOMATIC and not final:
            return _("Nobody needs to act: it is retried automatically.")
        if family == errors.NOT_FOUND:
            return _("Operator: ask %(system)s to create the line %(line)s "
                     "(or correct the number of the line), then press "
                     "Retry.")
        if family == errors.UNAUTHORIZED:
            return _("Administrator: enter a valid API token on the "
                     "connection %(backend)s, press Test Connection, then "
                     "Retry Requests in Error.")
        if family == errors.VALIDATION:
            return _("Operator: check the line and its options (number, "
                     "product, quantity, dates) and correct them, then "
                     "press Retry; if they are right, ask the %(system)s "
                     "support what it refuses.")
        if family == errors.CONFLICT:
            return _("Operator: ask the %(system)s support to check the "
                     "line %(line)s, then press Retry.")
        if family == errors.REFUSED:
            return _("Operator: ask the %(system)s support why it refuses "
                     "it, then press Retry.")
        if family == errors.RATE_LIMIT:
            return _("Administrator: lower the Concurrent Requests of the "
                     "connection %(backend)s, then Retry Requests in "
                     "Error.")
        if family == errors.SERVER_ERROR:
            return _("Administrator: ask the %(system)s support whether "
                     "the service is back, then Retry Requests in Error.")
        if family == errors.TIMEOUT:
            return _("Administrator: check the network and the timeouts of "
                     "the connection %(backend)s with the %(system)s "
                     "support, then Retry Requests in Error.")
        if family == errors.UNREACHABLE:
            return _("Administrator: check the URL of the connection "
                     "%(backend)s and ask the %(system)s support whether "
                     "the service is up, then Retry Requests in Error.")
        if family == errors.CONFIGURATION:
            return _("Administrator: correct the URL of the connection "
                     "%(backend)s (http or https, host), press Test "
                     "Connection, then Retry Requests in Error.")
        if family == errors.UNKNOWN_OUTCOME:
            return _("Nobody needs to act: it is read back from %(system)s "
                     "by its reference before anything is sent again.")
        return _("Nobody needs to act: it is read back before anything is "
                 "sent again; if it stays, the administrator reads the "
                 "server log.")
