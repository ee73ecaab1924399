"""sitemap.xml: the public pages and every public item, nothing else."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from disclosure.catalogue.models import ChecklistCategory, ChecklistEntry, Department
from disclosure.items.models import DisclosureItem
from disclosure.site.models import Page


class StaticSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return ["disclosure:home", "disclosure:checklist", "disclosure:departments",
                "disclosure:opinion_create", "disclosure:published_opinions"]

    def location(self, name):
        return reverse(name)


class PageSitemap(Sitemap):
    changefreq = "monthly"

    def items(self):
        return Page.objects.published().order_by("slug")

    def lastmod(self, page):
        return page.updated_at


class ChecklistSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return [*ChecklistCategory.objects.order_by("number"), *ChecklistEntry.objects.order_by("number")]


class DepartmentSitemap(Sitemap):
    changefreq = "weekly"

    def items(self):
        return Department.objects.filter(active=True).order_by("code")


class ItemSitemap(Sitemap):
    changefreq = "monthly"
    limit = 5000

    def items(self):
        return (
            DisclosureItem.objects.public()
            .only("id", "published_at", "updated_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item):
        return item.last_updated_at


SITEMAPS = {
    "pages": StaticSitemap,
    "content": PageSitemap,
    "checklist": ChecklistSitemap,
    "departments": DepartmentSitemap,
    "items": ItemSitemap,
}
