"""Cache generation of the public network pages: any change to what they show starts a new one."""

from __future__ import annotations

from django.core.cache import cache
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from partnership.models import Organizzazione, Partnership

CHIAVE_GENERAZIONE = "partnership:generazione"


def generazione() -> int:
    return cache.get_or_set(CHIAVE_GENERAZIONE, 1, None)


def nuova_generazione() -> None:
    try:
        cache.incr(CHIAVE_GENERAZIONE)
    except ValueError:
        cache.set(CHIAVE_GENERAZIONE, 2, None)


@receiver([post_save, post_delete], sender=Organizzazione)
@receiver([post_save, post_delete], sender=Partnership)
def _dati_cambiati(sender, **kwargs):
    nuova_generazione()


@receiver(m2m_changed, sender=Partnership.organizzazioni.through)
@receiver(m2m_changed, sender=Partnership.distretti.through)
@receiver(m2m_changed, sender=Partnership.scuole.through)
@receiver(m2m_changed, sender=Partnership.ambiti.through)
@receiver(m2m_changed, sender=Organizzazione.aree_s3.through)
def _relazioni_cambiate(sender, **kwargs):
    nuova_generazione()
