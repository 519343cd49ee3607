# The page-feedback model moved to the "pagine" app; its table stays (pagine.0001 takes it over).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("alternanza", "0006_indice_report_coprente")]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="ValutazionePagina")]),
    ]
