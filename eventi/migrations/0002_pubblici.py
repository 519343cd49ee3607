from django.db import migrations

PUBBLICI = ["primaria", "secondaria_1", "secondaria_2", "famiglie", "docenti", "imprese", "cittadinanza"]


def carica(apps, schema_editor):
    Pubblico = apps.get_model("eventi", "Pubblico")
    for ordine, codice in enumerate(PUBBLICI):
        Pubblico.objects.update_or_create(codice=codice, defaults={"ordine": ordine})


class Migration(migrations.Migration):
    dependencies = [("eventi", "0001_initial")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
