"""Bar charts of the yearly report as PNG images, for the Word file (the web page draws SVG).

Pillow draws them (already a dependency, no plotting library needed for horizontal bars). Chinese labels
need a CJK font: Debian's fonts-noto-cjk (installed by the Makefile), or the file named in
settings.DISCLOSURE["REPORT_CHART_FONT"]. Fonts are never downloaded.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.conf import settings

# (path, index of the Simplified Chinese face in the collection)
FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
]
SCALE = 2  # drawn at twice the size, so that the labels stay sharp when Word prints them
BAR_COLOUR = (176, 58, 46)


@lru_cache(maxsize=4)
def _font_file() -> tuple[str, int] | None:
    configured = settings.DISCLOSURE.get("REPORT_CHART_FONT")
    candidates = [(configured, 0)] if configured else []
    for path, index in [*candidates, *FONT_CANDIDATES]:
        if path and Path(path).is_file():
            return path, index
    return None


def charts_available() -> bool:
    """True when a font that draws Chinese is installed (else the .docx shows the figures as tables)."""
    return _font_file() is not None


def bar_chart_png(title: str, rows: list[dict[str, Any]], *, width: int = 640) -> bytes:
    """A horizontal bar chart of `rows` ({label, value}), titled, as PNG bytes."""
    from PIL import Image, ImageDraw, ImageFont

    path, index = _font_file()
    font = ImageFont.truetype(path, 13 * SCALE, index=index)
    bold = ImageFont.truetype(path, 15 * SCALE, index=index)
    w = width * SCALE
    bar, gap, top = 20 * SCALE, 7 * SCALE, 34 * SCALE
    labels = [str(r["label"]) if len(str(r["label"])) <= 16 else str(r["label"])[:15] + "…" for r in rows]
    label_width = min(int(max(font.getlength(t) for t in labels)) + 12 * SCALE, w // 2)
    value_room = int(font.getlength(str(max(r["value"] for r in rows)))) + 12 * SCALE
    span = w - label_width - value_room - 8 * SCALE
    peak = max(r["value"] for r in rows) or 1
    height = top + len(rows) * (bar + gap) + gap
    image = Image.new("RGB", (w, height), "white")
    draw = ImageDraw.Draw(image)
    draw.text((w // 2, 6 * SCALE), title, font=bold, fill="black", anchor="ma")
    for i, (row, label) in enumerate(zip(rows, labels, strict=True)):
        y = top + i * (bar + gap)
        length = round(span * row["value"] / peak)
        draw.text((label_width - 6 * SCALE, y + bar // 2), label, font=font, fill="black", anchor="rm")
        if length:
            draw.rectangle([label_width, y, label_width + length, y + bar], fill=BAR_COLOUR)
        draw.text((label_width + length + 6 * SCALE, y + bar // 2), str(row["value"]), font=font,
                  fill="black", anchor="lm")
    draw.line([label_width, top - gap, label_width, height - gap], fill=(120, 120, 120), width=SCALE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
