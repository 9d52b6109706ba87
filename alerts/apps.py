from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "E-mail-abonnementer"

    def ready(self):
        from alerts import checks, signals  # noqa: F401 - registers the system check

        signals.connect_signals()
