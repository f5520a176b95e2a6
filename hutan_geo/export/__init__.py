"""Exports: one-file offline HTML, Chromium PNG."""
