from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from disclosure.access import views as security_views
from disclosure.backoffice import views as board_views

admin.site.site_header = f"{settings.DISCLOSURE['UNIVERSITY_NAME']}信息公开管理"
admin.site.site_title = "信息公开管理"
admin.site.index_title = "管理首页"

urlpatterns = [
    path("admin/otp/verify/", security_views.otp_verify, name="otp_verify"),
    path("admin/otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("admin/board/", admin.site.admin_view(board_views.deadline_board), name="deadline_board"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("disclosure.api.urls")),
    path("", include("disclosure.site.urls")),
]

# A database outage outside a view is answered with the Chinese 503 page, not a 500.
handler500 = "disclosure.core.middleware.server_error"
