"""PostgreSQL: an adviser is never booked twice at once, enforced by the database.

Over the appointments that take the adviser's time (proposed or booked), as half-open
`tstzrange`s: two of them for one adviser never overlap. SQLite has no exclusion
constraints; there the service checks inside an IMMEDIATE transaction, so this
migration does nothing on SQLite.
"""

from django.db import migrations

NAME = "guidance_appointment_adviser_no_overlap"
DEFINITION = (
    "EXCLUDE USING gist (adviser_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&) "
    "WHERE (status IN ('proposed', 'booked'))"
)


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("guidance", "Appointment")._meta.db_table)
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {schema_editor.quote_name(NAME)} {DEFINITION}")


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    table = schema_editor.quote_name(apps.get_model("guidance", "Appointment")._meta.db_table)
    schema_editor.execute(f"ALTER TABLE {table} DROP CONSTRAINT IF EXISTS {schema_editor.quote_name(NAME)}")


class Migration(migrations.Migration):
    dependencies = [("guidance", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
