"""The site-wide search (/cerca/) and the searches that share its matching (partner directory, schools,
showcase): Italian word forms, names as typed, typos; and never a record the visitor may not see."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from alternanza.progetti.models import StatoProgetto
from distretti.models import AmbitoTematico
from tests.conftest import entra
from tests.eventi.factories import EventoFactory, NotiziaFactory
from tests.factories import OrganizzazioneFactory, ScuolaFactory, comune
from tests.progetti.factories import ModelloInterventoFactory, ProgettoFactory, ProgettoPubblicatoFactory

pytestmark = pytest.mark.django_db
URL = reverse("cerca")


def _trovati(client, q, tipo=None, **filtri):
    parametri = {"q": q, **filtri}
    if tipo:
        parametri["tipo"] = tipo
        return [str(r) for r in client.get(URL, parametri).context["pagina"]]
    gruppi = client.get(URL, parametri).context["gruppi"]
    return {g["tipo"].chiave: [str(r) for r in g["risultati"]] for g in gruppi}


def test_parole_in_italiano_nomi_come_si_scrivono_e_errori_di_battitura(client):
    OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", pubblica=True)
    ScuolaFactory(denominazione="LICEO SCIENTIFICO AUGUSTO RIGHI", comune=comune("Bologna"))
    ScuolaFactory(denominazione="ISTITUTO TECNICO ALDINI VALERIANI")
    assert _trovati(client, "automazione")["organizzazioni"] == ["Automazioni Coppola S.r.l."]
    assert _trovati(client, "Coppola srl")["organizzazioni"] == ["Automazioni Coppola S.r.l."]
    assert _trovati(client, "automazoni copola")["organizzazioni"] == ["Automazioni Coppola S.r.l."]
    assert [s.split(" (")[0] for s in _trovati(client, "liceo righi")["scuole"]] == [
        "LICEO SCIENTIFICO AUGUSTO RIGHI"
    ]
    assert [s.split(" (")[0] for s in _trovati(client, "liceo scentifico rigi")["scuole"]] == [
        "LICEO SCIENTIFICO AUGUSTO RIGHI"
    ]


def test_ogni_tipo_si_trova_e_si_filtra(client, scuola_a, distretto_b):
    ambito = AmbitoTematico.objects.get(nome__icontains="gap di genere")
    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Ragazze e robotica industriale")
    progetto.ambiti.add(ambito)
    EventoFactory(titolo="Laboratori di robotica per le ragazze")
    NotiziaFactory(titolo="La robotica al Festival")
    ModelloInterventoFactory(titolo="Modello per la robotica educativa")
    gruppi = _trovati(client, "robotica")
    assert gruppi["progetti"] == [str(progetto)]
    assert gruppi["eventi"] == ["Laboratori di robotica per le ragazze"]
    assert gruppi["notizie"] == ["La robotica al Festival"]
    assert gruppi["modelli"] == ["Modello per la robotica educativa"]
    # A project is shown with its school and year (the school's name read for the rows shown only).
    html = client.get(URL, {"q": "robotica"}).content.decode()
    assert f"– {escape(scuola_a.denominazione)}, {progetto.anno_scolastico}" in html
    # The thematic area's words find the project, here and in the showcase.
    assert _trovati(client, "gap di genere")["progetti"] == [str(progetto)]
    vetrina = client.get(reverse("progetti:vetrina"), {"q": "gap di genere"})
    assert [p.pk for p in vetrina.context["pagina"]] == [progetto.pk]
    # One kind at a time, with its own filters.
    assert _trovati(client, "robotica", tipo="progetti") == [str(progetto)]
    assert _trovati(client, "robotica", tipo="progetti", distretto=str(distretto_b.pk)) == []


def test_gli_eventi_si_trovano_dal_vettore_salvato_che_segue_le_modifiche(client):
    """The events' stored vector (trigger, GIN index): word forms and accents in the description and
    the place, the title with a typo, and an edit is found at once."""
    evento = EventoFactory(
        titolo="Porte aperte in officina",
        descrizione="<p>Gli studenti visitano la città dei motori e le sue aziende meccaniche.</p>",
        luogo="Fonderia Malaguti",
    )
    assert _trovati(client, "meccanica citta")["eventi"] == ["Porte aperte in officina"]
    assert _trovati(client, "fonderie")["eventi"] == ["Porte aperte in officina"]
    assert _trovati(client, "oficina")["eventi"] == ["Porte aperte in officina"]
    evento.descrizione = "<p>Laboratorio di ceramica.</p>"
    evento.save()
    assert _trovati(client, "ceramiche")["eventi"] == ["Porte aperte in officina"]
    assert _trovati(client, "meccanica")["eventi"] == []


PRIVATI = ("Organizzazione riservata robotica", "Bozza di robotica", "Evento proposto di robotica")


def _privati(scuola):
    OrganizzazioneFactory(nome=PRIVATI[0], pubblica=False, comune=comune("Bologna"))
    ProgettoFactory(scuola=scuola, titolo=PRIVATI[1], stato=StatoProgetto.BOZZA)
    EventoFactory(titolo=PRIVATI[2], stato="proposto")
    NotiziaFactory(titolo="Notizia non pubblicata di robotica", pubblicata=False)
    ModelloInterventoFactory(titolo="Modello non pubblicato di robotica", pubblicato=False)


@pytest.mark.parametrize("nome", ["anonimo", "referente_b", "referente_org"])
def test_la_ricerca_non_mostra_mai_quello_che_la_persona_non_puo_vedere(client, persone, scuola_a, nome):
    _privati(scuola_a)
    entra(client, persone[nome])
    html = client.get(URL, {"q": "robotica"}).content.decode()
    for titolo in (*PRIVATI, "Notizia non pubblicata", "Modello non pubblicato"):
        assert titolo not in html, (nome, titolo)
    for tipo in ("progetti", "eventi", "organizzazioni", "modelli", "notizie"):
        html = client.get(URL, {"q": "robotica", "tipo": tipo}).content.decode()
        assert not any(t in html for t in PRIVATI), (nome, tipo)


def test_chi_ha_un_ruolo_trova_anche_quello_che_il_suo_ambito_consente(
    client, referente_a, ufficio_a, scuola_a
):
    _privati(scuola_a)
    entra(client, referente_a)
    gruppi = _trovati(client, "robotica")
    assert any(PRIVATI[1] in t for t in gruppi["progetti"])  # the school's own draft
    assert PRIVATI[0] in gruppi["organizzazioni"]  # an organisation of the district
    entra(client, ufficio_a)
    assert not any(
        PRIVATI[1] in t for t in _trovati(client, "robotica")["progetti"]
    )  # drafts stay the school's


def _query(client, parametri) -> int:
    with CaptureQueriesContext(connection) as catturate:
        assert client.get(URL, parametri).status_code == 200
    return len(catturate.captured_queries)


@pytest.mark.parametrize("nome", ["anonimo", "referente_a"])
def test_query_costanti(client, persone, scuola_a, nome):
    entra(client, persone[nome])
    OrganizzazioneFactory(nome="Robotica Uno S.r.l.")
    EventoFactory(titolo="Robotica uno")
    _query(client, {"q": "robotica"})
    poche = _query(client, {"q": "robotica", "x": "1"}), _query(client, {"q": "robotica", "tipo": "eventi"})
    for i in range(6):
        OrganizzazioneFactory(nome=f"Robotica {i} S.r.l.")
        EventoFactory(titolo=f"Robotica {i}")
        ProgettoPubblicatoFactory(scuola=scuola_a, titolo=f"Robotica {i}")
    molte = (
        _query(client, {"q": "robotica", "x": "2"}),
        _query(client, {"q": "robotica", "tipo": "eventi", "x": "2"}),
    )
    assert poche == molte


def test_la_testata_ha_la_ricerca_e_la_pagina_senza_testo_non_cerca(client):
    html = client.get(reverse("home")).content.decode()
    assert 'role="search"' in html and f'action="{URL}"' in html
    risposta = client.get(URL)
    assert risposta.status_code == 200 and "gruppi" not in risposta.context
    assert client.get(URL, {"q": "robot" * 50}).status_code == 200
    client.raise_request_exception = False
    assert client.get(URL, {"q": "\x00robot"}).status_code == 400  # NUL refused at the edge (issue 22)
    assert client.post(URL).status_code == 405


def test_elenco_dei_partner_e_ricerca_scuole_capiscono_forme_e_refusi(client, distretto_a):
    OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", pubblica=True, codice_fiscale="01234560371")
    OrganizzazioneFactory(nome="Panificio Bianchi", pubblica=True)
    ScuolaFactory(denominazione="LICEO SCIENTIFICO AUGUSTO RIGHI", comune=comune("Bologna"))
    ScuolaFactory(denominazione="LICEO CLASSICO GALVANI", comune=comune("Bologna"))
    directory = reverse("partnership:organizzazioni")
    for q in ("automazione", "Coppola srl", "automazioni coppola s.r.l.", "01234560371"):
        assert [o.nome for o in client.get(directory, {"q": q}).context["page_obj"]] == [
            "Automazioni Coppola S.r.l."
        ], q
    scuole = reverse("distretti:dettaglio", kwargs={"slug": distretto_a.slug})
    risposta = client.get(scuole, {"q": "liceo righi"})
    html = risposta.content.decode()
    assert "LICEO SCIENTIFICO AUGUSTO RIGHI" in html and "GALVANI" not in html


def test_la_ricerca_dei_progetti_usa_l_indice_quando_nessun_ambito_corrisponde(client, scuola_a):
    """No thematic area matches "robotica": the areas' condition drops out of the search, which then
    reads the projects' GIN index (a subquery in the OR made PostgreSQL scan every project); an area's
    words still find its projects."""
    from alternanza.progetti.models import Progetto
    from alternanza.progetti.ricerca import cerca

    progetto = ProgettoPubblicatoFactory(scuola=scuola_a, titolo="Robotica in officina")
    with CaptureQueriesContext(connection) as catturate:
        trovati = list(cerca(Progetto.objects.pubblicati(), "robotica"))
    assert trovati == [progetto]
    assert "alternanza_progetto_ambiti" not in catturate.captured_queries[-1]["sql"]
    progetto.ambiti.add(AmbitoTematico.objects.get(nome__icontains="gap di genere"))
    assert list(cerca(Progetto.objects.pubblicati(), "gap di genere")) == [progetto]
