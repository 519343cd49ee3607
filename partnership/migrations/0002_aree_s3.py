from django.db import migrations

# The Clust-ER associations of the Emilia-Romagna S3 (the last two founded in 2023).
AREE = [
    ("agrifood", "Agrifood"),
    ("build", "Build"),
    ("create", "Create"),
    ("greentech", "Greentech"),
    ("health", "Health"),
    ("innovate", "Innovate"),
    ("mech", "Mech"),
    ("tourism", "Tourism"),
    ("urban-economy", "Urban Economy"),
]


def carica(apps, schema_editor):
    AreaS3 = apps.get_model("partnership", "AreaS3")
    for ordine, (slug, nome) in enumerate(AREE, start=1):
        AreaS3.objects.update_or_create(slug=slug, defaults={"nome": f"Clust-ER {nome}", "ordine": ordine})


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]

    operations = [migrations.RunPython(carica, migrations.RunPython.noop)]
