"""Profile charts as PNG images: a RIASEC interest hexagon and Big Five personality bars.

Pure rendering: scores in, PNG bytes out. No database, no Telegram, no `pyplot` and no rcParams
changes: every figure is its own object with its own Agg canvas, so charts can be drawn from
worker threads while the bot keeps serving updates. The only process-wide effects are choosing
MPLCONFIGDIR (below) and adding one font file to matplotlib's font manager.

Text may be English or Simplified Chinese: Latin glyphs come from DejaVu Sans (shipped with
matplotlib) and CJK glyphs fall back to Noto Sans SC (SIL OFL, from `pylopdf-fonts-zh-cn`).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

# matplotlib picks its config/cache directory once, on import, and falls back to a temporary
# directory with a logged warning when the home directory is unwritable (containers, system
# users). Choosing the directory ourselves, before the import, keeps that quiet and keeps it
# out of $HOME. A fresh private directory per process avoids trusting a predictable shared
# path in /tmp; the cost is rebuilding the small font cache once per process. An MPLCONFIGDIR
# set by the operator is respected. This only helps if nothing imported matplotlib earlier.
if "MPLCONFIGDIR" not in os.environ:
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="careerpilot-matplotlib-")
    atexit.register(shutil.rmtree, os.environ["MPLCONFIGDIR"], ignore_errors=True)

import io  # noqa: E402
import math  # noqa: E402
import threading  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from typing import Literal  # noqa: E402

import pylopdf_fonts_zh_cn  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402

# The Agg canvas is attached to each figure explicitly: that selects the renderer per figure
# and leaves matplotlib's global backend (what pyplot would use) untouched.
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

__all__ = ["font_family", "profile_chart"]

LATIN_FONT = "DejaVu Sans"
CJK_FONT = "Noto Sans SC"

DPI = 100
HEXAGON_SIZE = (8.0, 8.0)  # inches at DPI: 800×800 px
BARS_WIDTH = 9.0  # inches at DPI: 900 px wide; height grows with the number of bars
NOT_SCORED = "–"
EDGE_PX = 8  # text keeps this far from the image's left and right edges
MIN_FONT_SIZE = 9.0  # points; still legible on a phone-sized Telegram photo
WRAP_BELOW = 0.8  # share of its size a text may lose before it is split in two lines

INK = "#1f2933"
MUTED = "#7b8794"
GRID = "#d9dee4"
ACCENT = "#2f6fb3"
ACCENT_FILL = "#2f6fb340"

_font_lock = threading.Lock()
_font_ready = False


def font_family() -> list[str]:
    """Returns the font family list to give every text artist, registering Noto Sans SC first.

    The Noto Sans SC file is added to matplotlib's font manager on the first call only (the
    font manager is process-wide, and adding a font twice would list it twice). The list puts
    the Latin font first, so English text keeps its usual look, and Noto Sans SC second, so
    matplotlib falls back to it glyph by glyph for Chinese characters instead of drawing boxes.
    """
    global _font_ready
    with _font_lock:
        if not _font_ready:
            path = os.fspath(pylopdf_fonts_zh_cn.sans_path())
            known = {entry.fname for entry in font_manager.fontManager.ttflist}
            if path not in known:
                font_manager.fontManager.addfont(path)
            _font_ready = True
    return [LATIN_FONT, CJK_FONT]


def profile_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    low: float,
    high: float,
    shape: Literal["hexagon", "bars"],
    note: str = "",
) -> bytes:
    """Draws a profile of scores on one scale and returns it as PNG bytes.

    Args:
        title: Heading at the top of the image (English or Chinese).
        labels: One label per score, e.g. "Realistic (R)" or "现实型 (R)".
        values: One score per label, on the scale `low`..`high`; `None` means "not scored":
            nothing is drawn for it and "–" is printed in place of the number. Scores outside
            the scale are drawn at its edge but printed as given.
        low: The lowest possible score (the hexagon's centre, the bars' left edge).
        high: The highest possible score (the hexagon's outer ring, the bars' right edge).
        shape: "hexagon" for a radar chart, one axis per label clockwise from the top (meant
            for the six RIASEC types, in R-I-A-S-E-C order); "bars" for horizontal bars, top
            to bottom in label order (meant for the Big Five).
        note: A small line at the bottom, e.g. where the questionnaire comes from.

    Returns:
        A PNG image: 800×800 px for the hexagon, 900 px wide for the bars (500 px high for
        five bars).

    Raises:
        ValueError: If the shape is unknown, labels and values differ in length, there are no
            labels (or fewer than three for a hexagon), `high` is not above `low`, or a score
            is not a finite number.
    """
    if shape not in ("hexagon", "bars"):
        raise ValueError(f"unknown chart shape {shape!r}")
    if len(labels) != len(values):
        raise ValueError(f"{len(labels)} labels but {len(values)} values")
    if not labels:
        raise ValueError("a profile chart needs at least one label")
    if shape == "hexagon" and len(labels) < 3:
        raise ValueError("a hexagon chart needs at least three labels")
    if not high > low:
        raise ValueError(f"the scale {low}..{high} is empty")
    if any(v is not None and not math.isfinite(v) for v in values):
        raise ValueError(f"scores must be finite numbers or None, got {list(values)}")

    family = font_family()
    if shape == "hexagon":
        figure = Figure(figsize=HEXAGON_SIZE, dpi=DPI, facecolor="white")
        texts = _draw_hexagon(
            figure, family, labels, values, low, high, bottom=0.08 if note else 0.04
        )
    else:
        height = max(3.0, 1.5 + 0.7 * len(labels))
        figure = Figure(figsize=(BARS_WIDTH, height), dpi=DPI, facecolor="white")
        texts = _draw_bars(figure, family, labels, values, low, high, bottom=0.9 if note else 0.55)
    canvas = FigureCanvasAgg(figure)

    # Titles, labels and notes are literal text: a "$" in a title must not start mathtext.
    texts.append(
        figure.text(
            0.5,
            1 - 0.3 / figure.get_figheight(),
            title,
            ha="center",
            va="top",
            # Regular weight: the bundled Noto Sans SC has no bold, and a bold Latin title
            # next to a regular Chinese one would look inconsistent.
            fontsize=22,
            color=INK,
            family=family,
            parse_math=False,
        )
    )
    if note:
        texts.append(
            figure.text(
                0.5,
                0.2 / figure.get_figheight(),
                note,
                ha="center",
                va="bottom",
                fontsize=10,
                color=MUTED,
                family=family,
                parse_math=False,
            )
        )
    _shrink_to_fit(canvas, texts)

    buffer = io.BytesIO()
    # Without a version stamp the same scores always give the same bytes.
    canvas.print_png(buffer, metadata={"Software": None})
    return buffer.getvalue()


def _shrink_to_fit(canvas: FigureCanvasAgg, texts: Sequence[Text]) -> None:
    """Fits text that would run off the image's sides: first smaller, then on two lines.

    Labels and titles come from translations of any length, so a fixed layout cannot promise
    they fit; adjusting the few that do not is cheaper than running a layout engine on every
    chart. Each text keeps its anchor and alignment. A text is split in two lines near its
    middle (at a space, or between two Chinese characters) when fitting it on one line would
    shrink it below `WRAP_BELOW` of its size, and is never made smaller than `MIN_FONT_SIZE`
    (so text that cannot be split can still overflow).
    """
    renderer = canvas.get_renderer()
    left, right = EDGE_PX, canvas.figure.bbox.width - EDGE_PX

    def fitting_size(text: Text) -> float:
        box = text.get_window_extent(renderer)
        if box.x0 >= left and box.x1 <= right:
            return float(text.get_fontsize())
        align = text.get_horizontalalignment()
        if align == "left":
            room = right - box.x0
        elif align == "right":
            room = box.x1 - left
        else:
            middle = (box.x0 + box.x1) / 2
            room = 2 * min(middle - left, right - middle)
        # Width scales with font size closely enough; rounding is absorbed by the margin.
        return float(text.get_fontsize()) * max(0.0, room) / box.width

    for text in texts:
        size = float(text.get_fontsize())
        fitting = fitting_size(text)
        if fitting >= size:
            continue
        content = text.get_text()
        # (where the first line ends, where the second begins): a space is dropped, while
        # Chinese, written without spaces, may break between any two characters.
        breaks = [(i, i + 1) for i, char in enumerate(content) if char == " "]
        breaks += [(i, i) for i in range(1, len(content)) if _is_cjk(content[i - 1 : i + 1])]
        if fitting < WRAP_BELOW * size and breaks and "\n" not in content:
            end, start = min(breaks, key=lambda cut: abs(cut[0] - len(content) / 2))
            text.set_text(content[:end] + "\n" + content[start:])
            text.set_multialignment(text.get_horizontalalignment())
            fitting = fitting_size(text)
        text.set_fontsize(max(MIN_FONT_SIZE, min(size, fitting)))


def _is_cjk(chars: str) -> bool:
    """Tells whether every character is a Chinese ideograph or CJK punctuation."""
    return all("\u2e80" <= char <= "\u9fff" or "\uff00" <= char <= "\uffef" for char in chars)


def _fraction(value: float, low: float, high: float) -> float:
    """Returns where `value` sits on the scale, 0 at `low` and 1 at `high`, clamped."""
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _number(value: float | None) -> str:
    """Formats a score as people write it: 34, 3.5, or "–" when not scored."""
    if value is None:
        return NOT_SCORED
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}"


def _scale_ticks(low: float, high: float) -> list[float]:
    """Returns at most nine evenly spaced round numbers from `low` to `high` inclusive."""
    span = high - low
    for step in (1, 2, 4, 5, 8, 10, 20, 25, 50, 100):
        if span / step <= 8 and (span / step).is_integer():
            return [low + i * step for i in range(int(span / step) + 1)]
    return [low + span * i / 4 for i in range(5)]


def _draw_hexagon(
    figure: Figure,
    family: list[str],
    labels: Sequence[str],
    values: Sequence[float | None],
    low: float,
    high: float,
    *,
    bottom: float,
) -> list[Text]:
    """Draws the radar chart (rings, spokes, the filled profile, values); returns the labels."""
    # The side labels stick out sideways, so the width (room for "Investigative (I)" on both
    # sides) sets the hexagon's size; the box shrinks vertically to keep the aspect equal.
    ax: Axes = figure.add_axes((0.02, bottom, 0.96, 0.88 - bottom))
    ax.set_xlim(-1.72, 1.72)
    ax.set_ylim(-1.35, 1.35)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()

    count = len(labels)
    # Clockwise from the top, the way the Holland hexagon is usually drawn.
    angles = [math.pi / 2 - 2 * math.pi * i / count for i in range(count)]
    cos = [math.cos(a) for a in angles]
    sin = [math.sin(a) for a in angles]

    ticks = _scale_ticks(low, high)
    if len(ticks) > 5:  # a ring at every tick would crowd the middle; keep about four
        ticks = sorted({*ticks[:: math.ceil((len(ticks) - 1) / 4)], high})
    # Scale numbers go where the first two axes' ring edges meet a bisecting line, away from
    # the spokes where the profile's own numbers sit. The centre (`low`) gets no number: it
    # would sit among the lowest scores' numbers, and the rings already imply it.
    between = math.pi / 2 - math.pi / count
    middle = math.cos(math.pi / count)  # distance of an edge's midpoint from the centre
    for tick in ticks[1:]:
        r = _fraction(tick, low, high)
        ring_x = [r * c for c in cos] + [r * cos[0]]
        ring_y = [r * s for s in sin] + [r * sin[0]]
        ax.plot(ring_x, ring_y, color=GRID, linewidth=1.2 if tick == high else 0.8, zorder=1)
        ax.text(
            r * middle * math.cos(between),
            r * middle * math.sin(between),
            _number(tick),
            ha="left",
            va="bottom",
            fontsize=9,
            color=MUTED,
            family=family,
            zorder=2,
        )

    for i, value in enumerate(values):
        ax.plot(
            [0, cos[i]],
            [0, sin[i]],
            color=GRID,
            linewidth=0.8,
            linestyle="-" if value is not None else (0, (3, 3)),
            zorder=1,
        )

    # Unscored axes are left out of the polygon, which joins the neighbours around them.
    scored = [(i, _fraction(v, low, high)) for i, v in enumerate(values) if v is not None]
    if scored:
        xs = [r * cos[i] for i, r in scored]
        ys = [r * sin[i] for i, r in scored]
        ax.fill(xs, ys, facecolor=ACCENT_FILL, edgecolor=ACCENT, linewidth=2.5, zorder=3)
        ax.scatter(xs, ys, s=36, color=ACCENT, zorder=4)

    label_texts: list[Text] = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        halign = "center" if abs(cos[i]) < 0.1 else ("left" if cos[i] > 0 else "right")
        valign = "center" if abs(sin[i]) < 0.9 else ("bottom" if sin[i] > 0 else "top")
        label_text = ax.text(
            1.14 * cos[i],
            1.14 * sin[i],
            label,
            ha=halign,
            va=valign,
            fontsize=15,
            color=INK if value is not None else MUTED,
            family=family,
            parse_math=False,
            zorder=5,
        )
        label_texts.append(label_text)
        if value is None:
            reach = 0.5  # the dash sits mid-spoke, where a score would be
        else:
            r = _fraction(value, low, high)
            # Outside its vertex, unless that would run into the axis label: then inside.
            reach = r + 0.11 if r <= 0.8 else r - 0.13
        ax.text(
            reach * cos[i],
            reach * sin[i],
            _number(value),
            ha="center",
            va="center",
            fontsize=13,
            fontweight="bold",
            color=ACCENT if value is not None else MUTED,
            family=[LATIN_FONT],  # digits and a dash only; Noto Sans SC here has no bold
            # A white pad keeps grid lines and the profile's edge from running through it.
            bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"},
            zorder=6,
        )
    return label_texts


def _draw_bars(
    figure: Figure,
    family: list[str],
    labels: Sequence[str],
    values: Sequence[float | None],
    low: float,
    high: float,
    *,
    bottom: float,
) -> list[Text]:
    """Draws horizontal bars from `low`, each value at its bar's end; returns the labels."""
    height = figure.get_figheight()
    # Margins in inches: room for a long label on the left and the last number on the right.
    ax: Axes = figure.add_axes(
        (2.6 / BARS_WIDTH, bottom / height, 5.9 / BARS_WIDTH, 1 - (bottom + 1.0) / height)
    )
    rows = list(range(len(labels)))
    ends = [low if v is None else min(high, max(low, v)) for v in values]
    ax.barh(rows, [end - low for end in ends], left=low, height=0.6, color=ACCENT, zorder=3)
    ax.set_xlim(low, high)
    ax.set_ylim(len(labels) - 0.5, -0.5)  # first label on top
    ax.set_yticks([])
    ticks = _scale_ticks(low, high)
    ax.set_xticks(ticks)
    ax.set_xticklabels([_number(t) for t in ticks], family=family, fontsize=10, color=MUTED)
    ax.tick_params(axis="x", length=0, pad=6)
    ax.grid(axis="x", color=GRID, linewidth=0.8, zorder=0)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)
    ax.spines["bottom"].set_color(GRID)

    # Labels are plain texts rather than tick labels so that they can be measured (and
    # shrunk if a translation is too long) before the figure is drawn.
    label_texts: list[Text] = []
    for row, label, value, end in zip(rows, labels, values, ends, strict=True):
        colour = INK if value is not None else MUTED
        label_texts.append(
            ax.annotate(
                label,
                (0, row),
                xycoords=ax.get_yaxis_transform(),  # x in axes fractions, y in rows
                xytext=(-10, 0),
                textcoords="offset points",
                ha="right",
                va="center",
                fontsize=15,
                color=colour,
                family=family,
                parse_math=False,
                annotation_clip=False,
            )
        )
        ax.annotate(
            _number(value),
            (end, row),
            xytext=(6, 0),
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=14,
            fontweight="bold",
            color=colour,
            family=[LATIN_FONT],  # digits and a dash only; Noto Sans SC here has no bold
            annotation_clip=False,
            zorder=4,
        )
    return label_texts
