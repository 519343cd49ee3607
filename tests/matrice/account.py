"""Accounts: allauth's pages (login, signup, e-mail, password, MFA) and the portal's account pages.

Personas log in with force_login, which records no recent authentication: allauth's sensitive MFA pages
(activate/deactivate TOTP, regenerate codes) therefore answer 302 to the re-authentication step.
staff, superuser and the district offices have a TOTP authenticator; the other personas have none.
"""

from tests.matrice import AUTENTICATI, LOGIN, PUBBLICA, SOLO_POST, SOLO_STAFF, Azione, Voce, attesi

# allauth sends an authenticated user away from the login/signup pages.
SOLO_ANONIMI = attesi(302, anonimo=200)
# Pages of a login in progress (second factor, login code): without one pending, everyone is sent away.
SOLO_DURANTE_IL_LOGIN = attesi(302, anonimo=LOGIN)
CON_MFA = ("ufficio_a", "ufficio_b", "staff", "superuser")
SENZA_MFA = ("referente_a", "referente_b", "referente_org")

VOCI = [
    Voce(
        "account_login",
        get=SOLO_ANONIMI,
        post=[
            Azione(
                "password_sbagliata",
                dati=lambda fx: {"login": "referente_a@example.org", "password": "sbagliata"},
                attesi=SOLO_ANONIMI,
            )
        ],
    ),
    Voce("account_signup", get=SOLO_ANONIMI, post=[Azione("modulo_vuoto", attesi=SOLO_ANONIMI)]),
    # The same path as account_signup (the portal's signup view, role first), mounted before allauth's.
    Voce("utenti:registrazione", get=SOLO_ANONIMI, post=[Azione("modulo_vuoto", attesi=SOLO_ANONIMI)]),
    Voce("account_logout", get=attesi(200, anonimo=302), post=[Azione("esci", attesi=attesi(302))]),
    Voce("account_inactive", get=PUBBLICA),
    Voce(
        "account_reauthenticate",
        get=AUTENTICATI,
        post=[Azione("password_sbagliata", dati={"password": "sbagliata"}, attesi=AUTENTICATI)],
    ),
    # Re-authentication by a mailed code (allauth ≥ 65.14): a code is asked for, then confirmed.
    Voce(
        "account_request_reauthentication_code",
        get=AUTENTICATI,
        post=[Azione("richiesta_codice", attesi=AUTENTICATI)],
    ),
    Voce(
        "account_confirm_reauthentication_code",
        get=attesi(302, anonimo=LOGIN),
        post=[Azione("codice_senza_richiesta", attesi=attesi(302, anonimo=LOGIN))],
    ),
    Voce(
        "account_email",
        get=AUTENTICATI,
        post=[
            Azione(
                "aggiungi",
                dati={"action_add": "", "email": "secondo.indirizzo@example.org"},
                # allauth refuses a new (unverified) address on an account protected by MFA: form again.
                attesi=attesi(302, anonimo=LOGIN, **dict.fromkeys(CON_MFA, 200)),
            )
        ],
    ),
    Voce("account_email_verification_sent", get=PUBBLICA),
    Voce("account_change_password", get=AUTENTICATI, post=[Azione("modulo_vuoto", attesi=AUTENTICATI)]),
    # Every persona has a password: "set password" sends them to "change password".
    Voce("account_set_password", get=attesi(302, anonimo=LOGIN)),
    Voce(
        "account_reset_password",
        get=PUBBLICA,
        post=[Azione("chiede_reset", dati={"email": "chiunque@example.org"}, attesi=attesi(302))],
    ),
    Voce("account_reset_password_done", get=PUBBLICA),
    Voce("account_reset_password_from_key_done", get=PUBBLICA),
    # A forged key shows the "invalid link" page, to everyone.
    Voce("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "chiave-falsa"}, get=PUBBLICA),
    Voce("account_confirm_email", kwargs={"key": "chiave-falsa"}, get=PUBBLICA),
    Voce("account_confirm_login_code", get=SOLO_DURANTE_IL_LOGIN),
    Voce("mfa_index", get=AUTENTICATI),
    Voce("mfa_authenticate", get=SOLO_DURANTE_IL_LOGIN),
    Voce(
        "mfa_reauthenticate",
        get=attesi(302, anonimo=LOGIN, **dict.fromkeys(CON_MFA, 200)),
        post=[
            Azione(
                "codice_sbagliato",
                dati={"code": "000000"},
                attesi=attesi(302, anonimo=LOGIN, **dict.fromkeys(CON_MFA, 200)),
            )
        ],
    ),
    Voce("mfa_activate_totp", get=attesi(302, anonimo=LOGIN)),
    Voce("mfa_deactivate_totp", get=attesi(302, anonimo=LOGIN, **dict.fromkeys(SENZA_MFA, 404))),
    # Nobody has recovery codes yet.
    Voce("mfa_view_recovery_codes", get=attesi(404, anonimo=LOGIN)),
    Voce("mfa_generate_recovery_codes", get=attesi(302, anonimo=LOGIN)),
    Voce("mfa_download_recovery_codes", get=attesi(404, anonimo=LOGIN)),
]


def prepara(fx):
    from distretti.models import Incarico, StatoIncarico
    from tests.factories import IncaricoFactory, ScuolaFactory

    # A pending coordinator request for a school of district A (decided by ufficio_a or staff).
    fx.richiesta_scuola_a = IncaricoFactory(
        ruolo=Incarico.Ruolo.REFERENTE_SCUOLA,
        scuola=ScuolaFactory(comune=fx.scuola_a.comune),
        stato=StatoIncarico.RICHIESTO,
        deciso_il=None,
    )
    from alternanza.utenti import inviti
    from alternanza.utenti.models import Invito

    fx.invito_token = inviti.token_di(
        Invito.objects.create(
            email="invitato@example.org", ruolo="scuola", scuola=fx.scuola_a, creato_da=fx.staff
        )
    )


APPROVATORI = attesi(403, anonimo=LOGIN, ufficio_a=200, ufficio_b=200, staff=200, superuser=200)

VOCI += [
    Voce("utenti:profilo", get=AUTENTICATI),
    Voce(
        "utenti:richiedi_ruolo",
        get=AUTENTICATI,
        post=[
            Azione(
                "chiede_ufficio_imola",
                dati=lambda fx: {"ruolo": "distretto", "distretto": fx.distretto_b.pk},
                # ufficio_b already holds that role: the form answers again with the error.
                attesi=attesi(302, anonimo=LOGIN, ufficio_b=200),
            )
        ],
    ),
    Voce("utenti:richieste", get=APPROVATORI),
    Voce(
        "utenti:decidi",
        kwargs=lambda fx: {"tipo": "incarico", "pk": fx.richiesta_scuola_a.pk},
        get=SOLO_POST,
        post=[
            Azione(
                "approva",
                dati={"esito": "approva"},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            ),
            Azione(
                "rifiuta",
                dati={"esito": "rifiuta", "nota": "Non insegna in questa scuola."},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            ),
        ],
    ),
]

VOCI += [
    Voce("utenti:utenti", get=SOLO_STAFF),
    Voce("utenti:sicurezza", get=SOLO_STAFF),
    Voce(
        "utenti:chiudi_sessioni",
        kwargs=lambda fx: {"pk": fx.referente_a.pk},
        get=SOLO_POST,
        post=[Azione("chiudi", attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302))],
    ),
]

VOCI += [
    Voce(
        "utenti:inviti",
        get=SOLO_STAFF,
        post=[
            Azione(
                "invita",
                dati=lambda fx: {
                    "email": "nuovo@example.org",
                    "ruolo": "distretto",
                    "distretto": fx.distretto_a.pk,
                },
                attesi=attesi(403, anonimo=LOGIN, staff=302, superuser=302),
            )
        ],
    ),
    # The link is for invitato@example.org: any other logged-in person is told so (403).
    Voce(
        "utenti:accetta_invito",
        kwargs=lambda fx: {"token": fx.invito_token},
        get=attesi(403, anonimo=200),
        post=[
            Azione(
                "crea_account",
                dati={
                    "first_name": "Ivo",
                    "last_name": "Invitato",
                    "password1": "una-password-robusta-2026",
                    "password2": "una-password-robusta-2026",
                },
                attesi=attesi(403, anonimo=302),
            )
        ],
    ),
]

VOCI += [
    Voce("utenti:miei_dati", get=AUTENTICATI),
    Voce("utenti:esporta_dati", get=AUTENTICATI),
    Voce(
        "utenti:elimina_account",
        get=AUTENTICATI,
        post=[
            # Without the password nothing is deleted: the form answers again (200).
            Azione("senza_password", dati={"conferma": "on"}, attesi=attesi(200, anonimo=LOGIN)),
            Azione(
                "con_password",
                dati={"password": "una-password-di-prova-lunga", "conferma": "on"},
                attesi=attesi(302, anonimo=LOGIN),
            ),
        ],
    ),
]

VOCI += [
    Voce(
        "utenti:lingua",
        get=SOLO_POST,
        post=[
            # Everyone signed in chooses the language of their own e-mails (a redirect to the profile).
            Azione("inglese", dati={"lingua": "en"}, attesi=attesi(302, anonimo=LOGIN)),
            Azione("lingua_sconosciuta", dati={"lingua": "xx"}, attesi=attesi(302, anonimo=LOGIN)),
        ],
    ),
]

VOCI += [Voce("utenti:modifiche", get=SOLO_STAFF)]

VOCI += [
    Voce(
        "utenti:revoca",
        kwargs=lambda fx: {"tipo": "incarico", "pk": fx.referente_a.incarichi.get().pk},
        get=SOLO_POST,
        post=[
            Azione(
                "revoca",
                dati={"nota": "Ha lasciato la scuola."},
                attesi=attesi(403, anonimo=LOGIN, ufficio_a=302, ufficio_b=404, staff=302, superuser=302),
            )
        ],
    ),
]
