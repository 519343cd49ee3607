"""The privacy consent text of the newsletter and its version.

Change VERSIONE whenever TESTO changes in substance: every consent record keeps the version the
subscriber agreed to, which is how consent is proven later (together with the double opt-in).
"""

from django.utils.translation import gettext_lazy as _

VERSIONE = "2026-11-v1"

TESTO = _(
    "Acconsento al trattamento del mio indirizzo e-mail e delle preferenze indicate da parte della "
    "Città metropolitana di Bologna per l'invio della newsletter della Rete metropolitana per "
    "l'alternanza. Posso revocare il consenso in ogni momento con il link presente in ogni messaggio. "
    "I dati non sono ceduti a terzi; l'informativa completa è nella pagina Privacy del portale."
)
