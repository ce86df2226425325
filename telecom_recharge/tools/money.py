# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The one way an option's amount is computed, wherever it is used."""


def option_amount(currency, quantity, price_unit):
    """The amount of ``quantity`` at ``price_unit``: the unit price rounded
    in ``currency`` first (it is what is stored and what SNAIC/CFAST
    receive), then the amount rounded."""
    if not currency:
        return quantity * price_unit
    return currency.round(quantity * currency.round(price_unit))
