"""Self-assessment speed: scoring one profile and ranking all 923 occupations; both charts.

Scores a full set of answers to the 48-item interests inventory and the work values, ranks every
occupation for that profile (with the work-value adjustment, at every Job Zone), and renders the
two charts a result shows (RIASEC hexagon + Big Five bars) in English and in Chinese.

    .venv/bin/python bench/assessment.py [--runs 200] [--chart-runs 30]

Targets (issue #4): score + rank < 20 ms; both charts < 300 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.charts import measure as measure_charts  # noqa: E402
from bot.services import instruments, matching, scoring  # noqa: E402


def _stats(times: list[float]) -> tuple[float, float]:
    ordered = sorted(times)
    return statistics.median(ordered), statistics.quantiles(ordered, n=20, method="inclusive")[18]


def measure_ranking(runs: int) -> dict[str, float]:
    """Milliseconds to score the answers and rank all occupations, over `runs` random people."""
    rng = random.Random(4)
    markers, values = instruments.interest_markers(), instruments.work_values()
    matching.occupations()  # the data file is read once per process, at the first use
    times = []
    for _ in range(runs):
        interest_answers = {item.name: rng.randint(1, 5) for item in markers.items}
        value_answers = {item.name: rng.randint(1, 5) for item in values.items}
        start = time.perf_counter()
        profile = scoring.score(markers, interest_answers)
        value_scores = scoring.score(values, value_answers)
        ranked = matching.rank(profile, values=value_scores, exclude={"11-1011.00"})
        elapsed = (time.perf_counter() - start) * 1000
        assert len(ranked) == 922
        times.append(elapsed)
    median, p95 = _stats(times)
    return {"rank_median_ms": median, "rank_p95_ms": p95}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="profiles scored and ranked")
    parser.add_argument("--chart-runs", type=int, default=30, help="renders per chart")
    args = parser.parse_args()
    ranking = measure_ranking(args.runs)
    charts = measure_charts(args.chart_runs)
    print(
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        f"{args.runs} profiles, {args.chart_runs} renders per chart"
    )
    print("| measurement | median ms | p95 ms | target |")
    print("|---|---:|---:|---|")
    print(
        f"| score + rank 923 occupations | {ranking['rank_median_ms']:.1f} "
        f"| {ranking['rank_p95_ms']:.1f} | < 20 ms |"
    )
    for locale in ("en", "zh"):
        median = charts[f"hexagon_{locale}_median_ms"] + charts[f"bars_{locale}_median_ms"]
        p95 = charts[f"hexagon_{locale}_p95_ms"] + charts[f"bars_{locale}_p95_ms"]
        print(f"| both charts ({locale}) | {median:.1f} | {p95:.1f} | < 300 ms |")
    for name in ("hexagon_en", "bars_en", "hexagon_zh", "bars_zh"):
        print(
            f"| {name} | {charts[f'{name}_median_ms']:.1f} | {charts[f'{name}_p95_ms']:.1f} "
            f"| PNG {charts[f'{name}_kb']:.0f} KB |"
        )


if __name__ == "__main__":
    main()
