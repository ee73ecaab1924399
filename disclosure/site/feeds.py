"""Atom feeds of the latest public items: site-wide and per checklist category."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape

from disclosure.catalogue.models import ChecklistCategory
from disclosure.core.hygiene import clean_text
from disclosure.core.institution import university_name
from disclosure.items import selectors

FEED_SIZE = 30


class LatestItemsFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        # The name as the office set it in 网站设置, like every page's header.
        return f"{university_name()}{settings.DISCLOSURE['SITE_NAME']} · 最新公开信息"

    def link(self):
        return reverse("disclosure:home")

    def subtitle(self):
        return "主动公开的最新信息"

    def items(self):
        return selectors.list_public_items()[:FEED_SIZE]

    # XML 1.0 cannot carry control characters: text already stored with one (written past `save()`)
    # is cleaned here too, or the whole feed would fail.
    def item_title(self, item):
        return clean_text(item.title)

    def item_description(self, item):
        # Summaries only: the feed never carries stored HTML.
        # Plain text inside Atom's type="html" summary: escaped, or readers would render it as markup.
        return escape(clean_text(item.summary or item.title))

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_updated_at

    def item_author_name(self, item):
        return clean_text(item.department.name)


class CategoryItemsFeed(LatestItemsFeed):
    def get_object(self, request, number):
        return get_object_or_404(ChecklistCategory, number=number)

    def title(self, obj):
        return clean_text(f"{super().title()} · {obj.name}")

    def link(self, obj):
        return obj.get_absolute_url()

    def items(self, obj):
        return selectors.list_public_items_in_category(obj)[:FEED_SIZE]
