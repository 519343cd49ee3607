"""Every database constraint of the project speaks to people: a message of its own, at the right field,
shown by every ModelForm that edits its model (at that field or, when the form lacks it, form-wide)."""

from __future__ import annotations

import importlib

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.db.models import CheckConstraint, Q, UniqueConstraint
from django.utils import translation

from alternanza.core.vincoli import CampiDeiVincoli

APP_DEL_PROGETTO = {
    a.label
    for a in apps.get_app_configs()
    if a.name in settings.INSTALLED_APPS and "." not in a.name or a.name.startswith(("alternanza.", "eventi"))
} - {
    "admin",
    "auth",
    "contenttypes",
    "sessions",
    "messages",
    "staticfiles",
    "sitemaps",
    "humanize",
    "postgres",
    "allauth",
    "account",
    "mfa",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "csp",
    "bootstrap_italia_template",
    "forms",
}


def _vincoli():
    for modello in apps.get_models():
        if modello._meta.app_label not in APP_DEL_PROGETTO:
            continue
        for vincolo in modello._meta.constraints:
            if isinstance(vincolo, CheckConstraint | UniqueConstraint):
                yield modello, vincolo


def _campi_del_vincolo(modello, vincolo) -> set[str]:
    if isinstance(vincolo, UniqueConstraint):
        campi = set(vincolo.fields)
        for espressione in vincolo.expressions:
            campi |= {getattr(e, "name", "") for e in espressione.flatten()}
        return campi
    campi: set[str] = set()

    def visita(nodo):
        for figlio in nodo.children:
            if isinstance(figlio, Q):
                visita(figlio)
            else:
                chiave, valore = figlio
                campi.add(chiave.split("__")[0])
                if hasattr(valore, "name"):
                    campi.add(valore.name)

    visita(vincolo.condition)
    return campi


VINCOLI = list(_vincoli())


def test_il_progetto_ha_vincoli_da_controllare():
    assert len(VINCOLI) >= 30
    assert {"distretti", "partnership", "alternanza", "eventi", "newsletter", "report", "pagine"} <= {
        m._meta.app_label for m, _ in VINCOLI
    }


@pytest.mark.parametrize(("modello", "vincolo"), VINCOLI, ids=[v.name for _, v in VINCOLI])
def test_ogni_vincolo_ha_un_messaggio_per_le_persone(modello, vincolo):
    messaggio = str(vincolo.get_violation_error_message())
    assert vincolo.violation_error_message != vincolo.default_violation_error_message
    assert vincolo.name not in messaggio and "vincolo" not in messaggio.lower()
    assert "Constraint" not in messaggio and "violat" not in messaggio
    assert vincolo.violation_error_code == vincolo.name
    with translation.override("en"):
        inglese = str(vincolo.get_violation_error_message())
    assert inglese != messaggio, f"{vincolo.name}: English missing in the catalogue"


@pytest.mark.parametrize(("modello", "vincolo"), VINCOLI, ids=[v.name for _, v in VINCOLI])
def test_il_campo_del_messaggio_e_uno_di_quelli_del_vincolo(modello, vincolo):
    campo = getattr(modello, "campi_dei_vincoli", {}).get(vincolo.name)
    if campo is None:  # form-wide: several fields together are wrong
        return
    assert issubclass(modello, CampiDeiVincoli)
    assert campo in _campi_del_vincolo(modello, vincolo)
    modello._meta.get_field(campo)


def _model_form():
    for app in apps.get_app_configs():
        if app.label not in APP_DEL_PROGETTO:
            continue
        try:
            importlib.import_module(f"{app.name}.forms")
        except ModuleNotFoundError:
            continue
    visti, da_vedere = set(), list(forms.ModelForm.__subclasses__())
    while da_vedere:
        classe = da_vedere.pop()
        if classe in visti:
            continue
        visti.add(classe)
        da_vedere += classe.__subclasses__()
        if classe.__module__.split(".")[0] in {"alternanza", "distretti", "partnership", "eventi"}:
            yield classe


MODEL_FORM = [f for f in _model_form() if f._meta.model is not None and f._meta.model._meta.constraints]


def test_le_model_form_dei_modelli_con_vincoli_sono_trovate():
    modelli = {f._meta.model.__name__ for f in MODEL_FORM}
    assert {"AssistenzaTecnica", "OffertaOspitalita", "Progetto", "Organizzazione"} <= modelli


@pytest.mark.parametrize("classe", MODEL_FORM, ids=[f.__name__ for f in MODEL_FORM])
def test_ogni_model_form_mostra_i_messaggi_dei_vincoli(classe):
    """A constraint's error reaches the form at its field when the form has it, else form-wide: both are
    rendered by the portal's form template (field errors and the summary with the form-wide ones)."""
    modello = classe._meta.model
    campi_form = set(classe.base_fields)
    for vincolo in modello._meta.constraints:
        campo = getattr(modello, "campi_dei_vincoli", {}).get(vincolo.name)
        if campo is not None and campo not in campi_form:
            # Django skips a constraint whose fields the form excludes, unless the view sets them; then
            # the message would go form-wide, which the summary shows.
            assert campo in _campi_del_vincolo(modello, vincolo)
