"""A small SVG line chart of projected rows per table over time (log scale), written by hand."""

from __future__ import annotations

import math
from html import escape
from typing import Any

COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def growth_svg(model: dict[str, Any], width: int = 640, height: int = 360) -> str:
    months = [0] + list(model["months"])
    series = [(t["table"], [0.0] + [float(t["rows"][m] or 0) for m in model["months"]]) for t in model["tables"]]
    series = [(name, values) for name, values in series if any(values)]
    left, right, top, bottom = 60, 150, 20, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([v for _, values in series for v in values] + [10])
    top_decade = math.ceil(math.log10(peak))
    last = months[-1] or 1

    def x(month: float) -> float:
        return left + plot_w * month / last

    def y(value: float) -> float:
        value = max(value, 1.0)
        return top + plot_h * (1 - math.log10(value) / top_decade)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
        '<title>Projected rows per table (log scale)</title>',
        f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>',
    ]
    for decade in range(top_decade + 1):
        value = 10**decade
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="#eee"/>')
        label = f"1e{decade}" if decade > 3 else f"{value:,}"
        parts.append(f'<text x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">{label}</text>')
    for month in months:
        parts.append(f'<text x="{x(month):.1f}" y="{top + plot_h + 16}" text-anchor="middle">{month}</text>')
    parts.append(f'<text x="{left + plot_w / 2:.1f}" y="{height - 6}" text-anchor="middle">months</text>')
    for number, (name, values) in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        points = " ".join(f"{x(m):.1f},{y(v):.1f}" for m, v in zip(months, values) if v > 0)
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        legend_y = top + 14 * number + 10
        parts.append(f'<line x1="{left + plot_w + 10}" x2="{left + plot_w + 28}" y1="{legend_y}" y2="{legend_y}" stroke="{colour}" stroke-width="2"/>')
        parts.append(f'<text x="{left + plot_w + 32}" y="{legend_y + 4}">{escape(name)}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
