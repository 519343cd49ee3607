"""Bookings per date: each date of an event has the event's capacity and its own waiting list.

The places held move from the event (Evento.posti_occupati, dropped with its check) to its dates; the
bookings made so far belong to the first date of their event (until now an event was booked as one).
"""

import django.db.models.deletion
from django.db import migrations, models


def alla_prima_data(apps, schema_editor):
    Evento = apps.get_model("eventi", "Evento")
    DataEvento = apps.get_model("eventi", "DataEvento")
    Prenotazione = apps.get_model("eventi", "Prenotazione")
    for evento in Evento.objects.filter(prenotazioni__isnull=False).distinct().iterator():
        prima = DataEvento.objects.filter(evento=evento).order_by("inizio", "pk").first()
        if prima is None:
            prima = DataEvento.objects.create(evento=evento, inizio=evento.inizio, fine=evento.fine)
        Prenotazione.objects.filter(evento=evento).update(data=prima)
        DataEvento.objects.filter(pk=prima.pk).update(posti_occupati=evento.posti_occupati)


def al_evento(apps, schema_editor):
    DataEvento = apps.get_model("eventi", "DataEvento")
    Evento = apps.get_model("eventi", "Evento")
    for data in DataEvento.objects.filter(posti_occupati__gt=0).iterator():
        Evento.objects.filter(pk=data.evento_id).update(
            posti_occupati=models.F("posti_occupati") + data.posti_occupati
        )


class Migration(migrations.Migration):
    dependencies = [
        ("eventi", "0006_prenotazioni"),
    ]

    operations = [
        migrations.AddField(
            model_name="dataevento",
            name="posti_occupati",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="posti occupati"),
        ),
        migrations.AddField(
            model_name="prenotazione",
            name="data",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="prenotazioni",
                to="eventi.dataevento",
                verbose_name="data",
            ),
        ),
        migrations.RunPython(alla_prima_data, al_evento),
        migrations.AlterField(
            model_name="prenotazione",
            name="data",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="prenotazioni",
                to="eventi.dataevento",
                verbose_name="data",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="evento",
            name="evento_posti_non_superati",
        ),
        migrations.RemoveField(
            model_name="evento",
            name="posti_occupati",
        ),
        migrations.AddIndex(
            model_name="prenotazione",
            index=models.Index(fields=["data", "stato"], name="prenotazione_data_stato_idx"),
        ),
    ]
