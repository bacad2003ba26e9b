"""The transactional outbox and its worker (docs/architecture.md, "Jobs and the outbox").

A change that must be followed by work outside the database (a mail) writes an ``outbox`` row
in its own transaction (``service.enqueue``); the row exists exactly when the change does. The
worker (``ehoks worker``) claims due rows with a lease, runs the handler registered for the
row's kind with no transaction open, and records the outcome: done, retried later with
exponential backoff and jitter, or dead after the last attempt.
"""
