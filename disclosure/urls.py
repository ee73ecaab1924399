from django.urls import path

from disclosure.views import portal

app_name = "disclosure"

urlpatterns = [
    path("", portal.HomeView.as_view(), name="home"),
    path("items/<int:pk>/", portal.ItemDetailView.as_view(), name="item"),
    path("attachments/<int:pk>/", portal.download_attachment, name="attachment"),
    path("checklist/<int:number>/", portal.EntryView.as_view(), name="entry"),
    path("categories/<int:number>/", portal.CategoryView.as_view(), name="category"),
    path("departments/<slug:code>/", portal.DepartmentView.as_view(), name="department"),
]
