"""Koodisto: the national code lists (koodistot) and their code elements (koodit)."""
