"""Without Redis, the processes of one machine share a cache folder (config/settings.py):
what one gunicorn worker computed, the next one serves."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SHOW = """
import django, json, sys
django.setup()
from django.conf import settings
from django.core.cache import cache
if sys.argv[1] == "set":
    cache.set("shared", {"count": 42})
print(json.dumps({"backend": settings.CACHES["default"]["BACKEND"],
                  "location": settings.CACHES["default"].get("LOCATION", ""),
                  "value": cache.get("shared")}))
"""


def process(step: str, **env) -> dict:
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "0",
        "SECRET_KEY": "test-shared-cache-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "REDIS_URL": "",
        **env,
    }
    if "CACHE_DIR" not in env:
        environment.pop("CACHE_DIR", None)  # the default
    done = subprocess.run(
        [sys.executable, "-c", SHOW, step],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_production_processes_share_the_cache_folder(tmp_path):
    folder = str(tmp_path / "cache")
    first = process("set", CACHE_DIR=folder)
    second = process("get", CACHE_DIR=folder)
    assert first["backend"].endswith("FileBasedCache")
    assert second["value"] == {"count": 42}  # computed by the other process


def test_the_folder_is_the_production_default_and_debug_keeps_memory():
    assert process("get")["location"] == str(ROOT / "var" / "cache")
    debug = process("get", DEBUG="1")
    assert debug["backend"].endswith("LocMemCache")
    assert process("get", CACHE_DIR="")["backend"].endswith("LocMemCache")
