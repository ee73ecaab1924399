from django.conf import settings
from django.contrib import admin
from django.urls import include, path

admin.site.site_header = f"{settings.DISCLOSURE['UNIVERSITY_NAME']}信息公开管理"
admin.site.site_title = "信息公开管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("disclosure.urls")),
]
