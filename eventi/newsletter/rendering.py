"""Rendering of the newsletter and of the subscription e-mails.

An issue is rendered once per *profile* (the subscriber's interests and language decide the automatic
blocks), with placeholders for the personal links; each message then only substitutes its subscriber's
signed token before Django's EmailMultiAlternatives encodes it, so templates and CSS inlining run once
per distinct content, not once per subscriber.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import parseaddr
from functools import lru_cache
from pathlib import Path

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from alternanza.core.email import dominio_portale, invia_modello, nuovo_message_id, rendi_modello
from alternanza.core.testo import html_in_testo

from . import blocchi
from .models import Iscritto, Numero
from .tokens import token_personale

# Placeholders substituted per message (they survive templates and CSS inlining unchanged).
SEGNAPOSTO_TOKEN = "NLTOKENPERSONALE0000"  # noqa: S105 - a placeholder, not a secret

_CSS = Path(__file__).resolve().parent / "static" / "newsletter" / "css" / "email.css"
_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


def in_linea(html: str) -> str:
    """The newsletter's style sheet inlined into the elements (mail clients ignore <style>)."""
    return _inliner.inline(html)


@lru_cache(maxsize=1)
def css_email() -> str:
    return _CSS.read_text(encoding="utf-8")


def url_assoluto(percorso: str) -> str:
    return settings.SITE_URL + percorso


def url_one_click(token: str) -> str:
    return url_assoluto(reverse("newsletter_one_click", kwargs={"token": token}))


def _url_personali(token: str, lingua: str = "it") -> dict[str, str]:
    with translation.override(lingua):
        return {
            "url_disiscrizione": url_assoluto(reverse("newsletter:disiscrizione", kwargs={"token": token})),
            "url_preferenze": url_assoluto(reverse("newsletter:preferenze", kwargs={"token": token})),
        }


@dataclass(frozen=True)
class Profilo:
    """What makes two subscribers receive the same content."""

    distretti: tuple[int, ...] = ()
    ambiti: tuple[int, ...] = ()
    lingua: str = "it"

    @classmethod
    def di(cls, iscritto: Iscritto) -> Profilo:
        """Profile of a subscriber whose distretti/ambiti were prefetched."""
        return cls(
            distretti=tuple(sorted(d.pk for d in iscritto.distretti.all())),
            ambiti=tuple(sorted(a.pk for a in iscritto.ambiti.all())),
            lingua=iscritto.lingua or "it",
        )


@dataclass
class Contenuto:
    """An issue rendered for one profile, with SEGNAPOSTO_TOKEN where the personal token goes."""

    oggetto: str
    testo: str
    html: str
    blocchi: dict = field(default_factory=dict)

    def personalizza(self, token: str) -> tuple[str, str]:
        return self.testo.replace(SEGNAPOSTO_TOKEN, token), self.html.replace(SEGNAPOSTO_TOKEN, token)


def _contesto_comune(numero: Numero) -> dict:
    """The part of the context that does not depend on the profile (in the active language)."""
    # Markdown (HTML allowed) turned into sanitised HTML: the same function feeds the editor's preview.
    corpo = numero.corpo_html
    return {
        "numero": numero,
        "corpo_html": mark_safe(corpo),  # noqa: S308 - sanitised by nh3 just above  # nosec
        "corpo_testo": html_in_testo(corpo),
        "url_web": url_assoluto(numero.get_absolute_url()),
        "url_portale": settings.SITE_URL + "/",
        "PORTALE": settings.PORTALE,
    }


def contesto_numero(numero: Numero, profilo: Profilo, voci: dict | None = None) -> dict:
    return {
        **_contesto_comune(numero),
        "blocchi": blocchi.per_profilo(numero, profilo) if voci is None else voci,
    }


def contesto_email(numero: Numero, lingua: str) -> dict:
    """The profile-independent context of the e-mail in `lingua` (personal links as placeholders)."""
    with translation.override(lingua):
        contesto = _contesto_comune(numero)
        contesto.update(_url_personali(SEGNAPOSTO_TOKEN, lingua))
    contesto["css"] = css_email()
    return contesto


def rendi_numero(
    numero: Numero, profilo: Profilo, voci: dict | None = None, comune: dict | None = None
) -> Contenuto:
    """Subject, text and inlined HTML of an issue for one profile (personal links as placeholders).

    `voci`: the blocks' items already chosen (blocchi.scegli); None = query them for this profile.
    `comune`: contesto_email(numero, profilo.lingua) when the caller keeps it across profiles.
    """
    with translation.override(profilo.lingua):
        contesto = dict(comune if comune is not None else contesto_email(numero, profilo.lingua))
        contesto["blocchi"] = blocchi.per_profilo(numero, profilo) if voci is None else voci
        oggetto, testo, html = rendi_modello(
            "newsletter/email/numero", contesto, profilo.lingua, elabora_html=_inliner.inline
        )
    return Contenuto(oggetto=oggetto, testo=testo, html=html, blocchi=contesto["blocchi"])


class Edizione:
    """An issue being sent: the blocks' candidates are read once, each subscriber's items are chosen in
    memory, and the rendering is shared by every subscriber who gets the same items in the same language
    (kept for the process, least recently used out first, bounded by size), so sending costs templates
    only per distinct content. The profile-independent context is computed once per language."""

    MEMORIA_MASSIMA = 48 * 1024 * 1024  # approximate bytes of rendered contents kept per issue
    PROFILI_MASSIMI = 50_000  # profile -> content key, a few hundred bytes each

    def __init__(self, numero: Numero):
        self.numero = numero
        self.candidati = blocchi.candidati(numero)
        self._resi: OrderedDict[tuple, Contenuto] = OrderedDict()
        self._memoria = 0
        self._chiavi: dict[Profilo, tuple] = {}
        self._comuni: dict[str, dict] = {}

    def per(self, profilo: Profilo) -> Contenuto:
        chiave = self._chiavi.get(profilo)
        if chiave is None:
            scelte = blocchi.scegli(self.candidati, profilo)
            chiave = (profilo.lingua, tuple(sorted(scelte.items())))
            if len(self._chiavi) >= self.PROFILI_MASSIMI:
                self._chiavi.clear()
            self._chiavi[profilo] = chiave
        contenuto = self._resi.get(chiave)
        if contenuto is not None:
            self._resi.move_to_end(chiave)
            return contenuto
        comune = self._comuni.get(profilo.lingua)
        if comune is None:
            comune = self._comuni[profilo.lingua] = contesto_email(self.numero, profilo.lingua)
        voci = blocchi.voci(self.candidati, dict(chiave[1]))
        contenuto = rendi_numero(self.numero, profilo, voci, comune)
        congela(self.numero, profilo.lingua, _chiave_congelata(profilo, chiave), contenuto)
        peso = _peso(contenuto)
        while self._resi and self._memoria + peso > self.MEMORIA_MASSIMA:
            self._memoria -= _peso(self._resi.popitem(last=False)[1])
        self._resi[chiave] = contenuto
        self._memoria += peso
        return contenuto


def _chiave_congelata(profilo: Profilo, chiave: tuple) -> str:
    """ "" for the profile with no preference (the public archive's version), else a digest of the items."""
    if not profilo.distretti and not profilo.ambiti:
        return ""
    return hashlib.sha256(repr(chiave[1]).encode()).hexdigest()[:32]


def congela(numero: Numero, lingua: str, chiave: str, contenuto: Contenuto) -> None:
    """Store what this profile is sent (the first version wins: a re-render never replaces it)."""
    from .models import Congelata

    Congelata.objects.bulk_create(
        [
            Congelata(
                numero=numero,
                lingua=lingua,
                chiave=chiave,
                oggetto=contenuto.oggetto,
                html=contenuto.html,
                testo=contenuto.testo,
                corpo_html=numero.corpo_html,
                blocchi=contenuto.blocchi,
            )
        ],
        ignore_conflicts=True,
    )


def senza_link_personali(testo: str, lingua: str) -> str:
    """A frozen version as a page for everyone: the personal links lead to the subscription page."""
    iscrizione = url_assoluto(reverse("newsletter:iscrizione"))
    for url in _url_personali(SEGNAPOSTO_TOKEN, lingua).values():
        testo = testo.replace(url, iscrizione)
    return testo.replace(SEGNAPOSTO_TOKEN, "")


def congela_generiche(numero: Numero) -> None:
    """Freeze, when the send starts, the version of every language for a reader with no preference:
    what the public archive serves from then on."""
    tutti = blocchi.candidati(numero)
    for lingua, _nome in settings.LANGUAGES:
        profilo = Profilo(lingua=lingua)
        voci = blocchi.voci(tutti, blocchi.scegli(tutti, profilo))
        congela(numero, lingua, "", rendi_numero(numero, profilo, voci))


def _peso(contenuto: Contenuto) -> int:
    """Approximate memory of a kept content (its text and HTML)."""
    return len(contenuto.testo) + len(contenuto.html) + 2048


def dominio_mittente() -> str:
    return _dominio(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=8)
def _dominio(mittente: str) -> str:
    indirizzo = parseaddr(mittente)[1]
    return indirizzo.rpartition("@")[2] or "localhost"


def message_id(numero_id: int, consegna_id: int) -> str:
    """Stable per delivery: a message re-sent after a crash carries the same Message-ID, so the
    receiving systems that de-duplicate by Message-ID hide the duplicate. On the portal's domain."""
    return f"<newsletter.{numero_id}.{consegna_id}@{dominio_portale()}>"


def message_id_prova(numero_id: int) -> str:
    """A fresh Message-ID for every test send (a repeated one makes providers hide the second proof)."""
    return nuovo_message_id(f"newsletter-prova.{numero_id}")


def intestazioni(token: str, msgid: str) -> dict[str, str]:
    mailto = settings.NEWSLETTER_UNSUBSCRIBE_MAILTO or settings.PORTALE["email_contatti"]
    intest = {
        "List-Unsubscribe": f"<{url_one_click(token)}>, <mailto:{mailto}?subject=unsubscribe>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.PORTALE['nome']} <newsletter.{dominio_mittente()}>",
        "Message-ID": msgid,
        "Precedence": "bulk",
        "Auto-Submitted": "auto-generated",
    }
    if settings.NEWSLETTER_REPLY_TO:
        intest["Reply-To"] = settings.NEWSLETTER_REPLY_TO
    return intest


def messaggio(contenuto: Contenuto, iscritto: Iscritto, msgid: str) -> EmailMultiAlternatives:
    """The personal message of one subscriber (text part + HTML alternative, unsubscribe headers)."""
    token = token_personale(iscritto)
    testo, html = contenuto.personalizza(token)
    msg = EmailMultiAlternatives(
        subject=contenuto.oggetto,
        body=testo,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[iscritto.email],
        headers=intestazioni(token, msgid),
    )
    msg.attach_alternative(html, "text/html")
    return msg


def invia_email_modello(prefisso: str, contesto: dict, destinatario: str, lingua: str) -> None:
    """Send the subscription e-mail newsletter/email/<prefisso> with the newsletter's inlined CSS."""
    invia_modello(
        f"newsletter/email/{prefisso}",
        [destinatario],
        {**contesto, "css": css_email()},
        lingua,
        elabora_html=_inliner.inline,
    )
