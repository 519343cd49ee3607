"""A host not found, proposed inside the project and convenzione forms (no separate page, nothing lost)."""

from __future__ import annotations

import html

import pytest
from django.db import IntegrityError
from django.urls import reverse

from alternanza.progetti.models import Progetto, ProgettoOrganizzazione
from partnership import services
from partnership.models import Convenzione, Organizzazione
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory
from tests.progetti.test_scuola import _dati

pytestmark = pytest.mark.django_db

PIVA_VALIDA = "01234560371"
NUOVO = reverse("progetti:nuovo")
CONVENZIONE = reverse("partnership:convenzione_nuova")


def proposta(**altro) -> dict[str, str]:
    dati = {
        "nuova_ospitante-nome": "Automazioni Coppola S.r.l.",
        "nuova_ospitante-codice_fiscale": PIVA_VALIDA,
        "nuova_ospitante-comune": "Sasso Marconi",
        "nuova_ospitante-codice_ateco": "28.99.20",
    }
    dati.update({f"nuova_ospitante-{k}": v for k, v in altro.items()})
    return dati


def test_il_progetto_salvato_con_l_ospitante_proposto_nel_modulo(client, referente_a, ufficio_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(NUOVO, {**_dati(scuola_a), **proposta()}, follow=True)
    progetto = Progetto.objects.get(titolo="Officina digitale")
    org = Organizzazione.objects.get(nome="Automazioni Coppola S.r.l.")
    assert org.da_verificare and not org.pubblica
    assert (org.proposta_da, org.proposta_da_scuola, org.comune.nome) == (
        referente_a,
        scuola_a,
        "Sasso Marconi",
    )
    assert org.sezione_ateco == "C"
    assert list(progetto.partecipazioni.values_list("organizzazione", "ruolo")) == [
        (org.pk, ProgettoOrganizzazione.Ruolo.OSPITANTE)
    ]
    assert "è stata aggiunta come organizzazione da verificare" in risposta.content.decode()
    # The office of the school's district sees it among the proposals to check.
    assert org in Organizzazione.objects.da_verificare_per(ufficio_a)


def test_codice_e_ateco_sbagliati_detti_ai_campi_e_il_resto_del_modulo_resta(client, referente_a, scuola_a):
    entra(client, referente_a)
    dati = {
        **_dati(scuola_a, titolo="Titolo da non perdere"),
        **proposta(codice_fiscale="01234560372", codice_ateco="99.99.99"),
    }
    risposta = client.post(NUOVO, dati)
    assert risposta.status_code == 200
    errori = risposta.context["proposta"].errors
    assert "cifra di controllo" in errori["codice_fiscale"][0]
    assert "non esiste" in errori["codice_ateco"][0]
    testo = risposta.content.decode()
    assert 'value="Titolo da non perdere"' in testo  # the project as typed
    assert 'value="Automazioni Coppola S.r.l."' in testo  # the proposal as typed
    assert 'id="nuova-ospitante" open' in testo  # the fieldset stays open without JS
    assert (
        not Progetto.objects.exists()
        and not Organizzazione.objects.filter(nome__startswith="Automazioni").exists()
    )


def test_un_errore_nel_progetto_non_crea_l_ospitante_e_conserva_la_proposta(client, referente_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(NUOVO, {**_dati(scuola_a, titolo=""), **proposta()})
    assert risposta.status_code == 200 and "titolo" in risposta.context["form"].errors
    assert f'value="{PIVA_VALIDA}"' in risposta.content.decode()
    assert not Organizzazione.objects.filter(nome__startswith="Automazioni").exists()


def test_la_proposta_lasciata_vuota_non_cambia_nulla(client, referente_a, scuola_a):
    entra(client, referente_a)
    assert client.post(NUOVO, _dati(scuola_a)).status_code == 302
    assert not Organizzazione.objects.filter(da_verificare=True).exists()
    pagina = client.get(NUOVO).content.decode()
    assert 'href="#nuova-ospitante"' in pagina and 'name="nuova_ospitante-nome"' in pagina
    assert (
        'name="nuova_ospitante-nome" ' in pagina
        and "required" not in pagina.split('name="nuova_ospitante-nome"')[1].split(">")[0]
    )


def test_codice_gia_usato_nel_frattempo_detto_al_campo_senza_scrivere_nulla(
    client, referente_a, scuola_a, monkeypatch
):
    def doppione(*args, **kwargs):
        raise IntegrityError("organizzazione_cf_unico")

    monkeypatch.setattr(services, "proponi_organizzazione", doppione)
    entra(client, referente_a)
    risposta = client.post(NUOVO, {**_dati(scuola_a), **proposta()})
    assert risposta.status_code == 200
    assert "Esiste già un'organizzazione" in risposta.context["proposta"].errors["codice_fiscale"][0]
    assert "organizzazione_cf_unico" not in risposta.content.decode()
    assert not Progetto.objects.exists()


def test_lo_staff_non_ha_la_proposta_nel_modulo(client, staff):
    entra(client, staff)
    assert 'name="nuova_ospitante-nome"' not in client.get(NUOVO).content.decode()


def _convenzione(scuola, **altro):
    return {
        "scuola_scelta": scuola.pk,
        "organizzazione": "",
        "scadenza": "2099-08-31",
        "sezione_dvr": "Rischi di officina: DPI forniti.",
        **altro,
    }


def test_la_convenzione_con_l_ospitante_proposto_nel_modulo(client, referente_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(CONVENZIONE, {**_convenzione(scuola_a), **proposta()})
    assert risposta.status_code == 302, risposta.context["form"].errors
    convenzione = Convenzione.objects.get()
    assert convenzione.organizzazione.nome == "Automazioni Coppola S.r.l."
    assert (
        convenzione.organizzazione.da_verificare and convenzione.organizzazione.proposta_da_scuola == scuola_a
    )


def test_convenzione_senza_ospitante_ne_proposta_chiede_l_ospitante(client, referente_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(CONVENZIONE, _convenzione(scuola_a))
    assert "organizzazione" in risposta.context["form"].errors


def test_convenzione_con_ospitante_scelto_e_proposta_insieme_chiede_di_scegliere(
    client, referente_a, scuola_a
):
    OrganizzazioneFactory(nome="Meccanica Bolognese S.r.l.")
    entra(client, referente_a)
    risposta = client.post(
        CONVENZIONE, {**_convenzione(scuola_a, organizzazione="Meccanica Bolognese"), **proposta()}
    )
    assert risposta.status_code == 200
    assert "Hai già scelto un'organizzazione ospitante" in html.unescape(risposta.content.decode())
    assert not Convenzione.objects.exists() and not Organizzazione.objects.filter(da_verificare=True).exists()
