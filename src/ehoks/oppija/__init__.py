"""The students' (oppija) HOKS API: their session, every HOKS of theirs from every provider,
and who has read them."""
