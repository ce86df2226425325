# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""External IDs: one row per (connection, record), as OCA connector's
bindings. A third system is a connection and a client module, with no new
column on lines, sites and customers."""
from collections import OrderedDict
from datetime import datetime

from psycopg2.extras import execute_values

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.addons.telecom_parc.tools.access import (check_readable,
                                                   check_still_writable)
from odoo.addons.telecom_parc.tools.vals import check_vals, drop_derived

MIXIN = "telecom.external.id.mixin"


class TelecomBinding(models.Model):
    """The ID of a line, site or customer in the system of one connection.

    The sync looks IDs up by the record's key and stores them here
    (``_telecom_store_external_ids``, in bulk); users read them; only
    Telecom Managers change them by hand (access rights, whatever the
    context). The sync engine reads and writes them through the three
    ``_telecom_*`` service methods below, which run as superuser and do not
    check the caller's rights."""

    _name = "telecom.binding"
    _description = "External ID"
    _order = "res_model, res_id, system, backend_id"
    _rec_name = "external_id"

    backend_id = fields.Many2one(
        comodel_name="telecom.api.backend", string="Connection",
        required=True, ondelete="cascade", index=True)
    system = fields.Selection(
        related="backend_id.system", store=True, readonly=True)
    res_model = fields.Char(
        string="Model", required=True, index=True,
        help="Technical name of the model of the record: telecom.line, "
             "telecom.site or res.partner.")
    res_id = fields.Integer(string="Record ID", required=True, index=True)
    res_name = fields.Char(
        string="Record", compute="_compute_res_name",
        help="The line, site or customer this ID belongs to.")
    external_id = fields.Char(
        string="External ID", required=True,
        help="The ID of the record in the system of the connection, looked "
             "up by the sync (phone number, site code, customer "
             "reference).")
    company_id = fields.Many2one(
        related="backend_id.company_id", store=True, readonly=True,
        index=True)

    _sql_constraints = [
        ("backend_record_uniq", "unique(backend_id, res_model, res_id)",
         "A record has one external ID per connection."),
    ]

    # ------------------------------------------------------------------
    # What users see
    # ------------------------------------------------------------------
    @api.multi
    def name_get(self):
        return [(binding.id, "%s: %s" % (
            binding.backend_id.name or "", binding.external_id or ""))
            for binding in self]

    @api.depends("res_model", "res_id")
    def _compute_res_name(self):
        by_model = OrderedDict()
        for binding in self:
            if binding.res_model in self.env and binding.res_id:
                by_model.setdefault(binding.res_model, set()).add(
                    binding.res_id)
        names = {}
        for model, ids in by_model.items():
            Model = self.env[model].with_context(active_test=False)
            # Only what the user may read: no name of another company's
            # record through a binding.
            if not Model.check_access_rights("read", raise_exception=False):
                continue
            for res_id, name in Model.search(
                    [("id", "in", list(ids))]).name_get():
                names[(model, res_id)] = name
        for binding in self:
            binding.res_name = names.get(
                (binding.res_model, binding.res_id),
                "%s,%s" % (binding.res_model or "", binding.res_id or 0))

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _telecom_bound_models(self):
        """The models whose records may have external IDs: those that
        inherit ``telecom.external.id.mixin``."""
        return sorted(name for name in self.pool[MIXIN]._inherit_children
                      if name in self.env and name != MIXIN)

    @api.constrains("res_model", "res_id")
    def _check_record(self):
        bound = self._telecom_bound_models()
        for binding in self:
            if binding.res_model not in bound:
                raise ValidationError(_(
                    "The external ID %(external_id)s is for a record of "
                    "\"%(model)s\": only lines, sites and customers have "
                    "external IDs (%(models)s). Choose one of those "
                    "models.") % {"external_id": binding.external_id,
                                  "model": binding.res_model,
                                  "models": ", ".join(bound)})
            if not self.env[binding.res_model].sudo().browse(
                    binding.res_id).exists():
                raise ValidationError(_(
                    "The external ID %(external_id)s is for the record "
                    "%(model)s,%(id)s, which does not exist. Choose an "
                    "existing line, site or customer.") % {
                        "external_id": binding.external_id,
                        "model": binding.res_model, "id": binding.res_id})

    @api.multi
    def _telecom_check_records_readable(self):
        """Odoo does not check that a Telecom Manager may read the record an
        ID is given to (it is an integer): another company's line is
        refused here."""
        by_model = OrderedDict()
        for binding in self:
            by_model.setdefault(binding.res_model, []).append(binding.res_id)
        for model, ids in by_model.items():
            check_readable(self.env[model].browse(ids))

    @api.model
    def _telecom_clean_vals(self, vals):
        """``vals`` checked, without what follows the connection (system and
        company: what a caller sends for them is ignored, Odoo 11 would store
        it as it comes); the connection must be readable."""
        vals = check_vals(self, drop_derived(self, vals))
        if vals.get("backend_id"):
            check_readable(self.env["telecom.api.backend"].browse(
                vals["backend_id"]))
        return vals

    @api.model
    def create(self, vals):
        vals = self._telecom_clean_vals(vals)
        binding = super(TelecomBinding, self).create(vals)
        binding._telecom_check_records_readable()
        return binding

    @api.multi
    def write(self, vals):
        vals = self._telecom_clean_vals(vals)
        res = super(TelecomBinding, self).write(vals)
        if "backend_id" in vals:
            check_still_writable(self)
        if "res_model" in vals or "res_id" in vals:
            self._telecom_check_records_readable()
        return res

    # ------------------------------------------------------------------
    # Service methods of the sync engine (superuser, no rights checked)
    # ------------------------------------------------------------------
    @api.model
    def _telecom_external_ids(self, backend, records):
        """The external IDs of ``records`` (one model) in ``backend``'s
        system: {record id: external ID}, without the records that have
        none. One query, whatever the number of records."""
        ids = tuple(res_id for res_id in records.ids
                    if isinstance(res_id, int))
        if not backend or not ids:
            return {}
        self.env.cr.execute("""
            SELECT res_id, external_id FROM telecom_binding
             WHERE backend_id = %s AND res_model = %s AND res_id IN %s""",
                            (backend.id, records._name, ids))
        return dict(self.env.cr.fetchall())

    @api.model
    def _telecom_store_external_ids(self, backend, res_model, pairs):
        """Store the external IDs ``pairs`` ([(record id, external ID)]) of
        records of ``res_model`` in ``backend``'s system: new ones are
        inserted, changed ones updated, in one query per 5,000 pairs
        (a push stores the IDs of thousands of lines while other workers
        store the same ones). Returns True."""
        # The last pair of a record wins (an upsert cannot touch a row twice).
        values = OrderedDict()
        for res_id, external_id in pairs or ():
            if res_id and external_id:
                values[int(res_id)] = str(external_id)
        if not backend or not values:
            return True
        now = fields.Datetime.to_string(datetime.utcnow())
        uid = self.env.uid
        execute_values(self.env.cr, """
            INSERT INTO telecom_binding
                   (backend_id, system, company_id, res_model, res_id,
                    external_id, create_uid, create_date, write_uid,
                    write_date)
            VALUES %s
            ON CONFLICT (backend_id, res_model, res_id) DO UPDATE
               SET external_id = EXCLUDED.external_id,
                   write_uid = EXCLUDED.write_uid,
                   write_date = EXCLUDED.write_date
             WHERE telecom_binding.external_id
                   IS DISTINCT FROM EXCLUDED.external_id""",
                       [(backend.id, backend.system, backend.company_id.id,
                         res_model, res_id, external_id, uid, now, uid, now)
                        for res_id, external_id in values.items()],
                       page_size=5000)
        self.invalidate_cache()
        self.env[res_model].browse(list(values)).invalidate_cache(
            ["telecom_binding_ids", "telecom_bound_backend_ids"],
            list(values))
        return True

    @api.model
    def _telecom_missing_domain(self, backend, res_model):
        """A domain on ``res_model`` selecting its records that have no
        external ID in ``backend``'s system (whatever IDs they have in other
        systems). Evaluated in SQL (NOT IN a sub-select), never as a list of
        ids."""
        if res_model not in self._telecom_bound_models():
            raise ValidationError(_(
                "\"%(model)s\" has no external IDs: only lines, sites and "
                "customers have them.") % {"model": res_model})
        return [("telecom_bound_backend_ids", "not in", [backend.id])]
