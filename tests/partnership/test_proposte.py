"""Hosts a school does not find: names matched whatever their case, punctuation and legal form; a
coordinator proposes the missing one; the district office confirms, corrects or merges it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alternanza.core.nomi import normalizza_nome
from alternanza.progetti.models import ProgettoOrganizzazione
from partnership import services
from partnership.models import Convenzione, Organizzazione, Partnership
from tests.conftest import entra
from tests.factories import OrganizzazioneFactory, comune
from tests.partnership.factories import ConvenzioneFactory, PartnershipFactory
from tests.progetti.factories import ProgettoFactory

pytestmark = pytest.mark.django_db

URL_ORG = reverse("partnership:cerca_organizzazioni")
URL_PROPONI = reverse("partnership:proponi_organizzazione")
URL_DA_VERIFICARE = reverse("partnership:da_verificare")
PIVA_VALIDA = "01234560371"  # a partita IVA whose check digit is right (python-stdnum)


@pytest.mark.parametrize(
    ("scritto", "normale"),
    [
        ("Automazioni Coppola S.r.l.", "automazioni coppola"),
        ("automazioni coppola srl", "automazioni coppola"),
        ("AUTOMAZIONI COPPOLA SRL.", "automazioni coppola"),
        ("Automazioni  Coppola s. r. l.", "automazioni coppola"),
        ("Meccanica Emiliana S.p.A.", "meccanica emiliana"),
        ("Meccanica Emiliana spa", "meccanica emiliana"),
        ("Rossi & Figli s.n.c.", "rossi figli"),
        ("La Città società cooperativa sociale", "la citta"),
        ("Ceramiche D’Imola S.r.l.s.", "ceramiche d imola"),
        ("Terme Spa Resort", "terme spa resort"),  # "Spa" inside a name stays
        ("Spa", "spa"),  # a name is never emptied
    ],
)
def test_il_nome_normalizzato_ignora_maiuscole_punteggiatura_accenti_e_forma_societaria(scritto, normale):
    assert normalizza_nome(scritto) == normale


def _etichette(client, q):
    return [r["etichetta"] for r in client.get(URL_ORG, {"q": q}).json()["risultati"]]


def test_l_autocomplete_trova_l_ospitante_scritta_in_ogni_modo(client, referente_a):
    OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", codice_fiscale=PIVA_VALIDA)
    OrganizzazioneFactory(nome="Coppole e Cappelli Bianchi")
    entra(client, referente_a)
    for testo in ("automazioni coppola srl", "Coppola srl", "AUTOMAZIONI COPPOLA", "coppola s.r.l."):
        assert _etichette(client, testo)[0] == f"Automazioni Coppola S.r.l. ({PIVA_VALIDA})", testo
    # A typo still finds it (trigram similarity), and the tax code with its country prefix too.
    assert f"Automazioni Coppola S.r.l. ({PIVA_VALIDA})" in _etichette(client, "automazoni copola")
    assert _etichette(client, f"IT{PIVA_VALIDA}") == [f"Automazioni Coppola S.r.l. ({PIVA_VALIDA})"]


def test_il_modulo_senza_javascript_accetta_il_nome_scritto_senza_forma_societaria(
    client, referente_a, scuola_a
):
    org = OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.")
    entra(client, referente_a)
    risposta = client.post(
        reverse("partnership:convenzione_nuova"),
        {
            "scuola_scelta": scuola_a.pk,
            "organizzazione": "automazioni coppola srl",
            "scadenza": "2099-08-31",
            "sezione_dvr": "Rischi di officina: DPI forniti.",
        },
    )
    assert risposta.status_code == 302, risposta.context["form"].errors
    assert Convenzione.objects.get().organizzazione == org


def _proponi(client, **dati):
    base = {
        "nome": "Officina Nuova di Sasso S.r.l.",
        "tipo": "impresa",
        "codice_fiscale": PIVA_VALIDA,
        "comune_scelta": comune("Sasso Marconi").pk,
        "codice_ateco": "25.62.00",
    }
    base.update(dati)
    return client.post(URL_PROPONI + "?next=" + reverse("partnership:convenzione_nuova"), base)


def test_il_referente_propone_un_ospitante_e_lo_usa_subito_nella_sua_convenzione(
    client, referente_a, referente_b, scuola_a
):
    entra(client, referente_a)
    risposta = _proponi(client, scuola=scuola_a.pk)
    org = Organizzazione.objects.get(nome="Officina Nuova di Sasso S.r.l.")
    assert org.da_verificare and not org.pubblica and org.proposta_da_scuola == scuola_a
    assert org.sezione_ateco == "C"
    # Back to the form, with the new host chosen.
    assert risposta["Location"] == reverse("partnership:convenzione_nuova") + f"?organizzazione={org.pk}"
    form = client.get(risposta["Location"]).context["form"]
    assert form.initial["organizzazione"] == org.pk
    assert f"{org.nome} ({PIVA_VALIDA}) – da verificare" in _etichette(client, "officina nuova")
    # Another school does not get it in its forms before the office checks it.
    entra(client, referente_b)
    assert _etichette(client, "officina nuova") == []
    # Nor does a visitor see it.
    client.logout()
    assert client.get(reverse("partnership:organizzazione", kwargs={"slug": org.slug})).status_code == 404


def test_la_proposta_senza_codice_valido_torna_con_il_messaggio_al_campo_e_i_dati_scritti(
    client, referente_a, scuola_a
):
    entra(client, referente_a)
    risposta = _proponi(client, scuola=scuola_a.pk, codice_fiscale="01234560372", codice_ateco="99.99.99")
    assert risposta.status_code == 200
    form = risposta.context["form"]
    assert "cifra di controllo" in form.errors["codice_fiscale"][0]
    assert "non esiste" in form.errors["codice_ateco"][0]
    assert 'value="Officina Nuova di Sasso S.r.l."' in risposta.content.decode()
    assert not Organizzazione.objects.filter(nome__startswith="Officina Nuova").exists()


def test_lo_stesso_codice_fiscale_non_crea_un_doppione_e_lo_dice_al_campo(
    client, referente_a, scuola_a, organizzazione
):
    Organizzazione.objects.filter(pk=organizzazione.pk).update(codice_fiscale=PIVA_VALIDA)
    entra(client, referente_a)
    risposta = _proponi(client, scuola=scuola_a.pk, codice_fiscale=f"IT {PIVA_VALIDA}")
    errori = risposta.context["form"].errors["codice_fiscale"]
    assert "Esiste già" in errori[0] and "Meccanica Emiliana S.p.A." in errori[0]
    assert "organizzazione_cf_unico" not in risposta.content.decode()
    assert Organizzazione.objects.filter(codice_fiscale=PIVA_VALIDA).count() == 1


def _proposta(scuola, **kwargs):
    org = Organizzazione(
        nome=kwargs.pop("nome", "Automazioni Coppola srl"), comune=comune("Bologna"), **kwargs
    )
    return services.proponi_organizzazione(org, None, scuola)


def test_l_ufficio_vede_le_proposte_del_distretto_con_i_possibili_doppioni(
    client, ufficio_a, ufficio_b, scuola_a
):
    esistente = OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.")
    proposta = _proposta(scuola_a)
    entra(client, ufficio_a)
    risposta = client.get(URL_DA_VERIFICARE)
    html = risposta.content.decode()
    assert proposta.nome in html and "Stesso nome" in html and esistente.nome in html
    assert "1 organizzazione proposta da verificare" in client.get(reverse("area:home")).content.decode()
    entra(client, ufficio_b)
    assert proposta.nome not in client.get(URL_DA_VERIFICARE).content.decode()
    assert (
        client.post(reverse("partnership:proposta_conferma", kwargs={"pk": proposta.pk})).status_code == 404
    )


def test_l_ufficio_conferma_la_proposta(client, ufficio_a, referente_b, scuola_a):
    proposta = _proposta(scuola_a, nome="Officina Nuova di Sasso")
    entra(client, ufficio_a)
    assert (
        client.post(reverse("partnership:proposta_conferma", kwargs={"pk": proposta.pk})).status_code == 302
    )
    proposta.refresh_from_db()
    assert not proposta.da_verificare and proposta.verificata_il is not None
    entra(client, referente_b)  # now an ordinary organisation of district A, not public: B does not see it
    assert client.get(URL_ORG, {"q": "officina nuova"}).json()["risultati"] == []


def test_l_ufficio_corregge_la_proposta_con_il_messaggio_al_campo_se_il_codice_esiste(
    client, ufficio_a, scuola_a, organizzazione
):
    Organizzazione.objects.filter(pk=organizzazione.pk).update(codice_fiscale=PIVA_VALIDA)
    proposta = _proposta(scuola_a, nome="Automazioni Copola")
    entra(client, ufficio_a)
    url = reverse("partnership:proposta_correggi", kwargs={"pk": proposta.pk})
    dati = {"nome": "Automazioni Coppola", "tipo": "impresa", "comune_scelta": comune("Bologna").pk}
    risposta = client.post(url, {**dati, "codice_fiscale": PIVA_VALIDA})
    assert "Unisci la proposta" in risposta.context["form"].errors["codice_fiscale"][0]
    assert client.post(url, dati).status_code == 302
    proposta.refresh_from_db()
    assert proposta.nome == "Automazioni Coppola" and proposta.nome_normalizzato == "automazioni coppola"


def test_unire_sposta_ogni_collegamento_e_conserva_la_storia(client, ufficio_a, scuola_a, distretto_a):
    tenuta = OrganizzazioneFactory(nome="Automazioni Coppola S.r.l.", codice_fiscale="")
    proposta = _proposta(scuola_a, codice_fiscale=PIVA_VALIDA)
    progetto = ProgettoFactory(scuola=scuola_a)
    ProgettoOrganizzazione.objects.create(progetto=progetto, organizzazione=proposta, ruolo="ospitante")
    doppia = ProgettoFactory(scuola=scuola_a)  # both already in this project: one row stays
    ProgettoOrganizzazione.objects.create(progetto=doppia, organizzazione=proposta, ruolo="ospitante")
    ProgettoOrganizzazione.objects.create(progetto=doppia, organizzazione=tenuta, ruolo="ospitante")
    convenzione = ConvenzioneFactory(scuola=scuola_a, organizzazione=proposta)
    partnership = PartnershipFactory(distretti=[distretto_a], organizzazioni=[proposta, tenuta])
    id_proposta = proposta.pk
    entra(client, ufficio_a)
    risposta = client.post(
        reverse("partnership:proposta_unisci", kwargs={"pk": proposta.pk}),
        {f"u{proposta.pk}-tenuta_scelta": tenuta.pk, f"u{proposta.pk}-tenuta": ""},
    )
    assert risposta.status_code == 302
    assert not Organizzazione.objects.filter(pk=id_proposta).exists()
    assert ProgettoOrganizzazione.objects.get(progetto=progetto).organizzazione == tenuta
    assert ProgettoOrganizzazione.objects.filter(progetto=doppia).count() == 1
    assert Convenzione.objects.get(pk=convenzione.pk).organizzazione == tenuta
    assert list(Partnership.objects.get(pk=partnership.pk).organizzazioni.all()) == [tenuta]
    tenuta.refresh_from_db()
    assert tenuta.codice_fiscale == PIVA_VALIDA  # the kept one gains what it lacked
    # The history stays: the proposal's rows under its old id, the merge's rows with their context.
    storia = Organizzazione.pgh_event_model.objects.filter(pgh_obj_id=id_proposta)
    assert storia.filter(pgh_label="insert").exists() and storia.filter(pgh_label="delete").exists()
    cancellazione = storia.get(pgh_label="delete")
    assert cancellazione.pgh_context.metadata["unione"] == {"da": id_proposta, "in": tenuta.pk}


def test_staff_vede_i_nomi_che_si_ripetono(client, staff):
    OrganizzazioneFactory(nome="Officine Rossi S.r.l.")
    OrganizzazioneFactory(nome="OFFICINE ROSSI SRL")
    OrganizzazioneFactory(nome="Officine Bianchi")
    entra(client, staff)
    gruppi = client.get(URL_DA_VERIFICARE).context["gruppi"]
    assert [[o.nome for o in g] for g in gruppi] == [["OFFICINE ROSSI SRL", "Officine Rossi S.r.l."]]


def _query(client, url) -> int:
    with CaptureQueriesContext(connection) as catturate:
        assert client.get(url).status_code == 200
    return len(catturate.captured_queries)


def test_pagina_da_verificare_con_query_costanti(client, ufficio_a, scuola_a):
    entra(client, ufficio_a)
    _proposta(scuola_a, nome="Prima proposta")
    _query(client, URL_DA_VERIFICARE)  # session and caches warm
    poche = _query(client, URL_DA_VERIFICARE)
    for i in range(5):
        _proposta(scuola_a, nome=f"Altra proposta {i}")
    assert _query(client, URL_DA_VERIFICARE) == poche
