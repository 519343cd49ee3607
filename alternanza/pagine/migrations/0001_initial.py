# Takes over the table alternanza_valutazionepagina created by alternanza.0001 (state only).
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("alternanza", "0001_initial")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ValutazionePagina",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("pagina", models.CharField(db_index=True, max_length=300, verbose_name="pagina")),
                        ("voto", models.PositiveSmallIntegerField(choices=[(1, "Per niente"), (2, "Poco"), (3, "Abbastanza"), (4, "Molto"), (5, "Del tutto")], verbose_name="voto")),
                        ("creata_il", models.DateTimeField(auto_now_add=True, verbose_name="data")),
                    ],
                    options={
                        "verbose_name": "valutazione di pagina",
                        "verbose_name_plural": "valutazioni delle pagine",
                        "db_table": "alternanza_valutazionepagina",
                        "ordering": ["-creata_il"],
                        "constraints": [models.CheckConstraint(condition=models.Q(("voto__gte", 1), ("voto__lte", 5)), name="valutazione_voto_1_5")],
                    },
                ),
            ]
        ),
    ]
