"""The audit trail: trigger-based (bulk updates included), with who and before/after, shown to staff."""

import pytest
from django.urls import reverse
from pghistory.models import Events

from distretti.models import Incarico, IncaricoEvent, StatoIncarico
from partnership.models import Organizzazione
from tests.conftest import entra
from tests.factories import IncaricoFactory

pytestmark = pytest.mark.django_db


def test_modifica_in_blocco_finisce_nel_registro(scuola_a, scuola_b):
    a = IncaricoFactory(scuola=scuola_a)
    b = IncaricoFactory(scuola=scuola_b)
    prima = IncaricoEvent.objects.count()
    Incarico.objects.filter(pk__in=[a.pk, b.pk]).update(stato=StatoIncarico.REVOCATO)
    eventi = IncaricoEvent.objects.filter(pgh_label="update").order_by("pgh_obj_id")
    assert IncaricoEvent.objects.count() == prima + 2
    assert sorted(e.pgh_obj_id for e in eventi) == sorted([a.pk, b.pk])
    assert all(e.stato == StatoIncarico.REVOCATO for e in eventi)


def test_organizzazione_modificata_in_blocco_tracciata(organizzazione):
    Organizzazione.objects.filter(pk=organizzazione.pk).update(nome="Nuovo nome S.p.A.")
    ultimo = Events.objects.tracks(organizzazione).order_by("-pgh_created_at", "-pgh_id").first()
    assert ultimo.pgh_label == "update"
    assert ultimo.pgh_diff["nome"] == ["Meccanica Emiliana S.p.A.", "Nuovo nome S.p.A."]


def test_approvazione_registrata_con_autore_e_prima_dopo(client, staff, ufficio_a, scuola_a):
    richiesta = IncaricoFactory(scuola=scuola_a, stato=StatoIncarico.RICHIESTO, deciso_il=None)
    entra(client, ufficio_a)
    client.post(
        reverse("utenti:decidi", kwargs={"tipo": "incarico", "pk": richiesta.pk}), {"esito": "approva"}
    )
    entra(client, staff)
    risposta = client.get(reverse("utenti:modifiche"), {"modello": "distretti.IncaricoEvent"})
    assert risposta.status_code == 200
    # Events of one transaction share its timestamp: pick the approval among them.
    riga = next(r for r in risposta.context["righe"] if r["evento"] == "update")
    assert riga["oggetto"] == str(richiesta.pk)
    assert riga["chi"] == ufficio_a.get_full_name()
    assert ("stato", "richiesto", "approvato") in riga["cambi"]
    assert "richiesto → approvato" in risposta.content.decode()


def test_registro_delle_modifiche_con_numero_di_query_costante(
    client, staff, scuola_a, django_assert_max_num_queries
):
    from alternanza.utenti.storico import modelli_tracciati

    for _ in range(60):
        IncaricoFactory(scuola=scuola_a)
    entra(client, staff)
    # One query per event table (read by primary key, page-deep) and per table shown on the page:
    # independent of how many events exist.
    with django_assert_max_num_queries(6 + 2 * len(modelli_tracciati())):
        assert client.get(reverse("utenti:modifiche")).status_code == 200
    with django_assert_max_num_queries(6 + 2 * len(modelli_tracciati())):
        assert client.get(reverse("utenti:modifiche"), {"pagina": 2}).status_code == 200


def test_pagine_del_registro_senza_sovrapposizioni(client, staff, scuola_a):
    for _ in range(70):
        IncaricoFactory(scuola=scuola_a)
    entra(client, staff)
    filtro = {"modello": "distretti.IncaricoEvent"}
    prima = client.get(reverse("utenti:modifiche"), filtro).context
    seconda = client.get(reverse("utenti:modifiche"), {**filtro, "pagina": 2}).context
    assert prima["altre"] and len(prima["righe"]) == 50
    chiavi = {(r["modello"], r["oggetto"], r["evento"]) for r in prima["righe"]}
    assert not chiavi & {(r["modello"], r["oggetto"], r["evento"]) for r in seconda["righe"]}
    assert {r["modello"] for r in prima["righe"]} == {"distretti.Incarico"}
