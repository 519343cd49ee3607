"""The shape every review workflow of the portal shares (projects, Festival events).

A workflow is a table of rules — for each action: the states it starts from, the state it leads to
(or the starting states it leaves as they are), a further condition on the object if any, the roles that
may take it, whether a note is required — and a function giving the roles a user holds
on one object. `Flusso` answers the questions views and templates ask (`puo`, `azioni_possibili`)
and runs the checks of a transition on the locked row (`verifica`); each app's workflow.py owns its
table, its roles and what a transition writes. `Transizione` is the abstract history row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from alternanza.core.utenti import nome_leggibile

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STAFF = "staff"  # Città metropolitana staff (and superusers): may take every action a rule allows anyone


@dataclass(frozen=True)
class Regola:
    da: tuple[str, ...]
    a: str
    chi: frozenset[str]
    nota_obbligatoria: bool = False
    # Starting states (also in `da`) the action leaves as they are: it records something else than a
    # change of state (publishing a project that already runs keeps it running).
    resta: tuple[str, ...] = ()
    # A condition on the object beyond its state (None: none), e.g. "not published yet".
    se: Callable[[Any], bool] | None = None

    def destinazione(self, stato: str) -> str:
        """The state the action leads to from `stato`."""
        return stato if stato in self.resta else self.a

    def parte_da(self, oggetto: Any) -> bool:
        """Whether the object is in a state (and meets the condition) the action starts from."""
        return getattr(oggetto, "stato") in self.da and (self.se is None or self.se(oggetto))  # noqa: B009


class TransizioneNonConsentita(ValidationError):
    """The object is not in a state the action starts from, or the action's required note is missing."""


Oggetto = TypeVar("Oggetto", bound=models.Model)


class Flusso(Generic[Oggetto]):
    """Rules and roles of one workflow: the object's current state is its `stato` field."""

    def __init__(
        self,
        regole: Mapping[str, Regola],
        azioni: type[models.TextChoices],
        ruoli_su: Callable[[Any, Oggetto], frozenset[str]],
    ) -> None:
        self.regole = regole
        self.azioni = azioni
        self.ruoli_su = ruoli_su

    def ha_ruolo_per(self, user: Any, oggetto: Oggetto, azione: str) -> bool:
        """Whether the user's role allows `azione` on this object (whatever its current state)."""
        ruoli = self.ruoli_su(user, oggetto)
        return STAFF in ruoli or bool(ruoli & self.regole[azione].chi)

    def puo(self, user: Any, oggetto: Oggetto, azione: str) -> bool:
        """Whether the user may take `azione` on the object now."""
        return self.regole[azione].parte_da(oggetto) and self.ha_ruolo_per(user, oggetto, azione)

    def azioni_possibili(self, user: Any, oggetto: Oggetto) -> list[Any]:
        return [self.azioni(nome) for nome in self.regole if self.puo(user, oggetto, nome)]

    def verifica(
        self,
        user: Any,
        bloccato: Oggetto,
        azione: str,
        nota: str,
        *,
        negato: StrOrPromise,
        stato_errato: StrOrPromise,
        nota_mancante: StrOrPromise,
    ) -> Regola:
        """The rule of `azione` once the checks pass on the row the caller has locked.

        Raises PermissionDenied(`negato`) when the role does not allow it, TransizioneNonConsentita when
        the state is not one the action starts from, or the rule's condition fails (another decision came
        first: code "stato") or a
        required note is empty (code "nota").
        """
        regola = self.regole[self.azioni(azione)]
        if not self.ha_ruolo_per(user, bloccato, azione):
            raise PermissionDenied(negato)
        if not regola.parte_da(bloccato):
            raise TransizioneNonConsentita(stato_errato, code="stato")
        if regola.nota_obbligatoria and not nota:
            raise TransizioneNonConsentita(nota_mancante, code="nota")
        return regola


class Transizione(models.Model):
    """One step of a workflow: who took it (and their name, kept after erasure), when, from → to, a note.

    Subclasses add the foreign key to their object and `da_stato`/`a_stato` with their state choices.
    """

    utente = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("utente"),
    )
    utente_nome = models.CharField(_("utente (nome)"), max_length=200, blank=True)
    nota = models.TextField(_("nota"), blank=True)
    creata_il = models.DateTimeField(_("data"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-creata_il", "-id"]
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.utente_nome and self.utente_id:
            self.utente_nome = nome_leggibile(self.utente, Transizione.utente_nome.field.max_length)
        super().save(*args, **kwargs)
