"""The yearly report as PDF: the web page's HTML and print stylesheet, laid out by WeasyPrint.

One content, two media: what the page shows is what the PDF prints (A4, page numbers, the checklist
table on landscape pages). Fonts are the system's (Debian fonts-noto-cjk, installed by the Makefile)
and WeasyPrint embeds the subsets it uses; nothing is fetched over the network.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.staticfiles import finders

STYLESHEET = "disclosure/css/report.css"
# Chinese text needs a CJK face; the Noto families are what Debian's fonts-noto-cjk provides.
PDF_FONTS = """
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt; }
.report h1, .report h2, .report caption, .report th { font-family: "Noto Sans CJK SC", sans-serif; }
"""


def _no_network(url: str, *args, **kwargs):
    """Refuse every resource that is not embedded: a PDF must not depend on the network."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"外部资源不会被载入：{url[:80]}")


def build_report_pdf(html: str, *, base_url: str = "") -> bytes:
    """PDF bytes of the rendered report HTML."""
    from weasyprint import CSS, HTML

    sheet = Path(finders.find(STYLESHEET)).read_text(encoding="utf-8")
    return HTML(string=html, base_url=base_url or None, url_fetcher=_no_network).write_pdf(
        stylesheets=[CSS(string=sheet), CSS(string=PDF_FONTS)],
    )
