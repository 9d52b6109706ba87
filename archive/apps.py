from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "archive"
    verbose_name = "Arkiv"

    def ready(self):
        from archive import signals

        signals.connect()
