"""Coordinators and offices at work over HTTP: forms and counts, transitions, dashboards, attachments."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from alternanza.progetti.forms import AVVISO_MINORI, ProgettoForm
from alternanza.progetti.models import Progetto, StatoProgetto, TransizioneProgetto
from tests.conftest import entra
from tests.progetti.factories import ProgettoFactory

S = StatoProgetto
pytestmark = pytest.mark.django_db


def _dati(scuola, **altro):
    dati = {
        "scuola": scuola.pk,
        "anno_scolastico": "2025/26",
        "titolo": "Officina digitale",
        "descrizione": "Percorso in un'impresa meccanica.",
        "ore_previste": 40,
        "ore_svolte": 0,
        "sicurezza_ore": 8,
        "studenti_totale": 20,
        "studenti_ragazze": 7,
        "studenti_origine_straniera": 2,
        "studenti_con_sostegno": 1,
        "studenti_con_formazione_sicurezza": 20,
        "consenso_vetrina": "on",
        "org-TOTAL_FORMS": 1,
        "org-INITIAL_FORMS": 0,
        "org-MIN_NUM_FORMS": 0,
        "org-MAX_NUM_FORMS": 30,
        "org-0-organizzazione": "",
        "org-0-ruolo": "ospitante",
    }
    dati.update(altro)
    return dati


def test_il_referente_registra_un_progetto_con_la_struttura_ospitante(
    client, referente_a, scuola_a, organizzazione
):
    entra(client, referente_a)
    risposta = client.post(
        reverse("progetti:nuovo"),
        _dati(scuola_a, **{"org-0-organizzazione": organizzazione.nome.upper()}),
    )
    progetto = Progetto.objects.get()
    assert risposta.status_code == 302
    assert (progetto.stato, progetto.creato_da, progetto.distretto.slug) == (S.BOZZA, referente_a, "bologna")
    assert list(progetto.organizzazioni.all()) == [organizzazione]


@pytest.mark.parametrize(
    ("campo", "valore"),
    [
        ("studenti_ragazze", 21),
        ("studenti_origine_straniera", 25),
        ("studenti_con_sostegno", 30),
        ("studenti_con_formazione_sicurezza", 21),
        ("studenti_totale", -1),
        ("anno_scolastico", "2025/27"),
    ],
)
def test_i_numeri_incoerenti_sono_rifiutati_con_un_messaggio(client, referente_a, scuola_a, campo, valore):
    entra(client, referente_a)
    risposta = client.post(reverse("progetti:nuovo"), _dati(scuola_a, **{campo: valore}))
    assert risposta.status_code == 200
    assert campo in risposta.context["form"].errors
    assert not Progetto.objects.exists()


def test_il_referente_non_puo_registrare_per_un_altra_scuola(client, referente_a, scuola_b):
    entra(client, referente_a)
    risposta = client.post(reverse("progetti:nuovo"), _dati(scuola_b))
    assert "scuola" in risposta.context["form"].errors


def test_un_organizzazione_sconosciuta_e_segnalata(client, referente_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(reverse("progetti:nuovo"), _dati(scuola_a, **{"org-0-organizzazione": "Nessuna"}))
    assert risposta.status_code == 200
    assert not Progetto.objects.exists()


def test_nessun_campo_chiede_nomi_e_i_testi_liberi_avvisano(referente_a):
    form = ProgettoForm(user=referente_a)
    # The one name asked is the school tutor's: a teacher, an adult (issue 15), never a student.
    adulti = {"tutor_scuola_nome"}
    assert not [nome for nome in form.fields if ("nome" in nome or "cognome" in nome) and nome not in adulti]
    for campo in ("descrizione", "obiettivi", "risultati", "valutazione", "classi"):
        assert str(AVVISO_MINORI) in str(form.fields[campo].help_text)


def test_il_modulo_mostra_l_avviso_sui_minori(client, referente_a):
    entra(client, referente_a)
    assert "Non scrivere nomi, cognomi o altri dati" in client.get(reverse("progetti:nuovo")).content.decode()


def test_modificare_via_web_un_progetto_validato_lo_rimanda_all_ufficio(client, referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.VALIDATO)
    entra(client, referente_a)
    client.post(reverse("progetti:modifica", args=[progetto.pk]), _dati(scuola_a, titolo="Titolo nuovo"))
    progetto.refresh_from_db()
    assert (progetto.titolo, progetto.stato) == ("Titolo nuovo", S.INVIATO)
    assert TransizioneProgetto.objects.filter(progetto=progetto, a_stato=S.INVIATO).exists()


def test_flusso_completo_via_web_con_email(
    client, django_capture_on_commit_callbacks, referente_a, ufficio_a, scuola_a
):
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("progetti:transizione", args=[progetto.pk, "invia"]))
    entra(client, ufficio_a)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("progetti:transizione", args=[progetto.pk, "rimanda"]), {"nota": "Manca il periodo."}
        )
    entra(client, referente_a)
    cruscotto = client.get(reverse("progetti:miei")).content.decode()
    assert "Manca il periodo." in cruscotto
    client.post(reverse("progetti:transizione", args=[progetto.pk, "invia"]))
    entra(client, ufficio_a)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "valida"]))
    client.post(reverse("progetti:transizione", args=[progetto.pk, "pubblica"]))
    progetto.refresh_from_db()
    assert progetto.stato == S.PUBBLICATO
    assert [m.to for m in mail.outbox] == [["ufficio_a@example.org"], ["referente_a@example.org"]]


def test_rimandare_senza_osservazioni_via_web_mostra_un_errore(client, ufficio_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
    entra(client, ufficio_a)
    risposta = client.post(reverse("progetti:transizione", args=[progetto.pk, "rimanda"]), follow=True)
    assert "osservazioni" in risposta.content.decode()
    progetto.refresh_from_db()
    assert progetto.stato == S.INVIATO


def test_copia_via_web(client, referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.PUBBLICATO, anno_scolastico="2024/25")
    entra(client, referente_a)
    risposta = client.post(reverse("progetti:copia", args=[progetto.pk]))
    copia = Progetto.objects.exclude(pk=progetto.pk).get()
    assert risposta["Location"] == reverse("progetti:modifica", args=[copia.pk])
    assert copia.anno_scolastico == "2025/26"


@pytest.mark.parametrize("quanti", [2, 20])
def test_cruscotto_del_referente_con_query_costanti(
    client, django_assert_max_num_queries, referente_a, scuola_a, quanti
):
    for i in range(quanti):
        ProgettoFactory(scuola=scuola_a, stato=[S.BOZZA, S.RIMANDATO, S.PUBBLICATO][i % 3])
    entra(client, referente_a)
    with django_assert_max_num_queries(10):
        risposta = client.get(reverse("progetti:miei"))
    assert {s.value: n for s, n in risposta.context["conteggi"]}[S.BOZZA] == len(range(0, quanti, 3))


@pytest.mark.parametrize("quanti", [2, 20])
def test_coda_dell_ufficio_con_query_costanti_e_solo_il_suo_distretto(
    client, django_assert_max_num_queries, ufficio_a, scuola_a, scuola_b, quanti
):
    for _ in range(quanti):
        ProgettoFactory(scuola=scuola_a, stato=S.INVIATO)
        ProgettoFactory(scuola=scuola_b, stato=S.INVIATO)
    entra(client, ufficio_a)
    # session, user, MFA check, roles, 2 statistics, page (the queue's size comes from the statistics),
    # the year list is static
    with django_assert_max_num_queries(10):
        risposta = client.get(reverse("progetti:revisione"))
    assert risposta.context["pagina"].paginator.count == quanti
    assert {p.distretto.slug for p in risposta.context["pagina"]} == {"bologna"}
    assert [r["distretto"].slug for r in risposta.context["statistiche"]] == ["bologna"]


def _png(larghezza=40, altezza=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (larghezza, altezza), "red").save(buffer, format="PNG")
    return buffer.getvalue()


def test_la_foto_e_ricodificata_e_il_testo_alternativo_e_obbligatorio(
    client, referente_a, scuola_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    url = reverse("progetti:allegati", args=[progetto.pk])
    senza_alt = client.post(url, {"tipo": "foto", "foto-immagine": SimpleUploadedFile("a.png", _png())})
    assert "testo_alternativo" in senza_alt.context["form_foto"].errors
    client.post(
        url,
        {
            "tipo": "foto",
            "foto-immagine": SimpleUploadedFile("a.png", _png()),
            "foto-testo_alternativo": "Officina",
        },
    )
    foto = progetto.foto.get()
    assert foto.immagine.name.endswith(".jpg")
    assert (foto.larghezza, foto.altezza) == (40, 30)
    with Image.open(foto.immagine.path) as immagine:
        assert immagine.format == "JPEG"
        assert not immagine.getexif()


@pytest.mark.parametrize(
    ("nome", "contenuto"),
    [("finta.png", b"non sono un'immagine"), ("script.png", b"<script>alert(1)</script>")],
)
def test_una_foto_falsa_e_rifiutata(client, referente_a, scuola_a, nome, contenuto):
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    risposta = client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {"tipo": "foto", "foto-immagine": SimpleUploadedFile(nome, contenuto), "foto-testo_alternativo": "x"},
    )
    assert "immagine" in risposta.context["form_foto"].errors
    assert not progetto.foto.exists()


@pytest.mark.parametrize(
    ("nome", "contenuto", "valido"),
    [
        ("relazione.pdf", b"%PDF-1.7\n...", True),
        ("relazione.pdf", b"MZ\x90\x00 eseguibile", False),
        ("programma.exe", b"MZ\x90\x00", False),
        ("dati.csv", b"a,b\n1,2\n", True),
        ("dati.docx", b"PK\x03\x04 non un docx", False),
    ],
)
def test_i_documenti_sono_controllati_per_tipo(
    client, referente_a, scuola_a, settings, tmp_path, nome, contenuto, valido
):
    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {"tipo": "documento", "doc-titolo": "Relazione", "doc-file": SimpleUploadedFile(nome, contenuto)},
    )
    assert progetto.documenti.exists() is valido


def test_un_documento_troppo_grande_e_rifiutato(client, referente_a, scuola_a, settings, tmp_path):
    from alternanza.progetti import file

    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    grande = SimpleUploadedFile("r.pdf", b"%PDF-" + b"0" * (file.MAX_DOCUMENTO + 1))
    risposta = client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {"tipo": "documento", "doc-titolo": "R", "doc-file": grande},
    )
    assert "file" in risposta.context["form_documento"].errors


def test_i_documenti_non_pubblici_non_si_scaricano_dalla_vetrina(client, scuola_a, settings, tmp_path):
    from django.core.files.base import ContentFile

    from alternanza.progetti.models import DocumentoProgetto

    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.PUBBLICATO)
    riservato = DocumentoProgetto.objects.create(
        progetto=progetto, titolo="Interno", file=ContentFile(b"%PDF-1.4", name="i.pdf"), pubblico=False
    )
    assert client.get(reverse("progetti:documento", args=[progetto.pk, riservato.pk])).status_code == 404


def test_chi_segue_il_progetto_vede_se_manca_la_convenzione_con_l_ospitante(
    client, referente_a, scuola_a, organizzazione
):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.PUBBLICATO, ospitanti=[organizzazione])
    url = reverse("progetti:progetto", args=[progetto.pk])
    assert "Convenzione mancante" not in client.get(url).content.decode()
    entra(client, referente_a)
    assert "Convenzione mancante" in client.get(url).content.decode()


def test_le_statistiche_dell_ufficio_seguono_ogni_passaggio(client, ufficio_a, referente_a, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=S.BOZZA)
    entra(client, ufficio_a)
    prima = client.get(reverse("progetti:revisione")).context["totali"]
    assert dict(prima)[S.INVIATO] == 0
    entra(client, referente_a)
    client.post(reverse("progetti:transizione", args=[progetto.pk, "invia"]))
    entra(client, ufficio_a)
    dopo = client.get(reverse("progetti:revisione")).context["totali"]
    assert dict(dopo)[S.INVIATO] == 1


def test_i_file_caricati_hanno_nomi_non_indovinabili(client, referente_a, scuola_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    client.post(
        reverse("progetti:allegati", args=[progetto.pk]),
        {
            "tipo": "documento",
            "doc-titolo": "Relazione finale",
            "doc-file": SimpleUploadedFile("r.pdf", b"%PDF-1.7"),
        },
    )
    documento = progetto.documenti.get()
    assert "relazione" not in documento.file.name and documento.file.name.endswith(".pdf")
    risposta = client.get(reverse("progetti:documento", args=[progetto.pk, documento.pk]))
    assert 'filename="relazione-finale.pdf"' in risposta["Content-Disposition"]
