from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from alerts import delivery, subscribing
from alerts.models import OutboxMessage, Subscriber, Subscription


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    fields = ["label", "kind", "status", "created", "confirmed_at", "ended_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ["email", "created", "last_digest_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "created", "last_digest_at"]
    inlines = [SubscriptionInline]


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["label", "kind", "status", "subscriber", "created", "confirmed_at"]
    list_filter = ["kind", "status"]
    search_fields = ["label", "subscriber__email", "case_number"]
    readonly_fields = [
        "subscriber",
        "kind",
        "params",
        "target",
        "label",
        "case_number",
        "created",
        "confirmed_at",
        "ended_at",
        "checked_through",
    ]
    # Read-only: a subscription starts only with its owner's confirmation.
    readonly_fields = [*readonly_fields, "status"]
    actions = ["end"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Afmeld"))
    def end(self, request, queryset):
        count = subscribing.end(queryset)
        self.message_user(
            request,
            ngettext("%(n)d abonnement afmeldt.", "%(n)d abonnementer afmeldt.", count)
            % {"n": count},
            messages.SUCCESS,
        )


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["subject", "to", "kind", "status", "attempts", "created", "sent_at"]
    list_filter = ["status", "kind"]
    search_fields = ["to", "subject", "message_id"]
    exclude = ["body_html"]
    readonly_fields = [
        field.name for field in OutboxMessage._meta.fields if field.name != "body_html"
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Send igen (ubekræftede og opgivne)"))
    def send_again(self, request, queryset):
        count = delivery.requeue(queryset)
        self.message_user(
            request,
            ngettext("%(n)d e-mail sættes i kø igen.", "%(n)d e-mails sættes i kø igen.", count)
            % {"n": count},
            messages.SUCCESS,
        )
