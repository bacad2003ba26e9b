"""A mail catcher for development: an SMTP server that keeps every mail it takes as a file.

``make run`` enables it (``EHOKS_MAIL_CATCHER__ENABLED=true``) so that the e-mail login and
sharing work with no mail server: the application's SMTP settings then point at the catcher
(see ``ehoks.config.Settings``), ``ehoks serve`` starts it (``server.MailCatcher``), each mail
lands in ``var/mail`` as an ``.eml`` file (``store``), and ``reader`` lists and reads them for
the development page at ``PAGE_PATH``. The files are the only state, so every worker process of
the server sees the same mails. Refused unless the environment is development or test.

Nothing here imports ``aiosmtpd`` except ``server``, so the reader stays light.
"""

from __future__ import annotations

PAGE_PATH = "/ehoks/kehitys/posti"
"""Where the development page that lists the caught mails is served."""
