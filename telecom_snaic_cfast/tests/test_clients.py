"""Unit tests of the SNAIC/CFAST API clients, with HTTP mocked by ``responses``.

No ORM here: plain ``unittest.TestCase`` classes, run by pytest-odoo with the
addon's other tests, or by any test runner. Each fault of the sync's fault
table (docs/ARCHITECTURE.md) that a client can see has its test, for both systems (the same cases run against
SNAIC's and CFAST's contract).
"""
import json
import logging
import socket
import traceback
import unittest
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit
from http.client import RemoteDisconnected

import requests
import responses
from urllib3.exceptions import ProtocolError

from ..clients import (ALREADY_CANCELLED, OPTION_NOT_FOUND, CfastClient, ConfigurationError,
                       PermanentError, RetryableError, SnaicClient, UnknownOutcomeError,
                       make_client)
from ..clients import base as client_base
from ..clients.base import parse_retry_after

TOKEN = "s3cr3t-T0KEN-never-shown"
KEY = "telecom_test:sync:42:%s"
REFERENCE = "telecom_test:MAJ-42:%s"


def free_port():
    """A loopback port nobody listens on (bound then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def dropped():
    """What requests raises when the server closes the connection without answering."""
    return requests.exceptions.ConnectionError(
        ProtocolError("Connection aborted.", RemoteDisconnected("Remote end closed connection without response")))


class ClientCases(object):
    """Cases shared by both systems; subclasses say how each system spells things."""

    system = None
    base_url = None
    client_class = None
    line_id = None
    site_id = None
    customer_id = None
    remote_ref = None

    # -- what differs per system (overridden) ------------------------------
    def line_url(self):
        raise NotImplementedError

    def site_url(self):
        raise NotImplementedError

    def customer_url(self):
        raise NotImplementedError

    def apply_url(self, line_id):
        raise NotImplementedError

    def option_url(self):
        raise NotImplementedError

    def ping_url(self):
        raise NotImplementedError

    def line_body(self):
        raise NotImplementedError

    def site_body(self):
        raise NotImplementedError

    def customer_body(self):
        raise NotImplementedError

    def option_body(self):
        raise NotImplementedError

    def assert_apply_body(self, sent):
        raise NotImplementedError

    def cancel_url(self, remote_ref):
        raise NotImplementedError

    def cancelled_body(self, cancelled=True):
        """The option as answered by a cancel or a read-back."""
        raise NotImplementedError

    def cancel_body_sent(self, reference):
        raise NotImplementedError

    already_cancelled_code = None
    not_found_code = None

    def list_url(self):
        raise NotImplementedError

    def list_item(self, remote_ref, reference, applied_at, cancelled=False, quantity=2):
        """One option of the list in the system's spelling."""
        raise NotImplementedError

    def list_page(self, items, more):
        """A page of the list: ``more`` says another page follows."""
        raise NotImplementedError

    def list_query(self, request):
        """(from, to, size, token sent) of a list request."""
        raise NotImplementedError

    # -- fixtures ----------------------------------------------------------
    def setUp(self):
        super(ClientCases, self).setUp()
        self.mock = responses.RequestsMock(assert_all_requests_are_fired=False)
        self.mock.start()
        self.addCleanup(self.mock.reset)
        self.addCleanup(self.mock.stop)
        self.client = make_client(self.system, self.base_url, TOKEN)
        self.addCleanup(self.client.close)
        self.assertIsInstance(self.client, self.client_class)
        self.key = KEY % self.system
        self.reference = REFERENCE % self.system

    def apply(self, client=None):
        return (client or self.client).apply_option(
            self.line_id, "RDATA1G-LT50", 2.0, 1.0, "2026-03-01", self.reference, self.key,
            site_id=self.site_id, customer_id=self.customer_id)

    def cancel(self, key=None, reference="telecom_test:REV-42"):
        return self.client.cancel_option(self.line_id, self.remote_ref, reference, key or "cancel:" + self.key)

    def error_body(self, code, message):
        return {"error": {"code": code, "message": message}}

    def assert_no_token(self, exc):
        """Neither the message, the repr nor the printed traceback shows the token."""
        texts = [str(exc), repr(exc), "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))]
        for text in texts:
            self.assertNotIn(TOKEN, text)

    # -- look-ups ----------------------------------------------------------
    def test_find_line_sends_bearer_token_and_returns_the_id(self):
        self.mock.add(responses.GET, self.line_url(), json=self.line_body(), status=200)
        self.assertEqual(self.client.find_line("+33700000090"), str(self.line_id))
        request = self.mock.calls[0].request
        self.assertEqual(request.headers["Authorization"], "Bearer %s" % TOKEN)
        self.assertIn("%2B33700000090", request.url)

    def test_find_site_and_customer_return_ids(self):
        self.mock.add(responses.GET, self.site_url(), json=self.site_body(), status=200)
        self.mock.add(responses.GET, self.customer_url(), json=self.customer_body(), status=200)
        self.assertEqual(self.client.find_site("SITE_SW1"), str(self.site_id))
        self.assertEqual(self.client.find_customer("DEMO-CUST-SW"), str(self.customer_id))

    def test_lookup_404_returns_none(self):
        for url in (self.line_url(), self.site_url(), self.customer_url()):
            self.mock.add(responses.GET, url, json=self.error_body("not_found", "unknown"), status=404)
        self.assertIsNone(self.client.find_line("+33699999999"))
        self.assertIsNone(self.client.find_site("NOPE"))
        self.assertIsNone(self.client.find_customer("NOPE"))

    def test_lookup_5xx_is_retryable(self):
        self.mock.add(responses.GET, self.line_url(), json=self.error_body("unavailable", "down"), status=502)
        with self.assertRaises(RetryableError) as caught:
            self.client.find_line("+33700000090")
        self.assertEqual(caught.exception.status, 502)

    def test_lookup_dropped_connection_is_retryable(self):
        # a read changes nothing remote: dropping it is just a failed try
        self.mock.add(responses.GET, self.line_url(), body=dropped())
        with self.assertRaises(RetryableError):
            self.client.find_line("+33700000090")

    def test_lookup_malformed_json_is_retryable(self):
        self.mock.add(responses.GET, self.line_url(), body="<html>proxy</html>", status=200)
        with self.assertRaises(RetryableError):
            self.client.find_line("+33700000090")

    # -- apply -------------------------------------------------------------
    def test_apply_sends_idempotency_key_token_and_body(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), json=self.option_body(), status=201)
        self.assertEqual(self.apply(), self.remote_ref)
        request = self.mock.calls[0].request
        self.assertEqual(request.headers["Idempotency-Key"], self.key)
        self.assertEqual(request.headers["Authorization"], "Bearer %s" % TOKEN)
        self.assertEqual(request.req_kwargs["timeout"], (3.05, 30.0))
        self.assert_apply_body(json.loads(request.body))

    def test_apply_requires_an_idempotency_key(self):
        with self.assertRaises(ValueError):
            self.client.apply_option(self.line_id, "RDATA1G-LT50", 2, 1.0, "2026-03-01", self.reference, "")
        self.assertEqual(len(self.mock.calls), 0)

    def test_read_timeout_after_sending_apply_is_unknown_outcome(self):
        # the remote may have applied it: neither failure nor success
        self.mock.add(responses.POST, self.apply_url(self.line_id), body=requests.exceptions.ReadTimeout("timed out"))
        with self.assertRaises(UnknownOutcomeError) as caught:
            self.apply()
        self.assertIn("checked by reference", str(caught.exception))
        self.assert_no_token(caught.exception)

    def test_read_timeout_on_lookup_is_retryable(self):
        self.mock.add(responses.GET, self.line_url(), body=requests.exceptions.ReadTimeout("timed out"))
        with self.assertRaises(RetryableError):
            self.client.find_line("+33700000090")

    def test_5xx_then_success_sends_the_same_key_twice(self):
        url = self.apply_url(self.line_id)
        self.mock.add(responses.POST, url, json=self.error_body("unavailable", "try later"), status=503)
        self.mock.add(responses.POST, url, json=self.option_body(), status=201)
        with self.assertRaises(RetryableError) as caught:
            self.apply()
        self.assertEqual(caught.exception.status, 503)
        self.assertIsNone(caught.exception.retry_after)
        self.assertEqual(self.apply(), self.remote_ref)
        self.assertEqual([c.request.headers["Idempotency-Key"] for c in self.mock.calls], [self.key, self.key])
        self.assertEqual(self.mock.calls[0].request.body, self.mock.calls[1].request.body)

    def test_429_honours_retry_after_seconds(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), status=429,
                      json=self.error_body("rate_limited", "slow down"), headers={"Retry-After": "7"})
        with self.assertRaises(RetryableError) as caught:
            self.apply()
        self.assertEqual(caught.exception.retry_after, 7)
        self.assertEqual(caught.exception.status, 429)

    def test_429_honours_retry_after_http_date(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), status=429,
                      json=self.error_body("rate_limited", "slow down"),
                      headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
        with self.assertRaises(RetryableError) as caught:
            self.apply()
        # a date in the past means "now", never a negative delay
        self.assertEqual(caught.exception.retry_after, 0)

    def test_business_errors_are_permanent_with_the_remote_message(self):
        cases = [(400, "bad_request", "missing field(s): quantity"),
                 (404, "line_not_found", "no line with ID %s" % self.line_id),
                 (409, "idempotency_key_reused", "key already used with a different request"),
                 (422, "validation_error", "unknown product code BAD-CODE")]
        for status, code, message in cases:
            self.mock.add(responses.POST, self.apply_url(self.line_id), json=self.error_body(code, message),
                          status=status)
            with self.assertRaises(PermanentError) as caught:
                self.apply()
            error = caught.exception
            self.assertEqual(error.status, status)
            self.assertEqual(error.code, code)
            self.assertEqual(error.remote_message, message)
            self.assertIn(message, str(error))
            self.assertIn(self.client.system, str(error))
            self.assert_no_token(error)

    def test_409_key_in_use_is_an_unknown_outcome(self):
        """An earlier call with the same key is still being answered: it may
        apply, so the outcome is read back, never called a failure."""
        code = self.client.in_flight_codes[0]
        self.mock.add(responses.POST, self.apply_url(self.line_id), status=409,
                      json=self.error_body(code, "still processing"))
        with self.assertRaises(UnknownOutcomeError) as caught:
            self.apply()
        self.assertEqual((caught.exception.status, caught.exception.code), (409, code))

    def test_401_and_403_are_configuration_errors_without_the_token(self):
        for status in (401, 403):
            self.mock.add(responses.POST, self.apply_url(self.line_id), status=status,
                          json=self.error_body("unauthorized", "invalid token %s" % TOKEN))
            with self.assertRaises(ConfigurationError) as caught:
                self.apply()
            self.assertEqual(caught.exception.status, status)
            self.assertIn("credentials", str(caught.exception))
            # even when the remote echoes the token back, it is masked
            self.assertIn("***", str(caught.exception))
            self.assert_no_token(caught.exception)

    def test_2xx_with_malformed_json_on_apply_is_unknown_outcome(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), body='{"option_ref": "OP-', status=201,
                      content_type="application/json")
        with self.assertRaises(UnknownOutcomeError) as caught:
            self.apply()
        self.assertEqual(caught.exception.status, 201)

    def test_2xx_without_the_remote_reference_is_unknown_outcome(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), json={"status": "queued"}, status=201)
        with self.assertRaises(UnknownOutcomeError):
            self.apply()

    def test_dropped_connection_on_apply_is_unknown_outcome(self):
        # the request left: the remote may have applied it before closing
        self.mock.add(responses.POST, self.apply_url(self.line_id), body=dropped())
        with self.assertRaises(UnknownOutcomeError):
            self.apply()

    def test_connect_timeout_is_retryable(self):
        # nothing was sent: retrying cannot apply twice
        self.mock.add(responses.POST, self.apply_url(self.line_id),
                      body=requests.exceptions.ConnectTimeout("connect timed out"))
        with self.assertRaises(RetryableError) as caught:
            self.apply()
        self.assertIn("nothing was sent", str(caught.exception))

    def test_redirect_is_a_configuration_error(self):
        self.mock.add(responses.POST, self.apply_url(self.line_id), status=301,
                      headers={"Location": "https://elsewhere.example/"})
        with self.assertRaises(ConfigurationError) as caught:
            self.apply()
        self.assertIn("URL", str(caught.exception))

    # -- read back -----------------------------------------------------------
    def test_get_option_returns_the_remote_ref_or_none(self):
        self.mock.add(responses.GET, self.option_url(), json=self.option_body(), status=200)
        self.mock.add(responses.GET, self.option_url(), json=self.error_body("not_found", "never applied"),
                      status=404)
        self.assertEqual(self.client.get_option(self.reference), self.remote_ref)
        self.assertIsNone(self.client.get_option(self.reference))
        self.assertIn("telecom_test%3AMAJ-42%3A", self.mock.calls[0].request.url)

    def test_get_option_status_says_cancelled_or_not_or_none(self):
        self.mock.add(responses.GET, self.option_url(), json=self.cancelled_body(False), status=200)
        self.mock.add(responses.GET, self.option_url(), json=self.cancelled_body(True), status=200)
        self.mock.add(responses.GET, self.option_url(), json=self.option_body(), status=200)
        self.mock.add(responses.GET, self.option_url(), json=self.error_body("not_found", "never applied"),
                      status=404)
        self.assertEqual(self.client.get_option_status(self.reference),
                         {"option_ref": self.remote_ref, "cancelled": False})
        self.assertEqual(self.client.get_option_status(self.reference),
                         {"option_ref": self.remote_ref, "cancelled": True})
        # an answer without the cancel fields: not cancelled
        self.assertEqual(self.client.get_option_status(self.reference),
                         {"option_ref": self.remote_ref, "cancelled": False})
        self.assertIsNone(self.client.get_option_status(self.reference))
        self.assertIn("telecom_test%3AMAJ-42%3A", self.mock.calls[0].request.url)

    def test_get_option_status_errors_are_retryable(self):
        self.mock.add(responses.GET, self.option_url(), json=self.error_body("x", "down"), status=503)
        self.mock.add(responses.GET, self.option_url(), body=requests.exceptions.ReadTimeout("timed out"))
        for _ in range(2):
            with self.assertRaises(RetryableError):
                self.client.get_option_status(self.reference)

    # -- cancel --------------------------------------------------------------
    def test_cancel_sends_the_key_our_reference_and_returns_the_remote_ref(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), json=self.cancelled_body(), status=200)
        self.assertEqual(self.cancel(), self.remote_ref)
        request = self.mock.calls[0].request
        self.assertEqual(request.headers["Idempotency-Key"], "cancel:" + self.key)
        self.assertEqual(request.headers["Authorization"], "Bearer %s" % TOKEN)
        self.assertEqual(request.req_kwargs["timeout"], (3.05, 30.0))
        self.assertEqual(json.loads(request.body), self.cancel_body_sent("telecom_test:REV-42"))

    def test_cancel_without_our_reference_sends_an_empty_object(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), json=self.cancelled_body(), status=200)
        self.assertEqual(self.cancel(reference=None), self.remote_ref)
        self.assertEqual(json.loads(self.mock.calls[0].request.body), {})

    def test_cancel_quotes_the_remote_ref_in_the_path(self):
        self.mock.add(responses.POST, self.cancel_url("A%2FB"), json=self.cancelled_body(), status=200)
        self.client.cancel_option(self.line_id, "A/B", None, self.key)
        self.assertEqual(len(self.mock.calls), 1)

    def test_cancel_requires_an_idempotency_key(self):
        with self.assertRaises(ValueError):
            self.client.cancel_option(self.line_id, self.remote_ref, "telecom_test:REV-42", "")
        self.assertEqual(len(self.mock.calls), 0)

    def test_cancel_replayed_by_the_same_key_returns_the_remote_ref(self):
        url = self.cancel_url(self.remote_ref)
        self.mock.add(responses.POST, url, json=self.cancelled_body(), status=200)
        self.mock.add(responses.POST, url, json=self.cancelled_body(), status=200,
                      headers={"Idempotent-Replayed": "true"})
        self.assertEqual(self.cancel(), self.remote_ref)
        self.assertEqual(self.cancel(), self.remote_ref)
        calls = self.mock.calls
        self.assertEqual(calls[0].request.headers["Idempotency-Key"], calls[1].request.headers["Idempotency-Key"])
        self.assertEqual(calls[0].request.body, calls[1].request.body)

    def test_cancel_already_cancelled_by_another_key_has_one_code_for_every_system(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), status=409,
                      json=self.error_body(self.already_cancelled_code, "already cancelled"))
        with self.assertRaises(PermanentError) as caught:
            self.cancel()
        error = caught.exception
        self.assertEqual((error.status, error.code), (409, ALREADY_CANCELLED))
        self.assertEqual(error.code, "already_cancelled")
        self.assertEqual(error.remote_code, self.already_cancelled_code)
        self.assertIn(self.remote_ref, str(error))
        self.assert_no_token(error)

    def test_cancel_other_409_keep_their_code(self):
        code = {"snaic": "idempotency_key_reused", "cfast": "IDEMPOTENCY_CONFLICT"}[self.system]
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), status=409,
                      json=self.error_body(code, "key already used with a different request"))
        with self.assertRaises(PermanentError) as caught:
            self.cancel()
        self.assertEqual((caught.exception.status, caught.exception.code), (409, code))

    def test_cancel_of_an_unknown_option_is_not_found(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), status=404,
                      json=self.error_body(self.not_found_code, "no option %s" % self.remote_ref))
        with self.assertRaises(PermanentError) as caught:
            self.cancel()
        error = caught.exception
        self.assertEqual((error.status, error.code, error.remote_code), (404, OPTION_NOT_FOUND, self.not_found_code))
        self.assertEqual(error.code, "not_found")

    def test_cancel_422_is_permanent(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), status=422,
                      json=self.error_body("validation", "bad reference"))
        with self.assertRaises(PermanentError) as caught:
            self.cancel()
        self.assertEqual(caught.exception.status, 422)

    def test_cancel_5xx_and_429_are_retryable(self):
        url = self.cancel_url(self.remote_ref)
        self.mock.add(responses.POST, url, json=self.error_body("unavailable", "down"), status=503)
        self.mock.add(responses.POST, url, json=self.error_body("rate_limited", "slow down"), status=429,
                      headers={"Retry-After": "7"})
        with self.assertRaises(RetryableError) as caught:
            self.cancel()
        self.assertEqual((caught.exception.status, caught.exception.retry_after), (503, None))
        with self.assertRaises(RetryableError) as caught:
            self.cancel()
        self.assertEqual((caught.exception.status, caught.exception.retry_after), (429, 7))

    def test_cancel_timeout_drop_or_unreadable_answer_is_unknown_outcome(self):
        url = self.cancel_url(self.remote_ref)
        self.mock.add(responses.POST, url, body=requests.exceptions.ReadTimeout("timed out"))
        self.mock.add(responses.POST, url, body=dropped())
        self.mock.add(responses.POST, url, body='{"option', status=200, content_type="application/json")
        self.mock.add(responses.POST, url, json={"status": "queued"}, status=200)
        code = self.client.in_flight_codes[0]
        self.mock.add(responses.POST, url, status=409, json=self.error_body(code, "still processing"))
        for _ in range(5):
            with self.assertRaises(UnknownOutcomeError) as caught:
                self.cancel()
            self.assertIn("checked by reference", str(caught.exception))
            self.assert_no_token(caught.exception)

    def test_cancel_connect_timeout_is_retryable(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref),
                      body=requests.exceptions.ConnectTimeout("connect timed out"))
        with self.assertRaises(RetryableError) as caught:
            self.cancel()
        self.assertIn("nothing was sent", str(caught.exception))

    def test_cancel_401_is_a_configuration_error(self):
        self.mock.add(responses.POST, self.cancel_url(self.remote_ref), status=401,
                      json=self.error_body("unauthorized", "invalid token %s" % TOKEN))
        with self.assertRaises(ConfigurationError) as caught:
            self.cancel()
        self.assert_no_token(caught.exception)

    # -- list of options (the audit) -----------------------------------
    def test_list_options_pages_and_normalizes_the_items(self):
        url = self.list_url()
        self.mock.add(responses.GET, url, status=200, json=self.list_page([
            self.list_item(self.remote_ref, "ours-1", "2026-12-01T10:00:00Z"),
            self.list_item("X-9", None, "2026-12-01T11:30:00+01:00", cancelled=True, quantity=3)], True))
        self.mock.add(responses.GET, url, status=200, json=self.list_page([
            self.list_item("X-10", "ours-2", "2026-12-01T23:59:59Z")], False))
        start = datetime(2026, 12, 1, 1, 0, tzinfo=timezone(timedelta(hours=1)))  # aware: 00:00 UTC
        first = self.client.list_options(start, datetime(2026, 12, 2), page_size=2)
        self.assertEqual(first["options"], [
            {"remote_ref": self.remote_ref, "remote_line_id": str(self.line_id), "product_code": "RDATA1G-LT50",
             "quantity": 2.0, "reference": "ours-1", "applied_at": datetime(2026, 12, 1, 10, 0),
             "effective_date": "2026-12-01", "cancelled": False},
            {"remote_ref": "X-9", "remote_line_id": str(self.line_id), "product_code": "RDATA1G-LT50",
             "quantity": 3.0, "reference": None, "applied_at": datetime(2026, 12, 1, 10, 30),
             "effective_date": "2026-12-01", "cancelled": True}])
        token = first["next_page_token"]
        self.assertTrue(token)
        second = self.client.list_options(start, datetime(2026, 12, 2), page_token=token, page_size=2)
        self.assertEqual([o["remote_ref"] for o in second["options"]], ["X-10"])
        self.assertIsNone(second["next_page_token"])
        self.assertEqual(self.list_query(self.mock.calls[0].request),
                         ("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "2", None))
        self.assertEqual(self.list_query(self.mock.calls[1].request),
                         ("2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "2", token))
        self.assertEqual(self.mock.calls[0].request.headers["Authorization"], "Bearer %s" % TOKEN)

    def test_list_options_errors_are_retryable_for_transient_failures(self):
        url = self.list_url()
        self.mock.add(responses.GET, url, json=self.error_body("unavailable", "down"), status=503)
        self.mock.add(responses.GET, url, json=self.error_body("rate_limited", "slow"), status=429,
                      headers={"Retry-After": "5"})
        self.mock.add(responses.GET, url, body=requests.exceptions.ReadTimeout("timed out"))
        self.mock.add(responses.GET, url, body=dropped())
        expected = [(503, None), (429, 5), (None, None), (None, None)]
        for status, retry_after in expected:
            with self.assertRaises(RetryableError) as caught:
                self.client.list_options(datetime(2026, 12, 1), datetime(2026, 12, 2))
            # a GET changes nothing: never an unknown outcome
            self.assertNotIsInstance(caught.exception, UnknownOutcomeError)
            self.assertEqual((caught.exception.status, caught.exception.retry_after), (status, retry_after))
            self.assert_no_token(caught.exception)
        self.assertTrue(caught.exception.__class__ is RetryableError)

    def test_list_options_4xx_is_permanent_and_401_a_configuration_error(self):
        url = self.list_url()
        self.mock.add(responses.GET, url, json=self.error_body("validation", "bad date"), status=422)
        self.mock.add(responses.GET, url, json=self.error_body("not_found", "no such path"), status=404)
        self.mock.add(responses.GET, url, json=self.error_body("unauthorized", "bad token"), status=401)
        for status in (422, 404):
            with self.assertRaises(PermanentError) as caught:
                self.client.list_options(datetime(2026, 12, 1), datetime(2026, 12, 2))
            self.assertEqual(caught.exception.status, status)
        with self.assertRaises(ConfigurationError):
            self.client.list_options(datetime(2026, 12, 1), datetime(2026, 12, 2))

    def test_list_options_malformed_answer_is_retryable_malformed_reply(self):
        url = self.list_url()
        good = self.list_item(self.remote_ref, "ours-1", "2026-12-01T10:00:00Z")
        broken = [dict(good, **{k: None}) for k in good if k in ("option_ref", "id", "applied_at", "createdAt")]
        self.mock.add(responses.GET, url, body='{"options": [', status=200, content_type="application/json")
        self.mock.add(responses.GET, url, json={"unexpected": True}, status=200)
        self.mock.add(responses.GET, url, json=self.list_page(["not an object"], False), status=200)
        for item in broken:
            self.mock.add(responses.GET, url, json=self.list_page([item], False), status=200)
        self.mock.add(responses.GET, url, json=self.list_page([dict(good, quantity="two")], False), status=200)
        self.mock.add(responses.GET, url, json=self.list_page([], True), status=200)
        for index in range(3 + len(broken) + 2):
            with self.assertRaises(RetryableError, msg=index) as caught:
                self.client.list_options(datetime(2026, 12, 1), datetime(2026, 12, 2))
            if index:
                self.assertEqual(caught.exception.code, "malformed_reply")

    def test_list_options_checks_its_arguments_before_any_call(self):
        for size in (0, 1001, "500", 2.5):
            with self.assertRaises(ValueError):
                self.client.list_options(datetime(2026, 12, 1), datetime(2026, 12, 2), page_size=size)
        with self.assertRaises(TypeError):
            self.client.list_options("2026-12-01", datetime(2026, 12, 2))
        self.assertEqual(len(self.mock.calls), 0)

    # -- ping --------------------------------------------------------------
    def test_ping_ok(self):
        self.mock.add(responses.GET, self.ping_url(), json={}, status=200)
        message = self.client.ping()
        self.assertIn("Connected to %s" % self.client.system, message)

    def test_ping_with_a_bad_token_says_check_credentials(self):
        self.mock.add(responses.GET, self.ping_url(), json=self.error_body("unauthorized", "bad token"), status=401)
        with self.assertRaises(ConfigurationError) as caught:
            self.client.ping()
        self.assertIn("check the credentials", str(caught.exception))
        self.assert_no_token(caught.exception)

    def test_ping_on_a_wrong_url_says_check_the_url(self):
        self.mock.add(responses.GET, self.ping_url(), body="Not Found", status=404)
        with self.assertRaises(ConfigurationError) as caught:
            self.client.ping()
        self.assertIn("check the URL", str(caught.exception))

    def test_ping_timeout_is_retryable(self):
        self.mock.add(responses.GET, self.ping_url(), body=requests.exceptions.ReadTimeout("timed out"))
        with self.assertRaises(RetryableError) as caught:
            self.client.ping()
        self.assertIn("no answer within 30 s", str(caught.exception))
        self.assertIn("check the URL", str(caught.exception))

    # -- secrets -------------------------------------------------------------
    def test_token_is_never_logged_nor_in_repr(self):
        self.mock.add(responses.GET, self.line_url(), json=self.line_body(), status=200)
        self.mock.add(responses.POST, self.apply_url(self.line_id), json=self.error_body("x", "boom"), status=500)
        self.mock.add(responses.POST, self.apply_url(self.line_id), json=self.error_body("x", "no"), status=401)
        self.mock.add(responses.POST, self.apply_url(self.line_id), body=requests.exceptions.ReadTimeout("t"))
        # the clients' own logger: its level is set here, whatever the Odoo
        # logging configuration of the test run says for "odoo.*"
        logger = logging.getLogger(client_base.__name__)
        with self.assertLogs(logger, level=logging.DEBUG) as logs:
            self.client.find_line("+33700000090")
            for expected in (RetryableError, ConfigurationError, UnknownOutcomeError):
                with self.assertRaises(expected):
                    self.apply()
        text = "\n".join(logs.output)
        self.assertNotIn(TOKEN, text)
        self.assertNotIn("Authorization", text)
        self.assertNotIn("+33700000090", text)  # no query strings (phone numbers) either
        self.assertIn("%s GET" % self.client.system, text)
        self.assertIn("-> 200", text)
        self.assertIn("-> 500", text)
        for obj in (self.client, self.client.session.auth):
            self.assertNotIn(TOKEN, repr(obj))

    def test_no_token_in_session_headers(self):
        # the token is added per request by the auth object, so dumping the
        # session's default headers cannot leak it
        self.assertNotIn(TOKEN, repr(dict(self.client.session.headers)))


class TestSnaicClient(ClientCases, unittest.TestCase):
    system = "snaic"
    base_url = "https://snaic.test"
    client_class = SnaicClient
    line_id = "SN-L-000101"
    site_id = "SN-S-0001"
    customer_id = "SN-C-0001"
    remote_ref = "OP-123"

    def line_url(self):
        return self.base_url + "/api/v1/lines/lookup"

    def site_url(self):
        return self.base_url + "/api/v1/sites/lookup"

    def customer_url(self):
        return self.base_url + "/api/v1/customers/lookup"

    def apply_url(self, line_id):
        return self.base_url + "/api/v1/lines/%s/options" % line_id

    def option_url(self):
        return self.base_url + "/api/v1/options/lookup"

    def ping_url(self):
        return self.base_url + "/api/v1/ping"

    def line_body(self):
        return {"line_id": self.line_id, "msisdn": "+33700000090", "status": "active"}

    def site_body(self):
        return {"site_id": self.site_id, "code": "SITE_SW1"}

    def customer_body(self):
        return {"customer_id": self.customer_id, "ref": "DEMO-CUST-SW"}

    def option_body(self):
        return {"option_ref": self.remote_ref, "line_id": self.line_id, "reference": self.reference}

    def assert_apply_body(self, sent):
        self.assertEqual(sent, {
            "product_code": "RDATA1G-LT50", "quantity": 2, "unit_price": "1.00",
            "effective_date": "2026-03-01", "reference": self.reference,
            "site_id": self.site_id, "customer_id": self.customer_id})
        self.assertIsInstance(sent["quantity"], int)

    already_cancelled_code = "already_cancelled"
    not_found_code = "not_found"

    def cancel_url(self, remote_ref):
        return self.base_url + "/api/v1/options/%s/cancel" % remote_ref

    def cancelled_body(self, cancelled=True):
        return dict(self.option_body(), status="cancelled" if cancelled else "applied", cancelled=cancelled,
                    cancelled_at="2026-03-02T10:00:00Z" if cancelled else None)

    def cancel_body_sent(self, reference):
        return {"cancel_reference": reference}

    def list_url(self):
        return self.base_url + "/api/v1/options"

    def list_item(self, remote_ref, reference, applied_at, cancelled=False, quantity=2):
        return {"option_ref": remote_ref, "line_id": self.line_id, "reference": reference,
                "product_code": "RDATA1G-LT50", "quantity": quantity, "unit_price": "1.00",
                "effective_date": "2026-12-01", "status": "cancelled" if cancelled else "applied",
                "applied_at": applied_at, "cancelled": cancelled,
                "cancelled_at": "2026-12-01T12:00:00Z" if cancelled else None}

    def list_page(self, items, more):
        self.page = getattr(self, "page", 0) + 1
        return {"options": items, "page": self.page, "page_size": 2, "total": 3, "has_more": more}

    def list_query(self, request):
        query = parse_qs(urlsplit(request.url).query)
        token = query["page"][0]
        return (query["applied_from"][0], query["applied_to"][0], query["page_size"][0],
                None if token == "1" else token)


class TestCfastClient(ClientCases, unittest.TestCase):
    system = "cfast"
    base_url = "https://cfast.test/api"
    client_class = CfastClient
    line_id = "880001"
    site_id = "5101"
    customer_id = "90001"
    remote_ref = "CF-000123"

    def line_url(self):
        return self.base_url + "/rest/v2/lines/search"

    def site_url(self):
        return self.base_url + "/rest/v2/sites/search"

    def customer_url(self):
        return self.base_url + "/rest/v2/accounts/search"

    def apply_url(self, line_id):
        return self.base_url + "/rest/v2/lines/%s/one-off-options" % line_id

    def option_url(self):
        return self.base_url + "/rest/v2/one-off-options/search"

    def ping_url(self):
        return self.base_url + "/rest/v2/whoami"

    def line_body(self):
        return {"line": {"id": int(self.line_id), "phoneNumber": "+33700000090", "status": "ACTIVE"}}

    def site_body(self):
        return {"site": {"id": int(self.site_id), "siteCode": "SITE_SW1"}}

    def customer_body(self):
        return {"account": {"id": int(self.customer_id), "externalRef": "DEMO-CUST-SW"}}

    def option_body(self):
        return {"option": {"id": self.remote_ref, "lineId": int(self.line_id),
                           "externalReference": self.reference, "state": "APPLIED"}}

    def assert_apply_body(self, sent):
        # CFAST: camelCase, price as a decimal string, integer IDs
        self.assertEqual(sent, {
            "productCode": "RDATA1G-LT50", "quantity": 2, "unitPrice": "1.00",
            "effectiveDate": "2026-03-01", "externalReference": self.reference,
            "siteId": 5101, "accountId": 90001})

    already_cancelled_code = "OPTION_ALREADY_CANCELLED"
    not_found_code = "NOT_FOUND"

    def cancel_url(self, remote_ref):
        return self.base_url + "/rest/v2/one-off-options/%s/cancellation" % remote_ref

    def cancelled_body(self, cancelled=True):
        body = self.option_body()
        body["option"].update(state="CANCELLED" if cancelled else "APPLIED", cancelled=cancelled,
                              cancelledAt="2026-03-02T10:00:00Z" if cancelled else None)
        return body

    def cancel_body_sent(self, reference):
        return {"cancellationReference": reference}

    def list_url(self):
        return self.base_url + "/rest/v2/one-off-options"

    def list_item(self, remote_ref, reference, applied_at, cancelled=False, quantity=2):
        return {"id": remote_ref, "lineId": int(self.line_id), "externalReference": reference,
                "productCode": "RDATA1G-LT50", "quantity": quantity, "unitPrice": "1.00",
                "effectiveDate": "2026-12-01", "createdAt": applied_at,
                "state": "CANCELLED" if cancelled else "APPLIED", "cancelled": cancelled,
                "cancelledAt": "2026-12-01T12:00:00Z" if cancelled else None}

    def list_page(self, items, more):
        return {"data": items, "nextCursor": "b3BhcXVl+/=" if more else None}

    def list_query(self, request):
        query = parse_qs(urlsplit(request.url).query)
        return (query["appliedFrom"][0], query["appliedTo"][0], query["limit"][0],
                query.get("cursor", [None])[0])


class TestConnectionRefused(unittest.TestCase):
    """A real closed port (no mock): the connection is refused, nothing is sent."""

    def test_connection_refused_is_retryable_for_every_call(self):
        url = "http://127.0.0.1:%d" % free_port()
        for system in ("snaic", "cfast"):
            client = make_client(system, url, TOKEN, timeout_connect=1, timeout_read=1)
            self.addCleanup(client.close)
            calls = [lambda: client.find_line("+33700000090"),
                     lambda: client.apply_option("1", "RDATA1G-LT50", 1, 1.0, "2026-03-01", "r", "k")]
            for call in calls:
                with self.assertRaises(RetryableError) as caught:
                    call()
                self.assertIn("connection refused", str(caught.exception))
                self.assertIn("nothing was sent", str(caught.exception))
                printed = "".join(traceback.format_exception(
                    type(caught.exception), caught.exception, caught.exception.__traceback__))
                self.assertNotIn(TOKEN, printed)
            # the test-connection button says what to check, not "will be retried"
            with self.assertRaises(RetryableError) as caught:
                client.ping()
            self.assertIn("connection refused", str(caught.exception))
            self.assertIn("check the URL", str(caught.exception))
            self.assertNotIn("retried", str(caught.exception))


class TestFactoryAndHelpers(unittest.TestCase):
    def test_make_client_builds_each_system_with_its_settings(self):
        snaic = make_client("snaic", "https://snaic.test/", TOKEN, timeout_connect=2, timeout_read=9, pool_size=4)
        cfast = make_client("CFAST", "https://cfast.test", TOKEN)
        self.addCleanup(snaic.close)
        self.addCleanup(cfast.close)
        self.assertIsInstance(snaic, SnaicClient)
        self.assertIsInstance(cfast, CfastClient)
        self.assertEqual(snaic.base_url, "https://snaic.test")
        self.assertEqual(snaic.timeout, (2.0, 9.0))
        self.assertEqual(cfast.timeout, (3.05, 30.0))
        self.assertEqual(snaic.session.get_adapter("https://snaic.test")._pool_maxsize, 4)

    def test_make_client_refuses_bad_settings_in_plain_words(self):
        with self.assertRaises(ValueError):
            make_client("other", "https://x.test", TOKEN)
        with self.assertRaises(ConfigurationError) as caught:
            make_client("snaic", "snaic.test", TOKEN)
        self.assertIn("http://", str(caught.exception))
        with self.assertRaises(ConfigurationError) as caught:
            make_client("cfast", "https://cfast.test", "")
        self.assertIn("token", str(caught.exception))

    def test_url_credentials_are_masked(self):
        client = make_client("snaic", "https://user:pw@snaic.test", TOKEN)
        self.addCleanup(client.close)
        self.assertNotIn("pw", repr(client))
        self.assertEqual(client.safe_url, "https://snaic.test")

    def test_parse_retry_after(self):
        self.assertEqual(parse_retry_after("12"), 12)
        self.assertIsNone(parse_retry_after(None))
        self.assertIsNone(parse_retry_after("soon"))
        self.assertEqual(parse_retry_after("Wed, 21 Oct 2015 07:28:20 GMT", now=1445412480.0), 20)


if __name__ == "__main__":
    unittest.main()
