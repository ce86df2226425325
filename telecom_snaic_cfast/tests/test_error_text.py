# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""What users read of the SNAIC/CFAST errors: one translated sentence per
family of errors, saying what happened, who acts and what they do, written
in the language of the company (else of the connection's responsible) by
the push, the connection test and the demo."""
import unittest

from odoo.tests.common import SavepointCase
from odoo.addons.telecom_parc.tests.common_i18n import load_french

from ..clients import errors
from ..clients.errors import (ConfigurationError, PermanentError,
                              RetryableError, UnknownOutcomeError,
                              error_family)
from .common import SyncCase


def retryable(status=None, timed_out=False, retry_after=None):
    error = RetryableError("English client text", system="CFAST",
                           status=status, retry_after=retry_after)
    error.timed_out = timed_out
    return error


# One error of each family, as the clients raise them.
EXAMPLES = {
    errors.NOT_FOUND: PermanentError(
        "English client text", system="CFAST", status=404,
        code="telecom_missing_id"),
    errors.UNAUTHORIZED: ConfigurationError(
        "English client text", system="CFAST", status=401),
    errors.VALIDATION: PermanentError(
        "English client text", system="CFAST", status=422,
        code="invalid_quantity"),
    errors.CONFLICT: PermanentError(
        "English client text", system="CFAST", status=409, code="conflict"),
    errors.REFUSED: PermanentError(
        "English client text", system="CFAST", status=410),
    errors.RATE_LIMIT: retryable(429, retry_after=5),
    errors.SERVER_ERROR: retryable(503),
    errors.TIMEOUT: retryable(timed_out=True),
    errors.UNREACHABLE: retryable(),
    errors.CONFIGURATION: ConfigurationError(
        "English client text", system="CFAST"),
    errors.UNKNOWN_OUTCOME: UnknownOutcomeError(
        "English client text", system="CFAST"),
    errors.UNEXPECTED: ValueError("English client text"),
}

# Who acts, in French, for each family once no automatic retry is left.
FRENCH_WHO = {
    errors.NOT_FOUND: "Opérateur : faire créer la ligne 0600000099 chez "
                      "CFAST (ou corriger le numéro de la ligne), puis "
                      "cliquer sur Réessayer.",
    errors.UNAUTHORIZED: "Administrateur : saisir un jeton d'API valide",
    errors.VALIDATION: "Opérateur : vérifier la ligne et ses options",
    errors.CONFLICT: "Opérateur : faire vérifier la ligne 0600000099 par le "
                     "support CFAST",
    errors.REFUSED: "Opérateur : demander au support CFAST",
    errors.RATE_LIMIT: "Administrateur : réduire les Demandes simultanées",
    errors.SERVER_ERROR: "Administrateur : demander au support CFAST si le "
                         "service est rétabli",
    errors.TIMEOUT: "Administrateur : vérifier le réseau",
    errors.UNREACHABLE: "Administrateur : vérifier l'URL",
    errors.CONFIGURATION: "Administrateur : corriger l'URL",
    errors.UNKNOWN_OUTCOME: "Personne n'a à intervenir : la demande est "
                            "relue dans CFAST",
    errors.UNEXPECTED: "Personne n'a à intervenir",
}
ENGLISH = ("English client text", " the ", "refused", "press", "Retry ",
           "Nobody", "Operator", "Administrator")


class TestErrorFamilies(unittest.TestCase):

    def test_each_error_has_its_family(self):
        for family, error in EXAMPLES.items():
            self.assertEqual(error_family(error), family, repr(error))
        self.assertEqual(error_family(PermanentError(
            "x", status=400)), errors.VALIDATION)
        self.assertEqual(error_family(retryable(408)), errors.TIMEOUT)
        self.assertEqual(error_family(ConfigurationError(
            "x", status=403)), errors.UNAUTHORIZED)


class TestErrorTexts(SavepointCase):

    @classmethod
    def setUpClass(cls):
        super(TestErrorTexts, cls).setUpClass()
        cls.fr = load_french(cls.env)
        cls.Request = cls.env["telecom.sync.request"]

    @classmethod
    def tearDownClass(cls):
        cls.env["ir.translation"].clear_caches()
        cls.env["res.lang"].clear_caches()
        super(TestErrorTexts, cls).tearDownClass()

    def text(self, error, lang, final=True):
        return self.Request.with_context(lang=lang)._telecom_error_text(
            error, "CFAST", line="0600000099", backend="CFAST (production)",
            final=final)

    def test_each_family_in_french_says_who_does_what(self):
        for family, error in EXAMPLES.items():
            text = self.text(error, self.fr)
            self.assertIn(FRENCH_WHO[family], text, family)
            for word in ENGLISH:
                self.assertNotIn(word, text, (family, text))

    def test_the_seeds_example(self):
        self.assertEqual(
            self.text(EXAMPLES[errors.NOT_FOUND], self.fr),
            "CFAST ne connaît pas la ligne 0600000099. Opérateur : faire "
            "créer la ligne 0600000099 chez CFAST (ou corriger le numéro de "
            "la ligne), puis cliquer sur Réessayer.")
        self.assertEqual(
            self.text(EXAMPLES[errors.NOT_FOUND], "en_US"),
            "CFAST does not know the line 0600000099. Operator: ask CFAST to "
            "create the line 0600000099 (or correct the number of the line), "
            "then press Retry.")

    def test_retried_automatically_while_attempts_are_left(self):
        for family in (errors.RATE_LIMIT, errors.SERVER_ERROR,
                       errors.TIMEOUT, errors.UNREACHABLE):
            text = self.text(EXAMPLES[family], self.fr, final=False)
            self.assertIn("Personne n'a à intervenir : la demande est "
                          "réessayée automatiquement.", text)
        self.assertIn("HTTP 503", self.text(
            EXAMPLES[errors.SERVER_ERROR], self.fr, final=False))


class TestStoredInTheCompanysLanguage(SyncCase):

    @classmethod
    def setUpClass(cls):
        super(TestStoredInTheCompanysLanguage, cls).setUpClass()
        cls.fr = load_french(cls.env)
        cls.company.partner_id.lang = cls.fr

    @classmethod
    def tearDownClass(cls):
        cls.env["ir.translation"].clear_caches()
        cls.env["res.lang"].clear_caches()
        super(TestStoredInTheCompanysLanguage, cls).tearDownClass()

    def test_push_error_and_summary_in_french(self):
        line = self.new_line("+33600000098")  # known to CFAST only
        deployment = self.make_done(line)
        deployment.sync_request_ids._telecom_push()
        snaic = self.requests_of(deployment, "snaic")
        self.assertEqual(snaic.state, "error")
        self.assertEqual(
            snaic.last_error,
            "SNAIC ne connaît pas la ligne %s. Opérateur : faire créer la "
            "ligne %s chez SNAIC (ou corriger le numéro de la ligne), puis "
            "cliquer sur Réessayer." % (line.name, line.name))
        bodies = "\n".join(deployment.message_ids.mapped("body"))
        self.assertIn("MAJ appliquées dans CFAST", bodies)
        self.assertIn("Erreur SNAIC sur 1 ligne(s)", bodies)
        self.assertNotIn("Applied in", bodies)
        self.assertIn("%s : SNAIC ne connaît pas" % line.name, bodies)
        self.assertEqual(deployment.activity_ids.summary,
                         "SNAIC/CFAST : 1 ligne(s) en erreur")
        self.assertIn("SNAIC / %s : SNAIC ne connaît pas" % line.name,
                      deployment.activity_ids.note)
        self.assertIn("Erreur SNAIC : SNAIC ne connaît pas",
                      "\n".join(line.message_ids.mapped("body")))

    def test_read_back_failure_in_french(self):
        request = self.requests_of(self.make_done(self.lines[1]), "snaic")
        request._telecom_write_read_back_failure(retryable(503))
        self.assertEqual(
            request.last_error,
            "Le résultat reste inconnu : la relecture a échoué. Elle sera "
            "refaite. SNAIC a eu une panne temporaire (HTTP 503). Personne "
            "n'a à intervenir : la demande est réessayée automatiquement.")

    def test_connection_test_in_french(self):
        backend = self.backends["snaic"]
        backend.action_test_connection()
        self.assertEqual(backend.connection_state, "ok")
        self.assertTrue(backend.connection_message.startswith(
            "Connecté à SNAIC sur http://127.0.0.1:"),
            backend.connection_message)
        self.assertIn("le jeton est accepté", backend.connection_message)
        backend.write({"token": "bad-token-0a0a"})
        backend.action_test_connection()
        self.assertEqual(backend.connection_state, "error")
        self.assertIn("SNAIC a refusé les identifiants de la connexion "
                      "SNAIC test (HTTP 401). Administrateur : saisir un "
                      "jeton d'API valide", backend.connection_message)
        self.assertNotIn("bad-token-0a0a", backend.connection_message)

    def test_demo_generator_in_french(self):
        """The demo's chatter, activity and errors come out in the
        language of the company the demo is made for."""
        deployment = self.make_done(self.lines[2])
        self.env["telecom.sync.request"]._telecom_demo_settle(
            deployment.ids, {"snaic": "pending", "cfast": "error"})
        cfast = self.requests_of(deployment, "cfast")
        snaic = self.requests_of(deployment, "snaic")
        name = self.lines[2].name
        self.assertEqual(
            cfast.last_error,
            "CFAST ne connaît pas la ligne %s. Opérateur : faire créer la "
            "ligne %s chez CFAST (ou corriger le numéro de la ligne), puis "
            "cliquer sur Réessayer." % (name, name))
        self.assertEqual(
            snaic.last_error,
            "SNAIC a eu une panne temporaire (HTTP 503). Personne n'a à "
            "intervenir : la demande est réessayée automatiquement.")
        self.assertEqual(deployment.activity_ids.summary,
                         "SNAIC/CFAST : 1 ligne(s) en erreur")
        bodies = "\n".join(deployment.message_ids.mapped("body"))
        self.assertIn("Erreur CFAST sur 1 ligne(s)", bodies)
        self.assertIn("installation finie le",
                      deployment.update_ids[0].info)
        # The seed's activities of the parc's demo, and its origins.
        check = self.env.ref("telecom_parc.demo_activity_0700000090_check")
        call = self.env.ref("telecom_parc.demo_activity_0700000090_call")
        self.env["telecom.line"]._telecom_demo_activity_summaries(
            check.id, call.id)
        self.assertEqual(check.summary,
                         "Vérifier le nom de l'utilisateur avec le client")
        self.assertEqual(call.summary,
                         "Appeler le client au sujet de la recharge DATA")
