"""The portal's transactional e-mails: one template triplet per message, rendered and sent one way.

A message named `<cartella>/<nome>` is three templates: `<nome>_oggetto.txt` (the subject, folded
onto one line), `<nome>_testo.txt` (the plain-text body) and `<nome>.html` (the HTML alternative).
They are rendered in the recipient's language and sent with Django's EmailMultiAlternatives, one
message per address unless the recipients share one list (a governance body's mailing addresses).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


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
        oggetto = prefisso_oggetto + " ".join(render_to_string(f"{nome}_oggetto.txt", contesto).split())
        testo = render_to_string(f"{nome}_testo.txt", contesto)
        html: str = render_to_string(f"{nome}.html", contesto)
    if elabora_html is not None:
        html = elabora_html(html)
    return oggetto, testo, html


def invia_modello(
    nome: str,
    destinatari: Iterable[str],
    contesto: Mapping[str, Any],
    lingua: str | None = None,
    *,
    prefisso_oggetto: str = "",
    elabora_html: Callable[[str], str] | None = None,
    un_messaggio: bool = False,
) -> int:
    """Send the triplet `nome` to `destinatari`; returns how many messages the backend accepted.

    Each address gets its own message (recipients do not see each other) through one connection;
    with `un_messaggio` a single message goes to all of them. Empty addresses are dropped, and an
    address listed twice gets one message. `elabora_html` post-processes the rendered HTML (CSS
    inlining for clients that ignore style sheets).
    """
    indirizzi = list(dict.fromkeys(d for d in destinatari if d))
    if not indirizzi:
        return 0
    oggetto, testo, html = rendi_modello(
        nome, contesto, lingua, prefisso_oggetto=prefisso_oggetto, elabora_html=elabora_html
    )
    connessione = get_connection()
    gruppi = [indirizzi] if un_messaggio else [[indirizzo] for indirizzo in indirizzi]
    messaggi = []
    for gruppo in gruppi:
        messaggio = EmailMultiAlternatives(
            oggetto, testo, settings.DEFAULT_FROM_EMAIL, gruppo, connection=connessione
        )
        messaggio.attach_alternative(html, "text/html")
        messaggi.append(messaggio)
    inviati = connessione.send_messages(messaggi) or 0
    logger.info("e-mail %s sent as %d message(s)", nome, inviati)
    return inviati
