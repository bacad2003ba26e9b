"""The development mail catcher: ehoks.devmail, its settings and ``ehoks serve``."""
