"""HTML to PDF with WeasyPrint, for the documents the university signs (reports, letters).

Fonts are the system's (Debian fonts-noto-cjk, installed by the Makefile) and WeasyPrint embeds the
subsets it uses; no resource is fetched over the network, so a PDF never depends on it.
"""

from __future__ import annotations

# Chinese text needs a CJK face; the Noto families are what Debian's fonts-noto-cjk provides.
CJK_FONTS = """
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt; }
h1, h2, caption, th { font-family: "Noto Sans CJK SC", sans-serif; }
"""


def _no_network(url: str, *args, **kwargs):
    """Only data: URLs are read; anything else (http, file) is refused."""
    if url.startswith("data:"):
        from weasyprint.urls import default_url_fetcher

        return default_url_fetcher(url, *args, **kwargs)
    raise ValueError(f"外部资源不会被载入：{url[:80]}")


def build_pdf(html: str, *, css: tuple[str, ...] = (), base_url: str = "") -> bytes:
    """PDF bytes of `html`, styled by the CSS texts given (after the CJK fonts)."""
    from weasyprint import CSS, HTML

    sheets = [CSS(string=CJK_FONTS), *(CSS(string=text) for text in css)]
    return HTML(string=html, base_url=base_url or None, url_fetcher=_no_network).write_pdf(stylesheets=sheets)
