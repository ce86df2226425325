"""CFAST API client (contract: docs/api/cfast.yaml).

CFAST speaks camelCase JSON under ``/rest/v2``, wraps each object in an
envelope (``{"line": {...}}``), uses integer IDs for lines, sites and accounts
(a customer is an "account"), wants prices as decimal strings ("1.00") and
answers an applied option with an id such as "CF-000123". Everything
CFAST-specific is in this module: adapting to the real CFAST API means
changing only this file. IDs are returned as strings so the caller stores
every system's IDs the same way.
"""
from urllib.parse import quote

from .base import BaseClient, decimal_str, iso_date, json_number
from .errors import UnknownOutcomeError


class CfastClient(BaseClient):
    """Client of the CFAST API. See ``BaseClient`` for the constructor."""

    system = "CFAST"
    ping_path = "/rest/v2/whoami"
    in_flight_codes = ("IDEMPOTENCY_KEY_IN_USE",)
    already_cancelled_codes = ("OPTION_ALREADY_CANCELLED",)

    def find_line(self, phone_e164):
        """CFAST ID of the line with this E.164 number, or None when CFAST does not know it."""
        data = self._request("the look-up of line %s" % phone_e164, "GET", "/rest/v2/lines/search",
                             params={"phoneNumber": phone_e164}, not_found_none=True)
        return _id(data, "line")

    def find_site(self, code):
        """CFAST ID of the site with this code, or None when unknown."""
        data = self._request("the look-up of site %s" % code, "GET", "/rest/v2/sites/search",
                             params={"siteCode": code}, not_found_none=True)
        return _id(data, "site")

    def find_customer(self, ref):
        """CFAST ID of the account (customer) with this reference, or None when unknown."""
        data = self._request("the look-up of customer %s" % ref, "GET", "/rest/v2/accounts/search",
                             params={"externalRef": ref}, not_found_none=True)
        return _id(data, "account")

    def apply_option(self, remote_line_id, product_code, quantity, unit_price, effective_date,
                     reference, idempotency_key, site_id=None, customer_id=None):
        """Apply a one-off option to a CFAST line; return CFAST's option id ("CF-000123").

        ``idempotency_key`` is sent as the ``Idempotency-Key`` header: send the
        same key on every retry of the same request so CFAST applies it once.
        ``reference`` is ours, unique per request (read back by ``get_option``).
        """
        if not idempotency_key:
            raise ValueError("an idempotency key is required to apply an option")
        body = {
            "productCode": product_code,
            "quantity": json_number(quantity),
            "unitPrice": decimal_str(unit_price),
            "effectiveDate": iso_date(effective_date),
            "externalReference": reference,
        }
        if site_id:
            body["siteId"] = _int_or_str(site_id)
        if customer_id:
            body["accountId"] = _int_or_str(customer_id)
        data = self._request(
            "the option %s on line %s" % (reference, remote_line_id), "POST",
            "/rest/v2/lines/%s/one-off-options" % quote(str(remote_line_id), safe=""),
            body=body, headers={"Idempotency-Key": idempotency_key}, unsafe=True)
        ref = _id(data, "option")
        if not ref:
            raise UnknownOutcomeError(
                "CFAST accepted the option %s but its reply has no option id; it will be checked "
                "by reference before any resend." % reference, system=self.system)
        return ref

    def get_option(self, reference):
        """CFAST's option id of the option applied with our ``reference``, or None if never applied."""
        data = self._request("the read-back of option %s" % reference, "GET",
                             "/rest/v2/one-off-options/search",
                             params={"externalReference": reference}, not_found_none=True)
        return _id(data, "option")

    def get_option_status(self, reference):
        """The option applied with our ``reference``: ``{"option_ref": "CF-000123",
        "cancelled": bool}``, or None when CFAST never applied it."""
        data = self._request("the read-back of option %s" % reference, "GET",
                             "/rest/v2/one-off-options/search",
                             params={"externalReference": reference}, not_found_none=True)
        ref = _id(data, "option")
        if not ref:
            return None
        option = data["option"]
        cancelled = option.get("cancelled") is True or option.get("state") == "CANCELLED"
        return {"option_ref": ref, "cancelled": cancelled}

    def cancel_option(self, remote_line_id, remote_ref, reference, idempotency_key):
        """Cancel the option CFAST applied as ``remote_ref`` ("CF-000123");
        return its id.

        CFAST's path names the option only: ``remote_line_id`` is used in
        messages. ``reference`` is ours for the cancel (sent as
        ``cancellationReference``, for CFAST's logs; may be empty). Send the
        same ``idempotency_key`` on every retry: CFAST then replays its first
        answer.

        Raises as ``apply_option`` does; in addition a 404 (no such option) is
        a ``PermanentError`` with ``code == OPTION_NOT_FOUND`` and a 409 for an
        option already cancelled under another key (CFAST's
        ``OPTION_ALREADY_CANCELLED``) one with ``code == ALREADY_CANCELLED``
        ("already_cancelled", the same as SNAIC's).
        """
        body = {"cancellationReference": reference} if reference else {}
        data = self._send_cancel(
            "the cancel of option %s on line %s" % (remote_ref, remote_line_id),
            "/rest/v2/one-off-options/%s/cancellation" % quote(str(remote_ref), safe=""), body,
            idempotency_key)
        ref = _id(data, "option")
        if not ref:
            raise UnknownOutcomeError(
                "CFAST accepted the cancel of option %s but its reply has no option id; it will be "
                "checked by reference before any resend." % remote_ref, system=self.system)
        return ref

    _list_fields = {"remote_ref": "id", "remote_line_id": "lineId", "product_code": "productCode",
                    "quantity": "quantity", "reference": "externalReference", "applied_at": "createdAt",
                    "effective_date": "effectiveDate", "cancelled": "cancelled", "state": "state",
                    "cancelled_state": "CANCELLED"}

    def list_options(self, applied_from, applied_to, page_token=None, page_size=500):
        """One page of the options CFAST applied in [``applied_from``,
        ``applied_to``) (datetimes, naive UTC or aware), oldest first:
        ``{"options": [item, ...], "next_page_token": cursor or None}``.

        Items as ``SnaicClient.list_options`` (``remote_line_id`` as a string);
        the token is CFAST's opaque ``nextCursor``. Raises as
        ``SnaicClient.list_options``.
        """
        start, end = self._list_period(applied_from, applied_to, page_size)
        params = {"appliedFrom": start, "appliedTo": end, "limit": page_size}
        if page_token:
            params["cursor"] = page_token
        operation = "the list of options applied from %s to %s" % (start, end)
        data = self._request(operation, "GET", "/rest/v2/one-off-options", params=params)
        if not isinstance(data, dict) or not isinstance(data.get("data"), list) \
                or not (data.get("nextCursor") is None or isinstance(data.get("nextCursor"), str)):
            raise self._malformed(operation, "no data list or a bad nextCursor")
        options = [self._list_item(operation, raw, self._list_fields) for raw in data["data"]]
        if data.get("nextCursor") and not options:
            raise self._malformed(operation, "an empty page has a next cursor")
        return {"options": options, "next_page_token": data.get("nextCursor") or None}


def _id(data, envelope):
    """``data[envelope]["id"]`` as a string, or None when absent."""
    if not isinstance(data, dict) or not isinstance(data.get(envelope), dict):
        return None
    value = data[envelope].get("id")
    return None if value in (None, "") else str(value)


def _int_or_str(value):
    """CFAST IDs are integers; we store them as strings."""
    text = str(value)
    return int(text) if text.isdigit() else text
