"""One way to render forms across the portal (Bootstrap Italia markup), and what every form shares.

- `RendererPortale` is settings.FORM_RENDERER: `{{ form }}` and `{{ field.as_field_group }}` use the
  templates in templates/django/forms/portale/. It gives every widget its Bootstrap Italia class, every date
  a native date picker (`type="date"`, ISO value), and ties help text and errors to the input through
  aria-describedby (`<id>_helptext`, `<id>_errori`), with aria-invalid on errors (Django's own).
- `riepilogo_errori` (a template builtin, see settings.TEMPLATES) lists what is wrong in one or more forms
  or formsets, each item pointing at its field's id: the error summary at the top of a form.
- `ConservaFile` keeps the files chosen on a form that then fails validation: they wait in a private
  directory, referenced by a signed token in a hidden field, so the person does not pick them again.
- `controlla_intervallo` checks a from/to pair and puts the message on the "to" field; `limita_le_date`
  makes every date of every form fall in DATA_MINIMA–DATA_MASSIMA (2000–2100), message at the field.
"""

from __future__ import annotations

import datetime
import html
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django import forms, template
from django.conf import settings
from django.core import signing
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.forms.renderers import TemplatesSetting
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape, strip_tags
from django.utils.safestring import SafeData, SafeString, mark_safe
from django.utils.translation import gettext as _

register = template.Library()

MODULO = "django/forms/portale/modulo.html"
CAMPO = "django/forms/portale/campo.html"

_SCELTE_MULTIPLE = (forms.RadioSelect, forms.CheckboxSelectMultiple)


def _classe_widget(template_name: str, tipo: str | None) -> str | None:
    """The Bootstrap Italia class of a widget from its template (the one thing every widget has)."""
    nome = template_name.rsplit("/", 1)[-1]
    if nome in {"select.html", "select_date.html"}:
        return "form-select"
    if nome in {"checkbox.html", "checkbox_option.html", "radio_option.html"}:
        return "form-check-input"
    if nome in {"radio.html", "checkbox_select.html"}:
        return None  # the container of the options: each option gets its class (see render)
    if tipo == "hidden" or nome in {"hidden.html", "multiple_hidden.html"}:
        return None
    return "form-control"


def _aggiungi_classe(attrs: dict[str, Any], classe: str | None) -> None:
    if not classe:
        return
    presenti = str(attrs.get("class", "")).split()
    if classe not in presenti:
        attrs["class"] = " ".join([*presenti, classe])


def _come_data(widget: forms.Widget) -> None:
    """A date typed in the portal is a native date picker with an ISO value (any browser, any language),
    limited to the years every form accepts (DATA_MINIMA–DATA_MASSIMA)."""
    if isinstance(widget, forms.DateInput):
        if widget.input_type == "text":
            widget.input_type = "date"
            widget.format = "%Y-%m-%d"
        widget.attrs.setdefault("min", DATA_MINIMA.isoformat())
        widget.attrs.setdefault("max", DATA_MASSIMA.isoformat())
    elif isinstance(widget, forms.DateTimeInput):
        if widget.input_type == "text":
            widget.input_type = "datetime-local"
            widget.format = "%Y-%m-%dT%H:%M"
        widget.attrs.setdefault("min", f"{DATA_MINIMA.isoformat()}T00:00")
        widget.attrs.setdefault("max", f"{DATA_MASSIMA.isoformat()}T23:59")


def id_errori(campo: forms.BoundField) -> str:
    return f"{campo.auto_id}_errori"


def id_aiuto(campo: forms.BoundField) -> str:
    return f"{campo.auto_id}_helptext"


def _widget_campo(campo: forms.BoundField) -> str:
    widget = campo.field.widget
    _come_data(widget)
    descritto = []
    if campo.help_text:
        descritto.append(id_aiuto(campo))
    if campo.errors:
        descritto.append(id_errori(campo))
    attrs: dict[str, Any] = {}
    if descritto and not isinstance(widget, _SCELTE_MULTIPLE):
        attrs["aria-describedby"] = " ".join(descritto)
    if campo.errors and not isinstance(widget, _SCELTE_MULTIPLE):
        attrs["class"] = " ".join([widget.attrs.get("class", ""), "is-invalid"]).strip()
    attrs = campo.build_widget_attrs(attrs, widget)
    if getattr(campo.form, "file_conservati", {}).get(campo.name):
        attrs.pop("required", None)  # the kept file answers the requirement
    if campo.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", campo.auto_id)
    return widget.render(name=campo.html_name, value=campo.value(), attrs=attrs, renderer=campo.form.renderer)


def contesto_campo(campo: forms.BoundField) -> dict[str, Any]:
    widget = campo.field.widget
    if isinstance(widget, forms.CheckboxInput):
        tipo = "casella"
    elif isinstance(widget, _SCELTE_MULTIPLE):
        tipo = "scelte"
    elif isinstance(widget, forms.FileInput):
        tipo = "file"
    else:
        tipo = "testo"
    descritto = " ".join(
        i for i, c in ((id_aiuto(campo), campo.help_text), (id_errori(campo), campo.errors)) if c
    )
    return {
        "tipo": tipo,
        "widget_html": _widget_campo(campo),
        "id_aiuto": id_aiuto(campo),
        "id_errori": id_errori(campo),
        "descritto_da": descritto,
        "obbligatorio": campo.field.required and not isinstance(widget, forms.CheckboxInput),
        "conservato": getattr(campo.form, "file_conservati", {}).get(campo.name),
    }


SELECT = "django/forms/widgets/select.html"


def _attributi(attrs: dict[str, Any]) -> str:
    """The attributes as Django's attrs.html writes them: in order, True as a bare name, False left out;
    values through stringformat:'s', so always escaped (escape, not conditional_escape)."""
    return "".join(
        f" {conditional_escape(nome)}"
        if valore is True
        else f' {conditional_escape(nome)}="{escape(valore)}"'
        for nome, valore in attrs.items()
        if valore is not False
    )


def _select(widget: dict[str, Any]) -> SafeString:
    """Django's select.html and select_option.html, written in Python: the same HTML, byte for byte (a
    test compares them). Every filter form of the portal has a few drop-downs, the offices' lists up to
    ten with 150 options, and rendering each option through the template engine was a quarter of those
    pages' time."""
    parti = [f'<select name="{conditional_escape(widget["name"])}"{_attributi(widget["attrs"])}>']
    for gruppo, opzioni, _indice in widget["optgroups"]:
        if gruppo:
            parti.append(f'\n  <optgroup label="{conditional_escape(gruppo)}">')
        parti.extend(
            f'\n  <option value="{escape(o["value"])}"{_attributi(o["attrs"])}>'
            f"{conditional_escape(o['label'])}</option>"
            for o in opzioni
        )
        if gruppo:
            parti.append("\n  </optgroup>")
    parti.append("\n</select>")
    return mark_safe("".join(parti))  # noqa: S308 - every value above is escaped  # nosec


class RendererPortale(TemplatesSetting):
    """settings.FORM_RENDERER: the portal's templates, plus the context they need computed in Python."""

    form_template_name = MODULO
    field_template_name = CAMPO

    def render(self, template_name, context, request=None):
        if template_name == CAMPO and "field" in context:
            context = {**context, **contesto_campo(context["field"])}
        elif "widget" in context:
            w = context["widget"]
            _aggiungi_classe(w["attrs"], _classe_widget(w.get("template_name", template_name), w.get("type")))
            for _gruppo, opzioni, _indice in w.get("optgroups", ()):
                for opzione in opzioni:
                    # Django's "---------" says nothing: the empty choice of a select reads as a prompt.
                    if opzione.get("value") in ("", None) and opzione.get("label") == "---------":
                        opzione["label"] = _("Scegli…")
            if w.get("template_name", "").endswith(("/radio.html", "/checkbox_select.html")):
                for _gruppo, opzioni, _indice in w.get("optgroups", ()):
                    for opzione in opzioni:
                        _aggiungi_classe(opzione["attrs"], "form-check-input")
        if template_name == SELECT and "widget" in context:
            return _select(context["widget"])
        return super().render(template_name, context, request)


# --- Error summary ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class VoceErrore:
    messaggio: str
    etichetta: str = ""
    ancora: str = ""


def _testo(errore: Any) -> str:
    if isinstance(errore, SafeData):
        return html.unescape(strip_tags(str(errore)))
    return str(errore)


def _voci(form: forms.BaseForm) -> list[VoceErrore]:
    # Plain text: an error may carry a link (e.g. to the organisation that has the tax code), and the
    # summary's items are links already.
    voci = [VoceErrore(_testo(e)) for e in form.non_field_errors()]
    for campo in form:
        for e in map(_testo, campo.errors):
            if campo.is_hidden:
                voci.append(VoceErrore(str(e), str(campo.label or "")))
            else:
                ancora = campo.id_for_label or campo.auto_id
                if isinstance(campo.field.widget, _SCELTE_MULTIPLE) and campo.auto_id:
                    ancora = f"{campo.auto_id}_0"
                voci.append(VoceErrore(str(e), str(campo.label or ""), ancora))
    return voci


@register.simple_tag
def riepilogo_errori(*moduli: Any) -> list[VoceErrore]:
    """What is wrong in the given forms and formsets, in page order (forms first, then their fields)."""
    voci: list[VoceErrore] = []
    for modulo in moduli:
        if modulo is None or not getattr(modulo, "is_bound", False):
            continue
        if hasattr(modulo, "forms"):  # a formset
            voci += [VoceErrore(str(e)) for e in modulo.non_form_errors()]
            for f in modulo.forms:
                voci += _voci(f)
        else:
            voci += _voci(modulo)
    return voci


@register.simple_tag
def ha_obbligatori(*moduli: Any) -> bool:
    for modulo in moduli:
        forms_ = getattr(modulo, "forms", None) or [modulo]
        for f in forms_:
            if f is not None and any(c.field.required and not c.is_hidden for c in f):
                return True
    return False


# --- Date ranges -----------------------------------------------------------------------------------

# The years a date typed anywhere in the portal may fall in: school years, projects, events, newsletters
# and reports all live well inside them. Outside, a date is a typo (20266) or a probe (9999-12-31) that
# would overflow date arithmetic further on (the year after 9999 does not exist).
DATA_MINIMA = datetime.date(2000, 1, 1)
DATA_MASSIMA = datetime.date(2100, 12, 31)


def data_plausibile(valore: datetime.date | datetime.datetime | None) -> None:
    """Validator of every form date and date-time: DATA_MINIMA ≤ value ≤ DATA_MASSIMA."""
    if valore is None:
        return
    giorno = valore.date() if isinstance(valore, datetime.datetime) else valore
    if not DATA_MINIMA <= giorno <= DATA_MASSIMA:
        raise forms.ValidationError(
            _("Inserisci una data tra il %(minimo)s e il %(massimo)s."),
            code="data_fuori_intervallo",
            params={"minimo": DATA_MINIMA.year, "massimo": DATA_MASSIMA.year},
        )


def limita_le_date() -> None:
    """Every date and date-time field of every form — ModelForms, list filters, the admin — checks
    `data_plausibile`: one rule at the edge instead of a range on each of the ~90 date fields.

    Called by the core app while the models are imported (before any form module); idempotent.
    """
    for campo in (forms.DateField, forms.DateTimeField):
        if data_plausibile not in campo.default_validators:
            campo.default_validators = [*campo.default_validators, data_plausibile]


def controlla_intervallo(form: forms.BaseForm, da: str, a: str, messaggio: str | None = None) -> None:
    """From ≤ to, with the message at the "to" field (where the person corrects it)."""
    inizio, fine = form.cleaned_data.get(da), form.cleaned_data.get(a)
    if inizio and fine and fine < inizio:
        form.add_error(
            a,
            forms.ValidationError(
                messaggio or _("La data finale deve essere uguale o successiva a quella iniziale."),
                code="intervallo_invertito",
            ),
        )


# --- Files kept across a failed submission -----------------------------------------------------------

_SALE = "alternanza.core.moduli.file"
_DURATA = 24 * 3600


def _archivio() -> FileSystemStorage:
    cartella = Path(
        getattr(settings, "CARICAMENTI_TEMPORANEI_ROOT", Path(settings.MEDIA_ROOT).parent / "temp")
    )
    # Never under MEDIA_ROOT: nobody can download a file that has not been accepted yet.
    return FileSystemStorage(location=cartella, base_url=None)


def _pulisci_scaduti(archivio: FileSystemStorage) -> None:
    """Kept files older than their token are useless: remove them when a new one arrives (no beat job)."""
    limite = time.time() - _DURATA
    cartella = Path(archivio.location)
    if not cartella.is_dir():
        return
    for percorso in cartella.iterdir():
        try:
            if percorso.is_file() and percorso.stat().st_mtime < limite:
                percorso.unlink()
        except FileNotFoundError:  # removed meanwhile by a concurrent request
            continue


def nome_token(nome_campo: str) -> str:
    return f"{nome_campo}__conservato"


class ConservaFile:
    """Form mixin: files chosen on a submission that fails validation are kept and offered back.

    After a failed submission each valid file waits in a private directory (settings
    CARICAMENTI_TEMPORANEI_ROOT); the field template shows "File già caricato: nome — sostituisci" and a
    hidden field with a signed token. The next submission without a new file takes the kept one.
    """

    file_conservati: dict[str, tuple[str, str]]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.file_conservati = {}
        form: forms.BaseForm = self  # type: ignore[assignment]
        if not form.is_bound:
            return
        files = form.files.copy()
        for nome, campo in form.fields.items():
            if not isinstance(campo, forms.FileField):
                continue
            chiave = form.add_prefix(nome)
            token = form.data.get(nome_token(chiave))
            if files.get(chiave) or not token:
                continue
            recuperato = self._recupera(token)
            if recuperato is not None:
                files[chiave] = recuperato
        form.files = files

    def _recupera(self, token: str) -> UploadedFile | None:
        try:
            dati = signing.loads(token, salt=_SALE, max_age=_DURATA)
        except signing.BadSignature:
            return None
        archivio = _archivio()
        percorso = os.path.basename(dati["p"])
        if not archivio.exists(percorso):
            return None
        with archivio.open(percorso, "rb") as f:
            return SimpleUploadedFile(dati["n"], f.read(), content_type=dati.get("t") or "")

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: Any = self
        if not form.is_bound or not form._errors:
            return
        for nome, campo in form.fields.items():
            chiave = form.add_prefix(nome)
            caricato = form.files.get(chiave)
            if not isinstance(campo, forms.FileField) or not caricato or nome in form._errors:
                continue
            archivio = _archivio()
            _pulisci_scaduti(archivio)
            caricato.seek(0)
            percorso = archivio.save(f"{uuid.uuid4().hex}.bin", caricato)
            caricato.seek(0)
            token = signing.dumps(
                {"p": percorso, "n": caricato.name, "t": getattr(caricato, "content_type", "")}, salt=_SALE
            )
            self.file_conservati[nome] = (token, os.path.basename(caricato.name or ""))


class FiltroConIntervallo:
    """django-filter FilterSet mixin for a from/to pair (`intervallo = ("dal", "al")`).

    The pair is checked (from ≤ to, message at "to"), and `vuoto_per_intervallo` tells the template that
    nothing was found only because of the period, so it can say so instead of a bare "0 results".
    """

    intervallo: ClassVar[tuple[str, str]] = ("dal", "al")

    def get_form_class(self):
        base = super().get_form_class()  # type: ignore[misc]
        da, a = self.intervallo

        def clean(form):
            dati = base.clean(form)
            controlla_intervallo(form, da, a)
            return dati

        return type(base.__name__, (base,), {"clean": clean})

    @cached_property
    def vuoto_per_intervallo(self) -> bool:
        filtro: Any = self
        if not filtro.is_bound or not any(filtro.data.get(n) for n in self.intervallo):
            return False
        if filtro.qs.exists():
            return False
        altri = {k: v for k, v in filtro.data.items() if k not in self.intervallo}
        senza: Any = type(self)(altri, queryset=filtro.queryset, request=filtro.request)  # type: ignore[call-arg]
        return senza.qs.exists()
