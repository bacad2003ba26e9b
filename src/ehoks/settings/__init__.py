"""The settings' parts, one module per concern, nested by ``ehoks.config.Settings`` (each field is
an ``EHOKS_<PART>__<FIELD>`` environment variable there).

These modules import nothing of ehoks: the settings sit below every domain, so a
domain (the registries, say) may import ``ehoks.config`` without a cycle, and ``config.py``
imports no domain. This file stays empty of imports for the same reason.
"""
