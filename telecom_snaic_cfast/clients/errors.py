"""Errors raised by the SNAIC/CFAST clients.

The caller (the outbox in the Odoo part) decides what to do from the class
alone, so each class maps to one action:

* ``RetryableError``: nothing was applied (or a read failed); try again later,
  not before ``retry_after`` seconds when the remote said so.
* ``PermanentError``: the remote refused the request for a business reason
  (400/404/409/422); retrying the same request cannot succeed.
* ``ConfigurationError``: the connection settings are wrong (401/403, bad URL,
  TLS); an administrator must fix them.
* ``UnknownOutcomeError``: the request may have been applied (timeout after
  sending, dropped connection, unreadable 2xx). Read it back by our reference
  before any resend.

Messages are plain words for the logs and the developers, in English; they
never contain the token (the clients build them, they never copy request
headers). What users read is the sentence of the error's family
(``error_family``), translated by the Odoo part.
"""

# The families of errors: each one has its sentence for the users (what
# happened, who acts and what they do) in ``telecom_sync_error.py``.
NOT_FOUND = "not_found"
UNAUTHORIZED = "unauthorized"
VALIDATION = "validation"
CONFLICT = "conflict"
REFUSED = "refused"
RATE_LIMIT = "rate_limit"
SERVER_ERROR = "server_error"
TIMEOUT = "timeout"
UNREACHABLE = "unreachable"
CONFIGURATION = "configuration"
UNKNOWN_OUTCOME = "unknown_outcome"
UNEXPECTED = "unexpected"

# ``PermanentError.code`` of a cancel refused because the option was already
# cancelled under another idempotency key (HTTP 409), whatever the system's
# own code (SNAIC "already_cancelled", CFAST "OPTION_ALREADY_CANCELLED").
ALREADY_CANCELLED = "already_cancelled"
# ``PermanentError.code`` of a cancel of an option the system does not know
# (HTTP 404), whatever the system's own code; the same word as the family.
OPTION_NOT_FOUND = NOT_FOUND


class ApiError(Exception):
    """Base class of every error raised by the clients.

    :param message: a plain-words explanation, safe to show to users
    :param system: "SNAIC" or "CFAST"
    :param status: the HTTP status when the remote answered, else None
    :param code: the remote error code (``error.code`` of the body), if any
    """

    # No answer in time (connect or read timeout), rather than no answer at all.
    timed_out = False

    def __init__(self, message, system=None, status=None, code=None):
        super(ApiError, self).__init__(message)
        self.message = message
        self.system = system
        self.status = status
        self.code = code

    def __str__(self):
        return self.message

    def __repr__(self):
        return "%s(%r, status=%r, code=%r)" % (type(self).__name__, self.message, self.status, self.code)


class RetryableError(ApiError):
    """A transient failure: network error before sending, 5xx, 429, a failed read.

    ``retry_after`` is the delay in seconds the remote asked for (429 or 503
    with a Retry-After header), or None.
    """

    def __init__(self, message, system=None, status=None, code=None, retry_after=None):
        super(RetryableError, self).__init__(message, system=system, status=status, code=code)
        self.retry_after = retry_after


class PermanentError(ApiError):
    """The remote refused the request for a business reason (400, 404, 409, 422).

    ``status`` is the HTTP status; ``remote_message`` the message the remote
    gave (also part of ``message``); ``remote_code`` the remote's own error
    code, which ``code`` replaces by a shared constant for a cancel
    (``ALREADY_CANCELLED``, ``OPTION_NOT_FOUND``).
    """

    def __init__(self, message, system=None, status=None, code=None, remote_message=None):
        super(PermanentError, self).__init__(message, system=system, status=status, code=code)
        self.remote_message = remote_message
        self.remote_code = code


class ConfigurationError(ApiError):
    """Wrong connection settings (401/403, bad URL, TLS): an administrator must act."""


class UnknownOutcomeError(ApiError):
    """The request was sent but we cannot tell whether the remote applied it.

    Never treat this as a failure nor as a success: read the option back by our
    reference (``get_option``) before sending it again.
    """


def error_family(error):
    """The family of ``error`` (an exception raised by a client, or any
    other): one of the names above, from its class, HTTP status and code."""
    status = getattr(error, "status", None)
    if isinstance(error, UnknownOutcomeError):
        return UNKNOWN_OUTCOME
    if isinstance(error, ConfigurationError):
        return UNAUTHORIZED if status in (401, 403) else CONFIGURATION
    if isinstance(error, RetryableError):
        if error.timed_out or status == 408:
            return TIMEOUT
        if status == 429:
            return RATE_LIMIT
        if status is None:
            return UNREACHABLE
        return SERVER_ERROR
    if isinstance(error, PermanentError):
        if status == 404 or error.code == "telecom_missing_id":
            return NOT_FOUND
        if status in (401, 403):
            return UNAUTHORIZED
        if status == 409:
            return CONFLICT
        if status in (400, 422):
            return VALIDATION
        return REFUSED
    return UNEXPECTED
