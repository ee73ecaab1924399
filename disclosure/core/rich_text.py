"""The rich-text editor of item bodies and the office's pages (django-prose-editor).

The editor offers what the sanitiser keeps (headings, lists, tables, links, bold, italic…), so a
paste from Word keeps its structure and loses on paste what saving would drop anyway (styles,
fonts, Office markup). What is posted is still cleaned by `sanitize_html` (nh3), here and again
when the model saves: a browser without the editor, or a hand-made request, gets no further. The
editor's scripts and styles are the package's static files, served by the portal itself.
"""

from __future__ import annotations

from django import forms
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import AdminProseEditorWidget

from disclosure.core.sanitize import sanitize_html

EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Underline": True,
    "Strike": True,
    "Subscript": True,
    "Superscript": True,
    # h1 is the page's own title.
    "Heading": {"levels": [2, 3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Link": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


class RichTextWidget(AdminProseEditorWidget):
    """The admin's prose editor, its menus named in Chinese."""

    @property
    def media(self):
        return super().media + forms.Media(js=["disclosure/admin/prose-editor-zh.js"])


def rich_text_formfield(**kwargs) -> ProseEditorFormField:
    """A form field with the editor; its value is cleaned by the portal's sanitiser."""
    field = ProseEditorFormField(extensions=dict(EDITOR_EXTENSIONS), sanitize=sanitize_html,
                                 widget=AdminProseEditorWidget, **kwargs)
    widget = RichTextWidget(attrs=field.widget.attrs)
    widget.config, widget.preset = field.widget.config, field.widget.preset
    field.widget = widget
    return field
