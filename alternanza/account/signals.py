"""Receivers of the accounts area (connected in UtentiConfig.ready)."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.dispatch import receiver


@receiver(email_confirmed)
def _notifica_approvatori(sender, request, email_address, **kwargs):
    """Role requests made at signup reach the approvers only once the requester proved their e-mail."""
    from alternanza.account import ruoli

    utente = email_address.user
    altre_verificate = EmailAddress.objects.filter(user=utente, verified=True).exclude(pk=email_address.pk)
    if not altre_verificate.exists():
        ruoli.notifica_richieste_in_attesa(utente)
