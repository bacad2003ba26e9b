"""Continuing from an earlier plan (issue 14, item 3): the draft of a new HOKS for a learner's
new study right built from their earlier plan (``mapping``, ``service``), and the record of
which plan a HOKS continues (``models``, ``repository``), kept beside the compatible wire
document."""
