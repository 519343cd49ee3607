"""Navigation toward the workspace: header, menu, footer, breadcrumbs of reserved pages, next project."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alternanza.progetti.models import Progetto, StatoProgetto
from tests.conftest import entra
from tests.partnership.factories import ConvenzioneFactory, OffertaFactory
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db
AREA = "/area-riservata/"


def _briciole(html: str) -> str:
    m = re.search(r'<nav class="breadcrumb-container[^"]*" aria-label="[^"]+">(.*?)</nav>', html, re.S)
    assert m, "no breadcrumb nav with an aria-label"
    return m.group(1)


def test_intestazione_anonima_accedi(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("account_login")}"' in html and "Accedi" in html
    assert f'href="{AREA}"' not in html


def test_intestazione_con_area_riservata_e_nome_e_voce_di_menu(client, referente_a):
    referente_a.first_name, referente_a.last_name = "Lucia", "Rossi"
    referente_a.save()
    html = entra(client, referente_a).get("/").content.decode()
    intestazione = html[html.index("<header") : html.index("</header>")]
    assert re.search(
        rf'<a class="[^"]*area-utente[^"]*" href="{AREA}">.*Area riservata.*Lucia Rossi', intestazione, re.S
    )
    menu = intestazione[intestazione.index('id="menu-navigazione"') :]
    assert f'href="{AREA}"' in menu
    assert "Accedi" not in intestazione


@pytest.mark.parametrize("url", ["/", "/festival/", "/festival/notizie/", "/contatti/"])
def test_newsletter_nel_piede_di_ogni_pagina(client, url):
    html = client.get(url).content.decode()
    piede = html[html.index('id="piede"') :]
    assert f'href="{reverse("newsletter:iscrizione")}"' in piede


@pytest.mark.parametrize("url", ["/festival/", "/festival/notizie/"])
def test_invito_alla_newsletter_nelle_pagine_del_festival(client, url):
    html = client.get(url).content.decode()
    corpo = html[html.index('id="contenuto"') : html.index('id="piede"')]
    assert f'href="{reverse("newsletter:iscrizione")}"' in corpo


PAGINE_RISERVATE = [
    ("referente_a", "progetti:miei", {}),
    ("referente_a", "progetti:nuovo", {}),
    ("referente_a", "utenti:profilo", {}),
    ("referente_a", "utenti:richiedi_ruolo", {}),
    ("referente_a", "utenti:miei_dati", {}),
    ("referente_a", "partnership:convenzioni", {}),
    ("referente_a", "partnership:offerte", {}),
    ("referente_a", "eventi:gestione", {}),
    ("referente_a", "eventi:proponi", {}),
    ("ufficio_a", "progetti:revisione", {}),
    ("ufficio_a", "utenti:richieste", {}),
    ("ufficio_a", "partnership:ufficio_organizzazioni", {}),
    ("ufficio_a", "partnership:ufficio_partnership", {}),
    ("ufficio_a", "partnership:ufficio_accordi", {}),
    ("ufficio_a", "progetti:azione_nuova", {}),
    ("ufficio_a", "report:elenco", {}),
    ("ufficio_a", "report:nuovo", {}),
    ("ufficio_a", "report:cruscotto", {}),
    ("staff", "utenti:utenti", {}),
    ("staff", "utenti:sicurezza", {}),
    ("staff", "utenti:modifiche", {}),
    ("staff", "utenti:inviti", {}),
    ("staff", "newsletter:numeri", {}),
    ("staff", "newsletter:numero_nuovo", {}),
    ("staff", "newsletter:iscritti", {}),
    ("staff", "distretti:importa", {}),
    ("staff", "partnership:organizzazione_nuova", {}),
    ("staff", "valutazioni_staff", {}),
    ("referente_org", "partnership:mia_organizzazione", {}),
    ("referente_org", "partnership:offerta_nuova", {}),
]


@pytest.mark.parametrize(("persona", "nome", "kwargs"), PAGINE_RISERVATE)
def test_le_pagine_riservate_hanno_briciole_verso_l_area(client, request, persona, nome, kwargs):
    risposta = entra(client, request.getfixturevalue(persona)).get(reverse(nome, kwargs=kwargs))
    assert risposta.status_code == 200, nome
    briciole = _briciole(risposta.content.decode())
    assert f'href="{AREA}"' in briciole, nome


def test_dettagli_riservati_hanno_briciole_verso_l_area_e_l_elenco(
    client, referente_a, referente_org, scuola_a, organizzazione
):
    convenzione = ConvenzioneFactory(scuola=scuola_a, organizzazione=organizzazione)
    offerta = OffertaFactory(organizzazione=organizzazione)
    progetto = ProgettoFactory(scuola=scuola_a)
    entra(client, referente_a)
    for url, elenco in (
        (reverse("partnership:convenzione", args=[convenzione.pk]), reverse("partnership:convenzioni")),
        (reverse("partnership:offerta", args=[offerta.pk]), reverse("partnership:offerte")),
        (reverse("progetti:progetto", args=[progetto.pk]), reverse("progetti:miei")),
    ):
        briciole = _briciole(client.get(url).content.decode())
        assert f'href="{AREA}"' in briciole and f'href="{elenco}"' in briciole, url


def test_il_progetto_pubblico_per_un_visitatore_resta_nella_vetrina(client, scuola_a):
    progetto = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.PUBBLICATO)
    briciole = _briciole(client.get(reverse("progetti:progetto", args=[progetto.pk])).content.decode())
    assert f'href="{reverse("progetti:vetrina")}"' in briciole and AREA not in briciole


def test_dopo_la_validazione_il_prossimo_progetto_da_esaminare(client, ufficio_a, scuola_a, scuola_b):
    primo = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.INVIATO, titolo="Primo in coda")
    secondo = ProgettoFactory(scuola=scuola_a, stato=StatoProgetto.INVIATO, titolo="Secondo in coda")
    ProgettoFactory(scuola=scuola_b, stato=StatoProgetto.INVIATO, titolo="Di un altro distretto")
    entra(client, ufficio_a)
    risposta = client.post(reverse("progetti:transizione", args=[primo.pk, "valida"]), follow=True)
    html = risposta.content.decode()
    assert Progetto.objects.get(pk=primo.pk).stato == StatoProgetto.VALIDATO
    prossimo = reverse("progetti:progetto", args=[secondo.pk])
    assert f'href="{prossimo}">Prossimo progetto da esaminare: Secondo in coda' in html
    assert f'href="{reverse("progetti:revisione")}">Torna alla coda di revisione' in html
    # sending back the last one: nothing else waits
    risposta = client.post(
        reverse("progetti:transizione", args=[secondo.pk, "rimanda"]),
        {"nota": "Manca il calendario."},
        follow=True,
    )
    assert "Nessun altro progetto in attesa di revisione." in risposta.content.decode()
