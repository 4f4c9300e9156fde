"""Sharing the core data set: extraction, agreements, coarsening, pseudonyms, risk, packages."""
