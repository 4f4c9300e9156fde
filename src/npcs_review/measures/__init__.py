"""Partnership measures: definitions as data, compiled to Ibis, with disclosure control.

- :mod:`~npcs_review.measures.definition` — the measure files and their loader;
- :mod:`~npcs_review.measures.engine` — measures planned into cubes and compiled to Ibis;
- :mod:`~npcs_review.measures.compute` — statistics, intervals and suppression per cell;
- :mod:`~npcs_review.measures.disclosure` — primary and complementary suppression, LP audit;
- :mod:`~npcs_review.measures.intervals` — exact Poisson, binomial and ratio intervals;
- :mod:`~npcs_review.measures.population` — child population denominators;
- :mod:`~npcs_review.measures.sources` — the source relations and dimensions;
- :mod:`~npcs_review.measures.vectors` — hand-worked test vectors on any backend.
"""
