"""Dates everywhere: native date inputs in forms and list filters, ranges checked, empty periods said."""

from __future__ import annotations

import re

import pytest

from alternanza.progetti.forms import AssistenzaForm
from eventi.filters import FiltroEventi
from eventi.models import Evento
from partnership.filters import OffertaFilter
from partnership.models import OffertaOspitalita


@pytest.mark.django_db
def test_i_filtri_per_data_sono_campi_data():
    html = str(OffertaFilter({}, queryset=OffertaOspitalita.objects.none()).form)
    assert re.search(r'<input type="date" name="dal"', html)
    assert re.search(r'<input type="date" name="al"', html)
    html = str(FiltroEventi({}, queryset=Evento.objects.none()).form)
    assert re.search(r'<input type="date" name="da"', html)
    assert re.search(r'<input type="date" name="a"', html)


@pytest.mark.django_db
def test_i_moduli_con_date_usano_il_campo_data():
    from tests.progetti.factories import AzioneDiReteFactory

    assert re.search(r'<input type="date" name="data"', str(AssistenzaForm(azione=AzioneDiReteFactory())))


@pytest.mark.django_db
def test_periodo_invertito_nel_filtro_segnalato_sul_campo_al():
    dati = {"dal": "2026-06-01", "al": "2026-01-01"}
    filtro = OffertaFilter(dati, queryset=OffertaOspitalita.objects.all())
    assert not filtro.form.is_valid()
    assert list(filtro.form.errors) == ["al"]
    assert "successiva" in filtro.form.errors["al"][0]
    html = str(filtro.form)
    assert '<a href="#id_al">' in html


@pytest.mark.django_db
def test_periodo_invertito_negli_eventi_segnalato_sul_campo_a():
    filtro = FiltroEventi({"da": "2026-06-01", "a": "2026-01-01"}, queryset=Evento.objects.all())
    assert not filtro.form.is_valid()
    assert list(filtro.form.errors) == ["a"]


@pytest.mark.django_db
def test_filtro_vuoto_per_il_periodo_lo_dice(client):
    from tests.partnership.factories import OffertaFactory

    OffertaFactory()  # 12 January – 20 December 2026
    nel_periodo = OffertaFilter({"dal": "2026-03-01"}, queryset=OffertaOspitalita.objects.all())
    assert nel_periodo.qs.exists() and not nel_periodo.vuoto_per_intervallo
    fuori = OffertaFilter({"dal": "2027-03-01"}, queryset=OffertaOspitalita.objects.all())
    assert not fuori.qs.exists() and fuori.vuoto_per_intervallo
    nulla = OffertaFilter({"dal": "2027-03-01", "q": "inesistente"}, queryset=OffertaOspitalita.objects.all())
    assert not nulla.vuoto_per_intervallo  # nothing for other reasons: no period message
    senza_date = OffertaFilter({"q": "inesistente"}, queryset=OffertaOspitalita.objects.all())
    assert not senza_date.vuoto_per_intervallo


@pytest.mark.django_db
@pytest.mark.parametrize("valore", ["9999-12-31", "1999-12-31", "2101-01-01"])
def test_ogni_data_di_un_modulo_sta_tra_il_2000_e_il_2100(valore):
    """The rule of every form (limita_le_date): a ModelForm's date, a filter's date."""
    from django import forms

    class Modulo(forms.Form):  # any form of the portal: the rule is on the field class
        data = forms.DateField()

    form = Modulo(data={"data": valore})
    assert not form.is_valid()
    assert form.errors["data"] == ["Inserisci una data tra il 2000 e il 2100."]
    filtro = FiltroEventi({"da": valore}, queryset=Evento.objects.all())
    assert not filtro.form.is_valid()
    assert "da" in filtro.form.errors


@pytest.mark.django_db
def test_il_campo_data_limita_gli_anni_anche_nel_browser():
    from django import forms

    class Modulo(forms.Form):
        data = forms.DateField()

    html = str(Modulo())
    assert 'min="2000-01-01"' in html and 'max="2100-12-31"' in html
