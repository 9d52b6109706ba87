from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive.loadtest import Gunicorn, request_mix, run, to_json


class Command(BaseCommand):
    help = (
        "Belastningstest: en fast blanding af browsing og søgning mod gunicorn på denne maskine "
        "i et givent antal sekunder. Udskriver gennemløb, p50/p95/p99 og fejl."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", help="en kørende server på 127.0.0.1 (ellers startes gunicorn)"
        )
        parser.add_argument("--duration", type=float, default=60, help="sekunder (standard 60)")
        parser.add_argument("--rate", type=float, default=50, help="forespørgsler pr. sekund")
        parser.add_argument("--workers", type=int, default=16, help="samtidige klienter")
        parser.add_argument("--gunicorn-workers", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--json", help="skriv alle tal som JSON hertil")

    def handle(self, *args, **options):
        if options["url"] and not options["url"].startswith(("http://127.", "http://localhost")):
            raise CommandError("Kun servere på denne maskine (127.0.0.1/localhost) må belastes.")
        # As many requests as the run makes, so the mix does not cycle and repeat itself.
        mix = request_mix(options["seed"], max(2000, int(options["duration"] * options["rate"])))
        server = None if options["url"] else Gunicorn(options["gunicorn_workers"])
        url = options["url"] or server.url
        try:
            run(url, mix[:50], duration=2, rate=10, workers=4)  # warm caches and connections
            report = run(url, mix, options["duration"], options["rate"], options["workers"])
            rss = server.worker_rss_mb() if server else []
        finally:
            if server:
                server.stop()
        lat = report.latency_ms
        self.stdout.write(
            f"{report.requests} forespørgsler på {report.duration_s} s: "
            f"{report.throughput_rps}/s (heraf søgninger {report.searches_per_s}/s), "
            f"fejl {report.errors}, p50 {lat['p50']} ms, p95 {lat['p95']} ms, p99 {lat['p99']} ms"
        )
        for kind, figures in report.by_kind.items():
            self.stdout.write(
                f"  {kind:7} {figures['requests']:6} p50 {figures['p50']} p95 {figures['p95']} "
                f"p99 {figures['p99']} ms"
            )
        if rss:
            self.stdout.write(f"  gunicorn-workere RSS: {rss} MB")
        if options["json"]:
            Path(options["json"]).write_text(to_json(report, {"worker_rss_mb": rss}))
