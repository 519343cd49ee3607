"""A partial GIN index for the public search (published projects with showcase consent only)."""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("alternanza", "0002_progetti_e_azioni_di_rete"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="progetto",
            index=django.contrib.postgres.indexes.GinIndex(
                condition=models.Q(("consenso_vetrina", True), ("stato", "pubblicato")),
                fields=["ricerca"],
                name="progetto_ricerca_vetrina_gin",
            ),
        ),
    ]
