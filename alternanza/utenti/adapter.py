"""allauth in the portal's voice: its mails rendered as the portal's own, in the recipient's language.

- Subjects and text bodies are rendered without HTML escaping (alternanza.core.email.rendi_testo), the
  HTML bodies with it, in the portal's layout (templates/account/email/base_message.html).
- The site is the portal: `current_site` in the mails' context has the portal's name and the host of
  SITE_URL, not the Site row's "example.com" or the request's "127.0.0.1:8000".
- A mail about an existing account is written in that person's preferred language (Preferenze).
- Behind the proxy: the client's address is alternanza.core.rete.ip_cliente's, and failed logins are
  limited per e-mail *and* address, so failures from other addresses never lock the owner out; after
  ACCESSI_FALLITI_AVVISO failures in 15 minutes the owner gets one notice (at most one an hour).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import translation

from alternanza.core.email import destinatari_utenti, invia_modello, nuovo_message_id, rendi_testo
from alternanza.core.rete import consenti, ip_cliente
from alternanza.core.utenti import nome_da_mostrare
from alternanza.utenti.models import Preferenze


@dataclass(frozen=True)
class SitoPortale:
    """What allauth's templates read of a Site (`name`, `domain`), answered by the portal."""

    name: str
    domain: str


def sito_portale() -> SitoPortale:
    return SitoPortale(name=str(settings.PORTALE["nome"]), domain=urlsplit(settings.SITE_URL).netloc)


def lingua_preferita(utente: Any) -> str | None:
    """The language stored for `utente` (None: no preference recorded, or no user)."""
    if utente is None or not getattr(utente, "pk", None):
        return None
    return Preferenze.objects.filter(utente_id=utente.pk).values_list("lingua", flat=True).first()


class AdapterAccount(DefaultAccountAdapter):
    def get_client_ip(self, request) -> str:
        return ip_cliente(request) or "sconosciuto"  # a key of the limits: one bucket for the unknown

    def _get_login_attempts_cache_key(self, request, **credentials: Any) -> str:
        return f"{super()._get_login_attempts_cache_key(request, **credentials)}:{ip_cliente(request)}"

    def authentication_failed(self, request, **credentials: Any) -> None:
        email = str(credentials.get("email") or credentials.get("username") or "").strip().lower()
        if not email or consenti("accessi-falliti", email, settings.ACCESSI_FALLITI_AVVISO - 1, 15 * 60):
            return
        if not consenti("accessi-falliti-avviso", email, 1, 60 * 60):
            return
        utenti = get_user_model().objects.filter(email__iexact=email, is_active=True)
        invia_modello(
            "utenti/email/accessi_falliti",
            destinatari_utenti(utenti),
            {
                "PORTALE": settings.PORTALE,
                "SITE_URL": settings.SITE_URL,
                "soglia": settings.ACCESSI_FALLITI_AVVISO,
            },
        )

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        utente = context.get("user")
        if utente is None:
            utente = get_user_model().objects.filter(email__iexact=email).first()
        ctx = {
            "request": self.request,
            "email": email,
            "PORTALE": settings.PORTALE,
            "SITE_URL": settings.SITE_URL,
            "nome": nome_da_mostrare(utente) if utente is not None else "",
            **context,
            "current_site": sito_portale(),
        }
        with translation.override(lingua_preferita(utente) or translation.get_language()):
            ctx["LANGUAGE_CODE"] = translation.get_language()
            msg = self.render_mail(template_prefix, email, ctx)
        msg.send()

    def render_mail(
        self,
        template_prefix: str,
        email: str | list[str],
        context: dict[str, Any],
        headers: dict[str, str] | None = None,
    ) -> EmailMessage:
        to = [email] if isinstance(email, str) else email
        oggetto = self.format_email_subject(
            " ".join(rendi_testo(f"{template_prefix}_subject.txt", context).split())
        )
        testo = rendi_testo(f"{template_prefix}_message.txt", context).strip()
        headers = {"Message-ID": nuovo_message_id(), **(headers or {})}
        msg = EmailMultiAlternatives(oggetto, testo, self.get_from_email(), to, headers=headers)
        try:
            html = render_to_string(f"{template_prefix}_message.html", context, self.request)
        except TemplateDoesNotExist:
            pass
        else:
            msg.attach_alternative(html, "text/html")
        return msg
