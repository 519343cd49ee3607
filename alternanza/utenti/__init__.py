"""Accounts of the portal: role requests and approvals, invitations, MFA enforcement, sessions, GDPR
export/deletion, security log and audit-trail pages. Built on django-allauth (app label "utenti")."""
