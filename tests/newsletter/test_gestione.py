"""Staff pages of the newsletter (compose, preview, test, schedule, send, progress, pause) and the public
archive; subscribers list, CSV import with documented consent, CSV export, GDPR erasure."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from alternanza.core import importazioni
from alternanza.core.models import Importazione
from eventi.newsletter.models import (
    AzioneConsenso,
    Consegna,
    ConsensoRegistro,
    FonteConsenso,
    Iscritto,
    Numero,
    StatoIscritto,
    StatoNumero,
)
from tests.newsletter.factories import ConsegnaFactory, IscrittoFactory, NumeroFactory, NumeroInviatoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _senza_ritmo(settings):
    settings.NEWSLETTER_RATE_LIMIT = 0


# --- Archive --------------------------------------------------------------------------------------
def test_archivio_mostra_solo_i_numeri_inviati(client, django_assert_max_num_queries):
    for n in range(25):
        NumeroInviatoFactory(
            oggetto=f"Numero inviato {n:02d}", inviato_il=timezone.now() - dt.timedelta(days=n)
        )
    NumeroFactory(oggetto="Bozza segreta")
    NumeroFactory(
        oggetto="Programmato segreto", stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now()
    )
    with django_assert_max_num_queries(8):
        risposta = client.get(reverse("newsletter:archivio"))
    testo = risposta.content.decode()
    assert "Numero inviato 00" in testo and "Numero inviato 19" in testo
    assert "Numero inviato 20" not in testo  # second page
    assert "segret" not in testo
    assert "Numero inviato 24" in client.get(reverse("newsletter:archivio") + "?pagina=2").content.decode()


def test_versione_web_di_un_numero_inviato(client):
    numero = NumeroInviatoFactory(
        oggetto="Novembre nella rete", corpo="<p>Il <strong>Festival</strong> apre.</p>"
    )
    risposta = client.get(reverse("newsletter:archivio_numero", kwargs={"pk": numero.pk}))
    assert risposta.status_code == 200
    testo = risposta.content.decode()
    assert "Novembre nella rete" in testo
    assert "<strong>Festival</strong>" in testo
    assert "style=" not in testo  # the portal's strict CSP: classes and a static stylesheet only


def test_bozze_e_programmati_non_sono_leggibili_nell_archivio(client):
    bozza = NumeroFactory()
    programmato = NumeroFactory(stato=StatoNumero.PROGRAMMATO, programmato_per=timezone.now())
    for numero in (bozza, programmato):
        assert client.get(reverse("newsletter:archivio_numero", kwargs={"pk": numero.pk})).status_code == 404


# --- Compose, preview, test, send -----------------------------------------------------------------
def test_lo_staff_crea_una_bozza_con_html_ripulito(cliente_staff, staff):
    risposta = cliente_staff.post(
        reverse("newsletter:numero_nuovo"),
        {
            "oggetto": "Dicembre",
            "preheader": "Auguri",
            "corpo": "<p>Ciao<script>alert(1)</script></p>",
            "blocco_eventi": "on",
        },
    )
    numero = Numero.objects.get(oggetto="Dicembre")
    assert risposta["Location"] == reverse("newsletter:numero", kwargs={"pk": numero.pk})
    assert numero.stato == StatoNumero.BOZZA
    assert numero.creato_da == staff
    assert numero.corpo == "<p>Ciao<script>alert(1)</script></p>"  # what was typed (Markdown source)
    assert "script" not in numero.corpo_html and "Ciao" in numero.corpo_html  # sanitised on output
    assert numero.blocco_eventi and not numero.blocco_progetti


def test_periodo_con_fine_prima_dell_inizio_rifiutato(cliente_staff):
    risposta = cliente_staff.post(
        reverse("newsletter:numero_nuovo"),
        {"oggetto": "X", "periodo_dal": "2026-11-30", "periodo_al": "2026-11-01"},
    )
    assert risposta.status_code == 200
    assert not Numero.objects.exists()


def test_un_numero_inviato_non_si_modifica(cliente_staff):
    numero = NumeroInviatoFactory(oggetto="Originale")
    url = reverse("newsletter:numero_modifica", kwargs={"pk": numero.pk})
    cliente_staff.post(url, {"oggetto": "Cambiato"})
    numero.refresh_from_db()
    assert numero.oggetto == "Originale"


def test_anteprima_nel_browser_e_html_esatto_dell_email(cliente_staff):
    numero = NumeroFactory(oggetto="Anteprima di prova", corpo="<p>Testo</p>")
    risposta = cliente_staff.get(reverse("newsletter:numero_anteprima", kwargs={"pk": numero.pk}))
    assert risposta.status_code == 200
    assert "Anteprima di prova" in risposta.content.decode()
    risposta = cliente_staff.get(reverse("newsletter:numero_anteprima_email", kwargs={"pk": numero.pk}))
    assert risposta.status_code == 200
    assert 'style="' in risposta.content.decode()  # inlined, as sent
    politica = risposta["Content-Security-Policy"]
    assert "style-src 'unsafe-inline'" in politica
    assert "script-src 'self'" in politica  # scripts stay locked down


def test_invia_una_prova_a_se_stessi(cliente_staff, staff, django_capture_on_commit_callbacks):
    IscrittoFactory.create_batch(3)
    numero = NumeroFactory(oggetto="Prova")
    with django_capture_on_commit_callbacks(execute=True):
        cliente_staff.post(
            reverse("newsletter:numero_prova", kwargs={"pk": numero.pk}),
            {"indirizzi": staff.email, "lingua": "it"},
        )
    assert [m.to for m in mail.outbox] == [[staff.email]]
    assert mail.outbox[0].subject == "[PROVA] Prova"
    assert not Consegna.objects.exists()
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.BOZZA


def test_invia_ora_dalla_pagina_e_avanzamento_in_json(cliente_staff, django_capture_on_commit_callbacks):
    IscrittoFactory.create_batch(4)
    numero = NumeroFactory()
    with django_capture_on_commit_callbacks(execute=True):
        senza_conferma = cliente_staff.post(
            reverse("newsletter:numero_invia", kwargs={"pk": numero.pk}), {"azione": "ora"}
        )
    assert senza_conferma["Location"] == reverse("newsletter:numero_conferma", kwargs={"pk": numero.pk})
    assert not mail.outbox  # no send without the confirmation step
    with django_capture_on_commit_callbacks(execute=True):
        risposta = cliente_staff.post(
            reverse("newsletter:numero_invia", kwargs={"pk": numero.pk}), {"azione": "ora", "conferma": "1"}
        )
    assert risposta.status_code == 302
    assert len(mail.outbox) == 4
    dati = cliente_staff.get(reverse("newsletter:numero_stato", kwargs={"pk": numero.pk})).json()
    assert dati["stato"] == StatoNumero.INVIATO
    assert dati["inviate"] == 4 and dati["in_attesa"] == 0 and dati["fallite"] == 0
    assert dati["percentuale"] == 100
    pagina = cliente_staff.get(reverse("newsletter:numero", kwargs={"pk": numero.pk})).content.decode()
    assert 'value="100"' in pagina  # the <progress> works without JavaScript too
    assert "newsletter/js/avanzamento.js" in pagina


def test_programmare_nel_passato_e_rifiutato_e_nel_futuro_accettato(cliente_staff):
    numero = NumeroFactory()
    url = reverse("newsletter:numero_invia", kwargs={"pk": numero.pk})
    ieri = (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cliente_staff.post(url, {"azione": "programma", "programmato_per": ieri})
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.BOZZA
    domani = (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    cliente_staff.post(url, {"azione": "programma", "programmato_per": domani})
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.PROGRAMMATO
    assert numero.programmato_per > timezone.now()
    assert not mail.outbox
    cliente_staff.post(reverse("newsletter:numero_annulla", kwargs={"pk": numero.pk}))
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.BOZZA


def test_pausa_e_ripresa_dalla_pagina(cliente_staff, django_capture_on_commit_callbacks):
    numero = NumeroFactory(stato=StatoNumero.IN_INVIO, avviato_il=timezone.now())
    for _n in range(3):
        ConsegnaFactory(numero=numero)
    cliente_staff.post(reverse("newsletter:numero_pausa", kwargs={"pk": numero.pk}))
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.IN_PAUSA
    with django_capture_on_commit_callbacks(execute=True):
        cliente_staff.post(reverse("newsletter:numero_riprendi", kwargs={"pk": numero.pk}))
    numero.refresh_from_db()
    assert numero.stato == StatoNumero.INVIATO
    assert len(mail.outbox) == 3


def test_elenco_numeri_con_query_costanti(cliente_staff, django_assert_max_num_queries):
    for _n in range(30):
        NumeroInviatoFactory()
    with django_assert_max_num_queries(12):
        assert cliente_staff.get(reverse("newsletter:numeri")).status_code == 200


# --- Subscribers ----------------------------------------------------------------------------------
def test_elenco_iscritti_con_ricerca_e_query_costanti(cliente_staff, django_assert_max_num_queries):
    for n in range(60):
        IscrittoFactory(email=f"persona{n:02d}@example.org")
    IscrittoFactory(email="cercami@example.org", stato=StatoIscritto.DISISCRITTO)
    with django_assert_max_num_queries(12):
        risposta = cliente_staff.get(reverse("newsletter:iscritti"))
    assert "persona00@example.org" in risposta.content.decode()
    risposta = cliente_staff.get(reverse("newsletter:iscritti"), {"q": "cercami", "stato": "disiscritto"})
    testo = risposta.content.decode()
    assert "cercami@example.org" in testo and "persona01@example.org" not in testo


def test_dettaglio_iscritto_mostra_il_registro_dei_consensi(cliente_staff):
    iscritto = IscrittoFactory(email="registro@example.org")
    ConsensoRegistro.objects.create(
        iscritto=iscritto, azione=AzioneConsenso.CONFERMA, ip="192.0.2.1", versione_testo="2026-11-v1"
    )
    testo = cliente_staff.get(reverse("newsletter:iscritto", kwargs={"pk": iscritto.pk})).content.decode()
    assert "192.0.2.1" in testo and "2026-11-v1" in testo


def test_cancellazione_gdpr_elimina_iscritto_registro_e_consegne(cliente_staff):
    iscritto = IscrittoFactory(email="oblio@example.org")
    ConsensoRegistro.objects.create(iscritto=iscritto, azione=AzioneConsenso.CONFERMA)
    ConsegnaFactory(iscritto=iscritto, numero=NumeroInviatoFactory())
    altro = IscrittoFactory()
    risposta = cliente_staff.post(reverse("newsletter:iscritto_elimina", kwargs={"pk": iscritto.pk}))
    assert risposta.status_code == 302
    assert not Iscritto.objects.filter(email="oblio@example.org").exists()
    assert not ConsensoRegistro.objects.filter(iscritto_id=iscritto.pk).exists()
    assert not Consegna.objects.filter(iscritto_id=iscritto.pk).exists()
    assert Iscritto.objects.filter(pk=altro.pk).exists()


def _csv(testo: str, nome="lista.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(nome, testo.encode("utf-8"), content_type="text/csv")


def _importa(client, testo, nome="lista.csv"):
    """Upload (the answer is the job's page, nothing imported yet), then the job as the worker runs it."""
    prima = Iscritto.objects.count()
    risposta = client.post(
        reverse("newsletter:iscritti_importa"),
        {
            "file": _csv(testo, nome),
            "nota_consenso": "Moduli cartacei del Festival 2025, prot. 123/2025",
            "consenso_documentato": "on",
        },
    )
    if risposta.status_code != 302:
        return risposta, None
    importazione = Importazione.objects.latest("pk")
    assert risposta["Location"] == reverse("area:importazione", args=[importazione.pk])
    assert importazione.stato == Importazione.Stato.IN_CODA and Iscritto.objects.count() == prima
    importazioni.esegui(importazione.pk)
    importazione.refresh_from_db()
    return client.get(risposta["Location"]), importazione


def test_importazione_csv_con_consenso_documentato(cliente_staff):
    IscrittoFactory(email="uscita@example.org", stato=StatoIscritto.DISISCRITTO)
    pagina, importazione = _importa(
        cliente_staff,
        "email;distretti;ambiti;pubblici\n"
        "Nuova@Example.org;bologna,imola;;imprese\n"
        "seconda@example.org;;;\n"
        "uscita@example.org;;;\n"
        "nuova@example.org;;;\n",
    )
    assert importazione.stato == Importazione.Stato.COMPLETATA
    assert importazione.riepilogo == {"creati": 2, "gia_presenti": 2}
    assert "2 nuovi iscritti, 2 indirizzi già presenti" in pagina.content.decode()
    nuova = Iscritto.objects.get(email__iexact="nuova@example.org")
    assert nuova.stato == StatoIscritto.CONFERMATO
    assert nuova.importato_con_consenso and nuova.fonte == FonteConsenso.IMPORTAZIONE
    assert "prot. 123/2025" in nuova.nota_consenso and "importato da staff" in nuova.nota_consenso
    assert sorted(d.slug for d in nuova.distretti.all()) == ["bologna", "imola"]
    assert [p.codice for p in nuova.pubblici.all()] == ["imprese"]
    consenso = nuova.consensi.get()
    assert consenso.azione == AzioneConsenso.IMPORTAZIONE
    assert consenso.ip == "127.0.0.1"  # the uploader's address, kept with the job
    # An address that unsubscribed is never re-subscribed by an import.
    assert Iscritto.objects.get(email="uscita@example.org").stato == StatoIscritto.DISISCRITTO
    assert Iscritto.objects.count() == 3


def test_importazione_con_errori_non_scrive_nulla_e_indica_le_righe(cliente_staff):
    pagina, importazione = _importa(
        cliente_staff,
        "email,distretti\nbuona@example.org,bologna\nnon-valida,\ntemp@mailinator.com,\naltra@example.org,atlantide\n",
    )
    assert importazione.stato == Importazione.Stato.SCARTATA
    assert [riga for riga, _errore in importazione.errori] == [3, 4, 5]
    testo = pagina.content.decode()
    assert "nulla è stato scritto" in testo and "Importazione rigorosa" not in testo
    assert "<td>3</td>" in testo and "<td>5</td>" in testo and "atlantide" in testo
    assert not Iscritto.objects.exists()


def test_importazione_di_molte_righe_con_un_errore_in_fondo_non_scrive_nulla(cliente_staff):
    """The rows are written in blocks inside one transaction: an error after the first block rolls
    every block back."""
    from eventi.newsletter.trasferimento import BLOCCO_SCRITTURA

    righe = "".join(f"iscritto{n}@example.org\n" for n in range(BLOCCO_SCRITTURA + 10))
    _pagina, importazione = _importa(cliente_staff, "email\n" + righe + "rotto\n")
    assert importazione.stato == Importazione.Stato.SCARTATA
    assert importazione.errori == [[BLOCCO_SCRITTURA + 12, "indirizzo e-mail non valido: «rotto»"]]
    assert not Iscritto.objects.exists()
    assert not ConsensoRegistro.objects.exists()


def test_importazione_rifiuta_file_senza_colonna_email_o_non_csv(cliente_staff):
    pagina, importazione = _importa(cliente_staff, "indirizzo\na@example.org\n")
    assert importazione.stato == Importazione.Stato.ERRORE
    assert importazione.messaggio == "Manca la colonna «email» nella prima riga."
    assert "Manca la colonna" in pagina.content.decode()
    risposta, importazione = _importa(cliente_staff, "email\na@example.org\n", nome="lista.xlsx")
    assert risposta.status_code == 200 and importazione is None  # refused by the form, no job
    assert "Carica un file .csv." in risposta.content.decode()
    risposta = cliente_staff.post(
        reverse("newsletter:iscritti_importa"),
        {
            "file": SimpleUploadedFile("lista.csv", "email\nperché@example.org\n".encode("cp1252")),
            "nota_consenso": "x",
            "consenso_documentato": "on",
        },
    )
    importazione = Importazione.objects.latest("pk")
    importazioni.esegui(importazione.pk)
    importazione.refresh_from_db()
    assert importazione.messaggio == "Il file non è in codifica UTF-8."
    assert not Iscritto.objects.exists()


def test_importazione_richiede_la_conferma_del_consenso(cliente_staff):
    risposta = cliente_staff.post(
        reverse("newsletter:iscritti_importa"),
        {"file": _csv("email\na@example.org\n"), "nota_consenso": "x"},
    )
    assert risposta.status_code == 200
    assert not Iscritto.objects.exists()


def test_esportazione_csv_di_tutti_gli_iscritti(cliente_staff, django_assert_max_num_queries):
    from distretti.models import Distretto

    IscrittoFactory(email="=formula@example.org", distretti=[Distretto.objects.get(slug="imola")])
    for n in range(20):
        IscrittoFactory(email=f"export{n}@example.org")
    with django_assert_max_num_queries(12):
        risposta = cliente_staff.get(reverse("newsletter:iscritti_esporta"))
        contenuto = b"".join(risposta.streaming_content).decode("utf-8-sig")
    assert risposta["Content-Type"].startswith("text/csv")
    assert "attachment" in risposta["Content-Disposition"]
    assert contenuto.startswith("email;stato;")  # Italian Excel: ";" (BOM stripped)
    righe = list(csv.DictReader(io.StringIO(contenuto), delimiter=";"))
    assert len(righe) == 21
    prima = next(r for r in righe if "formula" in r["email"])
    assert prima["email"] == "'=formula@example.org"  # no spreadsheet formula injection
    assert prima["distretti"] == "imola"
    assert prima["stato"] == "confermato"


def test_esportazione_segue_il_filtro_attivo(cliente_staff):
    IscrittoFactory(email="uno@example.org")
    IscrittoFactory(email="due@example.org")
    IscrittoFactory(email="uno-attesa@example.org", stato="in_attesa")
    risposta = cliente_staff.get(reverse("newsletter:iscritti_esporta"), {"q": "uno", "stato": "confermato"})
    grezzo = b"".join(risposta.streaming_content)
    assert grezzo.startswith("\ufeff".encode())  # BOM
    righe = list(csv.DictReader(io.StringIO(grezzo.decode("utf-8-sig")), delimiter=";"))
    assert [r["email"] for r in righe] == ["uno@example.org"]
    elenco = cliente_staff.get(
        reverse("newsletter:iscritti"), {"q": "uno", "stato": "confermato"}
    ).content.decode()
    assert "esporta.csv?q=uno&amp;stato=confermato" in elenco
