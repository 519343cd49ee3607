"""Choosing organisations, schools and comuni by search (alternanza.core.scelta): the JSON endpoints of
the autocomplete (ranking, limit, scope) and the forms without JavaScript (results step, exact match)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from alternanza.core.scelta import LIMITE
from alternanza.progetti.models import ProgettoOrganizzazione
from distretti.scelta import SCUOLE
from partnership.models import Convenzione, Partnership
from partnership.scelta import ORGANIZZAZIONI
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, comune
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db

URL_ORG = reverse("partnership:cerca_organizzazioni")
URL_SCUOLE = reverse("distretti:cerca_scuole")
URL_COMUNI = reverse("distretti:cerca_comuni")


def _etichette(client, url, q):
    risposta = client.get(url, {"q": q})
    assert risposta.status_code == 200 and risposta["Content-Type"] == "application/json"
    return [r["etichetta"] for r in risposta.json()["risultati"]]


def test_le_organizzazioni_si_cercano_per_nome_con_i_prefissi_prima(client, staff):
    OrganizzazioneFactory(nome="Zincatura Vetri Zefiro", codice_fiscale="")
    OrganizzazioneFactory(nome="Zefiro Logistica", codice_fiscale="")
    OrganizzazioneFactory(nome="Nuova Zefirotech", codice_fiscale="")
    OrganizzazioneFactory(nome="Conzefiro Servizi", codice_fiscale="")
    OrganizzazioneFactory(nome="Zefiro", codice_fiscale="")
    entra(client, staff)
    # Exact name, then name prefix, then a word's prefix (by name), then anywhere in the name.
    assert _etichette(client, URL_ORG, "zefiro") == [
        "Zefiro",
        "Zefiro Logistica",
        "Nuova Zefirotech",
        "Zincatura Vetri Zefiro",
        "Conzefiro Servizi",
    ]
    # Every word counts, in any order.
    assert _etichette(client, URL_ORG, "vetri zinc") == ["Zincatura Vetri Zefiro"]


def test_la_partita_iva_trova_l_organizzazione_per_prima_anche_scritta_con_spazi_e_prefisso(client, staff):
    OrganizzazioneFactory(nome="Impresa 03456789012 (nel nome)", codice_fiscale="")
    cercata = OrganizzazioneFactory(nome="Tornerie Quercia", codice_fiscale="03456789012")
    entra(client, staff)
    assert _etichette(client, URL_ORG, "IT 03456789012")[0] == ORGANIZZAZIONI.etichetta(cercata)
    assert _etichette(client, URL_ORG, "0345678")[0] == "Tornerie Quercia (03456789012)"


def test_al_massimo_venti_risultati_e_il_segnale_che_ce_ne_sono_altri(client, staff):
    OrganizzazioneFactory.create_batch(LIMITE + 5, nome=factory_nome())
    entra(client, staff)
    dati = client.get(URL_ORG, {"q": "Quarzo"}).json()
    assert len(dati["risultati"]) == LIMITE and dati["altri"] is True
    assert client.get(URL_ORG, {"q": "q"}).json() == {"risultati": [], "altri": False}  # too short


def factory_nome():
    import factory

    return factory.Sequence(lambda n: f"Quarzo {n:03d} S.r.l.")


def test_il_referente_scolastico_trova_solo_le_scuole_che_puo_scegliere(
    client, referente_a, ufficio_a, scuola_a, scuola_b
):
    entra(client, referente_a)
    assert _etichette(client, URL_SCUOLE, "Istituto tecnico") == [SCUOLE.etichetta(scuola_a)]
    assert _etichette(client, URL_SCUOLE, scuola_b.codice_meccanografico) == []
    entra(client, ufficio_a)
    assert set(_etichette(client, URL_SCUOLE, "istituto tecnico")) >= {
        SCUOLE.etichetta(scuola_a),
        SCUOLE.etichetta(scuola_b),
    }
    # The code, typed in lower case, puts its school first.
    assert _etichette(client, URL_SCUOLE, "botf00002b")[0] == SCUOLE.etichetta(scuola_b)


def test_le_organizzazioni_riservate_non_si_trovano_fuori_dal_loro_territorio(
    client, referente_a, referente_b, staff
):
    OrganizzazioneFactory(nome="Fonderia Riservata Bolognese", comune=comune("Bologna"), pubblica=False)
    entra(client, referente_b)  # Imola
    assert _etichette(client, URL_ORG, "Fonderia Riservata") == []
    entra(client, referente_a)  # Bologna
    assert _etichette(client, URL_ORG, "Fonderia Riservata") == ["Fonderia Riservata Bolognese"]


def test_i_comuni_si_cercano_per_nome(client, referente_a):
    entra(client, referente_a)
    assert _etichette(client, URL_COMUNI, "san laz") == ["San Lazzaro di Savena"]
    assert _etichette(client, URL_COMUNI, "imola") == ["Imola"]


# --- Without JavaScript: the typed text, then a results step --------------------------------------------


def _convenzione(sc, testo_org, **extra):
    return {
        "scuola": SCUOLE.etichetta(sc),
        "scuola_scelta": sc.pk,
        "organizzazione": testo_org,
        "numero": "C-9",
        "data_firma": "2025-09-01",
        "scadenza": "2027-08-31",
        "sezione_dvr": "Rischio basso.",
        **extra,
    }


def test_testo_ambiguo_mostra_i_risultati_da_scegliere_poi_la_scelta_si_salva(client, referente_a, scuola_a):
    prima = OrganizzazioneFactory(nome="Officine Ardesia Nord", codice_fiscale="")
    seconda = OrganizzazioneFactory(nome="Officine Ardesia Sud", codice_fiscale="")
    entra(client, referente_a)
    url = reverse("partnership:convenzione_nuova")
    risposta = client.post(url, _convenzione(scuola_a, "ardesia"))
    assert risposta.status_code == 200 and not Convenzione.objects.exists()
    errori = risposta.context["form"].errors["organizzazione"]
    assert errori == ["2 risultati per «ardesia»: scegli qui sotto o precisa la ricerca."]
    html = risposta.content.decode()
    for org in (prima, seconda):
        assert re.search(rf'type="radio" name="organizzazione_scelta" value="{org.pk}"', html)
        assert escape(org.nome) in html
    assert 'name="organizzazione_cercato" value="ardesia"' in html

    risposta = client.post(
        url,
        _convenzione(scuola_a, "ardesia", organizzazione_scelta=seconda.pk, organizzazione_cercato="ardesia"),
    )
    assert risposta.status_code == 302
    assert Convenzione.objects.get().organizzazione == seconda


def test_testo_che_corrisponde_a_una_sola_organizzazione_si_salva_subito(client, referente_a, scuola_a):
    OrganizzazioneFactory(nome="Officine Ardesia Nord", codice_fiscale="")
    esatta = OrganizzazioneFactory(nome="Officine Ardesia", codice_fiscale="04567890123")
    entra(client, referente_a)
    url = reverse("partnership:convenzione_nuova")
    # The exact name wins over the longer one that also contains it; so does the exact tax code.
    assert client.post(url, _convenzione(scuola_a, "officine ardesia")).status_code == 302
    assert client.post(url, _convenzione(scuola_a, "IT04567890123", numero="C-10")).status_code == 302
    assert [c.organizzazione for c in Convenzione.objects.order_by("numero")] == [esatta, esatta]


def test_testo_senza_risultati_lo_dice_al_campo(client, referente_a, scuola_a):
    entra(client, referente_a)
    risposta = client.post(reverse("partnership:convenzione_nuova"), _convenzione(scuola_a, "Nessunissima"))
    assert risposta.context["form"].errors["organizzazione"] == [
        "Nessun risultato per «Nessunissima»: controlla il nome o il codice."
    ]


def test_il_referente_non_puo_scegliere_una_scuola_altrui_nemmeno_per_id(
    client, referente_a, scuola_a, scuola_b, organizzazione
):
    entra(client, referente_a)
    dati = _convenzione(scuola_a, organizzazione.nome, scuola=scuola_b.codice_meccanografico)
    dati["scuola_scelta"] = scuola_b.pk
    risposta = client.post(reverse("partnership:convenzione_nuova"), dati)
    assert "scuola" in risposta.context["form"].errors and not Convenzione.objects.exists()


def test_scelta_multipla_senza_javascript_aggiunge_togli_e_scegli_tra_i_risultati(
    client, staff, distretto_a, scuola_a, organizzazione
):
    nord = OrganizzazioneFactory(nome="Laboratori Ossidiana Nord", codice_fiscale="")
    OrganizzazioneFactory(nome="Laboratori Ossidiana Sud", codice_fiscale="")
    entra(client, staff)
    url = reverse("partnership:partnership_nuova")
    base = {
        "titolo": "Rete Ossidiana",
        "livello": "distrettuale",
        "stato": "attiva",
        "promossa_da": "distretto",
        "promotore_distretto": distretto_a.pk,
        "distretti": [distretto_a.pk],
        "organizzazioni_scelta": [organizzazione.pk],
        "scuole": scuola_a.codice_meccanografico,
    }
    risposta = client.post(url, {**base, "organizzazioni": "ossidiana"})
    assert risposta.status_code == 200
    html = risposta.content.decode()
    # What was already chosen stays, checked; the matches of the text come as checkboxes to tick.
    assert re.search(rf'name="organizzazioni_scelta" value="{organizzazione.pk}"[^>]*checked', html)
    assert re.search(rf'type="checkbox" name="organizzazioni_scelta" value="{nord.pk}"', html)
    # The school typed by its code was resolved and is now shown by name, checked.
    assert re.search(rf'name="scuole_scelta" value="{scuola_a.pk}"[^>]*checked', html)

    risposta = client.post(
        url,
        {
            **base,
            "organizzazioni": "ossidiana",
            "organizzazioni_cercato": "ossidiana",
            "organizzazioni_scelta": [organizzazione.pk, nord.pk],
        },
    )
    assert risposta.status_code == 302
    p = Partnership.objects.get(titolo="Rete Ossidiana")
    assert set(p.organizzazioni.all()) == {organizzazione, nord} and list(p.scuole.all()) == [scuola_a]


def test_la_modifica_di_un_progetto_mostra_il_nome_dell_organizzazione(
    client, referente_a, scuola_a, organizzazione
):
    progetto = ProgettoFactory(scuola=scuola_a)
    ProgettoOrganizzazione.objects.create(progetto=progetto, organizzazione=organizzazione, ruolo="ospitante")
    entra(client, referente_a)
    html = client.get(reverse("progetti:modifica", args=[progetto.pk])).content.decode()
    assert re.search(
        rf'name="org-0-organizzazione"[^>]*value="{re.escape(escape(organizzazione.nome))}"', html
    )
    assert f'name="org-0-organizzazione_scelta" value="{organizzazione.pk}"' in html
