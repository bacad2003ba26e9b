"""Sharing and consent."""
