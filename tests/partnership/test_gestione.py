"""Management forms: staff manage organisations, agreements, partnerships; contacts, offers, interests."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from distretti.scelta import SCUOLE
from partnership.models import (
    Accordo,
    Convenzione,
    InteresseOfferta,
    OffertaOspitalita,
    Organizzazione,
    Partnership,
)
from partnership.scelta import ORGANIZZAZIONI
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, comune
from tests.partnership.factories import PDF_MINIMO, OffertaFactory, pdf

PIVA = "00743110157"


@pytest.fixture(autouse=True)
def _media_temporanea(settings, tmp_path):
    """Uploaded PDFs and logos go to a temporary folder, not to var/media."""
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.django_db
def test_staff_crea_organizzazione_con_partita_iva_valida(client, staff):
    entra(client, staff)
    risposta = client.post(
        "/rete/gestione/organizzazioni/nuova/",
        {
            "nome": "Robotica Felsinea",
            "tipo": "startup",
            "codice_fiscale": f"IT {PIVA}",
            "codice_ateco": "28.99",
            "comune_scelta": comune("Bologna").pk,
            "pubblica": "on",
        },
    )
    assert risposta.status_code == 302
    org = Organizzazione.objects.get(nome="Robotica Felsinea")
    assert org.codice_fiscale == PIVA and org.slug == "robotica-felsinea" and org.sezione_ateco == "C"


@pytest.mark.django_db
def test_partita_iva_errata_mostra_il_messaggio_nel_modulo(client, staff):
    entra(client, staff)
    risposta = client.post(
        "/rete/gestione/organizzazioni/nuova/",
        {"nome": "Errata", "tipo": "impresa", "codice_fiscale": "00743110158"},
    )
    assert risposta.status_code == 200
    assert "cifra di controllo non corrisponde" in risposta.content.decode()
    assert not Organizzazione.objects.filter(nome="Errata").exists()


@pytest.mark.django_db
def test_logo_che_non_e_un_immagine_rifiutato(client, staff):
    entra(client, staff)
    risposta = client.post(
        "/rete/gestione/organizzazioni/nuova/",
        {"nome": "Con logo", "tipo": "impresa", "logo": SimpleUploadedFile("logo.png", b"non sono un png")},
    )
    assert risposta.status_code == 200
    assert not Organizzazione.objects.filter(nome="Con logo").exists()


def _dati_accordo(**extra):
    dati = {
        "titolo": "Protocollo ITS Maker",
        "tipo": "protocollo_intesa",
        "stato": "firmato",
        "data_firma": "2025-03-01",
        "organizzazioni": "Area Sviluppo sociale",
        "documenti-TOTAL_FORMS": "1",
        "documenti-INITIAL_FORMS": "0",
        "documenti-MIN_NUM_FORMS": "0",
        "documenti-MAX_NUM_FORMS": "20",
        "documenti-0-titolo": "Testo firmato",
    }
    dati.update(extra)
    return dati


@pytest.mark.django_db
def test_staff_crea_accordo_con_documento_pdf(client, staff):
    entra(client, staff)
    risposta = client.post(
        "/rete/accordi/nuovo/", _dati_accordo(**{"documenti-0-file": pdf("protocollo.pdf")})
    )
    assert risposta.status_code == 302, risposta.context and risposta.context["form"].errors
    accordo = Accordo.objects.get(titolo="Protocollo ITS Maker")
    assert accordo.organizzazioni.get().partner_istituzionale
    documento = accordo.documenti.get()
    scaricato = client.get(f"/rete/accordi/{accordo.pk}/documenti/{documento.pk}/")
    assert b"".join(scaricato.streaming_content).startswith(b"%PDF")


@pytest.mark.django_db
def test_documento_con_estensione_pdf_ma_contenuto_diverso_rifiutato(client, staff):
    entra(client, staff)
    falso = SimpleUploadedFile("protocollo.pdf", b"MZ\x90\x00 eseguibile", content_type="application/pdf")
    risposta = client.post("/rete/accordi/nuovo/", _dati_accordo(**{"documenti-0-file": falso}))
    assert risposta.status_code == 200
    assert "non è un PDF valido" in risposta.content.decode()
    assert not Accordo.objects.filter(titolo="Protocollo ITS Maker").exists()


@pytest.mark.django_db
def test_accordo_firmato_senza_data_e_organizzazione_sconosciuta_rifiutati(client, staff):
    entra(client, staff)
    risposta = client.post("/rete/accordi/nuovo/", _dati_accordo(data_firma="", organizzazioni="non-esiste"))
    errori = risposta.context["form"].errors
    assert "data_firma" in errori and "organizzazioni" in errori


@pytest.mark.django_db
def test_partnership_distrettuale_richiede_un_solo_distretto(
    client, staff, distretto_a, distretto_b, scuola_a
):
    entra(client, staff)
    base = {
        "titolo": "Laboratori aperti",
        "livello": "distrettuale",
        "stato": "attiva",
        "promossa_da": "scuola",
        "promotore_scuola": scuola_a.codice_meccanografico,
        "scuole": scuola_a.codice_meccanografico,
    }
    risposta = client.post(
        "/rete/gestione/partnership/nuova/", {**base, "distretti": [distretto_a.pk, distretto_b.pk]}
    )
    assert "distretti" in risposta.context["form"].errors
    risposta = client.post("/rete/gestione/partnership/nuova/", {**base, "distretti": [distretto_a.pk]})
    assert risposta.status_code == 302
    p = Partnership.objects.get(titolo="Laboratori aperti")
    assert p.promotore_scuola == scuola_a and list(p.scuole.all()) == [scuola_a]


def _dati_convenzione(scuola, org, **extra):
    dati = {
        "scuola": scuola.codice_meccanografico,
        "organizzazione": org.nome,
        "numero": "C-1",
        "data_firma": "2025-09-01",
        "scadenza": "2027-08-31",
        "sezione_dvr": "Rischio chimico basso.",
    }
    dati.update(extra)
    return dati


@pytest.mark.django_db
def test_referente_scolastico_registra_convenzione_della_sua_scuola_con_pdf(
    client, referente_a, scuola_a, organizzazione
):
    entra(client, referente_a)
    risposta = client.post(
        "/rete/convenzioni/nuova/",
        _dati_convenzione(scuola_a, organizzazione, pdf_firmato=pdf("firmata.pdf")),
    )
    assert risposta.status_code == 302
    c = Convenzione.objects.get(numero="C-1")
    assert c.pdf_firmato.name.endswith(".pdf")


@pytest.mark.django_db
def test_referente_non_registra_convenzioni_di_altre_scuole(client, referente_a, scuola_b, organizzazione):
    entra(client, referente_a)
    risposta = client.post("/rete/convenzioni/nuova/", _dati_convenzione(scuola_b, organizzazione))
    assert "scuola" in risposta.context["form"].errors
    assert not Convenzione.objects.exists()


@pytest.mark.django_db
def test_convenzione_senza_dvr_e_con_pdf_falso_rifiutata(client, referente_a, scuola_a, organizzazione):
    entra(client, referente_a)
    falso = SimpleUploadedFile("firmata.pdf", b"<html>non un pdf</html>")
    risposta = client.post(
        "/rete/convenzioni/nuova/",
        _dati_convenzione(scuola_a, organizzazione, sezione_dvr="", pdf_firmato=falso),
    )
    errori = risposta.context["form"].errors
    assert "sezione_dvr" in errori and "pdf_firmato" in errori


@pytest.mark.django_db
def test_convenzione_scaduta_segnalata(client, referente_a, scuola_a, organizzazione):
    c = Convenzione.objects.create(
        scuola=scuola_a,
        organizzazione=organizzazione,
        data_firma=datetime.date(2020, 1, 1),
        scadenza=datetime.date(2021, 1, 1),
        sezione_dvr="x",
    )
    entra(client, referente_a)
    assert "Convenzione scaduta" in client.get(f"/rete/convenzioni/{c.pk}/").content.decode()
    elenco = client.get("/rete/convenzioni/", {"stato": "scadute"})
    assert list(elenco.context["page_obj"]) == [c]


@pytest.mark.django_db
def test_referente_organizzazione_modifica_solo_il_profilo_della_sua(client, referente_org, organizzazione):
    altra_pubblica = OrganizzazioneFactory(pubblica=True)
    altra_riservata = OrganizzazioneFactory(pubblica=False, comune=comune("Imola"))
    entra(client, referente_org)
    risposta = client.post(
        f"/rete/organizzazioni/{organizzazione.slug}/modifica/",
        {
            "profilo": "Officina con 40 tecnici.",
            "nome": "Nome cambiato",
            "codice_fiscale": "00743110158",
            "partner_istituzionale": "on",
            "pubblica": "on",
        },
    )
    assert risposta.status_code == 302
    organizzazione.refresh_from_db()
    assert organizzazione.profilo == "Officina con 40 tecnici."
    # Identity and network role are staff business: those fields are not in the contact's form.
    assert organizzazione.nome == "Meccanica Emiliana S.p.A." and not organizzazione.partner_istituzionale
    assert client.get(f"/rete/organizzazioni/{altra_pubblica.slug}/modifica/").status_code == 403
    assert client.get(f"/rete/organizzazioni/{altra_riservata.slug}/modifica/").status_code == 404


@pytest.mark.django_db
def test_offerta_interesse_e_area_dell_organizzazione(
    client, referente_org, referente_a, organizzazione, scuola_a
):
    entra(client, referente_org)
    risposta = client.post(
        "/rete/offerte/nuova/",
        {
            "organizzazione": organizzazione.pk,
            "titolo": "Stage in manutenzione",
            "posti": 4,
            "data_inizio": "2099-01-10",
            "data_fine": "2099-03-10",
            "comune_scelta": comune("Bologna").pk,
            "attiva": "on",
        },
    )
    assert risposta.status_code == 302
    offerta = OffertaOspitalita.objects.get(titolo="Stage in manutenzione")

    entra(client, referente_a)
    assert (
        "Stage in manutenzione"
        in client.get("/rete/offerte/", {"distretto": scuola_a.comune.distretto_id}).content.decode()
    )
    risposta = client.post(
        f"/rete/offerte/{offerta.pk}/", {"scuola": scuola_a.pk, "studenti": 5, "messaggio": "Quarta B"}
    )
    assert risposta.status_code == 302
    # A second expression of interest by the same school is not duplicated.
    client.post(f"/rete/offerte/{offerta.pk}/", {"scuola": scuola_a.pk, "studenti": 2})
    assert InteresseOfferta.objects.filter(offerta=offerta).count() == 1

    entra(client, referente_org)
    pagina = client.get("/rete/mia-organizzazione/").content.decode()
    assert scuola_a.denominazione in pagina and "Quarta B" in pagina and "referente_a@example.org" in pagina


@pytest.mark.django_db
def test_referente_organizzazione_non_sceglie_organizzazioni_altrui_per_le_offerte(client, referente_org):
    altra = OrganizzazioneFactory()
    entra(client, referente_org)
    risposta = client.post(
        "/rete/offerte/nuova/",
        {
            "organizzazione": altra.pk,
            "titolo": "Abusiva",
            "posti": 1,
            "data_inizio": "2099-01-01",
            "data_fine": "2099-02-01",
        },
    )
    assert "organizzazione" in risposta.context["form"].errors


@pytest.mark.django_db
def test_offerte_filtrate_per_area_s3_e_periodo(client, referente_a):
    from tests.partnership.factories import area_s3

    OffertaFactory(
        titolo="Agri",
        area_s3=area_s3("agrifood"),
        data_inizio=datetime.date(2099, 1, 1),
        data_fine=datetime.date(2099, 2, 1),
    )
    OffertaFactory(
        titolo="Mecc",
        area_s3=area_s3("mech"),
        data_inizio=datetime.date(2099, 5, 1),
        data_fine=datetime.date(2099, 6, 1),
    )
    entra(client, referente_a)

    def titoli(**get):
        return [o.titolo for o in client.get("/rete/offerte/", get).context["page_obj"]]

    assert titoli(area_s3=area_s3("mech").pk) == ["Mecc"]
    assert titoli(dal="2099-04-01") == ["Mecc"]
    assert titoli(al="2099-03-01") == ["Agri"]


@pytest.mark.django_db
def test_documenti_riservati_non_serviti_fuori_ambito(client, referente_b, scuola_a, organizzazione):
    c = Convenzione.objects.create(
        scuola=scuola_a,
        organizzazione=organizzazione,
        scadenza=datetime.date(2099, 1, 1),
        sezione_dvr="x",
        pdf_firmato=SimpleUploadedFile("c.pdf", PDF_MINIMO),
    )
    entra(client, referente_b)
    assert client.get(f"/rete/convenzioni/{c.pk}/file/pdf_firmato/").status_code == 404
    assert client.get(f"/rete/convenzioni/{c.pk}/file/password/").status_code == 404


@pytest.mark.django_db
def test_elenco_convenzioni_filtra_quelle_in_scadenza(client, ufficio_a, scuola_a, scuola_b, organizzazione):
    from django.utils import timezone

    oggi = timezone.localdate()
    vicina = Convenzione.objects.create(
        scuola=scuola_a,
        organizzazione=organizzazione,
        scadenza=oggi + datetime.timedelta(days=10),
        sezione_dvr="x",
    )
    Convenzione.objects.create(
        scuola=scuola_a,
        organizzazione=organizzazione,
        scadenza=oggi + datetime.timedelta(days=90),
        sezione_dvr="x",
    )
    Convenzione.objects.create(  # district B: not the office's business
        scuola=scuola_b,
        organizzazione=organizzazione,
        scadenza=oggi + datetime.timedelta(days=5),
        sezione_dvr="x",
    )
    entra(client, ufficio_a)
    assert list(client.get("/rete/convenzioni/", {"stato": "in_scadenza"}).context["page_obj"]) == [vicina]
    assert len(client.get("/rete/convenzioni/").context["page_obj"]) == 2


@pytest.mark.django_db
def test_staff_crea_e_modifica_offerte_indicando_l_organizzazione_per_codice(client, staff, organizzazione):
    entra(client, staff)
    pagina = client.get("/rete/offerte/nuova/").content.decode()
    assert '<select name="organizzazione"' not in pagina  # no 20,000-option select
    risposta = client.post(
        "/rete/offerte/nuova/",
        {"organizzazione": organizzazione.nome, "titolo": "Stage staff", "posti": 2,
         "data_inizio": "2099-01-01", "data_fine": "2099-02-01"},
    )  # fmt: skip
    assert risposta.status_code == 302
    offerta = OffertaOspitalita.objects.get(titolo="Stage staff")
    assert offerta.organizzazione == organizzazione
    risposta = client.post(
        f"/rete/offerte/{offerta.pk}/modifica/",
        {"organizzazione": "altra", "titolo": "Stage staff 2", "posti": 3,
         "data_inizio": "2099-01-01", "data_fine": "2099-02-01"},
    )  # fmt: skip
    assert risposta.status_code == 302, risposta.context["form"].errors
    offerta.refresh_from_db()
    assert offerta.titolo == "Stage staff 2" and offerta.organizzazione == organizzazione


@pytest.mark.django_db
def test_moduli_di_modifica_mostrano_i_nomi_e_si_salvano_senza_cambiarli(
    client, staff, scuola_a, organizzazione
):
    """Re-submitting an edit form as shown keeps the school, organisations and promoter."""
    import re

    from tests.partnership.factories import ConvenzioneFactory, PartnershipFactory

    c = ConvenzioneFactory(scuola=scuola_a, organizzazione=organizzazione)
    p = PartnershipFactory(
        scuole=[scuola_a], organizzazioni=[organizzazione], distretti=[scuola_a.comune.distretto],
        promossa_da="partner", promotore_organizzazione=organizzazione,
    )  # fmt: skip
    entra(client, staff)
    html = client.get(f"/rete/convenzioni/{c.pk}/modifica/").content.decode()
    assert re.search(rf'name="scuola"[^>]*value="{re.escape(escape(SCUOLE.etichetta(scuola_a)))}"', html)
    assert re.search(
        rf'name="organizzazione"[^>]*value="{re.escape(escape(ORGANIZZAZIONI.etichetta(organizzazione)))}"',
        html,
    )
    assert organizzazione.slug not in html
    html = client.get(f"/rete/partnership/{p.slug}/modifica/").content.decode()
    assert re.search(
        rf'name="promotore_organizzazione"[^>]*value="{re.escape(escape(ORGANIZZAZIONI.etichetta(organizzazione)))}"',
        html,
    )
    # The chosen schools and organisations of the partnership are listed by name, checked.
    assert re.search(rf'name="scuole_scelta" value="{scuola_a.pk}"[^>]*checked', html)
    assert escape(scuola_a.denominazione) in html and escape(organizzazione.nome) in html
    dati = {
        "titolo": p.titolo, "livello": p.livello, "stato": p.stato, "promossa_da": "partner",
        "distretti": [scuola_a.comune.distretto_id], "scuole_scelta": scuola_a.pk,
        "organizzazioni_scelta": organizzazione.pk,
        "promotore_organizzazione": ORGANIZZAZIONI.etichetta(organizzazione),
        "promotore_organizzazione_scelta": organizzazione.pk,
    }  # fmt: skip
    assert client.post(f"/rete/partnership/{p.slug}/modifica/", dati).status_code == 302
    p.refresh_from_db()
    assert list(p.scuole.all()) == [scuola_a] and list(p.organizzazioni.all()) == [organizzazione]
    assert p.promotore_organizzazione == organizzazione


@pytest.mark.django_db
def test_scheda_partnership_segnala_convenzioni_scadute_o_mancanti_a_chi_ne_risponde(
    client, referente_a, scuola_a, organizzazione
):
    from tests.partnership.factories import ConvenzioneFactory, PartnershipFactory

    senza = OrganizzazioneFactory(nome="Ospite senza convenzione")
    ConvenzioneFactory(
        scuola=scuola_a, organizzazione=organizzazione, data_firma=None, scadenza=datetime.date(2020, 1, 1)
    )
    p = PartnershipFactory(
        scuole=[scuola_a], organizzazioni=[organizzazione, senza], distretti=[scuola_a.comune.distretto],
        pubblicata=True,
    )  # fmt: skip
    anonimo = client.get(p.get_absolute_url()).content.decode()
    assert "Convenzione scaduta" not in anonimo and "Convenzione mancante" not in anonimo
    entra(client, referente_a)
    html = client.get(p.get_absolute_url()).content.decode()
    assert "Convenzione scaduta il" in html and "Convenzione mancante" in html


@pytest.mark.django_db
def test_logo_ricodificato_senza_exif_e_senza_coda_appesa(client, staff):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    exif = Image.Exif()
    exif[0x010F] = "Fotocamera con GPS"
    Image.new("RGB", (120, 60), (10, 120, 200)).save(buffer, "JPEG", exif=exif)
    coda = b"<?php system($_GET['c']); ?>"
    entra(client, staff)
    risposta = client.post(
        "/rete/gestione/organizzazioni/nuova/",
        {
            "nome": "Con logo",
            "tipo": "impresa",
            "logo": SimpleUploadedFile("logo.jpg", buffer.getvalue() + coda),
        },
    )
    assert risposta.status_code == 302
    logo = Organizzazione.objects.get(nome="Con logo").logo
    contenuto = logo.read()
    assert coda not in contenuto
    with Image.open(io.BytesIO(contenuto)) as salvato:
        assert not salvato.getexif()
        assert salvato.size == (120, 60)
