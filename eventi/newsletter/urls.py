"""URLs of the newsletter (namespace "newsletter", under /newsletter/ in i18n_patterns).

The RFC 8058 one-click unsubscribe endpoint is outside i18n_patterns (a fixed URL in the e-mail
headers, no language redirect): see `one_click_urlpatterns`, included by alternanza/urls.py.
"""

from django.urls import path

from .views import gestione, pubbliche, revisori

app_name = "newsletter"

urlpatterns = [
    path("", pubbliche.iscrizione, name="iscrizione"),
    path("controlla-la-posta/", pubbliche.controlla_posta, name="controlla_posta"),
    path("conferma/<str:token>/", pubbliche.conferma, name="conferma"),
    path("preferenze/<str:token>/", pubbliche.preferenze, name="preferenze"),
    path("disiscrizione/<str:token>/", pubbliche.disiscrizione, name="disiscrizione"),
    path("archivio/", pubbliche.archivio, name="archivio"),
    path("archivio/<int:pk>/", pubbliche.archivio_numero, name="archivio_numero"),
    path("archivio/<int:pk>/versione/<int:versione>/", pubbliche.archivio_versione, name="archivio_versione"),
    # Staff
    path("gestione/", gestione.numeri, name="numeri"),
    path("gestione/nuovo/", gestione.numero_nuovo, name="numero_nuovo"),
    path("gestione/<int:pk>/", gestione.numero, name="numero"),
    path("gestione/<int:pk>/stato.json", gestione.numero_stato, name="numero_stato"),
    path("gestione/<int:pk>/modifica/", gestione.numero_modifica, name="numero_modifica"),
    path("gestione/anteprima-testo/", gestione.numero_anteprima_testo, name="numero_anteprima_testo"),
    path("gestione/<int:pk>/immagine/", gestione.numero_immagine, name="numero_immagine"),
    path("gestione/<int:pk>/duplica/", gestione.numero_duplica, name="numero_duplica"),
    path("gestione/<int:pk>/conferma/", gestione.numero_conferma, name="numero_conferma"),
    path("gestione/<int:pk>/annulla-invio/", gestione.numero_annulla_invio, name="numero_annulla_invio"),
    path("gestione/<int:pk>/anteprima/", gestione.numero_anteprima, name="numero_anteprima"),
    path(
        "gestione/<int:pk>/anteprima-email/", gestione.numero_anteprima_email, name="numero_anteprima_email"
    ),
    path("gestione/<int:pk>/prova/", gestione.numero_prova, name="numero_prova"),
    path("gestione/<int:pk>/invia/", gestione.numero_invia, name="numero_invia"),
    path("gestione/<int:pk>/annulla/", gestione.numero_annulla, name="numero_annulla"),
    path("gestione/<int:pk>/pausa/", gestione.numero_pausa, name="numero_pausa"),
    path("gestione/<int:pk>/riprendi/", gestione.numero_riprendi, name="numero_riprendi"),
    path("gestione/iscritti/", gestione.iscritti, name="iscritti"),
    path("gestione/iscritti/esporta.csv", gestione.iscritti_esporta, name="iscritti_esporta"),
    path("gestione/iscritti/importa/", gestione.iscritti_importa, name="iscritti_importa"),
    path("gestione/iscritti/<int:pk>/", gestione.iscritto, name="iscritto"),
    path("gestione/iscritti/<int:pk>/elimina/", gestione.iscritto_elimina, name="iscritto_elimina"),
    path("gestione/revisori/", revisori.gruppi, name="gruppi_revisori"),
    path("gestione/revisori/<int:pk>/", revisori.gruppo, name="gruppo_revisori"),
    path("gestione/revisori/<int:pk>/elimina/", revisori.gruppo_elimina, name="gruppo_revisori_elimina"),
]

one_click_urlpatterns = [
    path("newsletter/one-click/<str:token>", pubbliche.one_click, name="newsletter_one_click"),
]
