"""`/papers stats`' chart, drawn with matplotlib (the ``[stats]`` extra) on the headless Agg backend.

matplotlib is imported when a chart is first drawn, not when paperbot starts: without the extra
everything else works and the command says how to install it. The core draws in a worker thread
(the first import takes about a second), so this uses the object API (``Figure`` + ``FigureCanvasAgg``),
never ``pyplot``'s global state: two charts drawn at once cannot draw into each other.
"""
from __future__ import annotations

import io
from typing import Any

from bot.stats import ChannelStats, ChartUnavailableError
from bot.usecases.stats import INSTALL_HINT

WIDTH, HEIGHT, DPI = 10.0, 7.0, 100  # 1000 × 700 px
LABEL_CHARS = 40


def _label(text: str) -> str:
    """A topic or channel name as plain text: shortened, and ``$`` escaped (matplotlib reads ``$…$`` as math)."""
    short = text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"
    return short.replace("$", r"\$")


def _matplotlib() -> tuple[Any, Any]:
    try:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure
    except ImportError:
        raise ChartUnavailableError(INSTALL_HINT) from None
    return Figure, FigureCanvasAgg


class MatplotlibCharts:
    """:class:`bot.ports.ChartRenderer` with matplotlib: papers and 👍/👎 per week above, top topics below."""

    def render(self, stats: ChannelStats) -> bytes:
        figure_type, canvas_type = _matplotlib()
        fig = figure_type(figsize=(WIDTH, HEIGHT), dpi=DPI, layout="constrained")
        canvas_type(fig)
        weekly, topics = fig.subplots(2, 1, height_ratios=(3, 2))
        labels = [w.week_start.strftime("%d %b") for w in stats.weeks]
        x = list(range(len(labels)))
        width = 0.27
        weekly.bar([i - width for i in x], [w.posted for w in stats.weeks], width, label="papers posted", color="#4c72b0")
        weekly.bar(x, [w.up for w in stats.weeks], width, label="liked (thumbs up)", color="#55a868")
        weekly.bar([i + width for i in x], [w.down for w in stats.weeks], width, label="disliked (thumbs down)", color="#c44e52")
        weekly.set_xticks(x, labels)
        weekly.set_xlabel("week starting (UTC)")
        weekly.yaxis.get_major_locator().set_params(integer=True)
        weekly.margins(y=0.3)  # headroom for the legend above the tallest bar
        weekly.legend(loc="upper center", ncols=3)
        weekly.set_title(f"What {_label(stats.channel_name)} read, week by week")
        if stats.topics:
            names = [_label(name) for name, _ in reversed(stats.topics)]
            topics.barh(names, [count for _, count in reversed(stats.topics)], color="#8172b3")
            topics.xaxis.get_major_locator().set_params(integer=True)
            topics.set_title("Top topics of the papers posted")
        else:
            topics.set_axis_off()
            topics.text(0.5, 0.5, "no topics on the papers posted", ha="center", va="center")
        out = io.BytesIO()
        fig.savefig(out, format="png")
        return out.getvalue()
