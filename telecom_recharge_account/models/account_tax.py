# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
import threading
from contextlib import contextmanager

from odoo import api, models

_local = threading.local()


@contextmanager
def tax_memo():
    """Within this block, in this thread only, :meth:`compute_all` answers
    each question once: the invoicing of thousands of one-off options asks
    the same few (same taxes, price, quantity, product and customer) once
    per line for its amount, and twice more for the invoice's taxes. The
    thread, not the context, holds the answers: an RPC caller cannot hand
    in its own."""
    previous = getattr(_local, "cache", None)
    _local.cache = {} if previous is None else previous
    try:
        yield
    finally:
        _local.cache = previous


class AccountTax(models.Model):
    _inherit = "account.tax"

    @api.multi
    def compute_all(self, price_unit, currency=None, quantity=1.0,
                    product=None, partner=None):
        cache = getattr(_local, "cache", None)
        if cache is None:
            return super(AccountTax, self).compute_all(
                price_unit, currency=currency, quantity=quantity,
                product=product, partner=partner)
        key = (self._name, tuple(self.ids), price_unit,
               currency.id if currency else None, quantity,
               product.id if product else None,
               partner.id if partner else None, self.env.uid,
               repr(sorted(self.env.context.items())))
        if key not in cache:
            cache[key] = super(AccountTax, self).compute_all(
                price_unit, currency=currency, quantity=quantity,
                product=product, partner=partner)
        return copy.deepcopy(cache[key])
