"""The audiences a subscriber can choose (data)."""

from django.db import migrations

PUBBLICI = [
    ("scuole", "Scuole: dirigenti e docenti", 1),
    ("studenti-famiglie", "Studenti e famiglie", 2),
    ("imprese", "Imprese e associazioni di categoria", 3),
    ("enti", "Enti locali e istituzioni", 4),
    ("terzo-settore", "Terzo settore", 5),
    ("formazione", "Enti di formazione, ITS e università", 6),
]


def carica(apps, schema_editor):
    Pubblico = apps.get_model("newsletter", "Pubblico")
    for codice, nome, ordine in PUBBLICI:
        Pubblico.objects.update_or_create(codice=codice, defaults={"nome": nome, "ordine": ordine})


class Migration(migrations.Migration):
    dependencies = [("newsletter", "0001_initial")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
