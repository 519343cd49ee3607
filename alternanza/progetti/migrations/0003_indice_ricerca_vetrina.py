"""A partial GIN index for the public search (published projects with showcase consent only).

PostgreSQL only, like progetto_ricerca_gin in 0002: on SQLite the index lives in the migration state.
"""

import django.contrib.postgres.indexes
from django.db import migrations, models


def _crea(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "CREATE INDEX progetto_ricerca_vetrina_gin ON alternanza_progetto USING gin (ricerca) "
            "WHERE (stato = 'pubblicato' AND consenso_vetrina)"
        )


def _elimina(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS progetto_ricerca_vetrina_gin")


class Migration(migrations.Migration):
    dependencies = [
        ("alternanza", "0002_progetti_e_azioni_di_rete"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="progetto",
                    index=django.contrib.postgres.indexes.GinIndex(
                        condition=models.Q(("consenso_vetrina", True), ("stato", "pubblicato")),
                        fields=["ricerca"],
                        name="progetto_ricerca_vetrina_gin",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(_crea, _elimina)],
        ),
    ]
