from django.core.management.base import BaseCommand

from alerts.digests import send_alerts


class Command(BaseCommand):
    help = (
        "Byg og send e-mail-oversigterne: hver adresse får det nye siden sin seneste "
        "oversigt, og e-mails, der venter på et nyt forsøg, sendes, når det er tid. "
        "(Det samme gør baggrundsjobbet efter ALERTS_SCHEDULE.)"
    )

    def handle(self, *args, **options):
        summary = send_alerts()
        sent = summary.sent
        self.stdout.write(
            f"{summary.digests} oversigter med {summary.items} punkter; "
            f"sendt {sent.get('sent', 0)}, prøves igen {sent.get('retry', 0)}, "
            f"opgivet {sent.get('failed', 0)}, ubekræftet {sent.get('unconfirmed', 0)}."
        )
        if sent.get("retry") or sent.get("failed") or sent.get("unconfirmed"):
            raise SystemExit(1)
