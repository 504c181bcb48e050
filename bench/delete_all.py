"""Delete-all of every checkout of one tenant through the API: wall time and the server's peak memory.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/delete_all.py

Destructive: run it last (`bench/generate.py` loads the rows again). The server runs one gunicorn
worker so its peak resident set size (VmHWM) is the request's own.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import urllib.request
from pathlib import Path

from common import ROOT, credentials, gunicorn

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_project.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("HTTPS_ONLY", "false")

import django  # noqa: E402

django.setup()

from checkouts.models import Checkout, Order  # noqa: E402


def rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [int(pid) for pid in children]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tenant", default="benchshop")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench-delete.json"))
    args = parser.parse_args()
    rows = Checkout.objects.filter(tenant__code=args.tenant, mode="test").count()
    orders = Order.objects.filter(tenant__code=args.tenant).count()
    creds = credentials(args.tenant)
    os.environ["GUNICORN_CMD_ARGS"] = "--timeout 600"
    with gunicorn(workers=1) as (base, process):
        [worker] = worker_pids(process.pid)
        # Warm the worker up (imports, connection) so the peak measured is the delete's.
        urllib.request.urlopen(base + "/readyz").read()  # noqa: S310 - loopback
        before = rss_kb(worker, "VmRSS")
        request = urllib.request.Request(f"{base}/checkout/{args.tenant}/checkouts", method="DELETE", headers=creds)
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:  # noqa: S310 - loopback
            status = response.status
        seconds = time.perf_counter() - started
        peak = rss_kb(worker, "VmHWM")
    remaining = Checkout.objects.filter(tenant__code=args.tenant, mode="test").count()
    summary = {
        "checkouts_deleted": rows - remaining,
        "status": status,
        "seconds": round(seconds, 1),
        "worker_rss_before_mb": round(before / 1024, 1),
        "worker_peak_rss_mb": round(peak / 1024, 1),
        "orders_kept": Order.objects.filter(tenant__code=args.tenant).count() == orders,
    }
    print(json.dumps(summary, indent=2))
    with open(args.out, "w") as fh:
        json.dump(summary, fh, indent=2)


if __name__ == "__main__":
    main()
