"""Signed links of a booking (no account needed), over the booking's random `chiave` (no guessable id).

- confirmation of the address (double opt-in): TimestampSigner, valid CONFERMA_VALIDITA seconds;
- the personal link (see, change, cancel; accept a place offered from the waiting list): Signer
  without expiry, since it sits in every message; an offer's time limit is on the row (offerta_scade_il);
- the check-in link in the QR code: its own salt, so a leaked personal link cannot check anyone in and
  the QR code (shown at the door) cannot cancel the booking.
"""

from __future__ import annotations

import uuid

from django.core import signing

from eventi.prenotazioni.models import Prenotazione

CONFERMA_VALIDITA = 2 * 24 * 60 * 60  # two days
_SALE_CONFERMA = "eventi.prenotazione.conferma"
_SALE_PERSONALE = "eventi.prenotazione.personale"
_SALE_INGRESSO = "eventi.prenotazione.ingresso"


class TokenNonValido(Exception):
    """The link was tampered with or belongs to no booking."""


class TokenScaduto(TokenNonValido):
    """The confirmation link is older than CONFERMA_VALIDITA."""


def token_conferma(p: Prenotazione) -> str:
    return signing.TimestampSigner(salt=_SALE_CONFERMA).sign(p.chiave.hex)


def token_personale(p: Prenotazione) -> str:
    return signing.Signer(salt=_SALE_PERSONALE).sign(p.chiave.hex)


def token_ingresso(p: Prenotazione) -> str:
    return signing.Signer(salt=_SALE_INGRESSO).sign(p.chiave.hex)


def _chiave(chiave_hex: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=chiave_hex)
    except ValueError as exc:
        raise TokenNonValido from exc


def chiave_da_conferma(token: str) -> uuid.UUID:
    try:
        valore = signing.TimestampSigner(salt=_SALE_CONFERMA).unsign(token, max_age=CONFERMA_VALIDITA)
    except signing.SignatureExpired as exc:
        raise TokenScaduto from exc
    except signing.BadSignature as exc:
        raise TokenNonValido from exc
    return _chiave(valore)


def _senza_scadenza(token: str, sale: str) -> uuid.UUID:
    try:
        return _chiave(signing.Signer(salt=sale).unsign(token))
    except signing.BadSignature as exc:
        raise TokenNonValido from exc


def chiave_da_personale(token: str) -> uuid.UUID:
    return _senza_scadenza(token, _SALE_PERSONALE)


def chiave_da_ingresso(token: str) -> uuid.UUID:
    return _senza_scadenza(token, _SALE_INGRESSO)
