"""E-mails of the accounts area, each a template triplet under templates/utenti/email/:
<nome>_oggetto.txt (one line), <nome>_testo.txt, <nome>.html."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def invia(nome: str, destinatari: list[str], contesto: dict) -> int:
    """Render the triplet `nome` and send one message per recipient (addresses are not disclosed)."""
    destinatari = sorted({d for d in destinatari if d})
    if not destinatari:
        return 0
    contesto = {"SITE_URL": settings.SITE_URL, "PORTALE": settings.PORTALE, **contesto}
    oggetto = render_to_string(f"utenti/email/{nome}_oggetto.txt", contesto)
    oggetto = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + " ".join(oggetto.split())
    testo = render_to_string(f"utenti/email/{nome}_testo.txt", contesto)
    html = render_to_string(f"utenti/email/{nome}.html", contesto)
    inviati = 0
    for indirizzo in destinatari:
        messaggio = EmailMultiAlternatives(oggetto, testo, settings.DEFAULT_FROM_EMAIL, [indirizzo])
        messaggio.attach_alternative(html, "text/html")
        inviati += messaggio.send()
    logger.info("e-mail %s sent to %d recipient(s)", nome, inviati)
    return inviati
