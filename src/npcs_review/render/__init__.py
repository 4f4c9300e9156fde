"""Renderings of a case for people: plain-text overview (summary and diagrams to follow)."""
