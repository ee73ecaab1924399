"""/api/v1/: public open data, the staff API, the schema and its documentation page."""

from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("items", views.ItemViewSet, basename="item")
router.register("reports", views.ReportViewSet, basename="report")
router.register("staff/items", views.StaffItemViewSet, basename="staff-item")
router.register("staff/requests", views.StaffRequestViewSet, basename="staff-request")

urlpatterns = [
    path("checklist/", views.ChecklistView.as_view(), name="checklist"),
    path("departments/", views.DepartmentListView.as_view(), name="department-list"),
    path("channels/", views.ChannelListView.as_view(), name="channel-list"),
    path("export/items.csv", views.ItemCSVExportView.as_view(), name="export-items-csv"),
    path("export/items.json", views.ItemJSONExportView.as_view(), name="export-items-json"),
    path("export/checklist.csv", views.ChecklistCSVExportView.as_view(),
         name="export-checklist-csv"),
    path("export/checklist.json", views.ChecklistJSONExportView.as_view(),
         name="export-checklist-json"),
    path("requests/", views.RequestSubmitView.as_view(), name="request-submit"),
    path("requests/status/", views.RequestStatusView.as_view(), name="request-status"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.DocsView.as_view(), name="docs"),
    path("", RedirectView.as_view(pattern_name="api:docs"), name="root"),
    path("", include(router.urls)),
]
