"""Rendering of the newsletter and of the subscription e-mails.

An issue is rendered once per *profile* (the subscriber's interests and language decide the automatic
blocks), with placeholders for the personal links; each message then only substitutes its subscriber's
signed token. This keeps the per-message cost to a string replacement, so sending is bounded by SMTP,
not by templates or CSS inlining.
"""

from __future__ import annotations

import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from email.utils import formataddr, formatdate, parseaddr
from functools import lru_cache
from pathlib import Path

import css_inline
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from . import blocchi
from .models import Iscritto, Numero, html_in_testo, pulisci_html
from .tokens import token_personale

logger = logging.getLogger(__name__)

# Placeholders substituted per message (they survive templates and CSS inlining unchanged).
SEGNAPOSTO_TOKEN = "NLTOKENPERSONALE0000"  # noqa: S105 - a placeholder, not a secret

_CSS = Path(__file__).resolve().parent / "static" / "newsletter" / "css" / "email.css"
_inliner = css_inline.CSSInliner(keep_style_tags=False, load_remote_stylesheets=False)


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
    scheletro: Scheletro | None = field(default=None, repr=False, compare=False)

    def modello_grezzo(self) -> ModelloGrezzo | None:
        """The message bytes with placeholders, generated on first use (None: use Django's encoder)."""
        if not hasattr(self, "_grezzo"):
            veloce = self.scheletro.modello(self) if self.scheletro is not None else None
            self._grezzo = veloce or ModelloGrezzo.da(self)
        return self._grezzo

    def personalizza(self, token: str) -> tuple[str, str]:
        return self.testo.replace(SEGNAPOSTO_TOKEN, token), self.html.replace(SEGNAPOSTO_TOKEN, token)


def _contesto_comune(numero: Numero) -> dict:
    """The part of the context that does not depend on the profile (in the active language)."""
    corpo = pulisci_html(numero.corpo)  # already clean on save; cleaned again as the last line of defence
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
        oggetto = " ".join(render_to_string("newsletter/email/numero_oggetto.txt", contesto).split())
        testo = render_to_string("newsletter/email/numero.txt", contesto)
        html = _inliner.inline(render_to_string("newsletter/email/numero.html", contesto))
    return Contenuto(oggetto=oggetto, testo=testo, html=html, blocchi=contesto["blocchi"])


class Edizione:
    """An issue being sent: the blocks' candidates are read once, each subscriber's items are chosen in
    memory, and the rendering is shared by every subscriber who gets the same items in the same language
    (kept for the process, least recently used out first, bounded by size), so sending costs templates
    only per distinct content. The profile-independent context is computed once per language and the
    message bytes of each content are composed from one MIME skeleton per subject (Scheletro)."""

    MEMORIA_MASSIMA = 48 * 1024 * 1024  # approximate bytes of rendered contents kept per issue
    PROFILI_MASSIMI = 50_000  # profile -> content key, a few hundred bytes each

    def __init__(self, numero: Numero):
        self.numero = numero
        self.candidati = blocchi.candidati(numero)
        self._resi: OrderedDict[tuple, Contenuto] = OrderedDict()
        self._memoria = 0
        self._chiavi: dict[Profilo, tuple] = {}
        self._comuni: dict[str, dict] = {}
        self._scheletri: dict[str, Scheletro | None] = {}

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
        if contenuto.oggetto not in self._scheletri:
            self._scheletri[contenuto.oggetto] = Scheletro.da(contenuto.oggetto)
        contenuto.scheletro = self._scheletri[contenuto.oggetto]
        peso = _peso(contenuto)
        while self._resi and self._memoria + peso > self.MEMORIA_MASSIMA:
            self._memoria -= _peso(self._resi.popitem(last=False)[1])
        self._resi[chiave] = contenuto
        self._memoria += peso
        return contenuto


def _peso(contenuto: Contenuto) -> int:
    """Approximate memory of a kept content: its text and HTML, and the message bytes made from them."""
    return 2 * (len(contenuto.testo) + len(contenuto.html)) + 4096


def dominio_mittente() -> str:
    return _dominio(settings.DEFAULT_FROM_EMAIL)


@lru_cache(maxsize=8)
def _dominio(mittente: str) -> str:
    indirizzo = parseaddr(mittente)[1]
    return indirizzo.rpartition("@")[2] or "localhost"


def message_id(numero_id: int, consegna_id: int) -> str:
    """Stable per delivery: a message re-sent after a crash carries the same Message-ID, so the
    receiving systems that de-duplicate by Message-ID hide the duplicate."""
    return f"<newsletter.{numero_id}.{consegna_id}@{dominio_mittente()}>"


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


def _messaggio(
    contenuto: Contenuto, email: str, token: str, msgid: str, data: str | None = None, connection=None
) -> EmailMultiAlternatives:
    testo, html = contenuto.personalizza(token)
    intest = intestazioni(token, msgid)
    if data is not None:
        intest["Date"] = data
    msg = EmailMultiAlternatives(
        subject=contenuto.oggetto,
        body=testo,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email],
        headers=intest,
        connection=connection,
    )
    msg.attach_alternative(html, "text/html")
    return msg


def messaggio(
    contenuto: Contenuto, iscritto: Iscritto, msgid: str, connection=None
) -> EmailMultiAlternatives:
    """The personal message of one subscriber (text part + HTML alternative, unsubscribe headers)."""
    return _messaggio(contenuto, iscritto.email, token_personale(iscritto), msgid, connection=connection)


# Placeholders of the pre-generated message bytes (ModelloGrezzo).
_DESTINATARIO = "nl-destinatario@segnaposto.invalid"
_MSGID = "<nl-messaggio@segnaposto.invalid>"
_DATA = "NLDATASEGNAPOSTO0000"
# Addresses safe to put verbatim in the To header (anything else goes through Django's encoder).
_EMAIL_SEMPLICE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9.-]+")


@dataclass(frozen=True)
class ModelloGrezzo:
    """A profile's message generated once as RFC 5322 bytes with placeholders for the recipient, the
    personal token, the Message-ID and the date; each copy is a byte substitution. Built only when every
    placeholder survived the MIME generator verbatim (8bit parts, headers not split inside them)."""

    grezzo: bytes

    @classmethod
    def da(cls, contenuto: Contenuto) -> ModelloGrezzo | None:
        grezzo = _messaggio(contenuto, _DESTINATARIO, SEGNAPOSTO_TOKEN, _MSGID, data=_DATA).message()
        grezzo = grezzo.as_bytes(linesep="\r\n")
        token_attesi = contenuto.testo.count(SEGNAPOSTO_TOKEN) + contenuto.html.count(SEGNAPOSTO_TOKEN) + 1
        if (
            grezzo.count(SEGNAPOSTO_TOKEN.encode()) != token_attesi
            or grezzo.count(_DESTINATARIO.encode()) != 1
            or grezzo.count(_MSGID.encode()) != 1
            or grezzo.count(_DATA.encode()) != 1
        ):
            return None
        return cls(grezzo)

    def per(self, iscritto: Iscritto, msgid: str) -> bytes | None:
        """The bytes of one subscriber's copy, or None if the address needs Django's encoder."""
        if not _EMAIL_SEMPLICE.fullmatch(iscritto.email):
            return None
        return (
            self.grezzo.replace(SEGNAPOSTO_TOKEN.encode(), token_personale(iscritto).encode())
            .replace(_DESTINATARIO.encode(), iscritto.email.encode())
            .replace(_MSGID.encode(), msgid.encode())
            .replace(_DATA.encode(), _data_adesso())
        )


def _data_adesso() -> bytes:
    """formatdate(localtime=True) as bytes, computed once per second (it has no finer resolution)."""
    return _data_del_secondo(int(time.time()), time.tzname)


@lru_cache(maxsize=2)
def _data_del_secondo(secondo: int, _fuso: tuple[str, str]) -> bytes:
    return formatdate(secondo, localtime=True).encode()


_TESTO = "NLTESTOSEGNAPOSTO000"
_HTML = "NLHTMLSEGNAPOSTO0000"
_CTE = b"Content-Transfer-Encoding: "
_CTE_7BIT = _CTE + b"7bit\r\n"
_FINE_RIGA = re.compile(rb"\r\n|\r|\n")
_CONFINE = re.compile(rb'boundary="([^"]+)"')
_SEGNAPOSTI_UNICI = (_DESTINATARIO.encode(), _MSGID.encode(), _DATA.encode())


class Scheletro:
    """The message of one subject generated once with placeholders for the two bodies too: a content's
    ModelloGrezzo is then its bodies put in place, as Python's MIME generator writes a 7bit/8bit part
    (Django's choice for UTF-8 text without lines over 998 bytes: line ends as CRLF, nothing else changed),
    instead of a run of the generator over the whole message (the headers are the same for every profile).

    Anything else (a long line, a body containing the MIME boundary or a placeholder) returns None and the
    caller uses ModelloGrezzo.da. The first composition of each transfer-encoding pair is checked against
    ModelloGrezzo.da (same bytes but for the random boundary); a difference disables the skeleton."""

    def __init__(self, pezzi: tuple[bytes, ...], confine: bytes):
        self.pezzi = pezzi
        self.confine = confine
        self.valido = True
        self._verificati: set[tuple[bytes, bytes]] = set()

    @classmethod
    def da(cls, oggetto: str) -> Scheletro | None:
        vuoto = _messaggio(Contenuto(oggetto, _TESTO, _HTML), _DESTINATARIO, SEGNAPOSTO_TOKEN, _MSGID, _DATA)
        grezzo = vuoto.message().as_bytes(linesep="\r\n")
        testo, html = _TESTO.encode(), _HTML.encode()
        confine = _CONFINE.search(grezzo)
        if confine is None or grezzo.count(testo) != 1 or grezzo.count(html) != 1:
            return None
        t, h = grezzo.index(testo), grezzo.index(html)
        ct = grezzo.rfind(_CTE_7BIT, 0, t)
        ch = grezzo.rfind(_CTE_7BIT, t, h)
        if t > h or ct < 0 or ch < 0:
            return None
        pezzi = (
            grezzo[:ct],
            grezzo[ct + len(_CTE_7BIT) : t],
            grezzo[t + len(testo) : ch],
            grezzo[ch + len(_CTE_7BIT) : h],
            grezzo[h + len(html) :],
        )
        if pezzi[1] != b"\r\n" or pezzi[3] != b"\r\n":  # the CTE header must close each part's headers
            return None
        return cls(pezzi, confine.group(1))

    def _corpo(self, corpo: str) -> tuple[bytes, bytes] | None:
        """(transfer encoding, bytes) of one part as the generator writes it, or None."""
        if any(len(riga.encode(errors="surrogateescape")) > 998 for riga in corpo.splitlines()):
            return None  # Django switches the part to quoted-printable
        try:
            dati = corpo.encode("utf-8")
        except UnicodeEncodeError:
            return None
        if self.confine in dati or any(segnaposto in dati for segnaposto in _SEGNAPOSTI_UNICI):
            return None
        return (b"7bit" if corpo.isascii() else b"8bit"), _FINE_RIGA.sub(b"\r\n", dati)

    def modello(self, contenuto: Contenuto) -> ModelloGrezzo | None:
        if not self.valido:
            return None
        testo = self._corpo(contenuto.testo)
        html = self._corpo(contenuto.html)
        if testo is None or html is None:
            return None
        p = self.pezzi
        grezzo = b"".join(
            (p[0], _CTE, testo[0], b"\r\n", p[1], testo[1], p[2], _CTE, html[0], b"\r\n", p[3], html[1], p[4])
        )  # fmt: skip
        token_attesi = contenuto.testo.count(SEGNAPOSTO_TOKEN) + contenuto.html.count(SEGNAPOSTO_TOKEN) + 1
        if grezzo.count(SEGNAPOSTO_TOKEN.encode()) != token_attesi:
            return None
        if (testo[0], html[0]) not in self._verificati:
            lento = ModelloGrezzo.da(contenuto)
            confine = _CONFINE.search(lento.grezzo) if lento is not None else None
            if confine is None or lento.grezzo.replace(confine.group(1), self.confine) != grezzo:
                logger.warning("newsletter: scheletro MIME diverso dal generatore, disattivato")
                self.valido = False
                return lento
            self._verificati.add((testo[0], html[0]))
        return ModelloGrezzo(grezzo)


def invia_email_modello(prefisso: str, contesto: dict, destinatario: str, lingua: str = "it") -> None:
    """Send a template triplet newsletter/email/<prefisso>_oggetto.txt, _testo.txt, .html."""
    with translation.override(lingua):
        contesto = {**contesto, "PORTALE": settings.PORTALE, "css": css_email()}
        oggetto = " ".join(render_to_string(f"newsletter/email/{prefisso}_oggetto.txt", contesto).split())
        testo = render_to_string(f"newsletter/email/{prefisso}_testo.txt", contesto)
        html = _inliner.inline(render_to_string(f"newsletter/email/{prefisso}.html", contesto))
    msg = EmailMultiAlternatives(oggetto, testo, settings.DEFAULT_FROM_EMAIL, [destinatario])
    msg.attach_alternative(html, "text/html")
    msg.send()


def mittente_leggibile() -> str:
    nome, indirizzo = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((nome, indirizzo))
