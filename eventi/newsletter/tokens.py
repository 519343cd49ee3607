"""Signed personal links of a subscriber (no account needed).

- Confirmation (double opt-in): TimestampSigner, valid for CONFERMA_VALIDITA seconds.
- Personal link (preferences, unsubscribe, one-click): Signer without expiry, because it sits in every
  message sent and must keep working (RFC 8058). It signs the subscriber's random `chiave`, so a
  deleted subscriber's links stop working and no database id is guessable.
"""

from __future__ import annotations

import uuid

from django.core import signing

from .models import Iscritto

CONFERMA_VALIDITA = 3 * 24 * 60 * 60  # three days
_SALE_CONFERMA = "newsletter.conferma"
_SALE_PERSONALE = "newsletter.personale"


class TokenNonValido(Exception):
    """The link was tampered with or belongs to nobody."""


class TokenScaduto(TokenNonValido):
    """The confirmation link is older than CONFERMA_VALIDITA."""


def token_conferma(iscritto: Iscritto) -> str:
    return signing.TimestampSigner(salt=_SALE_CONFERMA).sign(iscritto.chiave.hex)


def token_personale(iscritto: Iscritto) -> str:
    return signing.Signer(salt=_SALE_PERSONALE).sign(iscritto.chiave.hex)


def _iscritto(chiave_hex: str) -> Iscritto:
    try:
        chiave = uuid.UUID(hex=chiave_hex)
    except ValueError as exc:
        raise TokenNonValido from exc
    try:
        return Iscritto.objects.get(chiave=chiave)
    except Iscritto.DoesNotExist as exc:
        raise TokenNonValido from exc


def iscritto_da_conferma(token: str) -> Iscritto:
    try:
        chiave_hex = signing.TimestampSigner(salt=_SALE_CONFERMA).unsign(token, max_age=CONFERMA_VALIDITA)
    except signing.SignatureExpired as exc:
        raise TokenScaduto from exc
    except signing.BadSignature as exc:
        raise TokenNonValido from exc
    return _iscritto(chiave_hex)


def iscritto_da_personale(token: str) -> Iscritto:
    try:
        chiave_hex = signing.Signer(salt=_SALE_PERSONALE).unsign(token)
    except signing.BadSignature as exc:
        raise TokenNonValido from exc
    return _iscritto(chiave_hex)
