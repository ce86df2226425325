#!/usr/bin/env python3
"""Simulator of the SNAIC and CFAST APIs, for the demo and the tests.

One program, two HTTP servers on loopback: SNAIC (docs/api/snaic.yaml) and
CFAST (docs/api/cfast.yaml). Each keeps in memory what it applied and
cancelled, honours Idempotency-Key like the real systems are assumed to, and
injects faults on demand so the tests can check that every MAJ is applied
(and every reversal cancelled) exactly once.

    python simulator/sim.py --snaic-port 8071 --cfast-port 8072 --host 127.0.0.1 \\
        [--token-snaic X] [--token-cfast Y] [--seed simulator/seed.json] [--pidfile F] [--verbose]

Port 0 picks a free port. Once both servers listen, it prints
``SNAIC listening on http://HOST:PORT`` and ``CFAST listening on ...`` on
stdout (nothing else is ever written to stdout, so a parent may stop reading
it). SIGTERM or SIGINT stops it cleanly.

Test-only endpoints, on each port, without authentication:
    GET  /_sim/health    GET /_sim/applied    GET /_sim/stats    GET /_sim/faults
    POST /_sim/faults    POST /_sim/reset     POST /_sim/seed
    POST /_sim/forget    POST /_sim/inject
See simulator/README.md for their bodies.

Standard library only; runs on Python 3.7+.
"""
import argparse
import base64
import binascii
import datetime
import fnmatch
import json
import os
import random
import re
import signal
import sys
import threading
from decimal import Decimal, InvalidOperation
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SEED = os.path.join(HERE, "seed.json")
DEFAULT_TOKENS = {"snaic": "snaic-demo-token", "cfast": "cfast-demo-token"}

OPERATIONS = ("ping", "lookup_line", "lookup_site", "lookup_customer", "apply", "get_option", "cancel",
              "list")
MATCHES = OPERATIONS + ("any",)
# Operations that change remote state: they need an Idempotency-Key.
WRITES = ("apply", "cancel")
# Order in which random rates are drawn: fixed so a seed replays the same faults.
FAULTS = ("5xx", "429", "timeout_after_apply", "malformed", "drop", "401", "403", "422", "404")
# Faults answered before anything is applied.
FAULTS_BEFORE = ("5xx", "429", "drop", "401", "403", "422", "404")

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
PRICE = re.compile(r"^[0-9]{1,9}(\.[0-9]{1,4})?$")
# A UTC timestamp of the list's period: 2026-12-01T00:00:00Z (or with an offset).
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$")
# The key of an injected option whose idempotency key was given: a resend of
# an apply with that key replays the injected answer, whatever its body.
INJECTED = "injected"
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100


def price_text(value):
    """A Decimal price as the exact decimal string both systems answer with
    ("1.00", "0.125")."""
    cents = value.quantize(Decimal("0.01"))
    return format(cents if cents == value else value, "f")


def utcnow_iso():
    """Now in UTC, ISO 8601 with a Z."""
    return datetime.datetime.utcnow().replace(microsecond=0).isoformat() + "Z"


def parse_timestamp(value):
    """An ISO 8601 timestamp with Z or an offset -> naive UTC datetime, or None."""
    if not isinstance(value, str) or not TIMESTAMP.match(value):
        return None
    text = value[:-1] + "+00:00" if value.endswith("Z") else value
    try:
        moment = datetime.datetime.strptime(text[:19], "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return None
    fraction = re.match(r"^\.(\d+)", text[19:])
    if fraction:
        moment = moment.replace(microsecond=int(fraction.group(1).ljust(6, "0")))
    offset = text[-6:]
    delta = datetime.timedelta(hours=int(offset[1:3]), minutes=int(offset[4:6]))
    return moment - delta if offset[0] == "+" else moment + delta


def iso_utc(moment):
    """A naive UTC datetime as 2026-12-01T10:00:00Z (seconds)."""
    return moment.replace(microsecond=0).isoformat() + "Z"


def applied_moment(record):
    """The record's applied_at as a datetime, parsed once (a page of the list
    filters every record: parsing them all again took 0.2 s a page at 20,000)."""
    moment = record.get("_applied_moment")
    if moment is None or record.get("_applied_text") != record["applied_at"]:
        moment = record["_applied_moment"] = parse_timestamp(record["applied_at"])
        record["_applied_text"] = record["applied_at"]
    return moment


def sort_key(record):
    """Order of the list: applied_at, then the remote ref (OP-9 before OP-10)."""
    return (record["applied_at"], len(record["remote_ref"]), record["remote_ref"])


class ApiFailure(Exception):
    """An error answer of the simulated API: status, code key and message."""

    def __init__(self, status, kind, message, headers=None):
        super(ApiFailure, self).__init__(message)
        self.status = status
        self.kind = kind
        self.message = message
        self.headers = headers or {}


# ---------------------------------------------------------------------------
# What differs between the two systems: paths, field names, ID formats.
# ---------------------------------------------------------------------------

class SnaicSpec(object):
    """SNAIC: snake_case under /api/v1, string IDs, option refs "OP-123"."""

    name = "SNAIC"
    key = "snaic"
    routes = [
        ("GET", re.compile(r"^/api/v1/ping$"), "ping"),
        ("GET", re.compile(r"^/api/v1/lines/lookup$"), "lookup_line"),
        ("GET", re.compile(r"^/api/v1/sites/lookup$"), "lookup_site"),
        ("GET", re.compile(r"^/api/v1/customers/lookup$"), "lookup_customer"),
        ("POST", re.compile(r"^/api/v1/lines/(?P<line>[^/]+)/options$"), "apply"),
        ("GET", re.compile(r"^/api/v1/options/lookup$"), "get_option"),
        ("POST", re.compile(r"^/api/v1/options/(?P<option>[^/]+)/cancel$"), "cancel"),
        ("GET", re.compile(r"^/api/v1/options$"), "list"),
    ]
    query_params = {"lookup_line": "msisdn", "lookup_site": "code", "lookup_customer": "ref",
                    "get_option": "reference"}
    error_codes = {"bad_request": "bad_request", "validation": "validation_error",
                   "line_not_found": "line_not_found", "not_found": "not_found",
                   "key_reused": "idempotency_key_reused", "duplicate_reference": "duplicate_reference",
                   "key_in_flight": "idempotency_key_in_use",
                   "already_cancelled": "already_cancelled",
                   "unauthorized": "unauthorized", "forbidden": "forbidden",
                   "rate_limited": "rate_limited", "unavailable": "service_unavailable"}

    @staticmethod
    def norm_id(value):
        return None if value is None else str(value)

    @staticmethod
    def auto_id(kind, number):
        return "SN-%s-A%05d" % ({"lines": "L", "sites": "S", "customers": "C"}[kind], number)

    @staticmethod
    def remote_ref(number):
        return "OP-%d" % number

    @staticmethod
    def render_ping():
        return {"status": "ok", "system": "SNAIC", "version": "1"}

    @staticmethod
    def render_line(remote_id, phone):
        return {"line_id": remote_id, "msisdn": phone, "status": "active"}

    @staticmethod
    def render_site(remote_id, code):
        return {"site_id": remote_id, "code": code}

    @staticmethod
    def render_customer(remote_id, ref):
        return {"customer_id": remote_id, "ref": ref}

    @staticmethod
    def render_option(rec):
        out = {"option_ref": rec["remote_ref"], "line_id": rec["line_id"], "reference": rec["reference"],
               "product_code": rec["product_code"], "quantity": rec["quantity"],
               "unit_price": price_text(rec["unit_price"]), "effective_date": rec["effective_date"],
               "status": "cancelled" if rec["cancelled"] else "applied", "applied_at": rec["applied_at"],
               "cancelled": rec["cancelled"], "cancelled_at": rec["cancelled_at"]}
        if rec.get("site_id") is not None:
            out["site_id"] = rec["site_id"]
        if rec.get("customer_id") is not None:
            out["customer_id"] = rec["customer_id"]
        if rec.get("cancel_reference") is not None:
            out["cancel_reference"] = rec["cancel_reference"]
        return out

    @staticmethod
    def parse_cancel(body):
        """Cancel body -> our reference of the cancel (optional), or None."""
        return body.get("cancel_reference")

    # The list: GET /api/v1/options?applied_from=&applied_to=&page=&page_size=
    list_params = {"from": "applied_from", "to": "applied_to", "size": "page_size"}

    @classmethod
    def list_page(cls, records, query, size):
        """One page of ``records`` (sorted), paged by page number."""
        text = (query.get("page") or ["1"])[0] or "1"
        if not text.isdigit() or int(text) < 1:
            raise ApiFailure(422, "validation", "page must be a whole number from 1, not %r" % text)
        page = int(text)
        start = (page - 1) * size
        return {"options": [cls.render_option(r) for r in records[start:start + size]],
                "page": page, "page_size": size, "total": len(records),
                "has_more": start + size < len(records)}

    @staticmethod
    def parse_apply(body):
        """Body -> normalised option dict; raises ApiFailure on a bad body."""
        missing = [f for f in ("product_code", "quantity", "unit_price", "effective_date", "reference")
                   if f not in body]
        if missing:
            raise ApiFailure(400, "bad_request", "missing field(s): %s" % ", ".join(missing))
        quantity = body["quantity"]
        if isinstance(quantity, float) and quantity.is_integer():
            quantity = int(quantity)
        price = body["unit_price"]
        # Money as an exact decimal string, never a float.
        if not isinstance(price, str) or not PRICE.match(price):
            raise ApiFailure(422, "validation", "unit_price must be a decimal string such as \"1.00\"")
        return {"product_code": body["product_code"], "quantity": quantity,
                "unit_price": Decimal(price), "effective_date": body["effective_date"],
                "reference": body["reference"], "site_id": body.get("site_id"),
                "customer_id": body.get("customer_id")}


class CfastSpec(object):
    """CFAST: camelCase envelopes under /rest/v2, integer IDs, option ids "CF-000123"."""

    name = "CFAST"
    key = "cfast"
    routes = [
        ("GET", re.compile(r"^/rest/v2/whoami$"), "ping"),
        ("GET", re.compile(r"^/rest/v2/lines/search$"), "lookup_line"),
        ("GET", re.compile(r"^/rest/v2/sites/search$"), "lookup_site"),
        ("GET", re.compile(r"^/rest/v2/accounts/search$"), "lookup_customer"),
        ("POST", re.compile(r"^/rest/v2/lines/(?P<line>[^/]+)/one-off-options$"), "apply"),
        ("GET", re.compile(r"^/rest/v2/one-off-options/search$"), "get_option"),
        ("POST", re.compile(r"^/rest/v2/one-off-options/(?P<option>[^/]+)/cancellation$"), "cancel"),
        ("GET", re.compile(r"^/rest/v2/one-off-options$"), "list"),
    ]
    query_params = {"lookup_line": "phoneNumber", "lookup_site": "siteCode",
                    "lookup_customer": "externalRef", "get_option": "externalReference"}
    error_codes = {"bad_request": "BAD_REQUEST", "validation": "VALIDATION_FAILED",
                   "line_not_found": "LINE_NOT_FOUND", "not_found": "NOT_FOUND",
                   "key_reused": "IDEMPOTENCY_CONFLICT", "duplicate_reference": "DUPLICATE_EXTERNAL_REFERENCE",
                   "key_in_flight": "IDEMPOTENCY_KEY_IN_USE",
                   "already_cancelled": "OPTION_ALREADY_CANCELLED",
                   "unauthorized": "UNAUTHORIZED", "forbidden": "FORBIDDEN",
                   "rate_limited": "RATE_LIMITED", "unavailable": "SERVICE_UNAVAILABLE"}

    @staticmethod
    def norm_id(value):
        return None if value is None else str(value)

    @staticmethod
    def auto_id(kind, number):
        return {"lines": 990000, "sites": 9900, "customers": 99000}[kind] + number

    @staticmethod
    def remote_ref(number):
        return "CF-%06d" % number

    @staticmethod
    def render_ping():
        return {"account": {"name": "telecom-demo", "scopes": ["lines:read", "options:write"]}}

    @staticmethod
    def render_line(remote_id, phone):
        return {"line": {"id": remote_id, "phoneNumber": phone, "status": "ACTIVE"}}

    @staticmethod
    def render_site(remote_id, code):
        return {"site": {"id": remote_id, "siteCode": code}}

    @staticmethod
    def render_customer(remote_id, ref):
        return {"account": {"id": remote_id, "externalRef": ref}}

    @staticmethod
    def render_option(rec):
        option = {"id": rec["remote_ref"], "lineId": rec["line_id_raw"], "externalReference": rec["reference"],
                  "productCode": rec["product_code"], "quantity": rec["quantity"],
                  "unitPrice": price_text(rec["unit_price"]),
                  "effectiveDate": rec["effective_date"], "createdAt": rec["applied_at"],
                  "state": "CANCELLED" if rec["cancelled"] else "APPLIED",
                  "cancelled": rec["cancelled"], "cancelledAt": rec["cancelled_at"]}
        if rec.get("site_id") is not None:
            option["siteId"] = rec["site_id_raw"]
        if rec.get("customer_id") is not None:
            option["accountId"] = rec["customer_id_raw"]
        if rec.get("cancel_reference") is not None:
            option["cancellationReference"] = rec["cancel_reference"]
        return {"option": option}

    @staticmethod
    def parse_cancel(body):
        """Cancel body -> our reference of the cancel (optional), or None."""
        return body.get("cancellationReference")

    # The list: GET /rest/v2/one-off-options?appliedFrom=&appliedTo=&limit=&cursor=
    list_params = {"from": "appliedFrom", "to": "appliedTo", "size": "limit"}

    @classmethod
    def list_page(cls, records, query, size):
        """One page of ``records`` (sorted) after the cursor: the cursor is the
        sort key of the last option of the previous page (base64 of JSON), so
        an option applied or cancelled meanwhile never shifts the pages."""
        cursor = (query.get("cursor") or [""])[0]
        if cursor:
            try:
                applied_at, ref = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")).decode("utf-8"))
                after = sort_key({"applied_at": str(applied_at), "remote_ref": str(ref)})
            except (ValueError, TypeError, UnicodeError, binascii.Error):
                raise ApiFailure(422, "validation", "cursor %r is not one of ours" % cursor)
            records = [r for r in records if sort_key(r) > after]
        chunk = records[:size]
        next_cursor = None
        if len(records) > size:
            last = chunk[-1]
            next_cursor = base64.urlsafe_b64encode(
                json.dumps([last["applied_at"], last["remote_ref"]]).encode("utf-8")).decode("ascii")
        return {"data": [cls.render_option(r)["option"] for r in chunk], "nextCursor": next_cursor}

    @staticmethod
    def parse_apply(body):
        """Body -> normalised option dict; raises ApiFailure on a bad body."""
        missing = [f for f in ("productCode", "quantity", "unitPrice", "effectiveDate", "externalReference")
                   if f not in body]
        if missing:
            raise ApiFailure(400, "bad_request", "missing field(s): %s" % ", ".join(missing))
        price = body["unitPrice"]
        # CFAST wants prices as decimal strings, never floats.
        if not isinstance(price, str) or not PRICE.match(price):
            raise ApiFailure(422, "validation", "unitPrice must be a decimal string such as \"1.00\"")
        return {"product_code": body["productCode"], "quantity": body["quantity"],
                "unit_price": Decimal(price), "effective_date": body["effectiveDate"],
                "reference": body["externalReference"], "site_id": body.get("siteId"),
                "customer_id": body.get("accountId")}


SPECS = {"snaic": SnaicSpec, "cfast": CfastSpec}


# ---------------------------------------------------------------------------
# State of one simulated system
# ---------------------------------------------------------------------------

class SystemState(object):
    """Everything one simulated system remembers; every access holds ``lock``."""

    def __init__(self, spec, token, seed_path, stop_event):
        self.spec = spec
        self.token = token
        self.seed_path = seed_path
        self.stop_event = stop_event
        self.lock = threading.RLock()
        self.reset()

    # -- seed, reset -------------------------------------------------------

    def _load_seed(self):
        if not self.seed_path:
            return {}
        with open(self.seed_path) as handle:
            return json.load(handle)

    def reset(self):
        """Forget applied options, keys, faults and stats; reload the seed file."""
        seed = self._load_seed()
        with self.lock:
            self.lines = {}       # phone -> remote id (raw, as the system shows it)
            self.line_phone = {}  # str(remote id) -> phone
            self.sites = {}       # code -> remote id
            self.customers = {}   # ref -> remote id
            self.products = []    # fnmatch patterns of accepted product codes
            self.applied = []     # records, in order
            self.by_reference = {}
            self.by_remote_ref = {}
            self.keys = {}        # idempotency key -> (fingerprint, status, payload), applies and cancels
            self.in_flight = set()  # keys of the applies and cancels being answered now
            self.option_counter = 0
            self.auto_counter = 0
            self.stats = {"requests": {}, "faults": {}, "statuses": {}, "replays": 0,
                          "cancels": {"done": 0, "replayed": 0, "already_cancelled": 0, "not_found": 0,
                                      "key_reused": 0, "key_in_use": 0}}
            self.set_faults({})
            mine = seed.get(self.spec.key, {})
            self.add_seed({"lines": mine.get("lines", {}), "sites": mine.get("sites", {}),
                           "customers": mine.get("customers", {}),
                           "products": mine.get("products", seed.get("products", []))})

    def add_seed(self, data):
        """Add lines/sites/customers (dict name -> id, or list of names: IDs made up)
        and product patterns. Returns the IDs of what was added."""
        added = {}
        with self.lock:
            for kind, store in (("lines", self.lines), ("sites", self.sites), ("customers", self.customers)):
                items = data.get(kind) or {}
                if isinstance(items, list):
                    items = dict((name, None) for name in items)
                if not isinstance(items, dict):
                    raise ApiFailure(400, "bad_request", "%s must be an object or a list" % kind)
                added[kind] = {}
                for name, remote_id in items.items():
                    if kind == "lines" and not E164.match(name):
                        raise ApiFailure(400, "bad_request", "%r is not an E.164 number" % name)
                    if remote_id is None:
                        remote_id = store.get(name)
                    if remote_id is None:
                        self.auto_counter += 1
                        remote_id = self.spec.auto_id(kind, self.auto_counter)
                    store[name] = remote_id
                    if kind == "lines":
                        self.line_phone[str(remote_id)] = name
                    added[kind][name] = remote_id
            products = data.get("products") or []
            if not isinstance(products, list):
                raise ApiFailure(400, "bad_request", "products must be a list of patterns")
            for pattern in products:
                if pattern not in self.products:
                    self.products.append(pattern)
            added["products"] = list(self.products)
        return added

    # -- faults ------------------------------------------------------------

    def set_faults(self, config):
        """Replace the fault configuration (an empty dict clears every fault)."""
        if not isinstance(config, dict):
            raise ApiFailure(400, "bad_request", "the fault configuration must be a JSON object")
        rates = config.get("rates") or {}
        script = config.get("script") or []
        if not isinstance(rates, dict) or not isinstance(script, list):
            raise ApiFailure(400, "bad_request", "rates must be an object and script a list")
        for fault, rate in rates.items():
            if fault not in FAULTS:
                raise ApiFailure(400, "bad_request", "unknown fault %r; known: %s" % (fault, ", ".join(FAULTS)))
            if not isinstance(rate, (int, float)) or not 0 <= rate <= 1:
                raise ApiFailure(400, "bad_request", "rate of %s must be between 0 and 1" % fault)
        if sum(rates.values()) > 1:
            raise ApiFailure(400, "bad_request", "the rates add up to more than 1")
        entries = []
        for entry in script:
            if not isinstance(entry, dict) or entry.get("fault") not in FAULTS:
                raise ApiFailure(400, "bad_request", "script entry %r: fault must be one of %s"
                                 % (entry, ", ".join(FAULTS)))
            match = entry.get("match", "any")
            if match not in MATCHES:
                raise ApiFailure(400, "bad_request", "script entry %r: match must be one of %s"
                                 % (entry, ", ".join(MATCHES)))
            times = int(entry.get("times", 1))
            if times < 1:
                continue
            clean = {"match": match, "fault": entry["fault"], "times": times}
            for extra in ("retry_after", "timeout_s"):
                if extra in entry:
                    clean[extra] = entry[extra]
            entries.append(clean)
        rates_match = config.get("rates_match", "any")
        if rates_match not in MATCHES:
            raise ApiFailure(400, "bad_request", "rates_match must be one of %s" % ", ".join(MATCHES))
        # "apply" also targets cancels unless the configuration names "cancel"
        # itself (then each operation gets only its own faults), or says so.
        covers = config.get("apply_covers_cancel")
        if covers is None:
            covers = "cancel" not in [rates_match] + [e["match"] for e in entries]
        elif not isinstance(covers, bool):
            raise ApiFailure(400, "bad_request", "apply_covers_cancel must be true or false")
        with self.lock:
            self.faults = {
                "latency_ms": max(0, int(config.get("latency_ms", 0) or 0)),
                "rates": dict(rates),
                "rates_match": rates_match,
                "retry_after": int(config.get("retry_after", 1)),
                "timeout_s": float(config.get("timeout_s", 5)),
                "seed": config.get("seed", 0),
                "script": entries,
                "apply_covers_cancel": covers,
            }
            self.rng = random.Random(self.faults["seed"])

    def pick_fault(self, operation):
        """The fault for this request: the first matching script entry (consumed),
        else a seeded random draw from the rates. Returns (fault or None, entry)."""
        with self.lock:
            targets = (operation, "any")
            if operation == "cancel" and self.faults["apply_covers_cancel"]:
                targets += ("apply",)
            for entry in self.faults["script"]:
                if entry["times"] > 0 and entry["match"] in targets:
                    entry["times"] -= 1
                    chosen = dict(entry)
                    self.faults["script"] = [e for e in self.faults["script"] if e["times"] > 0]
                    return entry["fault"], chosen
            rates = self.faults["rates"]
            if rates and self.faults["rates_match"] in targets:
                draw = self.rng.random()
                total = 0.0
                for fault in FAULTS:
                    total += rates.get(fault, 0)
                    if draw < total:
                        return fault, {}
            return None, {}

    # -- stats ---------------------------------------------------------------

    def count(self, section, name):
        with self.lock:
            bucket = self.stats[section]
            bucket[name] = bucket.get(name, 0) + 1

    def snapshot_stats(self):
        with self.lock:
            out = json.loads(json.dumps(self.stats))
            out["system"] = self.spec.name
            out["applied"] = len(self.applied)
            out["cancelled"] = sum(1 for r in self.applied if r["cancelled"])
            return out

    # -- operations ----------------------------------------------------------

    def lookup(self, operation, value):
        """Answer a look-up: (status, payload)."""
        spec = self.spec
        with self.lock:
            if operation == "lookup_line":
                if not E164.match(value):
                    raise ApiFailure(422, "validation", "%r is not a phone number in E.164 form" % value)
                if value not in self.lines:
                    raise ApiFailure(404, "line_not_found", "no line with number %s" % value)
                return 200, spec.render_line(self.lines[value], value)
            if operation == "lookup_site":
                if value not in self.sites:
                    raise ApiFailure(404, "not_found", "no site with code %s" % value)
                return 200, spec.render_site(self.sites[value], value)
            if operation == "lookup_customer":
                if value not in self.customers:
                    raise ApiFailure(404, "not_found", "no customer with reference %s" % value)
                return 200, spec.render_customer(self.customers[value], value)
            if operation == "get_option":
                record = self.by_reference.get(value)
                if record is None:
                    raise ApiFailure(404, "not_found", "no option applied with reference %s" % value)
                return 200, spec.render_option(record)
        raise ApiFailure(404, "not_found", "unknown operation")

    def list_options(self, query):
        """The options applied in [from, to), oldest first, one page: the payload."""
        names = self.spec.list_params
        bounds = []
        for which in ("from", "to"):
            value = (query.get(names[which]) or [""])[0]
            if not value:
                raise ApiFailure(400, "bad_request", "the query parameter %s is required" % names[which])
            # an unencoded "+" of an offset arrives as a space
            moment = parse_timestamp(value.replace(" ", "+"))
            if moment is None:
                raise ApiFailure(422, "validation", "%s must be a UTC timestamp such as "
                                 "2026-12-01T00:00:00Z, not %r" % (names[which], value))
            bounds.append(moment)
        if bounds[0] > bounds[1]:
            raise ApiFailure(422, "validation", "%s is after %s" % (names["from"], names["to"]))
        text = (query.get(names["size"]) or [""])[0] or str(DEFAULT_PAGE_SIZE)
        if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
            raise ApiFailure(422, "validation", "%s must be a whole number from 1 to %d, not %r"
                             % (names["size"], MAX_PAGE_SIZE, text))
        with self.lock:
            records = sorted((r for r in self.applied
                              if bounds[0] <= applied_moment(r) < bounds[1]), key=sort_key)
            return self.spec.list_page(records, query, int(text))

    def apply(self, line_id, key, raw_body):
        """Apply an option; returns (status, payload, replayed)."""
        spec = self.spec
        if not key:
            raise ApiFailure(400, "bad_request", "the Idempotency-Key header is required")
        if len(key) > 255:
            raise ApiFailure(400, "bad_request", "the Idempotency-Key header is longer than 255 characters")
        try:
            body = json.loads(raw_body.decode("utf-8") or "null")
        except (ValueError, UnicodeDecodeError):
            raise ApiFailure(400, "bad_request", "the body is not valid JSON")
        if not isinstance(body, dict):
            raise ApiFailure(400, "bad_request", "the body must be a JSON object")
        fingerprint = json.dumps({"line": line_id, "body": body}, sort_keys=True)
        # The whole check-and-apply holds the lock: two requests with the same
        # key cannot both apply.
        with self.lock:
            if key in self.keys:
                first_fingerprint, status, payload = self.keys[key]
                # An option injected with this key replays to any apply with it.
                if first_fingerprint not in (fingerprint, INJECTED):
                    raise ApiFailure(409, "key_reused", "Idempotency-Key %s was already used with a "
                                     "different request" % key)
                self.stats["replays"] += 1
                return status, payload, True
            phone = self.line_phone.get(line_id)
            if phone is None:
                raise ApiFailure(404, "line_not_found", "no line with ID %s" % line_id)
            option = spec.parse_apply(body)
            self._validate(option)
            reference = option["reference"]
            if reference in self.by_reference:
                raise ApiFailure(409, "duplicate_reference", "reference %s was already applied as %s "
                                 "with another Idempotency-Key" % (reference, self.by_reference[reference]["remote_ref"]))
            self.option_counter += 1
            record = {
                "idempotency_key": key,
                "line_id": line_id,
                "line_id_raw": self.lines[phone],
                "phone": phone,
                "product_code": option["product_code"],
                "quantity": option["quantity"],
                "unit_price": option["unit_price"],
                "effective_date": option["effective_date"],
                "reference": reference,
                "remote_ref": spec.remote_ref(self.option_counter),
                "site_id": spec.norm_id(option["site_id"]),
                "site_id_raw": option["site_id"],
                "customer_id": spec.norm_id(option["customer_id"]),
                "customer_id_raw": option["customer_id"],
                "applied_at": utcnow_iso(),
                "cancelled": False,
                "cancelled_at": None,
                "cancel_idempotency_key": None,
                "cancel_reference": None,
            }
            payload = spec.render_option(record)
            self.applied.append(record)
            self.by_reference[reference] = record
            self.by_remote_ref[record["remote_ref"]] = record
            # Only a successful apply is remembered under its key: a refused
            # request may be corrected and sent again.
            self.keys[key] = (fingerprint, 201, payload)
            return 201, payload, False

    def cancel(self, remote_ref, key, raw_body):
        """Cancel an applied option by its remote reference; returns
        (status, payload, replayed). The same key and request replays the
        first answer; another key on a cancelled option gets 409."""
        spec = self.spec
        if not key:
            raise ApiFailure(400, "bad_request", "the Idempotency-Key header is required")
        if len(key) > 255:
            raise ApiFailure(400, "bad_request", "the Idempotency-Key header is longer than 255 characters")
        try:
            body = json.loads(raw_body.decode("utf-8") or "{}")
        except (ValueError, UnicodeDecodeError):
            raise ApiFailure(400, "bad_request", "the body is not valid JSON")
        if not isinstance(body, dict):
            raise ApiFailure(400, "bad_request", "the body must be a JSON object")
        fingerprint = json.dumps({"cancel": remote_ref, "body": body}, sort_keys=True)
        # Check, cancel and remember the key under one lock: two requests
        # cannot both cancel.
        with self.lock:
            if key in self.keys:
                first_fingerprint, status, payload = self.keys[key]
                if first_fingerprint != fingerprint:
                    self.stats["cancels"]["key_reused"] += 1
                    raise ApiFailure(409, "key_reused", "Idempotency-Key %s was already used with a "
                                     "different request" % key)
                self.stats["cancels"]["replayed"] += 1
                return status, payload, True
            cancel_reference = spec.parse_cancel(body)
            if cancel_reference is not None and (not isinstance(cancel_reference, str)
                                                 or not 1 <= len(cancel_reference) <= 128):
                raise ApiFailure(422, "validation", "the cancel's reference must be a string of 1 to 128 "
                                 "characters")
            record = self.by_remote_ref.get(remote_ref)
            if record is None:
                self.stats["cancels"]["not_found"] += 1
                raise ApiFailure(404, "not_found", "no option %s" % remote_ref)
            if record["cancelled"]:
                self.stats["cancels"]["already_cancelled"] += 1
                raise ApiFailure(409, "already_cancelled", "option %s was already cancelled at %s with "
                                 "another Idempotency-Key" % (remote_ref, record["cancelled_at"]))
            record["cancelled"] = True
            record["cancelled_at"] = utcnow_iso()
            record["cancel_idempotency_key"] = key
            record["cancel_reference"] = cancel_reference
            self.stats["cancels"]["done"] += 1
            payload = spec.render_option(record)
            # Only a successful cancel is remembered under its key.
            self.keys[key] = (fingerprint, 200, payload)
            return 200, payload, False

    def _validate(self, option):
        """Business checks of an apply (422), after the shape checks (400)."""
        code = option["product_code"]
        if not isinstance(code, str) or not code.strip():
            raise ApiFailure(422, "validation", "product code must be a non-empty string")
        if not any(fnmatch.fnmatchcase(code, pattern) for pattern in self.products):
            raise ApiFailure(422, "validation", "unknown product code %s" % code)
        quantity = option["quantity"]
        if isinstance(quantity, bool) or not isinstance(quantity, int) or not 1 <= quantity <= 1000:
            raise ApiFailure(422, "validation", "quantity must be a whole number from 1 to 1000, not %r" % (quantity,))
        try:
            if option["unit_price"] < 0:
                raise ApiFailure(422, "validation", "unit price cannot be negative")
        except InvalidOperation:
            raise ApiFailure(422, "validation", "unit price is not a number")
        try:
            datetime.datetime.strptime(str(option["effective_date"]), "%Y-%m-%d")
        except ValueError:
            raise ApiFailure(422, "validation", "effective date must be YYYY-MM-DD, not %r" % (option["effective_date"],))
        reference = option["reference"]
        if not isinstance(reference, str) or not 1 <= len(reference) <= 128:
            raise ApiFailure(422, "validation", "reference must be a string of 1 to 128 characters")
        site_id = self.spec.norm_id(option["site_id"])
        if site_id is not None and site_id not in set(str(v) for v in self.sites.values()):
            raise ApiFailure(422, "validation", "unknown site ID %s" % site_id)
        customer_id = self.spec.norm_id(option["customer_id"])
        if customer_id is not None and customer_id not in set(str(v) for v in self.customers.values()):
            raise ApiFailure(422, "validation", "unknown customer ID %s" % customer_id)

    @staticmethod
    def _entry(r):
        """One option as /_sim/applied shows it, JSON-ready."""
        return {
            "idempotency_key": r["idempotency_key"], "line_id": r["line_id"], "phone": r["phone"],
            "product_code": r["product_code"], "quantity": r["quantity"],
            "unit_price": price_text(r["unit_price"]), "effective_date": r["effective_date"],
            "reference": r["reference"], "remote_ref": r["remote_ref"], "site_id": r["site_id"],
            "customer_id": r["customer_id"], "applied_at": r["applied_at"],
            "cancelled": r["cancelled"], "cancelled_at": r["cancelled_at"],
            "cancel_idempotency_key": r["cancel_idempotency_key"],
            "cancel_reference": r["cancel_reference"],
        }

    def applied_list(self):
        """Every applied option, JSON-ready, in the order applied."""
        with self.lock:
            return [self._entry(r) for r in self.applied]

    # -- test-only changes of the data ---------------------------------------

    def forget(self, data):
        """Lose the option applied with ``data["idempotency_key"]``, as if removed
        by hand on the system: gone from the list, the read-back, the cancel and
        /_sim/applied. The key store still remembers the key: a resend with it
        replays the old answer and applies nothing. Returns the removed entry."""
        key = data.get("idempotency_key") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key:
            raise ApiFailure(400, "bad_request", "idempotency_key (a non-empty string) is required")
        with self.lock:
            for index, record in enumerate(self.applied):
                if record["idempotency_key"] == key:
                    del self.applied[index]
                    if self.by_reference.get(record["reference"]) is record:
                        del self.by_reference[record["reference"]]
                    self.by_remote_ref.pop(record["remote_ref"], None)
                    return self._entry(record)
        raise ApiFailure(404, "not_found", "no option applied with Idempotency-Key %s" % key)

    def inject(self, data):
        """Add options as if applied on the system by someone (or by us,
        earlier): one object or ``{"options": [objects]}``. All or nothing.
        Returns the entries added."""
        spec = self.spec
        items = data.get("options") if isinstance(data, dict) and "options" in data else [data]
        if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
            raise ApiFailure(400, "bad_request", "an option object or {\"options\": [objects]} is expected")
        with self.lock:
            # Given remote refs first: the automatic ones are numbered after them.
            counter = self.option_counter
            given = set()
            for item in items:
                ref = item.get("remote_ref")
                if ref is None:
                    continue
                if not isinstance(ref, str) or not ref:
                    raise ApiFailure(400, "bad_request", "remote_ref must be a non-empty string")
                if ref in self.by_remote_ref or ref in given:
                    raise ApiFailure(409, "duplicate_remote_ref", "option %s exists already" % ref)
                given.add(ref)
                number = re.search(r"(\d+)$", ref)
                if number and spec.remote_ref(int(number.group(1))) == ref:
                    counter = max(counter, int(number.group(1)))
            records, references, keys = [], set(), set()
            for item in items:
                record = self._injected_record(item)
                reference, key = record["reference"], record["idempotency_key"]
                if reference is not None and (reference in self.by_reference or reference in references):
                    raise ApiFailure(409, "duplicate_reference", "reference %s was already applied" % reference)
                if key is not None and (key in self.keys or key in keys):
                    raise ApiFailure(409, "key_reused", "Idempotency-Key %s was already used" % key)
                if record["remote_ref"] is None:
                    counter += 1
                    while spec.remote_ref(counter) in self.by_remote_ref or spec.remote_ref(counter) in given:
                        counter += 1
                    record["remote_ref"] = spec.remote_ref(counter)
                references.add(reference)
                keys.add(key)
                records.append(record)
            self.option_counter = counter
            for record in records:
                self.applied.append(record)
                if record["reference"] is not None:
                    self.by_reference[record["reference"]] = record
                self.by_remote_ref[record["remote_ref"]] = record
                if record["idempotency_key"] is not None:
                    # A resend of an apply with this key replays this answer.
                    self.keys[record["idempotency_key"]] = (INJECTED, 201, spec.render_option(record))
            return [self._entry(record) for record in records]

    def _injected_record(self, item):
        """An inject object -> a record (remote_ref None when automatic); 400/404/422."""
        spec = self.spec
        missing = [f for f in ("phone_number", "product_code", "quantity") if item.get(f) in (None, "")]
        if missing:
            raise ApiFailure(400, "bad_request", "missing field(s): %s" % ", ".join(missing))
        phone = item["phone_number"]
        if phone not in self.lines:
            raise ApiFailure(404, "line_not_found", "no line with number %s" % phone)
        code = item["product_code"]
        quantity = item["quantity"]
        if isinstance(quantity, float) and quantity.is_integer():
            quantity = int(quantity)
        if not isinstance(code, str) or isinstance(quantity, bool) or not isinstance(quantity, int) \
                or quantity < 1:
            raise ApiFailure(422, "validation", "product_code must be a string and quantity a whole "
                             "number from 1, not %r, %r" % (code, quantity))
        reference = item.get("reference")
        if reference is not None and (not isinstance(reference, str) or not 1 <= len(reference) <= 128):
            raise ApiFailure(422, "validation", "reference must be null or a string of 1 to 128 characters")
        key = item.get("idempotency_key")
        if key is not None and (not isinstance(key, str) or not 1 <= len(key) <= 255):
            raise ApiFailure(422, "validation", "idempotency_key must be null or a string of 1 to 255 "
                             "characters")
        try:
            price = Decimal(str(item.get("unit_price", "0.00")))
            if price < 0:
                raise InvalidOperation()
        except InvalidOperation:
            raise ApiFailure(422, "validation", "unit_price must be a decimal >= 0")
        effective = item.get("effective_date") or datetime.datetime.utcnow().date().isoformat()
        try:
            datetime.datetime.strptime(str(effective), "%Y-%m-%d")
        except ValueError:
            raise ApiFailure(422, "validation", "effective_date must be YYYY-MM-DD, not %r" % (effective,))
        moments = {}
        for name in ("applied_at", "cancelled_at"):
            value = item.get(name)
            if value is not None:
                moments[name] = parse_timestamp(value)
                if moments[name] is None:
                    raise ApiFailure(422, "validation", "%s must be a UTC timestamp such as "
                                     "2026-12-01T10:00:00Z, not %r" % (name, value))
        cancelled = bool(item.get("cancelled")) or "cancelled_at" in moments
        applied_at = iso_utc(moments["applied_at"]) if "applied_at" in moments else utcnow_iso()
        cancelled_at = None
        if cancelled:
            cancelled_at = iso_utc(moments["cancelled_at"]) if "cancelled_at" in moments else utcnow_iso()
        remote_id = self.lines[phone]
        return {
            "idempotency_key": key, "line_id": spec.norm_id(remote_id), "line_id_raw": remote_id,
            "phone": phone, "product_code": code, "quantity": quantity, "unit_price": price,
            "effective_date": str(effective), "reference": reference,
            "remote_ref": item.get("remote_ref"),
            "site_id": None, "site_id_raw": None, "customer_id": None, "customer_id_raw": None,
            "applied_at": applied_at, "cancelled": cancelled, "cancelled_at": cancelled_at,
            "cancel_idempotency_key": None, "cancel_reference": None,
        }


# ---------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    """One request of either system; ``self.server.state`` says which."""

    protocol_version = "HTTP/1.1"  # keep-alive, like the real systems
    server_version = "TelecomSim/1.0"
    timeout = 60  # seconds an idle keep-alive connection is kept
    # Headers and body are written separately: without TCP_NODELAY, Nagle and
    # the client's delayed ACK add ~40 ms to every answer on a kept-alive connection.
    disable_nagle_algorithm = True

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    def log_message(self, fmt, *args):
        if self.server.verbose:
            sys.stderr.write("%s %s\n" % (self.server.state.spec.name, fmt % args))

    # -- plumbing ------------------------------------------------------------

    def _read_body(self):
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            return self.rfile.read(int(length))
        except ValueError:
            return b""

    def _send(self, status, body, content_type="application/json", headers=None):
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, str(value))
            self.end_headers()
            self.wfile.write(body)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            # The client gave up (its read timeout); nothing to answer to.
            self.close_connection = True

    def _send_json(self, status, payload, headers=None):
        self._send(status, json.dumps(payload).encode("utf-8"), headers=headers)

    def _send_error(self, failure):
        state = self.server.state
        code = state.spec.error_codes.get(failure.kind, failure.kind)
        state.count("statuses", str(failure.status))
        self._send_json(failure.status, {"error": {"code": code, "message": failure.message}},
                        headers=failure.headers)

    def _dispatch(self, method):
        raw = self._read_body()
        parts = urlsplit(self.path)
        path = parts.path
        if path.startswith("/_sim/"):
            self._sim(method, path, raw)
            return
        state = self.server.state
        operation, groups = None, {}
        for route_method, pattern, name in state.spec.routes:
            found = pattern.match(path)
            if found:
                if route_method != method:
                    self._send_error(ApiFailure(405, "bad_request", "%s is not allowed on %s" % (method, path)))
                    return
                operation, groups = name, found.groupdict()
                break
        if operation is None:
            self._send_error(ApiFailure(404, "not_found", "no such endpoint: %s %s" % (method, path)))
            return
        try:
            self._api(operation, groups, parse_qs(parts.query, keep_blank_values=True), raw)
        except ApiFailure as failure:
            self._send_error(failure)

    def _api(self, operation, groups, query, raw):
        key = self.headers.get("Idempotency-Key") if operation in WRITES else None
        if not key:
            return self._answer(operation, groups, query, raw)
        # Like the payment APIs: a second call with a key whose first call is
        # still being processed gets 409 at once, it does not wait for it.
        state = self.server.state
        with state.lock:
            if key in state.in_flight:
                state.count("requests", operation)
                state.count("statuses", "409 in flight")
                if operation == "cancel":
                    state.stats["cancels"]["key_in_use"] += 1
                raise ApiFailure(409, "key_in_flight", "a request with Idempotency-Key %s is still "
                                 "being processed; try again later" % key)
            state.in_flight.add(key)
        try:
            return self._answer(operation, groups, query, raw)
        finally:
            with state.lock:
                state.in_flight.discard(key)

    def _answer(self, operation, groups, query, raw):
        state = self.server.state
        state.count("requests", operation)
        faults = state.faults
        if faults["latency_ms"]:
            state.stop_event.wait(faults["latency_ms"] / 1000.0)
        if self.headers.get("Authorization", "") != "Bearer %s" % state.token:
            raise ApiFailure(401, "unauthorized", "missing or invalid bearer token")
        fault, entry = state.pick_fault(operation)
        if fault:
            state.count("faults", fault)
        retry_after = entry.get("retry_after", faults["retry_after"])
        timeout_s = float(entry.get("timeout_s", faults["timeout_s"]))
        if fault in FAULTS_BEFORE:
            self._fault_before(fault, retry_after, operation)
            return
        if operation in WRITES:
            key = self.headers.get("Idempotency-Key")
            try:
                if operation == "apply":
                    status, payload, replayed = state.apply(unquote(groups["line"]), key, raw)
                else:
                    status, payload, replayed = state.cancel(unquote(groups["option"]), key, raw)
            finally:
                # Applied or cancelled (or refused): from now on the key replays
                # its answer, even while this answer is still on its way.
                with state.lock:
                    state.in_flight.discard(key)
            headers = {"Idempotent-Replayed": "true"} if replayed else {}
        elif operation == "ping":
            status, payload, headers = 200, state.spec.render_ping(), {}
        elif operation == "list":
            status, payload, headers = 200, state.list_options(query), {}
        else:
            param = state.spec.query_params[operation]
            values = query.get(param) or [""]
            value = values[0]
            if value.startswith(" "):
                # an unencoded "+" of an E.164 number arrives as a space
                value = "+" + value[1:]
            if not value:
                raise ApiFailure(400, "bad_request", "the query parameter %s is required" % param)
            status, payload = state.lookup(operation, value)
            headers = {}
        body = json.dumps(payload).encode("utf-8")
        if fault == "timeout_after_apply":
            # Done (applied for an apply, cancelled for a cancel), but answer
            # only after timeout_s: the client times out without knowing the outcome.
            state.stop_event.wait(timeout_s)
        if fault == "malformed":
            # Half of the real answer: never valid JSON.
            body = body[:len(body) // 2]
        state.count("statuses", str(status))
        self._send(status, body, headers=headers)

    def _fault_before(self, fault, retry_after, operation):
        """Answer a fault that happens before anything is applied."""
        state = self.server.state
        if fault == "drop":
            # No answer at all: the server closes the connection.
            state.count("statuses", "dropped")
            self.close_connection = True
            return
        failures = {
            "5xx": ApiFailure(503, "unavailable", "service temporarily unavailable"),
            "429": ApiFailure(429, "rate_limited", "too many requests, retry after %s s" % retry_after,
                              headers={"Retry-After": retry_after}),
            "401": ApiFailure(401, "unauthorized", "missing or invalid bearer token"),
            "403": ApiFailure(403, "forbidden", "this token may not use this operation"),
            "422": ApiFailure(422, "validation", "the request was refused (injected fault)"),
            "404": ApiFailure(404, "not_found" if operation in ("cancel", "list") else "line_not_found",
                              "not found (injected fault)"),
        }
        raise failures[fault]

    # -- test-only endpoints ---------------------------------------------------

    def _sim(self, method, path, raw):
        state = self.server.state
        try:
            data = json.loads(raw.decode("utf-8")) if raw.strip() else {}
        except (ValueError, UnicodeDecodeError):
            self._send_json(400, {"error": {"code": "bad_request", "message": "body is not JSON"}})
            return
        try:
            if method == "GET" and path == "/_sim/health":
                self._send_json(200, {"system": state.spec.name, "ok": True})
            elif method == "GET" and path == "/_sim/applied":
                applied = state.applied_list()
                self._send_json(200, {"system": state.spec.name, "count": len(applied), "applied": applied})
            elif method == "GET" and path == "/_sim/stats":
                self._send_json(200, state.snapshot_stats())
            elif method == "GET" and path == "/_sim/faults":
                with state.lock:
                    self._send_json(200, json.loads(json.dumps(state.faults)))
            elif method == "POST" and path == "/_sim/faults":
                state.set_faults(data)
                with state.lock:
                    self._send_json(200, json.loads(json.dumps(state.faults)))
            elif method == "POST" and path == "/_sim/reset":
                state.reset()
                self._send_json(200, {"system": state.spec.name, "ok": True})
            elif method == "POST" and path == "/_sim/forget":
                self._send_json(200, state.forget(data))
            elif method == "POST" and path == "/_sim/inject":
                injected = state.inject(data)
                self._send_json(200, {"system": state.spec.name, "count": len(injected), "options": injected})
            elif method == "POST" and path == "/_sim/seed":
                if not isinstance(data, dict):
                    raise ApiFailure(400, "bad_request", "the seed must be a JSON object")
                self._send_json(200, state.add_seed(data))
            else:
                self._send_json(404, {"error": {"code": "not_found", "message": "no such endpoint: %s %s"
                                                % (method, path)}})
        except ApiFailure as failure:
            self._send_json(failure.status, {"error": {"code": failure.kind, "message": failure.message}})


class SimServer(ThreadingHTTPServer):
    """A threaded HTTP server bound to one system's state."""

    daemon_threads = True
    # A push opens one keep-alive connection per worker thread at once; the
    # default listen backlog (5) makes the kernel reset some of them.
    request_queue_size = 128

    def __init__(self, address, state, verbose=False):
        self.state = state
        self.verbose = verbose
        ThreadingHTTPServer.__init__(self, address, Handler)

    def handle_error(self, request, client_address):
        # A client that hangs up (timeouts, drops) is routine here.
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        ThreadingHTTPServer.handle_error(self, request, client_address)


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Simulated SNAIC and CFAST APIs (tests and demo).")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--snaic-port", type=int, default=8071, help="0 picks a free port")
    parser.add_argument("--cfast-port", type=int, default=8072, help="0 picks a free port")
    parser.add_argument("--token-snaic", default=os.environ.get("SNAIC_TOKEN", DEFAULT_TOKENS["snaic"]))
    parser.add_argument("--token-cfast", default=os.environ.get("CFAST_TOKEN", DEFAULT_TOKENS["cfast"]))
    parser.add_argument("--seed", default=DEFAULT_SEED, help="JSON file of lines, sites, customers, products")
    parser.add_argument("--pidfile", help="write the process id there; removed on exit")
    parser.add_argument("--verbose", action="store_true", help="log each request on stderr")
    return parser.parse_args(argv)


def main(argv=None):
    """Start both servers, print where they listen, serve until SIGTERM/SIGINT."""
    args = parse_args(argv)
    stop = threading.Event()
    wanted = (("snaic", args.snaic_port, args.token_snaic), ("cfast", args.cfast_port, args.token_cfast))
    try:
        states = [(SystemState(SPECS[key], token, args.seed, stop), port) for key, port, token in wanted]
    except (OSError, ValueError) as exc:
        sys.stderr.write("simulator: cannot read the seed %s: %s\n" % (args.seed, exc))
        return 2
    servers = []
    try:
        for state, port in states:
            servers.append(SimServer((args.host, port), state, verbose=args.verbose))
    except OSError as exc:
        sys.stderr.write("simulator: cannot listen on %s port %s: %s\n" % (args.host, port, exc))
        for server in servers:
            server.server_close()
        return 2

    def on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    if args.pidfile:
        with open(args.pidfile, "w") as handle:
            handle.write("%d\n" % os.getpid())
    threads = []
    for server in servers:
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                                  name="%s-server" % server.state.spec.name)
        thread.daemon = True
        thread.start()
        threads.append(thread)
    for server in servers:
        host, port = server.server_address[:2]
        sys.stdout.write("%s listening on http://%s:%d\n" % (server.state.spec.name, host, port))
    sys.stdout.flush()
    try:
        # Waking up regularly lets the signal handler run promptly.
        while not stop.wait(0.5):
            pass
    finally:
        stop.set()  # releases requests sleeping in a fault
        for server in servers:
            server.shutdown()
            server.server_close()
        for thread in threads:
            thread.join(5)
        if args.pidfile:
            try:
                os.remove(args.pidfile)
            except OSError:
                pass
        sys.stderr.write("simulator stopped\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
