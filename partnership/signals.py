"""Any change to what the network's pages show makes their cached copies stale (area "partnership"
of alternanza.core.cache; imports and the demo loader, which write in bulk, call
`invalida_rete()` themselves)."""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from alternanza.core.cache import invalida
from partnership.models import Accordo, Organizzazione, Partnership

AREA = "partnership"


@receiver([post_save, post_delete], sender=Organizzazione)
@receiver([post_save, post_delete], sender=Partnership)
@receiver([post_save, post_delete], sender=Accordo)
@receiver(m2m_changed, sender=Partnership.organizzazioni.through)
@receiver(m2m_changed, sender=Partnership.distretti.through)
@receiver(m2m_changed, sender=Partnership.scuole.through)
@receiver(m2m_changed, sender=Partnership.ambiti.through)
@receiver(m2m_changed, sender=Organizzazione.aree_s3.through)
@receiver(m2m_changed, sender=Accordo.organizzazioni.through)
@receiver(m2m_changed, sender=Accordo.distretti.through)
@receiver(m2m_changed, sender=Accordo.scuole.through)
def invalida_rete(**_kwargs) -> None:
    invalida(AREA)
