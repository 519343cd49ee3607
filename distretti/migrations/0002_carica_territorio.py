from django.db import migrations


def carica(apps, schema_editor):
    from distretti.territorio import carica_ambiti, carica_territorio

    carica_territorio(apps.get_model("distretti", "Distretto"), apps.get_model("distretti", "Comune"))
    carica_ambiti(apps.get_model("distretti", "AmbitoTematico"))


class Migration(migrations.Migration):
    dependencies = [("distretti", "0001_initial")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
