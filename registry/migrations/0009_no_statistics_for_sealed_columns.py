"""PostgreSQL keeps no planner statistics for columns no query filters, joins or sorts on: ciphertext
(each value unique and meaningless), masked copies, free text and the rules' JSON lists. ANALYZE,
which a large roster import runs before it returns and autovacuum runs after every big change,
then reads only what the planner uses: registry_child's took 1.4 s after 100,000 new children, and
0.7 s without these columns."""

from django.db import migrations

NO_STATISTICS = {
    "registry_child": (
        "id_number",
        "id_number_masked",
        "health",
        "disability_type",
        "disability_level",
        "director_phone",
        "household_address",
        "current_address",
        "notes",
        "exit_note",
        "field_check_note",
        "verdict_reasons",
        "verdict_flags",
        "missing_items",
        "error_items",
    ),
    "registry_adult": ("id_number", "id_number_masked", "phone", "phone_masked", "health"),
}


def _set_statistics(schema_editor, target: int) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    quote = schema_editor.quote_name
    for table, columns in NO_STATISTICS.items():
        changes = ", ".join(f"ALTER COLUMN {quote(column)} SET STATISTICS {target}" for column in columns)
        schema_editor.execute(f"ALTER TABLE {quote(table)} {changes}")


def no_statistics(apps, schema_editor) -> None:
    _set_statistics(schema_editor, 0)


def default_statistics(apps, schema_editor) -> None:
    _set_statistics(schema_editor, -1)


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_import_indexes")]

    operations = [migrations.RunPython(no_statistics, default_statistics)]
