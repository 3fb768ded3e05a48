"""Profile charts come out as small, readable PNGs, in English and in Simplified Chinese."""

from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.services.charts import LATIN_FONT, font_family, profile_chart

ROOT = Path(__file__).resolve().parent.parent

RIASEC_EN = [
    "Realistic (R)",
    "Investigative (I)",
    "Artistic (A)",
    "Social (S)",
    "Enterprising (E)",
    "Conventional (C)",
]
RIASEC_ZH = ["现实型 (R)", "研究型 (I)", "艺术型 (A)", "社会型 (S)", "企业型 (E)", "常规型 (C)"]
BIG_FIVE_EN = [
    "Extraversion",
    "Agreeableness",
    "Conscientiousness",
    "Neuroticism",
    "Intellect/Imagination",
]
BIG_FIVE_ZH = ["外向性", "宜人性", "尽责性", "神经质", "智慧/想象力"]


def hexagon(labels: list[str], title: str = "Interests", **overrides: Any) -> dict[str, Any]:
    chart: dict[str, Any] = {
        "title": title,
        "labels": labels,
        "values": [34, 22, 40, 9, 27.5, 18],
        "low": 8,
        "high": 40,
        "shape": "hexagon",
        "note": "IPIP (public domain)",
    }
    return chart | overrides


def bars(labels: list[str], title: str = "Personality", **overrides: Any) -> dict[str, Any]:
    chart: dict[str, Any] = {
        "title": title,
        "labels": labels,
        "values": [15, 18, 12, 7, 20],
        "low": 4,
        "high": 20,
        "shape": "bars",
        "note": "IPIP (public domain)",
    }
    return chart | overrides


CHARTS = {
    "hexagon-en": (hexagon(RIASEC_EN, "Your interest profile"), (800, 800)),
    "hexagon-zh": (hexagon(RIASEC_ZH, "你的职业兴趣画像"), (800, 800)),
    "bars-en": (bars(BIG_FIVE_EN, "Your personality profile"), (900, 500)),
    "bars-zh": (bars(BIG_FIVE_ZH, "你的人格画像"), (900, 500)),
}


def png_size(data: bytes) -> tuple[int, int]:
    """Reads width and height from the IHDR chunk, which a valid PNG must start with."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def dark_pixels(text: str, family: list[str]) -> int:
    """Counts the dark pixels of `text` drawn alone on a small white image."""
    figure = Figure(figsize=(3, 1), dpi=100, facecolor="white")
    figure.text(0.5, 0.5, text, ha="center", va="center", fontsize=28, family=family)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    red = bytes(canvas.buffer_rgba())[::4]  # black text: the red channel alone tells
    return sum(1 for value in red if value < 128)


@pytest.mark.parametrize("name", CHARTS)
def test_chart_is_a_png_of_the_intended_size(name: str) -> None:
    chart, size = CHARTS[name]
    data = profile_chart(**chart)

    assert png_size(data) == size
    assert 10_000 < len(data) < 250_000


def test_chinese_labels_change_the_image() -> None:
    assert profile_chart(**hexagon(RIASEC_EN)) != profile_chart(**hexagon(RIASEC_ZH))
    assert profile_chart(**bars(BIG_FIVE_EN)) != profile_chart(**bars(BIG_FIVE_ZH))


@pytest.mark.parametrize("name", CHARTS)
def test_rendering_emits_no_warnings(name: str) -> None:
    # A missing CJK glyph is reported as a UserWarning; record everything, even repeats.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        profile_chart(**CHARTS[name][0])

    assert [str(w.message) for w in caught] == []


def test_chinese_glyphs_are_drawn_not_tofu() -> None:
    # Tofu boxes (or Last Resort glyphs) look the same for every character of a block, so
    # two different strings of the same length would darken exactly as many pixels.
    few_strokes = dark_pixels("一二十", font_family())
    many_strokes = dark_pixels("警察赢", font_family())

    assert few_strokes > 0
    assert many_strokes > few_strokes * 1.5


def test_without_the_chinese_font_different_strings_look_alike() -> None:
    # The control for the test above: its measure really does see tofu as identical.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the missing-glyph warnings are the point here
        assert dark_pixels("一二十", [LATIN_FONT]) == dark_pixels("警察赢", [LATIN_FONT])


@pytest.mark.parametrize(
    "chart",
    [
        hexagon(RIASEC_ZH, values=[34, None, 40, 9, 27.5, 18]),
        hexagon(RIASEC_EN, values=[None] * 6),
        bars(BIG_FIVE_ZH, values=[15, None, 12, 7, None]),
        bars(BIG_FIVE_EN, values=[None] * 5),
    ],
    ids=["hexagon-one", "hexagon-all", "bars-two", "bars-all"],
)
def test_unscored_values_still_render(chart: dict[str, Any]) -> None:
    data = profile_chart(**chart)

    assert png_size(data)[0] in (800, 900)
    scored = chart | {"values": [chart["low"]] * len(chart["labels"])}
    assert data != profile_chart(**scored)


def test_scores_outside_the_scale_are_drawn_at_its_edge() -> None:
    assert png_size(profile_chart(**bars(BIG_FIVE_EN, values=[3, 21, 12, 7, 20]))) == (900, 500)


def test_long_labels_and_titles_still_render() -> None:
    labels = [label.replace(" (", " — a long translated description (") for label in RIASEC_EN]
    data = profile_chart(**hexagon(labels, "A title much longer than the image is wide " * 2))

    assert png_size(data) == (800, 800)


def test_dollar_signs_are_text_not_mathtext() -> None:
    # An unbalanced "$" would make mathtext raise; user-facing text is always literal.
    assert png_size(profile_chart(**bars(BIG_FIVE_EN, "Costs $5 and $ more $"))) == (900, 500)


def test_same_scores_give_the_same_bytes() -> None:
    assert profile_chart(**hexagon(RIASEC_ZH)) == profile_chart(**hexagon(RIASEC_ZH))


def test_charts_from_worker_threads_match_charts_drawn_alone() -> None:
    charts = [CHARTS["hexagon-zh"][0], CHARTS["bars-en"][0]]
    expected = [profile_chart(**chart) for chart in charts]

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda i: profile_chart(**charts[i % 2]), range(8)))

    assert results == [expected[i % 2] for i in range(8)]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"values": [1, 2, 3]}, "6 labels but 3 values"),
        ({"labels": [], "values": []}, "at least one label"),
        ({"labels": ["a", "b"], "values": [10, 20]}, "at least three"),
        ({"low": 40, "high": 40}, "is empty"),
        ({"values": [34, 22, float("nan"), 9, 27.5, 18]}, "finite"),
        ({"shape": "pie"}, "unknown chart shape"),
    ],
)
def test_malformed_charts_are_refused(overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        profile_chart(**(hexagon(RIASEC_EN) | overrides))


def test_matplotlib_keeps_out_of_an_unwritable_home(tmp_path: Path) -> None:
    # A file where the home directory should be: nothing can be created under it, even as
    # root. Without our MPLCONFIGDIR, matplotlib would log that it fell back to a temp dir.
    home = tmp_path / "home"
    home.write_text("not a directory")
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"MPLCONFIGDIR", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"}
    }
    environment["HOME"] = str(home)
    environment["TMPDIR"] = str(tmp_path)
    script = textwrap.dedent(
        """
        import json, os, sys
        from bot.services.charts import profile_chart
        import matplotlib
        profile_chart(title="兴趣", labels=["R", "I", "A"], values=[1, 2, None], low=0,
                      high=5, shape="hexagon")
        print(json.dumps({"configdir": os.environ["MPLCONFIGDIR"],
                          "cachedir": matplotlib.get_cachedir(),
                          "pyplot": "matplotlib.pyplot" in sys.modules}))
        """
    )

    child = subprocess.run(
        [sys.executable, "-W", "error", "-c", script],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert child.returncode == 0, child.stderr
    assert child.stderr == ""
    seen = json.loads(child.stdout)
    assert Path(seen["configdir"]).parent == tmp_path
    assert Path(seen["configdir"]).name.startswith("careerpilot-matplotlib-")
    assert seen["cachedir"] == seen["configdir"]
    assert seen["pyplot"] is False
    assert not Path(seen["configdir"]).exists(), "the process left its config dir behind"
