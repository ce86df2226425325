# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression

# Who may read external IDs (the access rights of telecom.binding): other
# users (a salesman opening a customer) do not get the field at all.
BINDING_READERS = ("telecom_parc.group_telecom_user,"
                   "telecom_parc.group_telecom_accountant")


class TelecomExternalIdMixin(models.AbstractModel):
    """The external IDs (SNAIC, CFAST...) of a record: line, site or
    customer, one ``telecom.binding`` per connection.

    They say where a paid top-up lands: the sync looks them up by the
    record's key (``_telecom_external_key``: phone number, site code,
    customer reference) and stores them. Users read them; only Telecom
    Managers may write them (the access rights of ``telecom.binding``, also
    through ``telecom_binding_ids``), and a changed key drops them, so that
    they are looked up again before the next push."""

    _name = "telecom.external.id.mixin"
    _description = "SNAIC/CFAST IDs"
    _telecom_external_key = None

    telecom_binding_ids = fields.One2many(
        comodel_name="telecom.binding", inverse_name="res_id",
        domain=lambda self: [("res_model", "=", self._name)],
        string="External IDs", groups=BINDING_READERS)
    telecom_bound_backend_ids = fields.Many2many(
        comodel_name="telecom.api.backend", string="External ID In",
        compute="_compute_telecom_bound_backend_ids",
        search="_search_telecom_bound_backend_ids", groups=BINDING_READERS,
        help="The connections in whose system the record has an ID. In a "
             "search, a system (snaic, cfast) stands for all its "
             "connections.")

    @api.multi
    def _compute_telecom_bound_backend_ids(self):
        for record in self:
            record.telecom_bound_backend_ids = \
                record.telecom_binding_ids.mapped("backend_id")

    @api.model
    def _search_telecom_bound_backend_ids(self, operator, value):
        """Records with (``in``, ``=``) or without (``not in``, ``!=``) an
        ID in the connections ``value`` (ids, or systems such as "snaic");
        ``= False``: records without any ID. A sub-select, so that "without"
        stays one SQL query over any number of records."""
        if operator not in ("in", "not in", "=", "!="):
            raise UserError(_(
                "Search the records with or without an external ID with "
                "\"in\" or \"not in\" and connections or systems."))
        positive = operator in ("in", "=")
        values = value if isinstance(value, (list, tuple)) else [value]
        if not values:
            return list(expression.FALSE_DOMAIN if positive
                        else expression.TRUE_DOMAIN)
        backend_ids = tuple(v for v in values if isinstance(v, int) and v)
        systems = tuple(v for v in values if isinstance(v, str) and v)
        query = "SELECT res_id FROM telecom_binding WHERE res_model = %s"
        params = [self._name]
        if backend_ids or systems:
            query += " AND (backend_id IN %s OR system IN %s)"
            params += [backend_ids or (0,), systems or ("",)]
        else:
            # ``= False``: no ID at all; ``!= False``: some ID.
            positive = not positive
        return [("id", "inselect" if positive else "not inselect",
                 (query, params))]

    # ------------------------------------------------------------------
    # Bindings written from the record
    # ------------------------------------------------------------------
    @api.multi
    def _telecom_binding_commands(self, commands):
        """``commands`` on ``telecom_binding_ids`` as they must be applied:
        a new or linked binding is for this model (whatever the caller
        sent); a binding removed from a record is deleted (``One2many`` would
        set its ``res_id`` to 0: an ID of nothing)."""
        current = self.env["telecom.binding"]
        if self.ids:
            current = current.search([("res_model", "=", self._name),
                                      ("res_id", "in", self.ids)])

        def linked(binding_id):
            # Another record's binding moved here becomes this model's too.
            if binding_id in current.ids:
                return [(4, binding_id)]
            return [(1, binding_id, {"res_model": self._name}),
                    (4, binding_id)]

        result = []
        for command in commands or ():
            if not isinstance(command, (list, tuple)) or not command:
                result.append(command)
                continue
            code = command[0]
            if code == 0:
                result.append((0, 0, dict(command[2] or {},
                                          res_model=self._name)))
            elif code == 4:
                result += linked(command[1])
            elif code == 3:
                result.append((2, command[1]))
            elif code == 5:
                result += [(2, binding.id) for binding in current]
            elif code == 6:
                keep = set(command[2] or ())
                for binding_id in keep:
                    result += linked(binding_id)
                result += [(2, binding.id) for binding in current
                           if binding.id not in keep]
            else:
                result.append(command)
        return result

    @api.model
    def create(self, vals):
        if vals.get("telecom_binding_ids"):
            vals = dict(vals, telecom_binding_ids=(
                self._telecom_binding_commands(vals["telecom_binding_ids"])))
        return super(TelecomExternalIdMixin, self).create(vals)

    @api.multi
    def write(self, vals):
        if vals.get("telecom_binding_ids"):
            vals = dict(vals, telecom_binding_ids=(
                self._telecom_binding_commands(vals["telecom_binding_ids"])))
        key = self._telecom_external_key
        if not key or key not in vals:
            return super(TelecomExternalIdMixin, self).write(vals)
        Binding = self.env["telecom.binding"].sudo()
        before = {record.id: record[key] for record in self}
        old = Binding.search([("res_model", "=", self._name),
                              ("res_id", "in", self.ids)])
        res = super(TelecomExternalIdMixin, self).write(vals)
        changed = self.filtered(lambda r: r[key] != before[r.id])
        # What the write itself set on bindings stands (a manager correcting
        # the key and an ID at once); the other IDs were the old key's.
        kept = {command[1] for command in vals.get("telecom_binding_ids") or ()
                if isinstance(command, (list, tuple)) and command and
                command[0] in (1, 4)}
        stale = old.exists().filtered(
            lambda b: b.res_id in changed.ids and b.id not in kept)
        if stale:
            # As superuser, after the write: the user may not delete IDs,
            # but their change of the key drops them.
            stale.unlink()
            changed.invalidate_cache(
                ["telecom_binding_ids", "telecom_bound_backend_ids"],
                changed.ids)
        return res

    @api.multi
    def unlink(self):
        bindings = self.env["telecom.binding"].sudo().search([
            ("res_model", "=", self._name), ("res_id", "in", self.ids)])
        res = super(TelecomExternalIdMixin, self).unlink()
        # An ID of a deleted record means nothing (res_id is no foreign key).
        bindings.unlink()
        return res
