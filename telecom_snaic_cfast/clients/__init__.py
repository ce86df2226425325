"""Plain-Python clients of the SNAIC and CFAST APIs (no ORM, no ``odoo`` import).

Use ``make_client("snaic" | "cfast", base_url, token, ...)`` and catch the
classes of ``errors``: each one tells the caller what to do next.
"""
from .base import (DEFAULT_POOL_SIZE, DEFAULT_TIMEOUT_CONNECT, DEFAULT_TIMEOUT_READ,
                   BaseClient)
from .cfast import CfastClient
from .errors import (ALREADY_CANCELLED, OPTION_NOT_FOUND, ApiError, ConfigurationError,
                     PermanentError, RetryableError, UnknownOutcomeError, error_family)
from .snaic import SnaicClient

CLIENTS = {
    "snaic": SnaicClient,
    "cfast": CfastClient,
}


def make_client(system, base_url, token, timeout_connect=DEFAULT_TIMEOUT_CONNECT,
                timeout_read=DEFAULT_TIMEOUT_READ, pool_size=DEFAULT_POOL_SIZE):
    """Build the client of ``system`` ("snaic" or "cfast").

    Raises ``ConfigurationError`` when the URL or the token is missing or
    malformed, ``ValueError`` for an unknown system.
    """
    try:
        cls = CLIENTS[(system or "").lower()]
    except KeyError:
        raise ValueError("unknown system %r; expected one of %s" % (system, ", ".join(sorted(CLIENTS))))
    return cls(base_url, token, timeout_connect=timeout_connect, timeout_read=timeout_read,
               pool_size=pool_size)


__all__ = [
    "ALREADY_CANCELLED", "OPTION_NOT_FOUND", "ApiError", "BaseClient", "CLIENTS", "CfastClient", "ConfigurationError", "PermanentError",
    "RetryableError", "SnaicClient", "UnknownOutcomeError", "error_family", "make_client",
]
