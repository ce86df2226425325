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

Messages are plain words meant to be shown to users; they never contain the
token (the clients build them, they never copy request headers).
"""


class ApiError(Exception):
    """Base class of every error raised by the clients.

    :param message: a plain-words explanation, safe to show to users
    :param system: "SNAIC" or "CFAST"
    :param status: the HTTP status when the remote answered, else None
    :param code: the remote error code (``error.code`` of the body), if any
    """

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
    gave (also part of ``message``).
    """

    def __init__(self, message, system=None, status=None, code=None, remote_message=None):
        super(PermanentError, self).__init__(message, system=system, status=status, code=code)
        self.remote_message = remote_message


class ConfigurationError(ApiError):
    """Wrong connection settings (401/403, bad URL, TLS): an administrator must act."""


class UnknownOutcomeError(ApiError):
    """The request was sent but we cannot tell whether the remote applied it.

    Never treat this as a failure nor as a success: read the option back by our
    reference (``get_option``) before sending it again.
    """
