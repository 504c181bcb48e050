"""HTTP throughput and latency of the read endpoints, side by side with the framework's own floor.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/endpoints.py [--duration 10]

`/healthz` (bare Django, no database) and `/readyz` (one database round trip) are measured in the
same run as the endpoints; every figure is also printed as a ratio to `/readyz`.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from common import ROOT, credentials, gunicorn, machine, wrk

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_project.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("HTTPS_ONLY", "false")

import django  # noqa: E402

django.setup()

from carts.models import Cart, CartItem, Product  # noqa: E402
from checkouts.models import Checkout  # noqa: E402
from merchants.models import Tenant  # noqa: E402

LINK_CUSTOMER = "bench-link-customer"


def link_cart(tenant: Tenant) -> None:
    """An open test-mode cart with items for the checkout-link endpoint."""
    cart, _ = Cart.objects.get_or_create(
        tenant=tenant, mode="test", customer_id=LINK_CUSTOMER, status="OPEN", defaults={"currency": "EUR"}
    )
    if not cart.items.exists():
        for product in Product.objects.filter(tenant=tenant)[:3]:
            CartItem.objects.create(
                tenant=tenant, cart=cart, product=product, quantity=1, unit_price=product.unit_price
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench-http.json"))
    args = parser.parse_args()

    tenant = Tenant.objects.get(code="benchshop")
    link_cart(tenant)
    total = Checkout.objects.filter(tenant=tenant, mode="test").count()
    some_id = (
        Checkout.objects.filter(tenant=tenant, mode="test")
        .order_by("created_at")
        .values_list("pk", flat=True)[total // 2]
    )
    last_page = max(1, -(-total // 16))
    headers = credentials()
    scenarios = [
        ("/healthz (bare Django)", "/healthz", {}),
        ("/readyz (SELECT 1)", "/readyz", {}),
        ("checkout link", f"/api/v1/checkout-link/{LINK_CUSTOMER}", headers),
        ("get one checkout", f"/checkout/benchshop/checkouts/{some_id}", headers),
        ("list page 1, pageSize 16", "/checkout/benchshop/checkouts?pageSize=16", headers),
        ("list page 1, pageSize 100", "/checkout/benchshop/checkouts?pageSize=100", headers),
        (
            f"list deep page {last_page - 1}",
            f"/checkout/benchshop/checkouts?pageSize=16&pageNumber={last_page - 1}",
            headers,
        ),
        (
            "list filtered + sorted",
            "/checkout/benchshop/checkouts?customerId=customer-7&orderCreated=true&sort=metadata.modifiedAt:desc",
            headers,
        ),
    ]
    results = {}
    with gunicorn(workers=args.workers) as (base, _):
        for name, path, hdrs in scenarios:
            wrk(base + path, headers=hdrs, duration=2, connections=args.connections)  # warm-up, not recorded
            result = wrk(base + path, headers=hdrs, duration=args.duration, connections=args.connections)
            results[name] = result
            print(f"{name:32} {result.requests_per_second:9.0f} req/s  p50 {result.p50_ms:7.2f} ms  "
                  f"p99 {result.p99_ms:7.2f} ms  non-2xx {result.non_2xx}", flush=True)  # fmt: skip
    floor = results["/readyz (SELECT 1)"].requests_per_second
    rows = [
        {
            "endpoint": name,
            "rps": round(r.requests_per_second),
            "p50_ms": r.p50_ms,
            "p99_ms": r.p99_ms,
            "ratio_to_readyz": round(r.requests_per_second / floor, 2),
            "non_2xx": r.non_2xx,
        }
        for name, r in results.items()
    ]
    print()
    print("| endpoint | req/s | p50 ms | p99 ms | × /readyz | non-2xx |")
    print("|---|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['endpoint']} | {row['rps']} | {row['p50_ms']:.2f} | {row['p99_ms']:.2f} | "
              f"{row['ratio_to_readyz']:.0%} | {row['non_2xx']} |")  # fmt: skip
    payload = {"machine": machine(), "checkouts": total, "duration_s": args.duration, "rows": rows}
    with open(args.out, "w") as fh:
        json.dump(payload, fh, indent=2)


if __name__ == "__main__":
    main()
