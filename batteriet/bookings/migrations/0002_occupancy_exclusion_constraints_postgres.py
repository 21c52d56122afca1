"""PostgreSQL: two blocking bookings of one resource never overlap, enforced by the database.

Over the occupancy rows (half-open `tstzrange`s):
- own rows of one resource never overlap;
- on a hall, an own row (the hall booked) and a part's row (a part booked) never
  overlap, while the rows of two different parts may.
SQLite has no exclusion constraints: there the services check inside IMMEDIATE
transactions, so this migration does nothing on SQLite.
"""

from django.db import migrations

CONSTRAINTS = {
    "bookings_occupancy_no_overlap_own": (
        "EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) WHERE (is_own)"
    ),
    "bookings_occupancy_no_overlap_hall_and_part": (
        "EXCLUDE USING gist (resource_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&, is_own WITH <>)"
    ),
}


def add_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("bookings", "Occupancy")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    for name, definition in CONSTRAINTS.items():
        schema_editor.execute(
            f"ALTER TABLE {table} ADD CONSTRAINT {schema_editor.quote_name(name)} {definition}"
        )


def drop_constraints(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("bookings", "Occupancy")._meta.db_table)
    for name in CONSTRAINTS:
        schema_editor.execute(
            f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {schema_editor.quote_name(name)}"
        )


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [migrations.RunPython(add_constraints, drop_constraints, elidable=False)]
