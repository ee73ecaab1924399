"""The yearly report as PDF: the web page's HTML and its print stylesheet, laid out by WeasyPrint.

One content, two media: what the page shows is what the PDF prints (A4, page numbers, the checklist
table on landscape pages).
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

from disclosure.core.pdf import build_pdf

STYLESHEET = "disclosure/css/report.css"


def build_report_pdf(html: str, *, base_url: str = "") -> bytes:
    """PDF bytes of the rendered report HTML."""
    sheet = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    return build_pdf(html, css=(sheet,), base_url=base_url)
