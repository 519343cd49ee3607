"""The one form of a first CIE login: the e-mail address CIE ID does not release."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django import forms
from django.utils.translation import gettext_lazy as _


class EmailCieForm(forms.Form):
    email = forms.EmailField(
        label=_("Indirizzo e-mail"),
        max_length=254,
        help_text=_("Ti scriveremo qui per confermare l'indirizzo e per le notizie sul tuo account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if EmailAddress.objects.filter(email__iexact=email).exists():
            # An e-mail account is never taken over: its owner links CIE from the profile.
            raise forms.ValidationError(
                _(
                    "Esiste già un account con questa e-mail. Accedi con e-mail e password, poi collega la "
                    "CIE dalla pagina del profilo."
                ),
                code="email_esistente",
            )
        return email
