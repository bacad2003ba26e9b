"""Authentication: identities, protocols (OIDC, CAS, e-mail one-time code) and sessions."""
