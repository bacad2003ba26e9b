"""The official's HOKS form, apart from its pages: fields derived from the data model
(``kentat``), the typed values and their conversion to and from the API document (``luonnos``),
validation problems placed at their fields (``virheet``), what changed between two versions
(``muutokset``) and the code lists offered (``koodit``). No interface text lives here; the words
are the pages' (``web/routes/virkailija_lomake_tekstit.py``)."""
