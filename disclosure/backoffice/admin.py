"""The outbox in the admin: the office sees mail that waits or failed, and sends it again."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from disclosure.access import policy
from disclosure.access.admin_base import DomainAdmin
from disclosure.backoffice import outbox
from disclosure.core.models import OutgoingMail


@admin.register(OutgoingMail)
class OutgoingMailAdmin(DomainAdmin):
    list_display = ["subject", "kind", "status", "attempts", "last_error", "created_at",
                    "next_attempt_at", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["subject"]
    date_hierarchy = "created_at"
    fields = ["kind", "to", "subject", "body", "status", "attempts", "last_error", "created_at",
              "next_attempt_at", "sent_at", "resent_by", "resent_at"]
    readonly_fields = fields
    actions = ["resend_selected"]

    def has_add_permission(self, request):
        # Mail is written only by the change it reports.
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        # Nothing is edited; the office's change permission is what the resend action asks for.
        return policy.is_office(request.user) and super().has_change_permission(request, obj)

    @admin.action(description="重新发送所选邮件", permissions=["change"])
    def resend_selected(self, request, queryset):
        done, problems = 0, []
        for mail in queryset:
            try:
                outbox.resend_mail(mail, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                problems.append(f"{mail.subject}：{'；'.join(getattr(error, 'messages', [str(error)]))}")
                continue
            # The admin's own log keeps who sent which mail again, and when.
            self.log_change(request, mail, "重新发送")
            done += 1
        if done:
            self.message_user(request, f"已将 {done} 封邮件重新排入发送队列。", messages.SUCCESS)
        for line in problems:
            self.message_user(request, line, messages.ERROR)
