"""The HTML surface's routers, mounted by the composition root (``web.routers``)."""
