"""`manage.py check --deploy`: alerts that would go nowhere in production."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.compatibility, deploy=True)
def email_configured(app_configs, **kwargs):
    problems = []
    if settings.EMAIL_BACKEND.endswith("console.EmailBackend"):
        problems.append(
            checks.Warning(
                "E-mail skrives kun i loggen (console backend): sæt EMAIL_URL "
                "(e-mail is only printed; set EMAIL_URL).",
                id="alerts.W001",
            )
        )
    if "localhost" in settings.DEFAULT_FROM_EMAIL or "127.0.0.1" in settings.SITE_URL:
        problems.append(
            checks.Warning(
                "DEFAULT_FROM_EMAIL og SITE_URL skal være de offentlige adresser "
                "(set DEFAULT_FROM_EMAIL and SITE_URL to the public addresses).",
                id="alerts.W002",
            )
        )
    return problems
