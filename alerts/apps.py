from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "E-mail-abonnementer"

    def ready(self):
        from alerts import checks, sightings  # noqa: F401 - registers the system check

        sightings.connect_signals()
