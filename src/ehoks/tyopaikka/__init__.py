"""Workplace instructors and working-life assessors: their e-mail login and their parts of the
HOKSes they are named in (law 531/2017 § 109 a, 2nd and 3rd paragraphs)."""
