# Copyright 2026 Telecom Parc contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Insert thousands of plain rows in one query.

Odoo 11 creates records one by one (a few queries and milliseconds each):
a Recharge DATA on a fleet of 10,000 lines would take minutes. The few
places that create that many rows at once (the options of a Recharge DATA,
the MAJ of a done deployment and their options) use :func:`bulk_insert`.
Identifiers are composed with :mod:`psycopg2.sql` and every value is a
query parameter.
"""
from psycopg2 import sql


def bulk_insert(model, rows, returning=("id",)):
    """Insert ``rows`` into the table of ``model`` with one INSERT and
    return the ``returning`` columns of the new rows, as tuples.

    ``rows`` are dicts with the same keys, each a stored column field of
    ``model``. No ORM override, constraint or recomputation runs: the
    caller checks the values, gives every stored value (computed and
    related ones included), checks the access rights and invalidates the
    cache of the records that point to the new rows. The database
    constraints (NOT NULL, foreign keys, unique) still apply.
    """
    if not rows:
        return []
    names = sorted(rows[0])
    arrays, casts = [], []
    for name in names:
        field = model._fields[name]
        if not (field.store and field.column_type):
            raise ValueError("%s.%s is not a stored column" % (
                model._name, name))
        arrays.append([field.convert_to_column(row[name], model)
                       for row in rows])
        casts.append(sql.SQL("%s::{}[]").format(
            sql.SQL(field.column_type[1])))
    columns = [sql.Identifier(name) for name in names]
    query = sql.SQL("""
        INSERT INTO {table} ({columns}, create_uid, create_date,
                             write_uid, write_date)
        SELECT {columns}, %s, (now() at time zone 'UTC'),
               %s, (now() at time zone 'UTC')
          FROM unnest({arrays}) AS v({columns})
        RETURNING {returning}
    """).format(
        table=sql.Identifier(model._table),
        columns=sql.SQL(", ").join(columns),
        arrays=sql.SQL(", ").join(casts),
        returning=sql.SQL(", ").join(
            sql.Identifier(name) for name in returning),
    )
    cr = model.env.cr
    cr.execute(query.as_string(cr._obj),
               [model.env.uid, model.env.uid] + arrays)
    return cr.fetchall()
