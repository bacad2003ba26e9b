"""Server-rendered pages (DESIGN D9): Jinja2 templates, one base layout, CSRF for forms."""
