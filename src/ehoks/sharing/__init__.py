"""Sharing and consent: a student discloses parts of their HOKS to a named recipient."""
