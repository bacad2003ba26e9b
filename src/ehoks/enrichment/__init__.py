"""Enrichment: what a person reads in place of a HOKS's codes and OIDs (reference
``ehoks-ui.md`` section 3): unit names, scope, requirements and assessment criteria from
ePerusteet, code names from Koodisto and organisation names from Organisaatiopalvelu, in
Finnish, Swedish or English with the reference's fallbacks.

``service.enrich`` is the entry point; ``batch`` collects what a document asks of the registries
and asks each distinct thing once; ``rules`` holds the pure language and notice rules;
``schemas`` the enriched view.
"""
