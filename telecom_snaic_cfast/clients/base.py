"""HTTP plumbing shared by the SNAIC and CFAST clients.

One ``requests.Session`` per client keeps connections alive (a batch of pushes
reuses the same TCP/TLS connection); every call has a (connect, read) timeout;
every failure is turned into one of the classes of ``errors`` so that the
caller never has to look at ``requests`` exceptions or status codes.

Nothing here knows the remote paths or field names: those live in one module
per system (``snaic.py``, ``cfast.py``), so adapting to a real system's API is a
change of that module only.
"""
import email.utils
import logging
import os
import re
import time
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError

try:  # urllib3 >= 2 names DNS failures; older versions report a NewConnectionError
    from urllib3.exceptions import NameResolutionError
except ImportError:  # pragma: no cover - depends on the installed urllib3
    NameResolutionError = None

from .errors import (ALREADY_CANCELLED, OPTION_NOT_FOUND, ConfigurationError, PermanentError,
                     RetryableError, UnknownOutcomeError)

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_CONNECT = 3.05
DEFAULT_TIMEOUT_READ = 30.0
DEFAULT_POOL_SIZE = 10
MASK = "***"
USER_AGENT = "odoo-telecom_snaic_cfast/11.0"


def mask_url(url):
    """Return ``url`` without any user:password part, safe to show and log."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<invalid URL>"
    netloc = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def parse_retry_after(value, now=None):
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date).

    Returns None when the header is missing or unreadable, never a negative
    number.
    """
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if value.isdigit():
        return int(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment is None:
        return None
    now = time.time() if now is None else now
    return max(0, int(round(moment.timestamp() - now)))


def json_number(value):
    """A quantity as an int when it is whole (2.0 -> 2), so remotes that want
    integers accept Odoo's float quantities."""
    if isinstance(value, bool):
        raise TypeError("a quantity cannot be a boolean")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def decimal_str(value):
    """A price as a decimal string with at least two decimals ("1.00", "0.125")."""
    number = Decimal(str(value))
    cents = number.quantize(Decimal("0.01"))
    return format(cents if cents == number else number.normalize(), "f")


def iso_date(value):
    """An effective date as YYYY-MM-DD from a date, a datetime or a string."""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


MAX_PAGE_SIZE = 1000
_TIMESTAMP = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})?$")


def utc_timestamp(value):
    """A datetime (naive UTC, or aware) as the remotes' UTC form 2026-12-01T10:00:00Z."""
    if not isinstance(value, datetime):
        raise TypeError("a datetime is expected, not %r" % (value,))
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def parse_utc(value):
    """A remote's timestamp ("2026-12-01T10:00:00Z", an offset, or none meaning
    UTC) -> naive UTC datetime; None when it is not one."""
    found = _TIMESTAMP.match(value) if isinstance(value, str) else None
    if not found:
        return None
    try:
        moment = datetime.strptime("%sT%s" % found.group(1, 2), "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    if found.group(3):
        moment = moment.replace(microsecond=int(found.group(3)[1:].ljust(6, "0")))
    offset = found.group(4)
    if offset and offset != "Z":
        digits = offset[1:].replace(":", "")
        delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
        moment = moment - delta if offset[0] == "+" else moment + delta
    return moment


class _BearerAuth(requests.auth.AuthBase):
    """Adds the bearer token to each request; its repr never shows the token."""

    def __init__(self, token):
        self._token = token

    def __call__(self, request):
        request.headers["Authorization"] = "Bearer %s" % self._token
        return request

    def __repr__(self):
        return "<BearerAuth %s>" % MASK


def _find(exc, classes, follow_context=True):
    """The first exception of ``classes`` in the chain of ``exc``, or None.

    Follows the explicit wrapping of requests/urllib3 (``args``, ``reason``)
    and, unless ``follow_context`` is false, ``__cause__``/``__context__``.
    """
    seen = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen or not isinstance(current, BaseException):
            continue
        seen.add(id(current))
        if isinstance(current, classes):
            return current
        stack.append(getattr(current, "reason", None))
        stack.extend(a for a in current.args if isinstance(a, BaseException))
        if follow_context:
            stack.append(current.__cause__)
            stack.append(current.__context__)
    return None


def _nothing_sent(exc):
    """True when the request never left this machine: refused connection,
    DNS failure or connect timeout. Any other network error may have happened
    after the remote received the request.

    Only the explicit wrapping is followed: an exception merely raised while
    handling another one must not make an unsafe request look unsent.
    """
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    # NewConnectionError (and NameResolutionError) subclass ConnectTimeoutError
    return _find(exc, (ConnectTimeoutError, NewConnectionError), follow_context=False) is not None


class BaseClient(object):
    """A client of one remote system, holding a keep-alive HTTP session.

    Subclasses set ``system`` (the name shown in messages) and ``ping_path``,
    and implement the operations with ``_request``.

    :param base_url: root URL of the remote API, e.g. ``https://snaic.example``
    :param token: the bearer token; kept private, never logged nor shown
    :param timeout_connect: seconds to wait for the TCP/TLS connection
    :param timeout_read: seconds to wait for the answer once the request is sent
    :param pool_size: connections kept alive to the remote (one per worker thread)
    :param session: a ``requests.Session`` to use instead of a new one (tests)
    """

    system = "REMOTE"
    ping_path = "/"
    # Error codes of a 409 to an apply whose key an earlier call still holds.
    in_flight_codes = ()
    # Error codes of a 409 to a cancel of an option already cancelled under
    # another key; raised as ``PermanentError`` with code ``ALREADY_CANCELLED``.
    already_cancelled_codes = ()

    def __init__(self, base_url, token, timeout_connect=DEFAULT_TIMEOUT_CONNECT,
                 timeout_read=DEFAULT_TIMEOUT_READ, pool_size=DEFAULT_POOL_SIZE, session=None):
        base_url = (base_url or "").strip()
        scheme = urlsplit(base_url).scheme.lower() if base_url else ""
        if scheme not in ("http", "https") or not urlsplit(base_url).netloc:
            raise ConfigurationError(
                "%s: the URL %r is not valid; it must start with http:// or https:// and name a host."
                % (self.system, mask_url(base_url) if base_url else ""), system=self.system)
        if not token:
            raise ConfigurationError(
                "%s: no token is configured; enter the API token on the %s connection."
                % (self.system, self.system), system=self.system)
        self.base_url = base_url.rstrip("/")
        self.safe_url = mask_url(self.base_url)
        self.timeout = (float(timeout_connect or DEFAULT_TIMEOUT_CONNECT),
                        float(timeout_read or DEFAULT_TIMEOUT_READ))
        self._token = token
        pool_size = max(1, int(pool_size or DEFAULT_POOL_SIZE))
        self.session = session or requests.Session()
        # max_retries=0: retrying is the outbox's decision (with the same
        # idempotency key and a back-off), never a silent resend here.
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.auth = _BearerAuth(token)
        self.session.headers.update({"Accept": "application/json", "User-Agent": USER_AGENT})
        if session is None:
            # The environment's proxy settings, read once: requests reads
            # them again on every call otherwise (0.75 ms a call, measured).
            self.session.proxies.update(requests.utils.get_environ_proxies(self.base_url))
            self.session.verify = os.environ.get("REQUESTS_CA_BUNDLE") or \
                os.environ.get("CURL_CA_BUNDLE") or True
            self.session.trust_env = False

    def __repr__(self):
        return "<%s %s token=%s>" % (type(self).__name__, self.safe_url, MASK)

    def close(self):
        """Close the pooled connections."""
        self.session.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    # -- helpers ---------------------------------------------------------

    def _safe(self, text):
        """``text`` with the token masked, in case a remote echoes it back."""
        text = "" if text is None else str(text)
        if self._token and self._token in text:
            text = text.replace(self._token, MASK)
        return text

    def _remote_error(self, response):
        """(code, message) from an error body ``{"error": {"code", "message"}}``."""
        try:
            payload = response.json()
        except ValueError:
            payload = None
        code = message = None
        if isinstance(payload, dict):
            error = payload.get("error", payload)
            if isinstance(error, dict):
                code = error.get("code")
                message = error.get("message") or error.get("detail")
            elif isinstance(error, str):
                message = error
        if not message:
            message = (response.reason or "").strip() or "no details given"
        return (self._safe(code) if code else None), self._safe(message)[:500]

    def _request(self, operation, method, path, params=None, body=None, headers=None,
                 not_found_none=False, unsafe=False, interactive=False):
        """Send one request and return the decoded JSON of a 2xx answer.

        :param operation: a short name for messages ("find line", "apply option")
        :param not_found_none: return None on 404 (look-ups) instead of raising
        :param unsafe: the request changes remote state (apply): a failure after
            sending raises ``UnknownOutcomeError`` instead of ``RetryableError``
        :param interactive: a person waits for the answer (test connection):
            messages say what to check rather than "will be retried"
        :raises RetryableError, PermanentError, ConfigurationError, UnknownOutcomeError:
        """
        url = self.base_url + path
        started = time.time()
        status = "-"
        try:
            response = self.session.request(
                method, url, params=params, json=body, headers=headers,
                timeout=self.timeout, allow_redirects=False)
            status = response.status_code
        except requests.exceptions.RequestException as exc:
            status = type(exc).__name__
            raise self._network_error(operation, exc, unsafe, interactive)
        finally:
            # Method, path, status and duration only: never headers, query
            # strings (phone numbers) nor bodies.
            _logger.debug("%s %s %s -> %s in %.0f ms", self.system, method, path, status,
                          (time.time() - started) * 1000.0)
        return self._handle_response(operation, response, not_found_none, unsafe, interactive)

    def _network_error(self, operation, exc, unsafe, interactive=False):
        """Turn a ``requests`` exception into one of our errors."""
        system, where = self.system, self.safe_url
        if isinstance(exc, requests.exceptions.SSLError):
            return ConfigurationError(
                "%s: the secure connection to %s failed (TLS certificate or protocol): "
                "check the URL and the server's certificate." % (system, where), system=system)
        if _nothing_sent(exc):
            if NameResolutionError is not None and _find(exc, (NameResolutionError,)) is not None:
                reason = "host name not found"
            elif _find(exc, (ConnectionRefusedError,)) is not None or "refused" in str(exc).lower():
                reason = "connection refused"
            elif _find(exc, (NewConnectionError,)) is not None:
                reason = "host unreachable"
            else:
                # a ConnectTimeout: the host did not accept the connection in time
                reason = "no connection within %.2f s" % self.timeout[0]
            tail = "" if interactive else "; nothing was sent, %s will be retried" % operation
            error = RetryableError(
                "%s cannot be reached at %s (%s): check the URL and that the service is up%s."
                % (system, where, reason, tail), system=system)
            error.timed_out = reason.startswith("no connection")
            return error
        timed_out = False
        if isinstance(exc, (requests.exceptions.ReadTimeout,)) or \
                _find(exc, (requests.exceptions.ReadTimeout,)) is not None or \
                "read timed out" in str(exc).lower():
            what = "no answer within %.0f s" % self.timeout[1]
            timed_out = True
        elif isinstance(exc, (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError)):
            what = "the connection was closed before a complete answer"
        else:
            what = "request failed (%s)" % type(exc).__name__
        if unsafe:
            error = UnknownOutcomeError(
                "%s: %s for %s (%s); it may have been applied, it will be checked by reference "
                "before any resend." % (system, what, operation, where), system=system)
        else:
            tail = ": check the URL, the network and the timeouts" if interactive else "; will be retried"
            error = RetryableError("%s: %s for %s (%s)%s." % (system, what, operation, where, tail),
                                   system=system)
        error.timed_out = timed_out
        return error

    def _handle_response(self, operation, response, not_found_none, unsafe, interactive=False):
        """Classify an HTTP answer; return its JSON when it is a readable 2xx."""
        system, status = self.system, response.status_code
        if 200 <= status < 300:
            try:
                return response.json()
            except ValueError:
                if unsafe:
                    raise UnknownOutcomeError(
                        "%s answered %s to %s but its reply could not be read; it may have been "
                        "applied, it will be checked by reference before any resend." % (system, status, operation),
                        system=system, status=status)
                raise RetryableError("%s answered %s to %s with an unreadable reply%s."
                                     % (system, status, operation,
                                        ": check the URL" if interactive else "; will be retried"),
                                     system=system, status=status)
        if status == 404 and not_found_none:
            return None
        code, message = self._remote_error(response)
        if status in (401, 403):
            raise ConfigurationError(
                "%s refused the credentials (HTTP %s: %s) for %s: check the credentials (token) "
                "of the %s connection." % (system, status, message, operation, system),
                system=system, status=status, code=code)
        if status == 429 or status >= 500 or status == 408:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            if status == 429:
                what = "is busy (HTTP 429, too many requests)"
            else:
                what = "had a temporary failure (HTTP %s: %s)" % (status, message)
            wait = " after %s s" % retry_after if retry_after is not None else ""
            tail = ": try again later" if interactive else "; will be retried"
            raise RetryableError("%s %s on %s%s%s." % (system, what, operation, tail, wait),
                                 system=system, status=status, code=code, retry_after=retry_after)
        if status == 409 and unsafe and code in self.in_flight_codes:
            # Another call with the same key is being answered: it may apply.
            raise UnknownOutcomeError(
                "%s is still processing an earlier call with the same key for %s; it will be "
                "checked by reference before any resend." % (system, operation),
                system=system, status=status, code=code)
        if 300 <= status < 400:
            raise ConfigurationError(
                "%s redirected %s to %s (HTTP %s): check the URL of the %s connection (http or https?)."
                % (system, operation, mask_url(response.headers.get("Location", "?")), status, system),
                system=system, status=status)
        raise PermanentError("%s refused %s (HTTP %s%s): %s" % (
            system, operation, status, ", %s" % code if code else "", message),
            system=system, status=status, code=code, remote_message=message)

    def _send_cancel(self, operation, path, body, idempotency_key):
        """POST a cancel (an unsafe request, like an apply) and return its JSON.

        Error codes are made the same for every system: a 404 raises
        ``PermanentError`` with ``code == OPTION_NOT_FOUND`` ("not_found"), a
        409 for an option already cancelled under another key raises
        ``PermanentError`` with ``code == ALREADY_CANCELLED``
        ("already_cancelled"); the system's own code stays in ``remote_code``.
        Every other answer is classified as for an apply.
        """
        if not idempotency_key:
            raise ValueError("an idempotency key is required to cancel an option")
        try:
            return self._request(operation, "POST", path, body=body,
                                 headers={"Idempotency-Key": idempotency_key}, unsafe=True)
        except PermanentError as exc:
            if exc.status == 404:
                exc.code = OPTION_NOT_FOUND
            elif exc.status == 409 and exc.code in self.already_cancelled_codes:
                exc.code = ALREADY_CANCELLED
            raise

    def _list_period(self, applied_from, applied_to, page_size):
        """Check the arguments of ``list_options``; return the two timestamps."""
        if isinstance(page_size, bool) or not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError("page_size must be a whole number from 1 to %d, not %r" % (MAX_PAGE_SIZE, page_size))
        return utc_timestamp(applied_from), utc_timestamp(applied_to)

    def _malformed(self, operation, detail):
        """A 2xx to a read that we cannot use: retryable (a GET is safe to
        resend), with ``code == "malformed_reply"``."""
        return RetryableError("%s answered %s with a reply we cannot read (%s); will be retried."
                              % (self.system, operation, self._safe(detail)[:200]),
                              system=self.system, status=200, code="malformed_reply")

    def _list_item(self, operation, raw, fields):
        """Normalize one option of a list. ``fields`` maps our names to the
        system's: remote_ref, remote_line_id, product_code, quantity, reference,
        applied_at, effective_date, cancelled, state; ``cancelled_state`` the
        value of ``state`` meaning cancelled."""
        if not isinstance(raw, dict):
            raise self._malformed(operation, "an option is not an object")
        ref, line = raw.get(fields["remote_ref"]), raw.get(fields["remote_line_id"])
        code, quantity = raw.get(fields["product_code"]), raw.get(fields["quantity"])
        applied_at = parse_utc(raw.get(fields["applied_at"]))
        reference = raw.get(fields["reference"])
        if ref in (None, "") or line in (None, "") or not isinstance(code, str) or applied_at is None \
                or isinstance(quantity, bool) or not isinstance(quantity, (int, float)) \
                or not (reference is None or isinstance(reference, str)):
            raise self._malformed(operation, "option %r lacks or mangles its reference, line, product, "
                                  "quantity or date" % (ref,))
        effective = raw.get(fields["effective_date"])
        return {
            "remote_ref": str(ref),
            "remote_line_id": str(line),
            "product_code": code,
            "quantity": float(quantity),
            "reference": reference or None,
            "applied_at": applied_at,
            "effective_date": str(effective)[:10] if effective else None,
            "cancelled": raw.get(fields["cancelled"]) is True
            or raw.get(fields["state"]) == fields["cancelled_state"],
        }

    def ping(self):
        """Check URL and token with one authenticated call.

        Returns a short plain-words message. Raises ``ConfigurationError``
        (bad token, wrong URL) or ``RetryableError`` (unreachable, timeout),
        each with a message saying what is wrong.
        """
        started = time.time()
        try:
            self._request("the connection test", "GET", self.ping_path, interactive=True)
        except PermanentError as exc:
            if exc.status == 404:
                raise ConfigurationError(
                    "%s: %s does not look like the %s API (HTTP 404 on %s): check the URL."
                    % (self.system, self.safe_url, self.system, self.ping_path), system=self.system, status=404)
            raise
        return "Connected to %s at %s: the token is accepted (%.0f ms)." % (
            self.system, self.safe_url, (time.time() - started) * 1000.0)
