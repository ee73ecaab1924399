"""Bar charts drawn as inline SVG on the server: no script, no CDN, allowed by the CSP, printable."""

from __future__ import annotations

from typing import Any


def chart_bars(rows: list[dict[str, Any]], *, width: int = 640, bar: int = 18, label_width: int = 190):
    """Geometry for a horizontal bar chart drawn as inline SVG (no script, prints as is)."""
    peak = max((r["value"] for r in rows), default=0) or 1
    span = width - label_width - 60
    return {
        "width": width,
        "height": len(rows) * (bar + 6) + 6,
        "label_width": label_width,
        "bars": [
            {
                "label": r["label"],
                "value": r["value"],
                "y": 6 + i * (bar + 6),
                "text_y": 6 + i * (bar + 6) + bar - 4,
                "w": round(span * r["value"] / peak, 1),
                "value_x": label_width + round(span * r["value"] / peak, 1) + 6,
                "h": bar,
            }
            for i, r in enumerate(rows)
        ],
    }
