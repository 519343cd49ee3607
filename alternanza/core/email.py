"""The portal's transactional e-mails: one template triplet per message, rendered and sent one way.

A message named `<cartella>/<nome>` is three templates: `<nome>_oggetto.txt` (the subject, folded
onto one line), `<nome>_testo.txt` (the plain-text body) and `<nome>.html` (the HTML alternative).

Invariants kept here, so that no template has to remember them:
- the subject and the text body are rendered with autoescaping off (they are not HTML: an apostrophe
  stays an apostrophe, "&" stays "&"); the HTML part is escaped as every page is;
- every message gets the portal's one subject prefix (settings.EMAIL_SUBJECT_PREFIX, the same string
  allauth uses as ACCOUNT_EMAIL_SUBJECT_PREFIX);
- each recipient reads the message in their own language: a recipient is an address, or an
  (address, language) pair (see `destinatari_utenti`); a message is rendered once per language;
- where the text invites a reply, the sender passes `rispondi_a` (a person's or office's address) as
  Reply-To, since the From address is not read;
- every message carries a fresh Message-ID on the portal's own domain (the host of SITE_URL, never the
  machine's name such as @localhost) and a Date in the portal's local time (EMAIL_USE_LOCALTIME).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import make_msgid
from django.template import Context, engines
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.functional import lazy

logger = logging.getLogger(__name__)

# A recipient: an address (the language of the call), or an address with its preferred language.
Destinatario = str | tuple[str, str | None]

# The ORM path from a user to their preferred language (the Preferenze row of alternanza.utenti).
# A path, not an import: the apps below alternanza.utenti read it without depending on it.
LINGUA_UTENTE = "preferenze__lingua"


def dominio_portale() -> str:
    """The portal's domain (the host of SITE_URL), used for Message-IDs."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def nuovo_message_id(prefisso: str = "") -> str:
    """A fresh Message-ID on the portal's domain (`<...@alternanza.example.it>`)."""
    return make_msgid(idstring=prefisso or None, domain=dominio_portale())


def nella_lingua(funzione: Callable[..., str], *args: Any) -> Any:
    """A context value computed when the template renders it, so in each recipient's language
    (a role's description, a state's label), not in the language of the request that sends."""
    return lazy(funzione, str)(*args)


def destinatari_utenti(utenti: Any) -> list[tuple[str, str | None]]:
    """(address, preferred language) of a queryset of users, in one query."""
    return list(utenti.exclude(email="").values_list("email", LINGUA_UTENTE))


def rendi_testo(nome: str, contesto: Mapping[str, Any]) -> str:
    """A plain-text template (a subject, a text body) rendered without HTML escaping."""
    modello = engines["django"].get_template(nome).template  # type: ignore[attr-defined]
    return str(modello.render(Context(dict(contesto), autoescape=False)))


def rendi_modello(
    nome: str,
    contesto: Mapping[str, Any],
    lingua: str | None = None,
    *,
    prefisso_oggetto: str = "",
    elabora_html: Callable[[str], str] | None = None,
) -> tuple[str, str, str]:
    """Subject, text and HTML of the triplet `nome` in `lingua` (the active language when None)."""
    contesto = {"PORTALE": settings.PORTALE, "SITE_URL": settings.SITE_URL, **contesto}
    with translation.override(lingua or translation.get_language()):
        contesto["LANGUAGE_CODE"] = translation.get_language()
        oggetto = prefisso_oggetto + " ".join(rendi_testo(f"{nome}_oggetto.txt", contesto).split())
        testo = rendi_testo(f"{nome}_testo.txt", contesto)
        html: str = render_to_string(f"{nome}.html", contesto)
    if elabora_html is not None:
        html = elabora_html(html)
    return oggetto, testo, html


def _per_lingua(destinatari: Iterable[Destinatario], lingua: str) -> dict[str, list[str]]:
    """Addresses grouped by language; empty addresses dropped, an address listed twice kept once."""
    gruppi: dict[str, list[str]] = {}
    visti: set[str] = set()
    for destinatario in destinatari:
        indirizzo, sua = (destinatario, None) if isinstance(destinatario, str) else destinatario
        indirizzo = (indirizzo or "").strip()
        if not indirizzo or indirizzo.lower() in visti:
            continue
        visti.add(indirizzo.lower())
        gruppi.setdefault(sua or lingua, []).append(indirizzo)
    return gruppi


def invia_modello(
    nome: str,
    destinatari: Iterable[Destinatario],
    contesto: Mapping[str, Any],
    lingua: str | None = None,
    *,
    prefisso_oggetto: str | None = None,
    rispondi_a: str | Sequence[str] | None = None,
    elabora_html: Callable[[str], str] | None = None,
    un_messaggio: bool = False,
    allegati: Sequence[Any] = (),
) -> int:
    """Send the triplet `nome` to `destinatari`; returns how many messages the backend accepted.

    A recipient given with a language reads the message in it; the others in `lingua` (the active
    language when None). Each address gets its own message (recipients do not see each other) through
    one connection; with `un_messaggio` a single message per language goes to all of them. Empty
    addresses are dropped, and an address listed twice gets one message. `prefisso_oggetto` replaces
    the portal's subject prefix; `rispondi_a` is the Reply-To (where the text invites a reply).
    `elabora_html` post-processes the rendered HTML (CSS inlining for clients that ignore style sheets).
    `allegati`: attachments of every message, (filename, content, mimetype) tuples or MIME parts (an
    image with a Content-ID that the HTML shows as cid:...).
    """
    gruppi_lingua = _per_lingua(destinatari, lingua or translation.get_language() or settings.LANGUAGE_CODE)
    if not gruppi_lingua:
        return 0
    prefisso = settings.EMAIL_SUBJECT_PREFIX if prefisso_oggetto is None else prefisso_oggetto
    reply_to = [rispondi_a] if isinstance(rispondi_a, str) else list(rispondi_a or [])
    connessione = get_connection()
    messaggi = []
    for sua_lingua, indirizzi in gruppi_lingua.items():
        oggetto, testo, html = rendi_modello(
            nome, contesto, sua_lingua, prefisso_oggetto=prefisso, elabora_html=elabora_html
        )
        gruppi = [indirizzi] if un_messaggio else [[indirizzo] for indirizzo in indirizzi]
        for gruppo in gruppi:
            messaggio = EmailMultiAlternatives(
                oggetto,
                testo,
                settings.DEFAULT_FROM_EMAIL,
                gruppo,
                connection=connessione,
                reply_to=[r for r in reply_to if r] or None,
                headers={"Message-ID": nuovo_message_id()},
            )
            messaggio.attach_alternative(html, "text/html")
            for allegato in allegati:
                if isinstance(allegato, tuple):
                    messaggio.attach(*allegato)
                else:
                    messaggio.attach(allegato)
            messaggi.append(messaggio)
    inviati = connessione.send_messages(messaggi) or 0
    logger.info("e-mail %s sent as %d message(s)", nome, inviati)
    return inviati
