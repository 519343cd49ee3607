"""The portal's one way to render forms (alternanza/core/moduli.py, templates/django/forms/portale/)."""

from __future__ import annotations

import datetime
import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse

from alternanza.core.moduli import ConservaFile, controlla_intervallo, riepilogo_errori
from tests.conftest import entra


class Esempio(forms.Form):
    nome = forms.CharField(label="Nome", help_text="Come ti chiami")
    email = forms.EmailField(label="E-mail", required=False)
    ruolo = forms.ChoiceField(label="Ruolo", choices=[("", "Scegli"), ("a", "A"), ("b", "B")])
    temi = forms.MultipleChoiceField(
        label="Temi", choices=[("x", "X"), ("y", "Y")], widget=forms.CheckboxSelectMultiple, required=False
    )
    consenso = forms.BooleanField(label="Acconsento")
    giorno = forms.DateField(label="Giorno", required=False)
    nota = forms.CharField(label="Nota", widget=forms.Textarea, required=False)

    def clean(self):
        dati = super().clean()
        if dati.get("nome") == "errore":
            raise forms.ValidationError("Qualcosa non va nel modulo intero.")
        return dati


def _html(form) -> str:
    return str(form)


def test_etichetta_sopra_il_campo_e_non_flottante():
    html = _html(Esempio())
    for nome in ("nome", "email", "ruolo", "giorno", "nota"):
        etichetta = html.index(f'<label class="campo-etichetta" for="id_{nome}"')
        campo = html.index(f'id="id_{nome}"')
        assert etichetta < campo
    assert "form-group" not in html and 'class="active"' not in html


def test_classi_bootstrap_italia_sui_widget():
    html = _html(Esempio())
    assert re.search(r'<input type="text" name="nome"[^>]*class="form-control"', html)
    assert re.search(r'<select name="ruolo"[^>]*class="form-select"', html)
    assert re.search(r'<input type="checkbox" name="consenso"[^>]*class="form-check-input"', html)
    assert re.search(r'<input type="checkbox" name="temi" value="x"[^>]*class="form-check-input"', html)
    assert re.search(r'<textarea name="nota"[^>]*class="form-control"', html)


def test_le_date_sono_un_campo_data_con_valore_iso():
    html = _html(Esempio(initial={"giorno": datetime.date(2026, 12, 2)}))
    assert re.search(r'<input type="date" name="giorno" value="2026-12-02"', html)
    assert Esempio({"nome": "a", "ruolo": "a", "consenso": "on", "giorno": "2026-12-02"}).is_valid()


def test_obbligatori_segnati_e_spiegati():
    html = _html(Esempio())
    assert "I campi contrassegnati con * sono obbligatori." in html
    assert re.search(
        r'for="id_nome">Nome<span class="campo-obbligatorio" aria-hidden="true"> \*</span>', html
    )
    assert re.search(r'name="nome"[^>]*required', html)
    assert not re.search(r'for="id_email">E-mail<span class="campo-obbligatorio"', html)


def test_aiuto_ed_errori_legati_con_aria_describedby_a_id_esistenti():
    form = Esempio({"nome": "", "ruolo": "", "email": "non-una-mail"})
    html = _html(form)
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    for descritto in re.findall(r'aria-describedby="([^"]+)"', html):
        for i in descritto.split():
            assert i in ids, i
    assert re.search(r'name="nome"[^>]*aria-describedby="id_nome_helptext id_nome_errori"', html)
    assert re.search(r'name="nome"[^>]*aria-invalid="true"', html)
    assert re.search(r'name="email"[^>]*aria-invalid="true"', html)
    assert re.search(r'name="email"[^>]*class="[^"]*is-invalid', html)
    assert not re.search(r'name="nota"[^>]*aria-invalid', html)


def test_riepilogo_degli_errori_con_link_ai_campi():
    form = Esempio({"nome": "", "ruolo": "", "email": "x"})
    html = _html(form)
    assert html.index("riepilogo-errori") < html.index('name="nome"')
    assert 'tabindex="-1"' in html and "data-riepilogo-errori" in html
    assert "Il modulo contiene 4 errori" in html
    ids = set(re.findall(r'\sid="([^"]+)"', html))
    link = re.findall(r'<a href="#([^"]+)">', html)
    assert set(link) == {"id_nome", "id_email", "id_ruolo", "id_consenso"}
    assert set(link) <= ids


def test_errori_del_modulo_intero_sempre_mostrati():
    form = Esempio({"nome": "errore", "ruolo": "a", "consenso": "on"})
    html = _html(form)
    assert "Il modulo contiene 1 errore" in html
    assert "Qualcosa non va nel modulo intero." in html


def test_riepilogo_di_moduli_e_formset_insieme():
    FormSet = forms.formset_factory(Esempio, extra=1)
    fs = FormSet(
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "0", "form-0-nome": "", "form-0-ruolo": "a"},
        prefix="form",
    )
    voci = riepilogo_errori(Esempio({"nome": "a", "ruolo": "a"}), fs)
    ancore = [v.ancora for v in voci]
    assert "id_consenso" in ancore and "id_form-0-nome" in ancore


def test_riepilogo_nel_template_di_una_pagina():
    form = Esempio({"nome": ""})
    html = Template(
        '{% riepilogo_errori form as riepilogo %}{% include "django/forms/portale/riepilogo.html" %}'
    ).render(Context({"form": form}))
    assert '<a href="#id_nome">' in html


# --- Date ranges ----------------------------------------------------------------------------------


class Periodo(forms.Form):
    dal = forms.DateField(required=False)
    al = forms.DateField(required=False)

    def clean(self):
        dati = super().clean()
        controlla_intervallo(self, "dal", "al")
        return dati


def test_intervallo_invertito_segnalato_sul_campo_finale():
    form = Periodo({"dal": "2026-12-10", "al": "2026-12-01"})
    assert not form.is_valid()
    assert list(form.errors) == ["al"]
    assert Periodo({"dal": "2026-12-01", "al": "2026-12-01"}).is_valid()
    assert Periodo({"dal": "2026-12-01"}).is_valid()


# --- Files kept across a failed submission ------------------------------------------------------------


class ConFile(ConservaFile, forms.Form):
    titolo = forms.CharField()
    allegato = forms.FileField()


def test_il_file_scelto_non_si_perde_se_il_modulo_ha_errori(tmp_path, settings):
    settings.CARICAMENTI_TEMPORANEI_ROOT = tmp_path
    primo = ConFile({"titolo": ""}, {"allegato": SimpleUploadedFile("relazione.pdf", b"%PDF-1.4 dati")})
    assert not primo.is_valid()
    html = str(primo)
    assert "File già caricato: <strong>relazione.pdf</strong>" in html
    token = re.search(r'name="allegato__conservato" value="([^"]+)"', html).group(1)
    assert not re.search(r'type="file" name="allegato"[^>]*required', html)
    assert list(tmp_path.iterdir()), "the file waits in the private directory"
    secondo = ConFile({"titolo": "Relazione", "allegato__conservato": token}, {})
    assert secondo.is_valid(), secondo.errors
    assert secondo.cleaned_data["allegato"].name == "relazione.pdf"
    assert secondo.cleaned_data["allegato"].read() == b"%PDF-1.4 dati"


def test_un_token_falsificato_non_da_file(tmp_path, settings):
    settings.CARICAMENTI_TEMPORANEI_ROOT = tmp_path
    form = ConFile({"titolo": "x", "allegato__conservato": "falso:token"}, {})
    assert not form.is_valid()
    assert "allegato" in form.errors


def _classi_form_del_progetto():
    for app in apps.get_app_configs():
        if not app.name.startswith(("alternanza.", "distretti", "partnership", "eventi")):
            continue
        try:
            importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
    visti, da_vedere = set(), list(forms.BaseForm.__subclasses__())
    while da_vedere:
        c = da_vedere.pop()
        if c not in visti:
            visti.add(c)
            da_vedere += c.__subclasses__()
    return [
        c for c in visti if c.__module__.split(".")[0] in {"alternanza", "distretti", "partnership", "eventi"}
    ]


def test_ogni_modulo_con_file_li_conserva():
    con_file = [
        c
        for c in _classi_form_del_progetto()
        if any(isinstance(f, forms.FileField) for f in getattr(c, "base_fields", {}).values())
    ]
    assert len(con_file) >= 6
    # The district import takes several CSV files at once: it asks for them on one step only.
    senza = {c.__name__ for c in con_file if not issubclass(c, ConservaFile)} - {"ImportaScuoleForm"}
    assert senza == set()


# --- Forms of the portal -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_assistenza_con_ore_negative_mostra_l_errore_al_campo(client, staff, distretto_a):
    from tests.progetti.factories import AzioneDiReteFactory

    azione = AzioneDiReteFactory()
    entra(client, staff.utente if hasattr(staff, "utente") else staff)
    risposta = client.post(
        reverse("progetti:assistenza_nuova", args=[azione.pk]),
        {"data": "2026-11-10", "distretto": distretto_a.pk, "tema": "Orientamento", "ore": "-3", "esito": ""},
    )
    assert risposta.status_code == 200
    html = risposta.content.decode()
    assert "Il modulo contiene 1 errore" in html
    assert '<a href="#id_ore">' in html
    assert "Le ore non possono essere negative" in html
    assert "vincolo" not in html.lower()
    assert re.search(r'name="ore"[^>]*aria-invalid="true"', html)


@pytest.mark.django_db
def test_offerta_con_zero_posti_errore_al_campo_e_min_uguale_alla_regola(organizzazione):
    from partnership.forms import OffertaForm
    from partnership.models import Organizzazione

    dati = {
        "organizzazione": organizzazione.pk,
        "titolo": "Stage",
        "descrizione": "In officina",
        "posti": "0",
        "data_inizio": "2027-01-10",
        "data_fine": "2027-02-10",
        "attiva": "on",
    }
    form = OffertaForm(dati, organizzazioni=Organizzazione.objects.all())
    assert not form.is_valid()
    assert form.errors["posti"] == ["Indica almeno un posto disponibile."]
    assert re.search(r'name="posti"[^>]*min="1"', str(form["posti"].as_field_group()))


@pytest.mark.django_db
def test_codice_fiscale_doppio_errore_al_campo_con_link_all_organizzazione(organizzazione):
    from partnership.forms import OrganizzazioneForm

    organizzazione.codice_fiscale = "01234567890"
    organizzazione.save()
    form = OrganizzazioneForm({"nome": "Altra", "tipo": organizzazione.tipo, "codice_fiscale": "01234567890"})
    assert not form.is_valid()
    errore = form.errors["codice_fiscale"][0]
    assert "Esiste già un&#x27;organizzazione con questo codice fiscale" in errore
    assert f'href="{organizzazione.get_absolute_url()}"' in errore
    assert "__all__" not in form.errors
    voce = riepilogo_errori(form)[0]
    assert voce.ancora == "id_codice_fiscale" and "<a" not in voce.messaggio
    assert voce.messaggio.startswith("Esiste già un'organizzazione")


def test_i_file_conservati_scaduti_sono_rimossi(tmp_path, settings):
    import os
    import time

    settings.CARICAMENTI_TEMPORANEI_ROOT = tmp_path
    vecchio = tmp_path / "vecchio.bin"
    vecchio.write_bytes(b"x")
    os.utime(vecchio, (time.time() - 3 * 24 * 3600,) * 2)
    form = ConFile({"titolo": ""}, {"allegato": SimpleUploadedFile("nuovo.pdf", b"%PDF")})
    assert not form.is_valid()
    assert not vecchio.exists() and len(list(tmp_path.iterdir())) == 1


class _Scelte(forms.Form):
    semplice = forms.ChoiceField(choices=[("", "---------"), ("a", "Alfa & <Beta>"), (3, "Tre")])
    gruppi = forms.ChoiceField(
        choices=[("Emilia «Romagna»", [("bo", "Bologna"), ("im", 'Imola "centro"')]), ("x", "Fuori")]
    )
    multipla = forms.MultipleChoiceField(
        choices=[("1", "Uno"), ("2", "Due")],
        widget=forms.SelectMultiple(attrs={"data-x": 'a"b', "disabled": True, "hidden": False}),
    )
    si_no = forms.NullBooleanField()


@pytest.mark.parametrize(
    "dati", [None, {"semplice": "3", "gruppi": "im", "multipla": ["1", "2"], "si_no": "true"}]
)
def test_le_tendine_scritte_in_python_sono_quelle_del_modello_django(dati):
    # RendererPortale writes select.html in Python (a quarter of the offices' list pages' time went to
    # rendering options through the template engine): the HTML must stay the template's, byte for byte.
    from django.forms.renderers import TemplatesSetting

    from alternanza.core.moduli import SELECT, RendererPortale

    modulo = _Scelte(dati)
    for campo in modulo:
        widget = campo.field.widget
        contesto = widget.get_context(
            campo.html_name, campo.value(), {"id": campo.auto_id, "class": "form-select"}
        )
        # The portal's renderer first: it adds its class and names the empty choice in the context.
        scritta = RendererPortale().render(SELECT, contesto)
        attesa = TemplatesSetting().render(SELECT, contesto)
        assert scritta == attesa
        assert "<option" in attesa
    assert "Alfa &amp; &lt;Beta&gt;" in str(modulo["semplice"])
    assert '<optgroup label="Emilia «Romagna»">' in str(modulo["gruppi"])
