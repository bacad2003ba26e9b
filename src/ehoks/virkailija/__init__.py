"""The officials' (virkailija) HOKS API: learner search, a learner's HOKSes, reading and
writing them by hand, soft delete, and the OPH super user's undo and hard delete."""
