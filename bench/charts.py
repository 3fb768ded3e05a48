"""Render time of the profile charts: RIASEC hexagon and Big Five bars, English and Chinese.

Each chart is drawn once to warm up (fonts loaded and parsed; in a fresh process the first
chart also builds matplotlib's font cache), then `--runs` more times, one after another in this
thread. Prints the warm-up time, median and p95 milliseconds, and the PNG size of each chart.

    .venv/bin/python bench/charts.py [--runs 30]

Other bench scripts can `from bench.charts import measure` (or load this file) for the numbers.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.services.charts import profile_chart  # noqa: E402

NOTE = "Items: IPIP (public domain)"
CHARTS: dict[str, dict[str, Any]] = {
    "hexagon_en": {
        "title": "Your interest profile (RIASEC)",
        "labels": [
            "Realistic (R)",
            "Investigative (I)",
            "Artistic (A)",
            "Social (S)",
            "Enterprising (E)",
            "Conventional (C)",
        ],
        "values": [34, 22, 40, 9, 27.5, 18],
        "low": 8,
        "high": 40,
        "shape": "hexagon",
        "note": NOTE,
    },
    "hexagon_zh": {
        "title": "你的职业兴趣画像",
        "labels": [
            "现实型 (R)",
            "研究型 (I)",
            "艺术型 (A)",
            "社会型 (S)",
            "企业型 (E)",
            "常规型 (C)",
        ],
        "values": [34, None, 40, 9, 27.5, 18],
        "low": 8,
        "high": 40,
        "shape": "hexagon",
        "note": "题目来源：IPIP（公有领域）",
    },
    "bars_en": {
        "title": "Your personality profile (Big Five)",
        "labels": [
            "Extraversion",
            "Agreeableness",
            "Conscientiousness",
            "Neuroticism",
            "Intellect/Imagination",
        ],
        "values": [15, 18, 12, 7, 20],
        "low": 4,
        "high": 20,
        "shape": "bars",
        "note": NOTE,
    },
    "bars_zh": {
        "title": "你的人格画像（大五）",
        "labels": ["外向性", "宜人性", "尽责性", "神经质", "智慧/想象力"],
        "values": [15, None, 12, 7, 20],
        "low": 4,
        "high": 20,
        "shape": "bars",
        "note": "题目来源：IPIP（公有领域）",
    },
}


def _milliseconds(chart: dict[str, Any]) -> tuple[float, int]:
    """Renders one chart and returns how long it took and how many bytes the PNG has."""
    started = time.perf_counter()
    data = profile_chart(**chart)
    return (time.perf_counter() - started) * 1000, len(data)


def measure(runs: int) -> dict[str, float]:
    """Times every chart `runs` times after one warm-up render.

    Returns, for each chart name in `CHARTS` (e.g. "hexagon_zh"), the keys
    `<name>_warmup_ms`, `<name>_median_ms`, `<name>_p95_ms` and `<name>_kb` (PNG size).
    """
    if runs < 2:
        raise ValueError("need at least two runs for a p95")
    results: dict[str, float] = {}
    for name, chart in CHARTS.items():
        warmup, size = _milliseconds(chart)
        times = sorted(_milliseconds(chart)[0] for _ in range(runs))
        results[f"{name}_warmup_ms"] = warmup
        results[f"{name}_median_ms"] = statistics.median(times)
        results[f"{name}_p95_ms"] = statistics.quantiles(times, n=20, method="inclusive")[18]
        results[f"{name}_kb"] = size / 1024
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed renders per chart")
    args = parser.parse_args()

    results = measure(args.runs)
    print(f"{platform.machine()}, Python {platform.python_version()}, {args.runs} runs per chart")
    print(f"{'chart':<12} {'warm-up ms':>10} {'median ms':>10} {'p95 ms':>8} {'PNG KB':>8}")
    for name in CHARTS:
        print(
            f"{name:<12} {results[f'{name}_warmup_ms']:>10.1f}"
            f" {results[f'{name}_median_ms']:>10.1f} {results[f'{name}_p95_ms']:>8.1f}"
            f" {results[f'{name}_kb']:>8.1f}"
        )


if __name__ == "__main__":
    main()
