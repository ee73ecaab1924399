from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from disclosure import selectors
from disclosure.models import (
    Attachment,
    ChecklistCategory,
    ChecklistEntry,
    Department,
    DisclosureItem,
)


class HomeView(ListView):
    template_name = "disclosure/home.html"
    context_object_name = "items"

    def get_queryset(self):
        return selectors.list_public_items()[:10]


class ItemDetailView(DetailView):
    template_name = "disclosure/item_detail.html"
    context_object_name = "item"

    def get_object(self, queryset=None):
        try:
            return selectors.get_public_item(self.kwargs["pk"])
        except DisclosureItem.DoesNotExist as exc:
            raise Http404("该信息不存在或未公开。") from exc


class _FilteredList(ListView):
    template_name = "disclosure/item_list.html"
    context_object_name = "items"
    paginate_by = 20

    def get_context_data(self, **kwargs):
        return super().get_context_data(heading=self.heading(), **kwargs)


class EntryView(_FilteredList):
    def get_queryset(self):
        self.entry = get_object_or_404(ChecklistEntry, number=self.kwargs["number"])
        return selectors.list_public_items().filter(entries=self.entry)

    def heading(self):
        return str(self.entry)


class CategoryView(_FilteredList):
    def get_queryset(self):
        self.category = get_object_or_404(ChecklistCategory, number=self.kwargs["number"])
        return selectors.list_public_items().filter(entries__category=self.category).distinct()

    def heading(self):
        return str(self.category)


class DepartmentView(_FilteredList):
    def get_queryset(self):
        self.department = get_object_or_404(Department, code=self.kwargs["code"])
        return selectors.list_public_items().filter(department=self.department)

    def heading(self):
        return self.department.name


def download_attachment(request, pk: int):
    try:
        attachment = selectors.get_public_attachment(pk)
    except Attachment.DoesNotExist as exc:
        raise Http404("该附件不存在或未公开。") from exc
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name or attachment.file.name.rsplit("/", 1)[-1],
        content_type=attachment.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
