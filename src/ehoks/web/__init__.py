"""The HTML surface for people (DESIGN D9): server-rendered pages in Finnish, Swedish and
English, beside the JSON API and calling the same use cases."""
