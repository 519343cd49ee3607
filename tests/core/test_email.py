"""Every e-mail the portal sends, rendered with hostile data: subjects and text parts keep the raw
characters (no HTML entities), HTML parts escape them; one subject prefix; Reply-To; languages.

The templates are found, not listed: every `*_oggetto.txt` triplet in the project's template folders
and every allauth e-mail the project overrides (`account/email`, `mfa/email`). A template added
tomorrow is checked without touching this file.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.template import TemplateDoesNotExist, engines
from django.template.base import FilterExpression, Node, TokenType, Variable
from django.template.defaulttags import ForNode
from django.template.utils import get_app_template_dirs
from django.templatetags.i18n import BlockTranslateNode
from django.test import RequestFactory

from alternanza.core.email import invia_modello
from alternanza.utenti.adapter import AdapterAccount

OSTILE = "L'ufficio \"Rossi\" & Figli <script>alert('x')</script>"
ENTITA = re.compile(r"&(?:#x?[0-9a-fA-F]+|amp|lt|gt|quot|apos);")
# Variables that templates use as numbers (plural forms, day counts).
NUMERICI = {"giorni", "pagine", "altri", "n"}
# Attributes that templates format as dates: 2 December 2026, 09:30 in Rome.
DATE = {
    "scadenza": datetime.date(2026, 12, 2),
    "dati_al": datetime.datetime(2026, 12, 2, 8, 30, tzinfo=datetime.UTC),
    # Festival bookings: the event's start (reminder), the end of a waiting-list offer.
    "inizio": datetime.datetime(2026, 12, 2, 8, 30, tzinfo=datetime.UTC),
    "offerta_scade_il": datetime.datetime(2026, 12, 2, 8, 30, tzinfo=datetime.UTC),
}
# Context the portal's senders always add (alternanza.core.email.rendi_modello).
FORNITE = {"PORTALE", "SITE_URL", "LANGUAGE_CODE", "css"}


class Ostile(str):
    """A value that answers every attribute with more hostile text (titolo, get_*_display, nome...)."""

    def __new__(cls):
        return super().__new__(cls, OSTILE)

    def __getattr__(self, nome):
        if nome.startswith("_"):
            raise AttributeError(nome)
        if nome in DATE:
            return DATE[nome]
        return 3 if nome in NUMERICI else Ostile()


def _cartelle() -> list[Path]:
    base = Path(settings.BASE_DIR).resolve()
    cartelle = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    cartelle += [Path(d) for d in get_app_template_dirs("templates")]
    return [c for c in cartelle if base in c.resolve().parents and "site-packages" not in c.parts]


def _triplette() -> list[str]:
    nomi = set()
    for cartella in _cartelle():
        for oggetto in cartella.glob("**/*_oggetto.txt"):
            nomi.add(str(oggetto.relative_to(cartella))[: -len("_oggetto.txt")])
    return sorted(nomi)


def _allauth() -> list[str]:
    nomi = set()
    for cartella in _cartelle():
        for sotto in ("account/email", "mfa/email"):
            for oggetto in (cartella / sotto).glob("*_subject.txt"):
                nomi.add(str(oggetto.relative_to(cartella))[: -len("_subject.txt")])
    return sorted(nomi)


TRIPLETTE = _triplette()
ALLAUTH = _allauth()


def _variabili(*modelli: str) -> set[str]:
    """The root names the templates read from their context, found by walking the parsed templates."""
    radici: set[str] = set()
    locali: set[str] = set()

    def espressione(valore) -> None:
        if isinstance(valore, FilterExpression):
            if isinstance(valore.var, Variable) and valore.var.lookups:
                radici.add(valore.var.lookups[0])
            for _filtro, argomenti in valore.filters:
                for _e_variabile, argomento in argomenti:
                    espressione(argomento)
        elif isinstance(valore, Variable) and valore.lookups:
            radici.add(valore.lookups[0])
        elif isinstance(valore, dict):
            for v in valore.values():
                espressione(v)
        elif isinstance(valore, (list, tuple)):
            for v in valore:
                espressione(v)
        elif hasattr(valore, "value") and hasattr(valore, "id"):  # a condition of {% if %}
            espressione(getattr(valore, "value", None))
            espressione(getattr(valore, "first", None))
            espressione(getattr(valore, "second", None))

    for nome in modelli:
        try:
            modello = engines["django"].get_template(nome).template
        except TemplateDoesNotExist:
            continue
        for nodo in modello.nodelist.get_nodes_by_type(Node):
            if isinstance(nodo, ForNode):
                locali.update(nodo.loopvars)
            if isinstance(nodo, BlockTranslateNode):
                propri = {*nodo.extra_context, nodo.countervar}
                for token in [*nodo.singular, *(nodo.plural or [])]:
                    if token.token_type == TokenType.VAR and token.contents.strip() not in propri:
                        radici.add(token.contents.split(".")[0].split("|")[0].strip())
            for attributo, valore in vars(nodo).items():
                if attributo not in ("nodelist", "token", "origin"):
                    espressione(valore)
            for condizione, _nodi in getattr(nodo, "conditions_nodelists", []):
                espressione(condizione)
            if hasattr(nodo, "asvar") and nodo.asvar:
                locali.add(nodo.asvar)
    return radici - locali - FORNITE


def _contesto(variabili: set[str]) -> dict:
    contesto: dict = {nome: (7 if nome in NUMERICI else Ostile()) for nome in variabili}
    voce = {"titolo": OSTILE, "url": "https://example.org/?a=1&b=2", "quando": OSTILE, "sommario": OSTILE}
    if "blocchi" in contesto:
        contesto["blocchi"] = {"eventi": [voce], "notizie": [voce]}
    return contesto


def test_le_triplette_trovate_sono_tutte_quelle_del_portale():
    assert len(TRIPLETTE) >= 14
    assert {
        "utenti/email/richiesta_rifiutata",
        "progetti/email/transizione",
        "newsletter/email/numero",
    } <= set(TRIPLETTE)
    assert {"account/email/email_confirmation_signup", "account/email/password_reset_key"} <= set(ALLAUTH)


@pytest.mark.parametrize("lingua", ["it", "en"])
@pytest.mark.parametrize("nome", TRIPLETTE)
def test_ogni_email_del_portale_resiste_ai_dati_ostili(nome, lingua):
    variabili = _variabili(f"{nome}_oggetto.txt", f"{nome}_testo.txt", f"{nome}.html")
    mail.outbox = []
    invia_modello(nome, ["a@example.org"], _contesto(variabili), lingua, rispondi_a="ufficio@example.org")
    (messaggio,) = mail.outbox
    html = messaggio.alternatives[0][0]
    assert messaggio.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    assert "\n" not in messaggio.subject
    for parte in (messaggio.subject, messaggio.body):
        assert not ENTITA.search(parte), (nome, parte)
    if _variabili(f"{nome}_testo.txt"):
        assert OSTILE in messaggio.body
    if _variabili(f"{nome}_oggetto.txt"):
        assert OSTILE in messaggio.subject
    assert "<script>alert" not in html
    if _variabili(f"{nome}.html") - {"corpo_html"}:
        assert "&lt;script&gt;alert(&#x27;x&#x27;)" in html
    assert f'<html lang="{lingua}">' in html
    assert messaggio.reply_to == ["ufficio@example.org"]
    if "dati_al" in str(_variabili(f"{nome}_testo.txt")) or nome.endswith(("promemoria", "invio_organo")):
        data = {"it": "2 dicembre 2026", "en": "2 December 2026"}[lingua]
        assert data in messaggio.body and data in html


@pytest.mark.parametrize("lingua", ["it", "en"])
@pytest.mark.parametrize("nome", ALLAUTH)
def test_ogni_email_di_allauth_resiste_ai_dati_ostili(nome, lingua, settings):
    settings.SITE_URL = "https://alternanza.example.org"
    variabili = _variabili(f"{nome}_subject.txt", f"{nome}_message.txt", f"{nome}_message.html")
    contesto = _contesto(variabili - {"user", "nome", "email", "current_site"})
    contesto["user"] = get_user_model()(first_name=OSTILE, last_name="D'Amico", email="lucia@example.org")
    contesto.update(timestamp=None, code="ABC&123")
    richiesta = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8000")
    mail.outbox = []
    from django.utils import translation

    with translation.override(lingua):
        AdapterAccount(richiesta).send_mail(nome, "lucia@example.org", contesto)
    (messaggio,) = mail.outbox
    html = messaggio.alternatives[0][0]
    assert messaggio.subject.startswith(settings.EMAIL_SUBJECT_PREFIX)
    for parte in (messaggio.subject, messaggio.body):
        assert not ENTITA.search(parte), (nome, parte)
        assert "127.0.0.1" not in parte and "example.com" not in parte
    assert OSTILE in messaggio.body  # the greeting names the person
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert f'<html lang="{lingua}">' in html
    assert str(settings.PORTALE["ente"]) in messaggio.body or lingua == "en"
