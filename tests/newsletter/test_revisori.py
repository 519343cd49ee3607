"""Reviewer groups managed by staff in the workspace (issue 18): list, create, change, delete; the
groups are those offered by the test-send form. Who may open these pages: tests/matrice/newsletter.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from eventi.newsletter.models import GruppoRevisori
from tests.newsletter.factories import NumeroFactory

pytestmark = pytest.mark.django_db
ELENCO = reverse("newsletter:gruppi_revisori")


def test_lo_staff_crea_un_gruppo_e_lo_ritrova_nelle_prove(cliente_staff):
    risposta = cliente_staff.post(
        ELENCO,
        {
            "nome": "  Redazione   Festival ",
            "indirizzi": "Capo@Example.ORG, vice@example.org\ncapo@example.org",
        },
    )
    assert risposta.status_code == 302
    gruppo = GruppoRevisori.objects.get()
    assert gruppo.nome == "Redazione Festival"
    assert gruppo.elenco == ["Capo@example.org", "vice@example.org"]  # domains lowered, repeats dropped
    pagina = cliente_staff.get(ELENCO).content.decode()
    assert "Redazione Festival" in pagina and "vice@example.org" in pagina
    numero = NumeroFactory()
    pagina = cliente_staff.get(reverse("newsletter:numero", kwargs={"pk": numero.pk})).content.decode()
    assert f'<option value="{gruppo.pk}">Redazione Festival</option>' in pagina
    assert ELENCO in pagina  # the way from the test send to the groups


def test_indirizzo_sbagliato_errore_al_campo_e_il_testo_resta(cliente_staff):
    risposta = cliente_staff.post(ELENCO, {"nome": "Revisori", "indirizzi": "buono@example.org\nnon-valido"})
    assert risposta.status_code == 200 and not GruppoRevisori.objects.exists()
    form = risposta.context["form"]
    assert "non-valido" in " ".join(form.errors["indirizzi"]) and "nome" not in form.errors
    pagina = risposta.content.decode()
    assert "buono@example.org\nnon-valido</textarea>" in pagina and 'value="Revisori"' in pagina


def test_troppi_indirizzi_o_nessuno_o_nome_gia_usato(cliente_staff):
    GruppoRevisori.objects.create(nome="Redazione", indirizzi="a@example.org")
    troppi = "\n".join(f"r{n}@example.org" for n in range(11))
    errori = cliente_staff.post(ELENCO, {"nome": "Grande", "indirizzi": troppi}).context["form"].errors
    assert "Al massimo 10 indirizzi per gruppo (ne hai scritti 11)." in errori["indirizzi"]
    errori = cliente_staff.post(ELENCO, {"nome": "Vuoto", "indirizzi": " , \n"}).context["form"].errors
    assert errori["indirizzi"] == ["Scrivi almeno un indirizzo."]
    errori = (
        cliente_staff.post(ELENCO, {"nome": "Redazione", "indirizzi": "b@example.org"}).context["form"].errors
    )
    assert errori["nome"] == ["C'è già un gruppo con questo nome."]
    assert GruppoRevisori.objects.count() == 1


def test_modifica_ed_eliminazione(cliente_staff):
    gruppo = GruppoRevisori.objects.create(nome="Redazione", indirizzi="a@example.org")
    url = reverse("newsletter:gruppo_revisori", kwargs={"pk": gruppo.pk})
    assert 'value="Redazione"' in cliente_staff.get(url).content.decode()
    risposta = cliente_staff.post(url, {"nome": "Redazione", "indirizzi": "a@example.org\nb@example.org"})
    assert risposta.status_code == 302
    gruppo.refresh_from_db()
    assert gruppo.elenco == ["a@example.org", "b@example.org"]
    assert cliente_staff.post(url, {"nome": "", "indirizzi": "x"}).status_code == 200  # errors, not 500
    elimina = reverse("newsletter:gruppo_revisori_elimina", kwargs={"pk": gruppo.pk})
    assert cliente_staff.get(elimina).status_code == 405
    assert cliente_staff.post(elimina).status_code == 302
    assert not GruppoRevisori.objects.exists()
    assert cliente_staff.get(url).status_code == 404


def test_elenco_dei_gruppi_a_query_costanti(cliente_staff, django_assert_num_queries):
    GruppoRevisori.objects.create(nome="Primo", indirizzi="a@example.org")
    cliente_staff.get(ELENCO)
    with CaptureQueriesContext(connection) as prima:
        cliente_staff.get(ELENCO)
    for n in range(5):
        GruppoRevisori.objects.create(nome=f"Gruppo {n}", indirizzi=f"g{n}@example.org\nh{n}@example.org")
    with django_assert_num_queries(len(prima.captured_queries)):
        assert cliente_staff.get(ELENCO).status_code == 200
