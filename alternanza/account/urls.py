"""Account pages of the portal, mounted at /account/ before allauth's own URLs (namespace "utenti")."""

from django.urls import path

from alternanza.account import views, views_inviti, views_staff

app_name = "utenti"

urlpatterns = [
    path("profilo/", views.profilo, name="profilo"),
    path("profilo/nuovo-ruolo/", views.richiedi_ruolo, name="richiedi_ruolo"),
    path("richieste/", views.richieste, name="richieste"),
    path("richieste/<str:tipo>/<int:pk>/decisione/", views.decidi, name="decidi"),
    path("staff/utenti/", views_staff.utenti, name="utenti"),
    path("staff/utenti/<int:pk>/chiudi-sessioni/", views_staff.chiudi_sessioni, name="chiudi_sessioni"),
    path("staff/sicurezza/", views_staff.sicurezza, name="sicurezza"),
    path("staff/inviti/", views_inviti.elenco, name="inviti"),
    path("invito/<str:token>/", views_inviti.accetta, name="accetta_invito"),
]
