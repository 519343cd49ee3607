"""Choosing one or more records among thousands: search, resolution of typed text, the form field.

Organisations (20,000), schools and comuni are chosen by typing part of a name or a code. One `Sorgente`
per kind of record (declared by the app that owns the model) says which fields are searched and how a
record is labelled; the same object serves three callers, so they cannot drift apart:

- the JSON search endpoint behind the autocomplete (`risposta_json`): at most `LIMITE` matches,
  ranked (exact code, exact name, name prefix, word prefix, anywhere), over the queryset the user may
  choose from;
- `SceltaField`, which works without JavaScript: the typed text is resolved on submit; when it matches
  more than one record (or none) the form comes back with the matches as radio buttons / checkboxes
  and a message at the field;
- the widget, which shows the chosen records by label (never by number or slug) when an object is edited.

With JavaScript (static/js/scelta.js) the text input becomes Bootstrap Italia's accessible autocomplete
(the combobox pattern of accessible-autocomplete, with its live region) and the chosen records become
chips with a remove button; what is submitted is the same as without it.

Submitted data for a field `x`: `x` (the typed text), `x_scelta` (ids of the chosen records: the hidden
inputs of the chips, or the radio buttons / checkboxes of the results step) and `x_cercato` (the text
whose matches the results step showed, so that choosing among them is not taken for a new search).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib.postgres.search import TrigramWordSimilarity
from django.core.exceptions import ValidationError
from django.db.models import Case, FloatField, IntegerField, Model, Q, QuerySet, Value, When
from django.http import HttpRequest, JsonResponse
from django.template import loader
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

LIMITE = 20  # matches sent to the autocomplete and shown by the results step
MINIMO = 2  # characters before the endpoint searches


@dataclass(frozen=True)
class Sorgente:
    """How one kind of record is searched and labelled."""

    url: str  # name of the JSON search endpoint
    campo_nome: str
    campi_codice: tuple[str, ...] = ()
    normalizza_codice: Callable[[str], str] = str.upper
    etichetta: Callable[[Any], str] = str
    campi: tuple[str, ...] = ()  # .only(): what etichetta reads
    collegati: tuple[str, ...] = ()  # .select_related(): what etichetta reads
    # A column holding the normal form of the name (alternanza.core.nomi), kept by the model: when set,
    # the words are matched against it, so case, accents, punctuation and legal-form suffixes do not
    # matter, and a trigram similarity (pg_trgm) forgives typos.
    campo_normalizzato: str = ""
    normalizza_nome: Callable[[str], str] | None = None

    def _base(self, queryset: QuerySet) -> QuerySet:
        qs = queryset.order_by()
        if self.collegati:
            qs = qs.select_related(*self.collegati)
        if self.campi:
            qs = qs.only("pk", *self.campi)
        return qs

    def cerca(self, queryset: QuerySet, testo: str, limite: int = LIMITE) -> list[Model]:
        """Up to `limite` records of `queryset` matching `testo`, best first (one query).

        Every word of the text must occur in the name, or the text must begin a code."""
        testo = " ".join((testo or "").split())
        if not testo:
            return []
        codice = self.normalizza_codice(testo)
        nome = self.campo_nome
        parole = Q()
        normale = self._normale(testo)
        if normale:
            for parola in normale.split(" "):
                parole &= Q(**{f"{self.campo_normalizzato}__contains": parola})
            # Typos: the typed name is close to a part of the stored one (word_similarity, %> operator).
            filtro = parole | Q(**{f"{self.campo_normalizzato}__trigram_word_similar": normale})
            esatto = Q(**{self.campo_normalizzato: normale})
            prefisso = Q(**{f"{self.campo_normalizzato}__startswith": normale})
        else:
            for parola in testo.split(" "):
                parole &= Q(**{f"{nome}__icontains": parola})
            filtro = parole
            esatto = Q(**{f"{nome}__iexact": testo})
            prefisso = Q(**{f"{nome}__istartswith": testo})
        esatto_codice = Q()
        for campo in self.campi_codice:
            filtro |= Q(**{f"{campo}__istartswith": codice})
            esatto_codice |= Q(**{f"{campo}__iexact": codice})
            prefisso |= Q(**{f"{campo}__istartswith": codice})
        rango = Case(
            When(esatto_codice if self.campi_codice else Q(pk__isnull=True), then=Value(0)),
            When(esatto, then=Value(1)),
            When(prefisso, then=Value(2)),
            When(Q(**{f"{nome}__iregex": r"\m" + re.escape(testo)}), then=Value(3)),
            When(parole, then=Value(4)),
            default=Value(5),
            output_field=IntegerField(),
        )
        qs = self._base(queryset).filter(filtro).annotate(_rango=rango)
        ordine: list[Any] = ["_rango"]
        if normale:
            # Matches by typo only (the last rank) come closest first; the others by name.
            somiglianza = TrigramWordSimilarity(normale, self.campo_normalizzato)
            ordine.append(
                Case(When(_rango=5, then=-somiglianza), default=Value(0.0), output_field=FloatField())
            )
        return list(qs.order_by(*ordine, nome, "pk")[:limite])

    def _normale(self, testo: str) -> str:
        if not (self.campo_normalizzato and self.normalizza_nome):
            return ""
        return self.normalizza_nome(testo)

    def risolvi(self, queryset: QuerySet, testo: str) -> tuple[Model | None, list[Model]]:
        """The one record the typed text means, if it means one; otherwise (None, the matches).

        A text means one record when it equals a code or the label of exactly one record, or when only one
        record matches it at all."""
        trovati = self.cerca(queryset, testo, LIMITE + 1)
        testo_pulito = " ".join(testo.split()).casefold()
        codice = self.normalizza_codice(testo.strip())
        normale = self._normale(testo)
        esatti = [
            o
            for o in trovati
            if any(str(getattr(o, c) or "").upper() == codice.upper() for c in self.campi_codice)
            or self.etichetta(o).casefold() == testo_pulito
        ]
        if not esatti and normale:
            # "automazioni coppola srl" means "Automazioni Coppola S.r.l." when no other name is the same.
            esatti = [o for o in trovati if getattr(o, self.campo_normalizzato, None) == normale]
        if len(esatti) == 1:
            return esatti[0], trovati
        if len(trovati) == 1:
            return trovati[0], trovati
        # Typo tolerance widens the matches ("ardesia sud" also finds "… Nord"): the text still means one
        # record when that record alone holds every word typed.
        parole = testo_pulito.split()
        interi = [o for o in trovati if all(p in self.etichetta(o).casefold() for p in parole)]
        if parole and len(interi) == 1:
            return interi[0], trovati
        nomi_uguali = [o for o in trovati if str(getattr(o, self.campo_nome)).casefold() == testo_pulito]
        if len(nomi_uguali) == 1:
            return nomi_uguali[0], trovati
        return None, trovati


def risposta_json(request: HttpRequest, sorgente: Sorgente, queryset: QuerySet) -> JsonResponse:
    """The autocomplete's answer for `?q=`: {"risultati": [{"id", "etichetta"}], "altri": bool}."""
    testo = request.GET.get("q", "")[:100]
    if len(testo.strip()) < MINIMO:
        return JsonResponse({"risultati": [], "altri": False})
    trovati = sorgente.cerca(queryset, testo, LIMITE + 1)
    return JsonResponse(
        {
            "risultati": [{"id": o.pk, "etichetta": sorgente.etichetta(o)} for o in trovati[:LIMITE]],
            "altri": len(trovati) > LIMITE,
        }
    )


def _ids(valori: Iterable[Any]) -> list[int]:
    ids = []
    for v in valori:
        try:
            ids.append(int(v))
        except (TypeError, ValueError):
            continue
    return list(dict.fromkeys(ids))


def come_dati(value: Any) -> dict[str, Any]:
    """Bound data as it is; an initial value (instance, pk, list of them, queryset) as chosen ids."""
    if isinstance(value, dict):
        return value
    if value is None or value == "":
        return {"testo": "", "ids": [], "cercato": ""}
    if isinstance(value, Model | int | str):
        value = [value]
    return {"testo": "", "ids": _ids(getattr(v, "pk", v) for v in value), "cercato": "", "iniziale": True}


class SceltaWidget(forms.Widget):
    """Text input + chosen records (+ the matches of an ambiguous text). See the module docstring."""

    template_name = "scelta/widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"class": "form-control", **(attrs or {})})
        # Set by SceltaField.
        self.sorgente: Sorgente | None = None
        self.queryset: QuerySet | None = None
        self.multipla = False

    def value_from_datadict(self, data: Any, files: Any, name: str) -> dict[str, Any]:
        return {
            "testo": (data.get(name) or "").strip(),
            "ids": _ids(
                data.getlist(f"{name}_scelta") if hasattr(data, "getlist") else data.get(f"{name}_scelta", [])
            ),
            "cercato": (data.get(f"{name}_cercato") or "").strip(),
        }

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and f"{name}_scelta" not in data

    def format_value(self, value: Any) -> Any:
        return value

    def _valore(self, value: Any) -> dict[str, Any]:
        return come_dati(value)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        contesto = super().get_context(name, None, attrs)
        assert self.sorgente is not None and self.queryset is not None
        sorgente, qs = self.sorgente, self.queryset
        dati = self._valore(value)
        per_id = {o.pk: o for o in sorgente._base(qs).filter(pk__in=dati["ids"])} if dati["ids"] else {}
        scelti = [per_id[i] for i in dati["ids"] if i in per_id]
        testo, cercato = dati["testo"], dati["cercato"]
        corrispondenze: list[Model] = []
        nuovo = bool(testo) and not dati.get("iniziale")
        if not self.multipla:
            if scelti and testo in ("", cercato, sorgente.etichetta(scelti[0])):
                testo = sorgente.etichetta(scelti[0])
            elif nuovo:
                risolto, corrispondenze = sorgente.risolvi(qs, testo)
                scelti = [risolto] if risolto is not None else []
                if risolto is not None:
                    testo, corrispondenze = sorgente.etichetta(risolto), []
        elif nuovo and testo == cercato:
            testo = ""  # chosen among the matches: the checkboxes say what was kept
        elif nuovo:
            risolto, corrispondenze = sorgente.risolvi(qs, testo)
            if risolto is not None:
                if risolto.pk not in per_id:
                    scelti.append(risolto)
                testo, corrispondenze = "", []
        id_scelti = {o.pk for o in scelti} if self.multipla else set()
        opzioni = [o for o in corrispondenze[:LIMITE] if o.pk not in id_scelti]
        contesto["widget"].update(
            {
                "testo": testo,
                "multipla": self.multipla,
                "scelti": [(o.pk, sorgente.etichetta(o)) for o in scelti],
                "corrispondenze": [(o.pk, sorgente.etichetta(o)) for o in opzioni],
                "altre": len(corrispondenze) > LIMITE,
                "cercato": testo if opzioni else "",
                "url": reverse(sorgente.url),
                # Single choice: the record the text stands for (not while its matches are offered).
                "scelta_singola": scelti[0].pk
                if not self.multipla and scelti and not opzioni and testo == sorgente.etichetta(scelti[0])
                else None,
            }
        )
        return contesto

    def id_for_label(self, id_: str) -> str:
        return id_

    def _render(self, template_name: str, context: dict[str, Any], renderer: Any = None) -> SafeString:
        # The project's template engine, whatever FORM_RENDERER is: the template lives in templates/ at
        # the root (this core module is no app) and uses {% translate %} and {% static %}. A rendered
        # Django template is already a SafeString (its variables were escaped by the engine).
        rendered = loader.render_to_string(template_name, context)
        assert isinstance(rendered, SafeString)
        return rendered


class SceltaField(forms.Field):
    """One record (or several, `multipla=True`) of `queryset`, chosen through `sorgente`.

    Cleans to a model instance (or None) / a list of instances, as ModelChoiceField and
    ModelMultipleChoiceField do, so a ModelForm saves it as a foreign key or a many-to-many."""

    widget = SceltaWidget

    def __init__(
        self, *, sorgente: Sorgente, queryset: QuerySet, multipla: bool = False, **kwargs: Any
    ) -> None:
        kwargs.setdefault(
            "help_text",
            _("Scrivi parte del nome o un codice e scegli tra i risultati."),
        )
        super().__init__(**kwargs)
        self.sorgente = sorgente
        self.multipla = multipla
        self.queryset = queryset

    @property
    def queryset(self) -> QuerySet:
        return self._queryset

    @queryset.setter
    def queryset(self, qs: QuerySet) -> None:
        self._queryset = qs
        w = self.widget
        assert isinstance(w, SceltaWidget)
        w.sorgente, w.queryset, w.multipla = self.sorgente, qs, self.multipla

    def __deepcopy__(self, memo: dict[int, Any]) -> SceltaField:
        copia = super().__deepcopy__(memo)  # type: ignore[misc]  # Field.__deepcopy__ is missing from the stubs
        copia.queryset = self._queryset  # the copied widget needs the links again
        return copia

    def aggiungi_attuali(self, attuali: Any) -> None:
        """Keep choosable what an edited object already holds (an initial value: instance, pk, list of
        them), even if it is now outside the user's scope."""
        if attuali is None or attuali == "":
            return
        if isinstance(attuali, Model | int | str):
            attuali = [attuali]
        ids = _ids(getattr(o, "pk", o) for o in attuali)
        if ids:
            self.queryset = self._queryset | self._queryset.model._default_manager.filter(pk__in=ids)

    def to_python(self, value: Any) -> Any:
        return value

    def _tutti_i_risultati(self, testo: str, trovati: list[Model]) -> ValidationError:
        if not trovati:
            return ValidationError(
                _("Nessun risultato per «%(testo)s»: controlla il nome o il codice."),
                code="nessuno",
                params={"testo": testo},
            )
        n = len(trovati)
        messaggio = ngettext(
            "%(n)s risultato per «%(testo)s»: scegli qui sotto o precisa la ricerca.",
            "%(n)s risultati per «%(testo)s»: scegli qui sotto o precisa la ricerca.",
            n,
        )
        if n > LIMITE:
            messaggio = str(
                _("Più di %(limite)s risultati per «%(testo)s»: precisa la ricerca o scegli qui sotto.")
            )
        return ValidationError(messaggio, code="ambiguo", params={"n": n, "testo": testo, "limite": LIMITE})

    def clean(self, value: Any) -> Any:
        dati = come_dati(value)  # an initial value when the field is disabled
        testo, cercato = dati["testo"], dati["cercato"]
        qs = self._queryset
        scelti_per_id = {o.pk: o for o in qs.filter(pk__in=dati["ids"])} if dati["ids"] else {}
        scelti = [scelti_per_id[i] for i in dati["ids"] if i in scelti_per_id]
        if self.multipla:
            if testo and testo != cercato:
                trovato, trovati = self.sorgente.risolvi(qs, testo)
                if trovato is None:
                    raise self._tutti_i_risultati(testo, trovati)
                if trovato.pk not in scelti_per_id:
                    scelti.append(trovato)
            if self.required and not scelti:
                raise ValidationError(self.error_messages["required"], code="required")
            return scelti
        scelto = scelti[0] if scelti else None
        if scelto is not None and testo in ("", cercato, self.sorgente.etichetta(scelto)):
            return scelto
        if not testo:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return None
        trovato, trovati = self.sorgente.risolvi(qs, testo)
        if trovato is None:
            raise self._tutti_i_risultati(testo, trovati)
        return trovato

    def has_changed(self, initial: Any, data: Any) -> bool:
        if self.disabled:
            return False
        iniziali = initial if isinstance(initial, list | tuple | QuerySet) else [initial] if initial else []
        prima = {getattr(v, "pk", v) for v in iniziali}
        try:
            dopo = {
                o.pk for o in (self.clean(data) if self.multipla else [self.clean(data)]) if o is not None
            }
        except ValidationError:
            # Empty (a formset's extra row: "required" is not a change), or typed but not resolved.
            return isinstance(data, dict) and bool(data.get("testo") or data.get("ids"))
        return prima != dopo
