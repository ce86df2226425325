"""SNAIC API client (contract: docs/api/snaic.yaml).

SNAIC speaks snake_case JSON under ``/api/v1``, identifies lines, sites and
customers by string IDs ("SN-L-700000090") and answers an applied option with
an ``option_ref`` such as "OP-123". Everything SNAIC-specific is in this
module: adapting to the real SNAIC API means changing only this file.
"""
from urllib.parse import quote

from .base import BaseClient, decimal_str, iso_date, json_number
from .errors import UnknownOutcomeError


class SnaicClient(BaseClient):
    """Client of the SNAIC API. See ``BaseClient`` for the constructor."""

    system = "SNAIC"
    ping_path = "/api/v1/ping"
    in_flight_codes = ("idempotency_key_in_use",)
    already_cancelled_codes = ("already_cancelled",)

    def find_line(self, phone_e164):
        """SNAIC ID of the line with this E.164 number, or None when SNAIC does not know it."""
        data = self._request("the look-up of line %s" % phone_e164, "GET", "/api/v1/lines/lookup",
                             params={"msisdn": phone_e164}, not_found_none=True)
        return _id(data, "line_id")

    def find_site(self, code):
        """SNAIC ID of the site with this code, or None when unknown."""
        data = self._request("the look-up of site %s" % code, "GET", "/api/v1/sites/lookup",
                             params={"code": code}, not_found_none=True)
        return _id(data, "site_id")

    def find_customer(self, ref):
        """SNAIC ID of the customer with this reference, or None when unknown."""
        data = self._request("the look-up of customer %s" % ref, "GET", "/api/v1/customers/lookup",
                             params={"ref": ref}, not_found_none=True)
        return _id(data, "customer_id")

    def apply_option(self, remote_line_id, product_code, quantity, unit_price, effective_date,
                     reference, idempotency_key, site_id=None, customer_id=None):
        """Apply a one-off option to a SNAIC line; return SNAIC's reference ("OP-123").

        ``idempotency_key`` is sent as the ``Idempotency-Key`` header: send the
        same key on every retry of the same request so SNAIC applies it once.
        ``reference`` is ours, unique per request (read back by ``get_option``).
        """
        if not idempotency_key:
            raise ValueError("an idempotency key is required to apply an option")
        body = {
            "product_code": product_code,
            "quantity": json_number(quantity),
            "unit_price": decimal_str(unit_price),
            "effective_date": iso_date(effective_date),
            "reference": reference,
        }
        if site_id:
            body["site_id"] = str(site_id)
        if customer_id:
            body["customer_id"] = str(customer_id)
        data = self._request(
            "the option %s on line %s" % (reference, remote_line_id), "POST",
            "/api/v1/lines/%s/options" % quote(str(remote_line_id), safe=""),
            body=body, headers={"Idempotency-Key": idempotency_key}, unsafe=True)
        ref = _id(data, "option_ref")
        if not ref:
            # A 2xx without the reference is an answer we cannot read.
            raise UnknownOutcomeError(
                "SNAIC accepted the option %s but its reply has no option_ref; it will be checked "
                "by reference before any resend." % reference, system=self.system)
        return ref

    def get_option(self, reference):
        """SNAIC's reference of the option applied with our ``reference``, or None if never applied."""
        data = self._request("the read-back of option %s" % reference, "GET", "/api/v1/options/lookup",
                             params={"reference": reference}, not_found_none=True)
        return _id(data, "option_ref")

    def get_option_status(self, reference):
        """The option applied with our ``reference``: ``{"option_ref": "OP-123",
        "cancelled": bool}``, or None when SNAIC never applied it."""
        data = self._request("the read-back of option %s" % reference, "GET", "/api/v1/options/lookup",
                             params={"reference": reference}, not_found_none=True)
        ref = _id(data, "option_ref")
        if not ref:
            return None
        cancelled = data.get("cancelled") is True or data.get("status") == "cancelled"
        return {"option_ref": ref, "cancelled": cancelled}

    def cancel_option(self, remote_line_id, remote_ref, reference, idempotency_key):
        """Cancel the option SNAIC applied as ``remote_ref`` ("OP-123"); return
        its ``option_ref``.

        SNAIC's path names the option only: ``remote_line_id`` is used in
        messages. ``reference`` is ours for the cancel (sent as
        ``cancel_reference``, for SNAIC's logs; may be empty). Send the same
        ``idempotency_key`` on every retry: SNAIC then replays its first answer.

        Raises as ``apply_option`` does; in addition a 404 (no such option) is
        a ``PermanentError`` with ``code == OPTION_NOT_FOUND`` and a 409 for an
        option already cancelled under another key (SNAIC's
        ``already_cancelled``) one with ``code == ALREADY_CANCELLED``.
        """
        body = {"cancel_reference": reference} if reference else {}
        data = self._send_cancel(
            "the cancel of option %s on line %s" % (remote_ref, remote_line_id),
            "/api/v1/options/%s/cancel" % quote(str(remote_ref), safe=""), body, idempotency_key)
        ref = _id(data, "option_ref")
        if not ref:
            raise UnknownOutcomeError(
                "SNAIC accepted the cancel of option %s but its reply has no option_ref; it will be "
                "checked by reference before any resend." % remote_ref, system=self.system)
        return ref

    _list_fields = {"remote_ref": "option_ref", "remote_line_id": "line_id", "product_code": "product_code",
                    "quantity": "quantity", "reference": "reference", "applied_at": "applied_at",
                    "effective_date": "effective_date", "cancelled": "cancelled", "state": "status",
                    "cancelled_state": "cancelled"}

    def list_options(self, applied_from, applied_to, page_token=None, page_size=500):
        """One page of the options SNAIC applied in [``applied_from``,
        ``applied_to``) (datetimes, naive UTC or aware), oldest first:
        ``{"options": [item, ...], "next_page_token": "2" or None}``.

        Each item: ``remote_ref``, ``remote_line_id``, ``product_code``,
        ``quantity`` (float), ``reference`` (ours, or None), ``applied_at``
        (naive UTC datetime), ``effective_date`` ("YYYY-MM-DD" or None),
        ``cancelled`` (bool). The token is the next page number, as a string.

        Raises ``RetryableError`` (5xx, 429 with ``retry_after``, timeouts,
        dropped connections: a read is safe to resend; also a 2xx we cannot
        read, with ``code == "malformed_reply"``), ``ConfigurationError``
        (401/403), ``PermanentError`` (other 4xx, e.g. 422 bad period).
        """
        start, end = self._list_period(applied_from, applied_to, page_size)
        page = int(page_token) if page_token else 1
        operation = "the list of options applied from %s to %s (page %d)" % (start, end, page)
        data = self._request(operation, "GET", "/api/v1/options",
                             params={"applied_from": start, "applied_to": end, "page": page,
                                     "page_size": page_size})
        if not isinstance(data, dict) or not isinstance(data.get("options"), list) \
                or not isinstance(data.get("has_more"), bool):
            raise self._malformed(operation, "no options list or has_more")
        options = [self._list_item(operation, raw, self._list_fields) for raw in data["options"]]
        if data["has_more"] and not options:
            raise self._malformed(operation, "an empty page says there is more")
        return {"options": options, "next_page_token": str(page + 1) if data["has_more"] else None}


def _id(data, key):
    """``data[key]`` as a string, or None when the answer is empty or lacks it."""
    if not isinstance(data, dict) or data.get(key) in (None, ""):
        return None
    return str(data[key])
