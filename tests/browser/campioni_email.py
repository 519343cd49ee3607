"""Every e-mail the portal sends, found by the naming conventions of its senders, rendered with a sample
context as it is sent (tests/browser/test_email_contrasto.py).

- The portal's own triplets (alternanza/core/email.py): `<cartella>/email/<nome>.html` next to
  `<nome>_oggetto.txt` and `<nome>_testo.txt`, rendered by `rendi_modello` (the newsletter's with its CSS
  inlined, as rendering.py sends them).
- allauth's messages (alternanza/utenti/adapter.py): `<prefisso>_subject.txt`, `<prefisso>_message.txt`,
  `<prefisso>_message.html`, rendered by the account adapter.

A template added later is found by the same walk. Its sample context is built from the variables its
templates use (each gets a sample value that is also an absolute URL of the portal, so every link has a
target); the few templates whose logic needs real objects have a context of their own below.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.template import engines
from django.template.base import Node, VariableNode
from django.template.defaulttags import ForNode, IfNode
from django.templatetags.i18n import BlockTranslateNode
from django.test import RequestFactory

NOMI_RISERVATI = {"True", "False", "None", "PORTALE", "SITE_URL", "LANGUAGE_CODE", "css", "request"}


@dataclass(frozen=True)
class ModelloEmail:
    nome: str  # what the sender is given: "newsletter/email/conferma", "account/email/login_code"
    tipo: str  # "tripletta" or "allauth"
    html: Path

    def __str__(self) -> str:
        return self.nome


def _cartelle_modelli() -> list[Path]:
    return [Path(d) for d in engines["django"].template_dirs if Path(d).is_dir()]


def modelli_email() -> list[ModelloEmail]:
    """Every e-mail template triplet of the portal (the first template directory wins, as in Django)."""
    trovati: dict[str, ModelloEmail] = {}
    for cartella in _cartelle_modelli():
        for oggetto in sorted(cartella.rglob("*_oggetto.txt")):
            base = str(oggetto.relative_to(cartella))[: -len("_oggetto.txt")]
            html = cartella / f"{base}.html"
            if html.exists() and (cartella / f"{base}_testo.txt").exists():
                trovati.setdefault(base, ModelloEmail(base, "tripletta", html))
        for oggetto in sorted(cartella.rglob("*_subject.txt")):
            base = str(oggetto.relative_to(cartella))[: -len("_subject.txt")]
            html = cartella / f"{base}_message.html"
            if html.exists() and (cartella / f"{base}_message.txt").exists():
                trovati.setdefault(base, ModelloEmail(base, "allauth", html))
    return sorted(trovati.values(), key=lambda m: m.nome)


class Campione(str):
    """A sample value: prints as an absolute URL of the portal, answers any attribute with another sample,
    iterates once (a loop shows one item)."""

    def __new__(cls, nome: str):
        return super().__new__(cls, f"{settings.SITE_URL}/campione/{nome.replace('.', '/')}/")

    def __getattr__(self, nome: str):
        if nome.startswith("__"):
            raise AttributeError(nome)
        return Campione(nome)

    def __iter__(self):
        return iter([Campione("voce")])


def _nomi_usati(nodi: list[Node]) -> set[str]:
    nomi: set[str] = set()

    def espressione(fe) -> None:
        var = getattr(fe, "var", None)
        lookups = getattr(var, "lookups", None)
        if lookups:
            nomi.add(lookups[0])
            if any(getattr(f, "__name__", "") in FILTRI_DATA for f, _a in getattr(fe, "filters", ())):
                DATE.add(lookups[0])
        for _filtro, argomenti in getattr(fe, "filters", ()):
            for _letterale, arg in argomenti:
                if getattr(arg, "lookups", None):
                    nomi.add(arg.lookups[0])

    def condizione(cond) -> None:
        if cond is None:
            return
        if hasattr(cond, "value"):
            espressione(cond.value)
        for parte in (getattr(cond, "first", None), getattr(cond, "second", None)):
            if parte is not None and parte is not cond:
                condizione(parte)

    for nodo in nodi:
        if isinstance(nodo, VariableNode):
            espressione(nodo.filter_expression)
        elif isinstance(nodo, ForNode):
            espressione(nodo.sequence)
        elif isinstance(nodo, IfNode):
            for cond, _nodelist in nodo.conditions_nodelists:
                condizione(cond)
        elif isinstance(nodo, BlockTranslateNode):
            for fe in nodo.extra_context.values():
                espressione(fe)
            if nodo.counter is not None and getattr(nodo.counter, "var", None) is not None:
                lookups = getattr(nodo.counter.var, "lookups", None)
                if lookups:
                    NUMERI.add(lookups[0])
    return nomi


def _variabili(*percorsi: str) -> set[str]:
    nomi: set[str] = set()
    for percorso in percorsi:
        modello = engines["django"].get_template(percorso).template
        nodi = []
        for tipo in (VariableNode, ForNode, IfNode, BlockTranslateNode):
            nodi.extend(modello.nodelist.get_nodes_by_type(tipo))
        nomi |= _nomi_usati(nodi)
    return nomi - NOMI_RISERVATI


FILTRI_DATA = {"date", "time", "timesince", "timeuntil", "naturalday", "naturaltime"}
# Names shown through a date filter: they need a date.
DATE: set[str] = set()
# Names used as the count of a plural ({% blocktranslate count n=... %}): they need a number.
NUMERI: set[str] = set()


def _contesto_generico(modello: ModelloEmail) -> dict:
    if modello.tipo == "tripletta":
        percorsi = [f"{modello.nome}.html", f"{modello.nome}_testo.txt", f"{modello.nome}_oggetto.txt"]
    else:
        percorsi = [f"{modello.nome}_message.html", f"{modello.nome}_message.txt"]
    nomi = _variabili(*percorsi)
    return {
        nome: 3 if nome in NUMERI else dt.datetime(2027, 3, 12, 9, 30) if nome in DATE else Campione(nome)
        for nome in nomi
    }


def _voci(tipo: str) -> list[dict]:
    return [
        {
            "titolo": f"Esempio di {tipo} {i}",
            "url": f"{settings.SITE_URL}/campione/{tipo}/{i}/",
            "quando": "12 marzo 2027, 9:00",
            "sommario": "Un breve sommario dell'elemento.",
        }
        for i in (1, 2)
    ]


def _numero_newsletter() -> dict:
    from eventi.newsletter.models import Numero
    from eventi.newsletter.rendering import contesto_email

    numero = Numero(
        pk=1,
        oggetto="Numero di prova",
        preheader="Le novità della rete",
        corpo='<p>Testo con un <a href="https://www.example.org/pagina">link esterno</a>.</p>',
    )
    contesto = contesto_email(numero, "it")
    contesto["blocchi"] = {t: _voci(t) for t in ("eventi", "progetti", "notizie")}
    return contesto


# Templates whose logic needs real values (not one sample for every variable).
SPECIFICI = {
    "newsletter/email/numero": _numero_newsletter,
    # Its only links come from the included eventi/email/_evento.html, which the scan does not read.
    "eventi/email/prenotazione_annullata": lambda: {
        "url_evento": f"{settings.SITE_URL}/festival/eventi/campione/",
        "url_mappa": "https://www.openstreetmap.org/?mlat=44.49&mlon=11.34",
        "luogo": "Bologna",
    },
    # The plural's count comes after the `with` values (`... count n=n`): a number.
    "partnership/email/interesse_ricevuto": lambda: {"n": 3},
}


def rendi_campione(modello: ModelloEmail) -> tuple[str, str, str]:
    """(subject, text, HTML) of `modello` as its sender renders it, in Italian."""
    from django.utils import translation

    from alternanza.core.email import rendi_modello
    from alternanza.utenti.adapter import AdapterAccount
    from eventi.newsletter import rendering

    contesto = _contesto_generico(modello)
    if modello.nome in SPECIFICI:
        contesto.update(SPECIFICI[modello.nome]())
    if modello.tipo == "tripletta":
        if modello.nome.startswith("newsletter/"):
            contesto.setdefault("css", rendering.css_email())
            return rendi_modello(modello.nome, contesto, "it", elabora_html=rendering._inliner.inline)
        return rendi_modello(modello.nome, contesto, "it")
    adattatore = AdapterAccount(RequestFactory().get("/"))
    contesto.update(
        {"PORTALE": settings.PORTALE, "SITE_URL": settings.SITE_URL, "email": "persona@example.org"}
    )
    with translation.override("it"):
        contesto["LANGUAGE_CODE"] = "it"
        messaggio = adattatore.render_mail(modello.nome, "persona@example.org", contesto)
    html = next((c for c, tipo in messaggio.alternatives if tipo == "text/html"), "")
    return messaggio.subject, messaggio.body, str(html)
