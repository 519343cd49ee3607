"""Account pages of the portal, mounted at /account/ before allauth's own URLs (namespace "utenti")."""

from django.urls import path

from alternanza.utenti import views, views_dati, views_inviti, views_staff

app_name = "utenti"

urlpatterns = [
    # allauth's signup (same path, so reverse("account_signup") leads here), asking the role first.
    path("signup/", views.registrazione, name="registrazione"),
    path("profilo/", views.profilo, name="profilo"),
    path("profilo/nuovo-ruolo/", views.richiedi_ruolo, name="richiedi_ruolo"),
    path("profilo/dati/", views_dati.miei_dati, name="miei_dati"),
    path("profilo/lingua/", views_dati.lingua, name="lingua"),
    path("profilo/dati/esporta.json", views_dati.esporta, name="esporta_dati"),
    path("profilo/elimina/", views_dati.elimina, name="elimina_account"),
    path("richieste/", views.richieste, name="richieste"),
    path("richieste/<str:tipo>/<int:pk>/decisione/", views.decidi, name="decidi"),
    path("richieste/<str:tipo>/<int:pk>/revoca/", views.revoca, name="revoca"),
    path("staff/utenti/", views_staff.utenti, name="utenti"),
    path("staff/utenti/<int:pk>/chiudi-sessioni/", views_staff.chiudi_sessioni, name="chiudi_sessioni"),
    path("staff/sicurezza/", views_staff.sicurezza, name="sicurezza"),
    path("staff/modifiche/", views_staff.modifiche, name="modifiche"),
    path("staff/inviti/", views_inviti.elenco, name="inviti"),
    path("invito/<str:token>/", views_inviti.accetta, name="accetta_invito"),
]
