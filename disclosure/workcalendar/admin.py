from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from disclosure.access.admin_base import DomainAdmin
from disclosure.workcalendar import services as calendar_services
from disclosure.workcalendar.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(DomainAdmin):
    list_display = ["date", "name", "is_workday", "source", "note"]
    list_filter = ["source", "is_workday"]
    search_fields = ["name", "note"]
    date_hierarchy = "date"

    def save_model(self, request, obj, form, change):
        try:
            moved = calendar_services.save_holiday(obj, by=request.user)
        except ValidationError as error:
            self.message_user(request, "；".join(error.messages), messages.ERROR)
            return
        if moved:
            self.message_user(request, f"已按新的节假日安排重算 {moved} 个未办结事项的期限。")

    def delete_model(self, request, obj):
        moved = calendar_services.delete_holiday(obj, by=request.user)
        if moved:
            self.message_user(request, f"已重算 {moved} 个未办结事项的期限。")
