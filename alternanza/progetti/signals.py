"""Any write to a project or what hangs on it makes the "progetti" area of alternanza.core.cache stale.

The views also call `invalida_vetrina()` after their writes; these receivers cover every other path (the
admin, the shell, tasks, other apps, tests' factories), so nothing cached under the area can outlive a
change to a page cached whole for anonymous visitors. Bulk writes (the demo loader) send no signals and
call it themselves.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from alternanza.progetti.cache import invalida_vetrina
from alternanza.progetti.models import (
    DocumentoProgetto,
    FotoProgetto,
    Progetto,
    ProgettoOrganizzazione,
)


@receiver([post_save, post_delete], sender=Progetto)
@receiver([post_save, post_delete], sender=ProgettoOrganizzazione)
@receiver([post_save, post_delete], sender=DocumentoProgetto)
@receiver([post_save, post_delete], sender=FotoProgetto)
def progetto_cambiato(**_kwargs) -> None:
    invalida_vetrina()


@receiver(m2m_changed, sender=Progetto.ambiti.through)
@receiver(m2m_changed, sender=Progetto.aree_s3.through)
@receiver(m2m_changed, sender=Progetto.comuni.through)
def relazioni_cambiate(action: str, **_kwargs) -> None:
    if action.startswith("post_"):
        invalida_vetrina()
