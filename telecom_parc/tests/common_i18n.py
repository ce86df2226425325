# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Checks of an addon's French translation, shared by the three addons'
i18n tests."""
import os
import re

from babel.messages import pofile

from odoo.modules.module import get_module_path
from odoo.tools.translate import trans_generate


def fr_po_path(module):
    return os.path.join(get_module_path(module), "i18n", "fr.po")


def check_fr_po_usable(case, module, minimum):
    """Every message of the module's fr.po is translated with the same
    placeholders; returns {msgid: msgstr} for the caller's own checks."""
    with open(fr_po_path(module), "rb") as po_file:
        messages = [m for m in pofile.read_po(po_file) if m.id]
    case.assertGreater(len(messages), minimum)
    for message in messages:
        case.assertTrue(message.string, message.id)
        case.assertEqual(sorted(re.findall(r"%[sd]", message.id)),
                         sorted(re.findall(r"%[sd]", message.string)),
                         message.id)
    return {message.id: message.string for message in messages}


def check_every_term_translated(case, module, cr, minimum=100):
    """Every term of the module (exported as Odoo's ``--i18n-export`` does:
    ``_()`` strings, field labels, helps, selection values, views, menus,
    actions) has its French translation in i18n/fr.po; the module has more
    than ``minimum`` terms (the export found them)."""
    path = fr_po_path(module)
    with open(path, "rb") as po_file:
        translated = {m.id for m in pofile.read_po(po_file)
                      if m.id and m.string}
    terms = sorted({row[4] for row in trans_generate(None, [module], cr)
                    if row[0] == module and row[4]})
    case.assertGreater(len(terms), minimum)
    missing = [term for term in terms if term not in translated]
    case.assertFalse(missing, "%d term(s) of %s without French translation "
                     "in %s:\n%s" % (len(missing), module, path,
                                     "\n".join(repr(t) for t in missing)))


def pot_path(module):
    return os.path.join(get_module_path(module), "i18n", "%s.pot" % module)


def _comparable_pot(text):
    """A .pot without what changes at every export or code edit: the header's
    dates and the line numbers of the code references."""
    text = re.sub(r'"(POT-Creation-Date|PO-Revision-Date): [^"]*"', r'"\1: "', text)
    return re.sub(r"^(#: code:[^\s:]+):\d+", r"\1", text, flags=re.M)


def check_pot_current(case, module, cr):
    """The module's i18n/<module>.pot is what Odoo exports today (terms and
    where they come from): run scripts/gen_pot.sh when it is not."""
    import io
    from odoo.tools.translate import trans_export
    buffer = io.BytesIO()
    trans_export(False, [module], buffer, "po", cr)
    exported = buffer.getvalue().decode("utf-8")
    with open(pot_path(module), encoding="utf-8") as pot_file:
        stored = pot_file.read()
    case.assertEqual(
        _comparable_pot(stored), _comparable_pot(exported),
        "%s is out of date: run `bash scripts/gen_pot.sh`" % pot_path(module))


def load_french(env, modules=("telecom_parc", "telecom_recharge",
                              "telecom_snaic_cfast")):
    """French active in the database (its date format ``%d/%m/%Y``) and
    the addons' fr.po loaded, as ``--load-language=fr_FR`` does for them:
    tests of the texts stored in French, in a transaction they roll back.
    Returns the language code."""
    from odoo.tools.translate import trans_load
    env["res.lang"].load_lang("fr_FR")
    for module in modules:
        if env["ir.module.module"].search([("name", "=", module),
                                           ("state", "=", "installed")]):
            trans_load(env.cr, fr_po_path(module), "fr_FR", verbose=False,
                       module_name=module)
    env["ir.translation"].clear_caches()
    return "fr_FR"
