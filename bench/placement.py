"""Placement throughput: many concurrent clients placing orders, some on one hot product with
limited stock; then a consistency check (orders = stock sold, no negative stock, one charge per order).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/placement.py
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from decimal import Decimal

from common import ROOT, credentials, gunicorn, wrk

sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_project.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("HTTPS_ONLY", "false")

import django  # noqa: E402

django.setup()

from django.db.models import Count, Q  # noqa: E402

from carts.models import Cart, CartItem, Product  # noqa: E402
from checkouts.models import Checkout, Order, Payment, TestGatewayCharge  # noqa: E402
from merchants.models import Tenant  # noqa: E402


def prepare(tenant: Tenant, carts: int, hot_share: float, hot_stock: int, run: str) -> tuple[list[str], dict]:
    hot, _ = Product.objects.update_or_create(
        tenant=tenant,
        sku=f"hot-{run}",
        defaults={"name": "Hot product", "unit_price": Decimal("19.90"), "currency": "EUR", "stock_on_hand": hot_stock,
                  "tax_rate": Decimal("19"), "tax_code": "STD"},
    )  # fmt: skip
    plain, _ = Product.objects.update_or_create(
        tenant=tenant,
        sku=f"plain-{run}",
        defaults={"name": "Plain product", "unit_price": Decimal("9.90"), "currency": "EUR",
                  "stock_on_hand": 10**9, "tax_rate": Decimal("19"), "tax_code": "STD"},
    )  # fmt: skip
    rows = Cart.objects.bulk_create(
        [Cart(tenant=tenant, mode="test", customer_id=f"load-{run}-{i}", currency="EUR") for i in range(carts)]
    )
    every = max(1, round(1 / hot_share)) if hot_share else 0
    CartItem.objects.bulk_create(
        [
            CartItem(
                tenant=tenant,
                cart=cart,
                product=hot if every and i % every == 0 else plain,
                quantity=1,
                unit_price=(hot if every and i % every == 0 else plain).unit_price,
            )
            for i, cart in enumerate(rows)
        ]  # fmt: skip
    )
    return [c.pk for c in rows], {"hot": hot, "plain": plain, "start": {hot.pk: hot_stock, plain.pk: 10**9}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--carts", type=int, default=6000)
    parser.add_argument("--hot-share", type=float, default=0.25, help="share of carts holding the hot product")
    parser.add_argument("--hot-stock", type=int, default=150)
    parser.add_argument("--out", default=str(ROOT / "var" / "bench-placement.json"))
    args = parser.parse_args()

    tenant = Tenant.objects.get(code="benchshop")
    run = str(int(time.time()))
    cart_ids, products = prepare(tenant, args.carts, args.hot_share, args.hot_stock, run)
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
        fh.write("\n".join(cart_ids))
    creds = credentials()
    os.environ.update(
        CART_FILE=fh.name, WRK_THREADS="2", ACCESS_KEY=creds["accessKey"], ACCESS_SECRET=creds["accessSecret"],
        TENANT="benchshop",
    )  # fmt: skip
    with gunicorn(workers=args.workers) as (base, _):
        started = time.perf_counter()
        result = wrk(base + "/", duration=args.duration, connections=args.connections, threads=2,
                     script=str(ROOT / "bench" / "place_order.lua"))  # fmt: skip
        elapsed = time.perf_counter() - started

    orders = Order.objects.filter(tenant=tenant, cart_ref__in=cart_ids)
    success = orders.filter(status="success").count()
    sold = {
        p.pk: products["start"][p.pk] - Product.objects.get(pk=p.pk).stock_on_hand
        for p in (products["hot"], products["plain"])
    }
    hot_stock_now = Product.objects.get(pk=products["hot"].pk).stock_on_hand
    charges_per_order = (
        Payment.objects.filter(order__in=orders, status="success").values("order").annotate(n=Count("id"))
    )
    double_charges = sum(1 for row in charges_per_order if row["n"] > 1)
    ledger = TestGatewayCharge.objects.filter(idempotency_key__in=[
        f"{c}:{o}" for c, o in Checkout.objects.filter(tenant=tenant, cart_ref__in=cart_ids).exclude(order=None).values_list("pk", "order_id")
    ], status="succeeded").count()  # fmt: skip
    negative = Product.objects.filter(Q(stock_on_hand__lt=0)).count()
    summary = {
        "orders_per_second": round(success / args.duration, 1),
        "requests_per_second": round(result.requests_per_second, 1),
        "p50_ms": result.p50_ms,
        "p99_ms": result.p99_ms,
        "requests": result.total,
        "non_2xx": result.non_2xx,
        "orders": success,
        "units_sold": sum(sold.values()),
        "hot_units_sold": sold[products["hot"].pk],
        "hot_stock_left": hot_stock_now,
        "oversold": sum(sold.values()) != success or hot_stock_now < 0 or negative > 0,
        "double_charges": double_charges,
        "gateway_charges": ledger,
        "elapsed_s": round(elapsed, 1),
    }
    print(json.dumps(summary, indent=2))
    ok = not summary["oversold"] and double_charges == 0 and ledger == success
    print("consistency:", "OK" if ok else "FAILED")
    with open(args.out, "w") as out:
        json.dump(summary, out, indent=2)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
