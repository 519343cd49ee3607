"""Cache generation of the network lists: any change to what they show starts a new one."""

from __future__ import annotations

import time

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from partnership.models import Accordo, Organizzazione, Partnership

CHIAVE_GENERAZIONE = "partnership:generazione"


# The generation is read on every public page: a per-process copy for a couple of seconds saves a Redis
# round trip; changes made in this process update it at once, other processes see them within _MEMO_S.
_MEMO_S = 2.0
_memo: list[float] = [0.0, 0.0]  # [generation, monotonic expiry]


def generazione() -> int:
    adesso = time.monotonic()
    if _memo[1] > adesso:
        return int(_memo[0])
    valore = cache.get_or_set(CHIAVE_GENERAZIONE, time.time_ns(), None)
    _memo[:] = [valore, adesso + _MEMO_S]
    return valore


def nuova_generazione() -> None:
    """A new, never used generation: a timestamp, so an emptied cache cannot bring an old one back."""
    valore = time.time_ns()
    cache.set(CHIAVE_GENERAZIONE, valore, None)
    _memo[:] = [valore, time.monotonic() + _MEMO_S]


@receiver([post_save, post_delete], sender=Organizzazione)
@receiver([post_save, post_delete], sender=Partnership)
@receiver([post_save, post_delete], sender=Accordo)
def _dati_cambiati(sender, **kwargs):
    nuova_generazione()


@receiver(m2m_changed, sender=Partnership.organizzazioni.through)
@receiver(m2m_changed, sender=Partnership.distretti.through)
@receiver(m2m_changed, sender=Partnership.scuole.through)
@receiver(m2m_changed, sender=Partnership.ambiti.through)
@receiver(m2m_changed, sender=Organizzazione.aree_s3.through)
@receiver(m2m_changed, sender=Accordo.organizzazioni.through)
@receiver(m2m_changed, sender=Accordo.distretti.through)
@receiver(m2m_changed, sender=Accordo.scuole.through)
def _relazioni_cambiate(sender, **kwargs):
    nuova_generazione()
