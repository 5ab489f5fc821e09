"""akhbar: a static site generator for Arabic news archives."""

__version__ = "0.1.0"
