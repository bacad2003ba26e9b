"""The people's pages are mounted after the API (``ehoks.main.routers``), so that an API request
is not first tried against every page's pattern. That is only safe while no page pattern can
take an API path, nor an API pattern a page's: checked here for every pair of routes."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from starlette.routing import Route

from ehoks.main import routers
from ehoks.web import surface as web

_PARAMETER = re.compile(r"{[^}]+}")


def _sample(path: str) -> str:
    return _PARAMETER.sub("1", path)


def _routes(pairs) -> list[tuple[str, Route]]:
    return [
        (prefix + route.path, route)
        for prefix, router in pairs
        for route in router.routes
        if isinstance(route, APIRoute | Route)
    ]


def test_no_page_pattern_takes_an_api_path_nor_the_other_way_round():
    pages = {id(router) for router in web.routers()}
    everything = routers()
    page_routes = _routes([(p, r) for p, r in everything if id(r) in pages])
    api_routes = _routes([(p, r) for p, r in everything if id(r) not in pages])
    assert page_routes
    assert api_routes
    clashes = [
        (api_path, page_path)
        for api_path, api_route in api_routes
        for page_path, page_route in page_routes
        if page_route.path_regex.match(_sample(api_path)) is not None
        or api_route.path_regex.match(_sample(page_path)) is not None
    ]
    assert clashes == []


def test_the_pages_come_after_the_api():
    pages = {id(router) for router in web.routers()}
    order = [id(router) in pages for _, router in routers()]
    assert order == sorted(order), "a page router before an API router"
