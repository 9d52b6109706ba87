import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from archive import versions
from perf.loadtest import API, PAGE, SEARCH, Gunicorn, repeat_share, request_mix, run, to_json


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
        parser.add_argument("--rate", type=float, default=60, help="forespørgsler pr. sekund")
        parser.add_argument(
            "--workers", type=int, default=64, help="samtidige klienter (forbindelser)"
        )
        parser.add_argument("--gunicorn-workers", type=int, default=2)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--warmup",
            type=float,
            default=60,
            help="sekunders trafik fra samme fordeling (andet frø) før målingen (standard 60)",
        )
        parser.add_argument("--json", help="skriv alle tal som JSON hertil")

    def handle(self, *args, **options):
        if options["url"] and not options["url"].startswith(("http://127.", "http://localhost")):
            raise CommandError("Kun servere på denne maskine (127.0.0.1/localhost) må belastes.")
        # As many requests as the run makes, so the mix does not cycle and repeat itself.
        rate, duration, warmup = options["rate"], options["duration"], options["warmup"]
        mix = request_mix(options["seed"], max(2000, int(duration * rate)))
        # A server in service has seen earlier traffic: the warm-up is the same distribution
        # drawn with another seed, so only naturally repeated requests find a warm cache.
        earlier = request_mix(options["seed"] + 1000, max(50, int(warmup * rate)))
        # Start cold: results cached by an earlier run (in Redis) would otherwise be found.
        versions.bump()
        server = None if options["url"] else Gunicorn(options["gunicorn_workers"])
        url = options["url"] or server.url
        try:
            run(url, earlier, max(2, warmup), rate if warmup else 10, options["workers"])
            report = run(url, mix, duration, rate, options["workers"])
            rss = server.worker_rss_mb() if server else []
        finally:
            if server:
                server.stop()
        lat = report.latency_ms
        searches = repeat_share(earlier, mix[: report.requests], (SEARCH, API))
        pages = repeat_share(earlier, mix[: report.requests], (PAGE,))
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
        self.stdout.write(
            f"  set før (højst så mange kan komme fra cachen): søgninger {searches:.0%}, "
            f"sider {pages:.0%}"
        )
        if rss:
            self.stdout.write(f"  gunicorn-workere RSS: {rss} MB")
        if options["json"]:
            extra = {"worker_rss_mb": rss, "search_repeat_share": searches}
            extra |= {"page_repeat_share": pages}
            cache = "redis" if os.environ.get("REDIS_URL") else "memory per process"
            extra |= {"warmup_s": warmup, "cache": cache}
            Path(options["json"]).write_text(to_json(report, extra))
