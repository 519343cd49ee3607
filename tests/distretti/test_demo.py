"""The demo data command and the territory's demo module."""

from __future__ import annotations

import io
import random
import sys
import types

import pytest
from django.core.management import call_command

from alternanza.core import demo as registro_demo
from distretti import demo
from distretti.importazione import RE_CODICE
from distretti.management.commands import carica_demo
from distretti.models import Distretto, Scuola

pytestmark = pytest.mark.django_db


@pytest.fixture
def solo_moduli(monkeypatch):
    """Run the command with the given modules only (the other apps' demo modules are theirs to test)."""

    def imposta(*nomi):
        monkeypatch.setattr(registro_demo, "_REGISTRO", [f"{nome}.carica" for nome in nomi])

    return imposta


def test_carica_demo_importa_l_estratto_reale_e_le_scuole_dimostrative(solo_moduli):
    solo_moduli("distretti.demo")
    uscita = io.StringIO()

    call_command("carica_demo", stdout=uscita)

    assert Scuola.objects.filter(demo=False, ultimo_anno_anagrafe=202324).count() == 226
    assert Scuola.objects.filter(demo=True).count() == demo.QUANTE["base"]
    assert "distretti.demo.carica: caricato" in uscita.getvalue()
    assert not Distretto.objects.filter(ufficio_email="").exists()
    assert not Distretto.objects.filter(ufficio_telefono="").exists()


def test_carica_demo_due_volte_non_duplica_nulla(solo_moduli):
    solo_moduli("distretti.demo")
    call_command("carica_demo", stdout=io.StringIO())
    prima = list(
        Scuola.objects.order_by("codice_meccanografico").values_list("codice_meccanografico", "denominazione")
    )

    call_command("carica_demo", stdout=io.StringIO())

    dopo = list(
        Scuola.objects.order_by("codice_meccanografico").values_list("codice_meccanografico", "denominazione")
    )
    assert dopo == prima


def test_errore_di_un_modulo_si_propaga_senza_lasciarne_righe(solo_moduli, monkeypatch):
    rotto = types.ModuleType("modulo_demo_rotto")

    def carica(scala, rng):
        Scuola.objects.filter(demo=False).update(denominazione="A METÀ")
        raise RuntimeError("generazione fallita")

    rotto.carica = carica
    monkeypatch.setitem(sys.modules, "modulo_demo_rotto", rotto)
    solo_moduli("distretti.demo", "modulo_demo_rotto")

    with pytest.raises(RuntimeError, match="generazione fallita"):
        call_command("carica_demo", stdout=io.StringIO())

    assert not Scuola.objects.filter(denominazione="A METÀ").exists()


def test_moduli_chiamati_in_ordine_con_scala_e_generatore_riproducibile(solo_moduli, monkeypatch):
    chiamate = []
    for nome in ("modulo_demo_uno", "modulo_demo_due"):
        modulo = types.ModuleType(nome)
        modulo.carica = lambda scala, rng, nome=nome: chiamate.append((nome, scala, rng.random()))
        monkeypatch.setitem(sys.modules, nome, modulo)
    solo_moduli("modulo_demo_uno", "modulo_demo_due")

    call_command("carica_demo", "--scala", "grande", "--seed", "7", stdout=io.StringIO())
    call_command("carica_demo", "--scala", "grande", "--seed", "7", stdout=io.StringIO())

    assert [c[:2] for c in chiamate[:2]] == [("modulo_demo_uno", "grande"), ("modulo_demo_due", "grande")]
    assert chiamate[:2] == chiamate[2:]


def test_scuole_dimostrative_della_scala_grande():
    call_command("importa_scuole", str(carica_demo.ESTRATTO_ANAGRAFE), stdout=io.StringIO())

    demo.carica("grande", random.Random(1))

    dimostrative = Scuola.objects.filter(demo=True)
    assert 1900 <= Scuola.objects.count() <= 2100
    assert dimostrative.count() == demo.QUANTE["grande"]
    codici = list(dimostrative.values_list("codice_meccanografico", flat=True))
    assert all(c.startswith("ZZ") and RE_CODICE.fullmatch(c) for c in codici)
    assert dimostrative.values("comune").distinct().count() >= 50  # spread over the 55 comuni
    assert dimostrative.values("livello").distinct().count() >= 5
    assert not dimostrative.filter(studenti__isnull=True).exists()
    # The made-up schools are state schools only: the paritarie of the demo are the real ones.
    assert not dimostrative.filter(statale=False).exists()


def test_stesso_seme_stesse_scuole():
    demo.carica("base", random.Random(3))
    prima = list(
        Scuola.objects.order_by("codice_meccanografico").values_list("denominazione", "comune", "studenti")
    )
    Scuola.objects.all().delete()

    demo.carica("base", random.Random(3))

    assert (
        list(
            Scuola.objects.order_by("codice_meccanografico").values_list(
                "denominazione", "comune", "studenti"
            )
        )
        == prima
    )


def test_tipi_e_pesi_coerenti():
    assert len(demo.TIPI) == len(demo.PESI_TIPI)


def test_le_app_registrano_i_caricatori_in_ordine_di_livello():
    assert registro_demo._REGISTRO == [
        "distretti.demo.carica",
        "partnership.demo.carica",
        "alternanza.progetti.demo.carica",
        "alternanza.utenti.demo.carica",
        "alternanza.report.demo.carica",
        "eventi.demo.carica",
        "eventi.newsletter.demo.carica",
    ]
