# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The language of the texts stored in records.

A text stored in a record (a MAJ's info, a deployment's origin, an error of
a sync request, a connection test's result) is read later by others than
whoever made it, often by a cron or a job that runs in English: it is
written in the language of the company it is for (its partner's language),
or of the user it is for when the company has none. Whoever writes it does
so under ``record.with_context(lang=stored_lang(...))``, so that ``_()``
and ``format_date`` follow.
"""

DEFAULT_LANG = "en_US"


def stored_lang(env, company=None, user=None):
    """The language code of the texts stored for ``company`` (a
    ``res.company``, or None for the user's) and ``user`` (a ``res.users``,
    or None for the environment's user): the company partner's language,
    else the user's, else English."""
    if company:
        lang = company.sudo().partner_id.lang
        if lang:
            return lang
    user = user or env.user
    return user.sudo().lang or env.context.get("lang") or DEFAULT_LANG
