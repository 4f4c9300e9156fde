"""Measures: intervals against published values, the definition files and their hand-worked
vectors on DuckDB, and population denominators."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from npcs_review.errors import DefinitionError
from npcs_review.measures import intervals as ci
from npcs_review.measures.definition import (
    Expected,
    MeasureFile,
    MeasureVector,
    Statistic,
    load_measures,
)
from npcs_review.measures.population import Population, PopulationError, read_population
from npcs_review.measures.vectors import check_vector, run_vector

MEASURES = load_measures()
VECTORS = [
    pytest.param(m, v, id=f"{m.id}[{i}]")
    for m in MEASURES.values()
    for i, v in enumerate(m.vectors)
]


# ----------------------------------------------------------------------- intervals


@pytest.mark.parametrize(
    ("count", "low", "high"),
    [
        (0, 0.0, 3.6889),
        (1, 0.0253, 5.5716),
        (3, 0.6187, 8.7673),
        (5, 1.6235, 11.6683),
        (10, 4.7954, 18.3904),
        (20, 12.2165, 30.8884),
    ],
)
def test_garwood_limits_match_published_values(count: int, low: float, high: float) -> None:
    """Exact Poisson limits equal the tabulated 95% values (data-sharing reference §5)."""
    got_low, got_high = ci.poisson_interval(count)
    assert got_low == pytest.approx(low, abs=5e-5)
    assert got_high == pytest.approx(high, abs=5e-5)


def test_rate_example_seven_deaths() -> None:
    """7 deaths among 250,000 children: 2.80 per 100,000, 95% CI 1.13 to 5.77."""
    low, high = ci.poisson_interval(7)
    assert 1e5 * low / 250_000 == pytest.approx(1.13, abs=0.005)
    assert 1e5 * high / 250_000 == pytest.approx(5.77, abs=0.005)


def test_rate_ratio_matches_fay() -> None:
    """Fay's rateratio.test example: 2/17,877 vs 9/16,660 gives 0.02177 to 1.00055."""
    low, high = ci.rate_ratio_interval(2, 17_877, 9, 16_660)
    assert low == pytest.approx(0.02177406, rel=1e-5)
    assert high == pytest.approx(1.0005491, rel=1e-5)


def test_risk_ratio_matches_scipy_katz_example() -> None:
    """10/75 vs 12/225: relative risk 2.5, Katz interval 1.126 to 5.550 (SciPy's docs)."""
    low, high = ci.risk_ratio_interval(10, 75, 12, 225)
    assert low == pytest.approx(1.1261564, rel=1e-6)
    assert high == pytest.approx(5.5498508, rel=1e-6)


def test_clopper_pearson_matches_scipy_example() -> None:
    """7 of 50: 0.0582 to 0.2674 (SciPy's binomtest example)."""
    low, high = ci.proportion_interval(7, 50)
    assert low == pytest.approx(0.05819170, rel=1e-6)
    assert high == pytest.approx(0.26739600, rel=1e-6)


def test_intervals_at_the_edges() -> None:
    """No trials, no events or a zero group give the limits the methods define, not errors."""
    assert ci.proportion_interval(0, 0) == (None, None)
    assert ci.rate_ratio_interval(0, 10.0, 0, 10.0) == (None, None)
    assert ci.risk_ratio_interval(0, 10, 3, 10) == (0.0, None)
    low, high = ci.rate_ratio_interval(3, 10.0, 0, 10.0)
    assert low is not None
    assert high is None


# --------------------------------------------------------------------- definitions


def test_packaged_measures_cover_the_issue() -> None:
    """Every kind of measure the partnership report needs is defined, with sources."""
    assert {m.statistic for m in MEASURES.values()} == set(get_args(Statistic))
    for term in ("maltreatment_fatality", "near_fatality", "serious_injury"):
        rate = MEASURES[f"{term}_rate"]
        assert rate.facet == "basis"
        assert rate.change == "previous_year"
        assert {"year", "jurisdiction", "age_group", "sex", "race_ethnicity"} <= {
            d for t in rate.tables for d in t
        }
    for m in MEASURES.values():
        assert m.citations
        assert m.min_stable_count >= 1


@pytest.mark.parametrize(("measure", "vector"), VECTORS)
def test_measure_vectors_on_duckdb(measure: MeasureFile, vector: object) -> None:
    """Every hand-worked vector of every measure comes out as worked by hand (DuckDB)."""
    assert isinstance(vector, MeasureVector)
    failures = check_vector(measure, vector, run_vector(measure, vector))
    assert failures == [], "\n".join(map(str, failures))


def test_a_wrong_expectation_is_caught() -> None:
    """The vector check is not vacuous: a wrong value, count or suppression is reported."""
    measure = MEASURES["disproportionality_index"]
    vector = measure.vectors[0]
    result = run_vector(measure, vector)
    wrong = vector.model_copy(
        update={
            "expected": [
                Expected(cell={"race_ethnicity": "black_or_african_american"}, value=1.9),
                Expected(cell={"race_ethnicity": "white"}, count=13),
                Expected(cell={"race_ethnicity": "white"}, suppressed=True),
                Expected(cell={"race_ethnicity": "asian"}, count=0),
            ]
        }
    )
    problems = [f.problem for f in check_vector(measure, wrong, result)]
    assert problems == [
        "value is 2.0, not 1.9",
        "count is 14, not 13",
        "suppressed is None",
        "no such cell in the output",
    ]


def _write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_a_broken_measure_file_is_reported_with_its_place(tmp_path: Path) -> None:
    """A proportion without a denominator and an id that is not the file name: both reported."""
    base = (
        Path(__file__).parents[1] / "definitions/measures/stronger_action_share.yaml"
    ).read_text()
    broken = base.replace("denominator:\n  where:\n    - {column: strength, present: true}\n", "")
    _write(
        tmp_path / "own",
        "own_share.yaml",
        broken.replace("id: stronger_action_share", "id: own_share"),
    )
    _write(
        tmp_path / "own", "misnamed.yaml", base.replace("id: stronger_action_share", "id: other")
    )
    with pytest.raises(DefinitionError) as caught:
        load_measures(tmp_path / "own")
    found = {(p.code, Path(p.file or "").name) for p in caught.value.problems}
    assert ("NPR-D002", "own_share.yaml") in found
    assert ("NPR-D003", "misnamed.yaml") in found


def test_a_jurisdiction_may_add_a_measure_but_not_redefine_one(tmp_path: Path) -> None:
    """An overlay folder adds new measure ids; reusing a packaged id is refused."""
    base = (
        Path(__file__).parents[1] / "definitions/measures/stronger_action_share.yaml"
    ).read_text()
    _write(
        tmp_path / "own",
        "own_share.yaml",
        base.replace("id: stronger_action_share", "id: own_share"),
    )
    assert "own_share" in load_measures(tmp_path / "own")
    _write(tmp_path / "own", "stronger_action_share.yaml", base)
    with pytest.raises(DefinitionError, match="already exists"):
        load_measures(tmp_path / "own")


# ---------------------------------------------------------------------- population


def test_population_sums_open_dimensions_and_uses_totals(tmp_path: Path) -> None:
    """A cell's population is its own row, a total row, or the sum of finer rows."""
    path = tmp_path / "population.csv"
    path.write_text(
        "jurisdiction,year,race_ethnicity,population\n"
        "us_ky,2025,white,800\n"
        "us_ky,2025,black_or_african_american,150\n"
        "us_ky,2025,all,1000\n"
        "us_tn,2025,white,500\n"
        "us_tn,2025,black_or_african_american,300\n",
        encoding="utf-8",
    )
    population = read_population(path)
    scope = {"jurisdiction": ("us_ky", "us_tn"), "year": ("2025",)}
    assert population.total({"jurisdiction": "us_ky", "year": "2025"}, scope) == 1000
    assert population.total({"jurisdiction": "us_tn", "year": "2025"}, scope) == 800
    assert population.total({"year": "2025"}, scope) == 1800
    assert population.total({"race_ethnicity": "white"}, scope) == 1300
    assert population.total({"race_ethnicity": "asian"}, scope) is None
    assert population.total({"jurisdiction": "us_ga"}, {"year": ("2025",)}) is None


def test_population_problems_name_line_and_column(tmp_path: Path) -> None:
    """A bad number, a bad year and a repeated row are all reported, each with its line."""
    path = tmp_path / "population.csv"
    path.write_text(
        "jurisdiction,year,population\n"
        "us_ky,2025,1000\n"
        "us_ky,25,1000\n"
        "us_tn,2025,many\n"
        "us_ky,2025,1200\n",
        encoding="utf-8",
    )
    with pytest.raises(PopulationError) as caught:
        read_population(path)
    lines = sorted((p.line, p.pointer, p.code) for p in caught.value.problems)
    assert lines == [
        (3, "/year", "NPR-R001"),
        (4, "/population", "NPR-R001"),
        (5, "", "NPR-R002"),
    ]


def test_population_refuses_unknown_columns(tmp_path: Path) -> None:
    """A misspelt column is refused rather than silently ignored."""
    path = tmp_path / "population.csv"
    path.write_text("jurisdiction,year,age,population\nus_ky,2025,1,10\n", encoding="utf-8")
    with pytest.raises(PopulationError, match="unknown column 'age'"):
        read_population(path)


def test_population_reads_parquet(tmp_path: Path) -> None:
    """The same table as Parquet reads the same."""
    path = tmp_path / "population.parquet"
    pq.write_table(
        pa.table({"jurisdiction": ["us_ky"], "year": [2025], "population": [1000.0]}), path
    )
    assert (
        read_population(path).rows
        == Population({("us_ky", "2025", "all", "all", "all"): 1000.0}).rows
    )
