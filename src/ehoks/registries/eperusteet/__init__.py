"""ePerusteet: qualification requirements (perusteet), their units, requirements and assessment
criteria, shown to people beside a HOKS's codes."""
