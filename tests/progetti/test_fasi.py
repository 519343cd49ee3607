"""The life of a project after validation over HTTP: running, concluding, the consuntivo, what each phase
lets the school change (workflow.CAMPI_PER_STATO) and the history of every change."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from alternanza.progetti.models import DocumentoProgetto, Progetto, StatoProgetto, TransizioneProgetto
from tests.conftest import entra
from tests.progetti.factories import ProgettoFactory, ProgettoPubblicatoFactory
from tests.progetti.test_scuola import _dati

S = StatoProgetto
pytestmark = pytest.mark.django_db


def _consuntivo(progetto, **altro):
    """The edit form as the browser posts it: every field of the project as it is, with `altro` changed."""
    dati = _dati(
        progetto.scuola,
        titolo=progetto.titolo,
        descrizione=progetto.descrizione,
        obiettivi=progetto.obiettivi,
        classi=progetto.classi,
        ore_previste=progetto.ore_previste,
        ore_svolte=progetto.ore_svolte,
        sicurezza_ore=progetto.sicurezza_ore,
        studenti_totale=progetto.studenti_totale,
        studenti_ragazze=progetto.studenti_ragazze,
        studenti_origine_straniera=progetto.studenti_origine_straniera,
        studenti_con_sostegno=progetto.studenti_con_sostegno,
        studenti_con_formazione_sicurezza=progetto.studenti_con_formazione_sicurezza,
    )
    dati.update(altro)
    return dati


@pytest.mark.parametrize("stato", [S.PUBBLICATO, S.IN_CORSO, S.CONCLUSO])
def test_un_progetto_pubblicato_in_corso_o_concluso_si_aggiorna(client, referente_a, scuola_a, stato):
    # The bug of issue 15: once published, edit and attachments answered 403.
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=stato, ore_svolte=10)
    entra(client, referente_a)
    assert client.get(reverse("progetti:modifica", args=[progetto.pk])).status_code == 200
    assert client.get(reverse("progetti:allegati", args=[progetto.pk])).status_code == 200
    risposta = client.post(
        reverse("progetti:modifica", args=[progetto.pk]),
        _consuntivo(progetto, ore_svolte=75, risultati="Prototipo di braccio robotico."),
    )
    assert risposta.status_code == 302
    progetto.refresh_from_db()
    assert (progetto.ore_svolte, progetto.risultati, progetto.stato) == (
        75,
        "Prototipo di braccio robotico.",
        stato,
    )
    riga = TransizioneProgetto.objects.get(progetto=progetto)
    assert (riga.da_stato, riga.a_stato, riga.utente) == (stato, stato, referente_a)
    assert riga.nota == "Modificati: ore svolte, risultati."


def test_in_corso_cambiare_il_titolo_rimanda_all_ufficio_e_lo_scrive(
    client, django_capture_on_commit_callbacks, referente_a, ufficio_a, scuola_a
):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.IN_CORSO)
    entra(client, referente_a)
    testo = client.get(reverse("progetti:modifica", args=[progetto.pk])).content.decode()
    assert "torna all'ufficio distrettuale per una nuova validazione" in testo.replace("&#x27;", "'")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("progetti:modifica", args=[progetto.pk]), _consuntivo(progetto, titolo="Nuovo"))
    progetto.refresh_from_db()
    assert (progetto.titolo, progetto.stato) == ("Nuovo", S.INVIATO)
    assert [m.to for m in mail.outbox] == [["ufficio_a@example.org"]]


def test_concluso_il_progetto_pensato_non_cambia_piu_ma_il_consuntivo_si(client, referente_a, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.CONCLUSO, titolo="Officina", ore_svolte=30)
    entra(client, referente_a)
    pagina = client.get(reverse("progetti:modifica", args=[progetto.pk])).content.decode()
    assert 'name="titolo"' in pagina and "disabled" in pagina
    assert 'name="org-TOTAL_FORMS"' not in pagina  # the partners are shown, not offered for change
    client.post(
        reverse("progetti:modifica", args=[progetto.pk]),
        _consuntivo(progetto, titolo="Titolo cambiato di nascosto", ore_svolte=40, ore_previste=1),
    )
    progetto.refresh_from_db()
    assert (progetto.titolo, progetto.ore_previste, progetto.ore_svolte, progetto.stato) == (
        "Officina",
        40,
        40,
        S.CONCLUSO,
    )


@pytest.mark.parametrize("stato", [S.INVIATO, S.ARCHIVIATO])
def test_inviato_e_archiviato_la_scuola_non_modifica(client, referente_a, scuola_a, stato):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=stato)
    entra(client, referente_a)
    assert client.get(reverse("progetti:modifica", args=[progetto.pk])).status_code == 403
    assert client.get(reverse("progetti:allegati", args=[progetto.pk])).status_code == 403


def test_i_documenti_finali_si_caricano_a_progetto_concluso_e_restano_nella_storia(
    client, referente_a, scuola_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.CONCLUSO, ore_svolte=30)
    entra(client, referente_a)
    risposta = client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {
            "tipo": "documento",
            "doc-titolo": "Relazione finale",
            "doc-file": ContentFile(b"%PDF-1.4 relazione", name="relazione.pdf"),
            "doc-pubblico": "on",
        },
    )
    assert risposta.status_code == 302
    assert DocumentoProgetto.objects.get(progetto=progetto).titolo == "Relazione finale"
    assert TransizioneProgetto.objects.get(progetto=progetto).nota == "Modificati: documenti e foto."


def test_la_scuola_avvia_e_conclude_e_l_ufficio_no(client, referente_a, ufficio_a, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a)
    entra(client, ufficio_a)
    assert client.post(reverse("progetti:transizione", args=[progetto.pk, "avvia"])).status_code == 403
    entra(client, referente_a)
    pagina = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert reverse("progetti:transizione", args=[progetto.pk, "avvia"]) in pagina
    client.post(reverse("progetti:transizione", args=[progetto.pk, "avvia"]))
    progetto.refresh_from_db()
    assert progetto.stato == S.IN_CORSO
    # Without the hours done the project cannot be concluded: the message says what is missing.
    risposta = client.post(reverse("progetti:transizione", args=[progetto.pk, "concludi"]), follow=True)
    assert "registra nel consuntivo le ore svolte" in risposta.content.decode()
    Progetto.objects.filter(pk=progetto.pk).update(ore_svolte=38)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "concludi"]))
    progetto.refresh_from_db()
    assert progetto.stato == S.CONCLUSO


def test_la_scuola_ritira_l_invio_finche_l_ufficio_non_decide(client, referente_a, ufficio_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    entra(client, referente_a)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "ritira"]))
    progetto.refresh_from_db()
    assert progetto.stato == S.BOZZA
    assert client.get(reverse("progetti:modifica", args=[progetto.pk])).status_code == 200
    # Once the office has decided, there is nothing left to withdraw.
    Progetto.objects.filter(pk=progetto.pk).update(stato=S.VALIDATO)
    risposta = client.post(reverse("progetti:transizione", args=[progetto.pk, "ritira"]), follow=True)
    assert "non è possibile in questo stato" in risposta.content.decode()
    progetto.refresh_from_db()
    assert progetto.stato == S.VALIDATO


def test_la_seconda_copia_nello_stesso_anno_non_si_crea_e_rimanda_alla_prima(client, referente_a, scuola_a):
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, stato=S.CONCLUSO, anno_scolastico="2024/25")
    entra(client, referente_a)
    client.post(reverse("progetti:copia", args=[progetto.pk]))
    copia = Progetto.objects.get(copiato_da=progetto)
    pagina = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert reverse("progetti:progetto", args=[copia.pk]) in pagina
    assert "Copia per il 2025/26 già creata" in pagina
    assert reverse("progetti:copia", args=[progetto.pk]) not in pagina
    risposta = client.post(reverse("progetti:copia", args=[progetto.pk]), follow=True)
    assert Progetto.objects.filter(copiato_da=progetto).count() == 1
    assert risposta.redirect_chain[-1][0] == reverse("progetti:progetto", args=[copia.pk])
    assert "La copia per l&#x27;anno scolastico 2025/26 esiste già" in risposta.content.decode()


@pytest.mark.parametrize(
    ("stato", "fase"), [(S.PUBBLICATO, "In programma"), (S.IN_CORSO, "In corso"), (S.CONCLUSO, "Concluso")]
)
def test_la_pagina_pubblica_dice_la_fase_senza_le_parole_del_flusso(client, scuola_a, stato, fase):
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a, stato=stato, ore_previste=90, ore_svolte=0, risultati="Un robot che smista pacchi."
    )
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert f">{fase}</span>" in testo
    for parola in ("Pubblicato", "Validato", "Inviato", "Bozza"):
        assert parola not in testo
    if stato != S.CONCLUSO:
        # Before the end no "0 svolte" forever, and the results wait for the conclusion.
        assert "svolte" not in testo and "Un robot che smista pacchi." not in testo
        assert "90 previste" in testo


def test_la_pagina_pubblica_del_progetto_concluso_mostra_ore_risultati_e_foto(
    client, scuola_a, settings, tmp_path
):
    from alternanza.progetti.models import FotoProgetto

    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoPubblicatoFactory(
        scuola=scuola_a,
        stato=S.CONCLUSO,
        ore_previste=90,
        ore_svolte=84,
        studenti_totale=22,
        risultati="Un robot che smista pacchi.",
        valutazione="Interna: da migliorare la logistica.",
    )
    png = io.BytesIO()
    Image.new("RGB", (40, 30), "navy").save(png, "PNG")
    FotoProgetto.objects.create(
        progetto=progetto,
        immagine=ContentFile(png.getvalue(), name="f.png"),
        testo_alternativo="Studenti al banco di collaudo",
    )
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert "84 ore svolte" in testo and "22 studenti hanno partecipato" in testo
    assert "Un robot che smista pacchi." in testo
    assert 'alt="Studenti al banco di collaudo"' in testo
    # The school's own evaluation is for the office, not for visitors.
    assert "da migliorare la logistica" not in testo


def test_validato_dopo_la_data_di_inizio_si_pubblica_e_la_scuola_lo_avvia(
    client, referente_a, ufficio_a, scuola_a
):
    """The office validated late, after the start date: publishing works as for any validated project
    (dates do not matter), and the school's start moves it to "in corso", still public."""
    progetto = ProgettoFactory(
        scuola=scuola_a,
        stato=S.VALIDATO,
        data_inizio=datetime.date(2025, 10, 1),
        data_fine=datetime.date(2026, 2, 1),
    )
    entra(client, ufficio_a)
    assert client.post(reverse("progetti:transizione", args=[progetto.pk, "pubblica"])).status_code == 302
    progetto.refresh_from_db()
    assert (progetto.stato, progetto.e_pubblico) == (S.PUBBLICATO, True)
    entra(client, referente_a)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "avvia"]))
    progetto.refresh_from_db()
    assert (progetto.stato, progetto.e_pubblico) == (S.IN_CORSO, True)
    client.logout()
    assert ">In corso</span>" in client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()


@pytest.mark.parametrize("stato", [S.IN_CORSO, S.CONCLUSO])
def test_avviato_prima_della_pubblicazione_l_ufficio_lo_pubblica_nella_sua_fase(
    client, django_capture_on_commit_callbacks, referente_a, ufficio_a, scuola_a, stato
):
    """The school started it while it was only validated (allowed: AVVIA from "validato"): it stays
    reserved until the office publishes it, which leaves its phase as it is — it used to stay reserved
    for good, as "pubblica" started from "validato" only."""
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO, ore_svolte=30)
    entra(client, referente_a)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "avvia"]))
    if stato == S.CONCLUSO:
        client.post(reverse("progetti:transizione", args=[progetto.pk, "concludi"]))
    progetto.refresh_from_db()
    assert progetto.stato == stato and not progetto.e_pubblico
    client.logout()
    assert client.get(reverse("progetti:progetto", args=[progetto.pk])).status_code == 404

    entra(client, ufficio_a)
    url = reverse("progetti:transizione", args=[progetto.pk, "pubblica"])
    assert url in client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url).status_code == 302
    progetto.refresh_from_db()
    assert progetto.stato == stato and progetto.e_pubblico and progetto.pubblicato_il is not None
    passo = progetto.transizioni.first()
    assert (passo.da_stato, passo.a_stato, passo.nota) == (stato, stato, "Pubblicato nella vetrina.")
    [messaggio] = mail.outbox
    assert f"resta «{progetto.get_stato_display()}»" in messaggio.body
    # Published once: the button is gone and a second try changes nothing.
    assert url not in client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    passi = progetto.transizioni.count()
    risposta = client.post(url, follow=True)
    assert "non è possibile in questo stato" in risposta.content.decode()
    assert progetto.transizioni.count() == passi

    client.logout()
    testo = client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode()
    assert f">{progetto.stato_enum.etichetta_pubblica}</span>" in testo
    assert "Pubblicato" not in testo
