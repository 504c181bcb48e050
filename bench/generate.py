"""Load N checkouts (default 1 000 000) with realistic carts into PostgreSQL, fast (COPY, not the API).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench .venv/bin/python bench/generate.py --checkouts 1000000

Creates (or reuses) tenant `benchshop` with a catalog, shipping methods and a coupon, plus a few
smaller tenants (`benchtwo`, `benchthree`) so isolation and tenant-first indexes matter. Carts are
priced by `carts.pricing` exactly as the service prices them; completed checkouts get an order and
a payment. Prints the test-mode credentials the load scripts use (written to var/bench.json).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "checkout_project.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-secret-key")
os.environ.setdefault("HTTPS_ONLY", "false")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from carts.models import CalculationType, Cart, CartItem, Coupon, DiscountType, Product, ShippingMethod  # noqa: E402
from carts.selectors import cart_json, cart_price  # noqa: E402
from checkout_project.jsonutil import MoneyJSONEncoder  # noqa: E402
from merchants.models import Tenant  # noqa: E402
from merchants.services import api_key_create, tenant_create  # noqa: E402

TENANTS = [("benchshop", 1.0), ("benchtwo", 0.05), ("benchthree", 0.05)]
CITIES = [("Berlin", "DE", "10115"), ("Hamburg", "DE", "20095"), ("Wien", "AT", "1010"), ("Zürich", "CH", "8001")]
FIRST = ["Peter", "Anna", "Jonas", "Mia", "Lukas", "Lea", "Ben", "Emma", "Paul", "Hannah"]
LAST = ["Priceless", "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner"]


def setup_tenant(code: str) -> tuple[Tenant, dict | None]:
    tenant = Tenant.objects.filter(code=code).first() or tenant_create(code=code, name=f"{code} GmbH")
    for i in range(40):
        Product.objects.get_or_create(
            tenant=tenant,
            sku=f"sku{i}",
            defaults={
                "name": f"Product {i}",
                "description": f"A realistic description of product {i} for the benchmark catalog.",
                "unit_price": Decimal(random.choice(["4.99", "12.50", "19.90", "25.00", "49.00", "100.00"])),
                "currency": "EUR",
                "stock_on_hand": 10**9,
                "tax_code": random.choice(["STD", "RED"]),
                "tax_rate": Decimal(random.choice(["19", "7"])),
            },
        )
    ShippingMethod.objects.get_or_create(
        tenant=tenant,
        method_id="UPS",
        zone_id="DE",
        defaults={"name": "UPS Standard", "amount": Decimal("10.00"), "currency": "EUR"},
    )
    Coupon.objects.get_or_create(
        tenant=tenant,
        code="WINTER10",
        defaults={
            "name": "Winter sale",
            "discount_type": DiscountType.PERCENT,
            "value": Decimal("10"),
            "calculation_type": CalculationType.BEFORE_TAX,
        },
    )
    return tenant, None


def cart_templates(tenant: Tenant, count: int = 200) -> list[dict]:
    """Priced carts in the API's cart shape, built through the real pricing code (then rolled back)."""
    from django.db import transaction

    products = list(Product.objects.filter(tenant=tenant))
    method = ShippingMethod.objects.get(tenant=tenant, method_id="UPS")
    templates = []
    with transaction.atomic():
        for i in range(count):
            cart = Cart.objects.create(
                tenant=tenant,
                mode="test",
                customer_id=f"template-{i}",
                currency="EUR",
                shipping_method=method,
                coupon_codes=["WINTER10"] if i % 3 == 0 else [],
            )
            for product in random.sample(products, random.randint(1, 5)):
                CartItem.objects.create(
                    tenant=tenant,
                    cart=cart,
                    product=product,
                    quantity=random.randint(1, 3),
                    unit_price=product.unit_price,
                )
            cart = (
                Cart.objects.select_related("shipping_method", "tenant")
                .prefetch_related("items__product")
                .get(pk=cart.pk)
            )
            templates.append(json.loads(json.dumps(cart_json(cart_price(cart=cart)), cls=MoneyJSONEncoder)))
        transaction.set_rollback(True)
    return templates


def copy_rows(table: str, columns: list[str], rows) -> None:
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row(row)


CHECKOUT_COLUMNS = [
    "id", "tenant_id", "mode", "cart_ref", "cart_snapshot", "customer_id", "customer_email", "customer",
    "addresses", "payment_methods", "shipping", "coupons", "status", "order_created", "checkout_completed",
    "retry_attempts", "failure_reason", "idempotency_key", "currency", "total", "order_id", "payment_id",
    "created_at", "modified_at", "version",
]  # fmt: skip
ORDER_COLUMNS = [
    "id", "tenant_id", "mode", "checkout_ref", "cart_ref", "customer_id", "customer_email", "status",
    "currency", "total", "snapshot", "created_at", "modified_at",
]  # fmt: skip
PAYMENT_COLUMNS = [
    "id", "tenant_id", "mode", "order_id", "provider", "method", "status", "amount", "currency",
    "transaction_id", "card_last4", "idempotency_key", "failure_reason", "created_at", "modified_at",
]  # fmt: skip


def generate(tenant: Tenant, count: int, templates: list[dict], batch: int = 20000) -> None:
    start = datetime.now(tz=UTC) - timedelta(days=365)
    step = timedelta(days=365) / max(count, 1)
    done = 0
    while done < count:
        n = min(batch, count - done)
        checkouts, orders, payments = [], [], []
        for i in range(done, done + n):
            template = random.choice(templates)
            cart_id = f"cart{secrets.token_hex(10)}"
            cart = dict(template, id=cart_id, yrn=f"urn:yaas:hybris:cart:cartId:{tenant.code};{cart_id}")
            customer_id = f"customer-{random.randint(1, max(count // 20, 10))}"
            first, last = random.choice(FIRST), random.choice(LAST)
            city, country, zip_code = random.choice(CITIES)
            address = {
                "contactName": f"{first} {last}",
                "street": "Hauptstraße",
                "streetNumber": str(random.randint(1, 200)),
                "zipCode": zip_code,
                "city": city,
                "country": country,
            }
            created = start + step * i
            roll = random.random()
            status = "created" if roll < 0.85 else ("failed" if roll < 0.95 else "pending")
            checkout_id = f"chk{secrets.token_hex(10)}"
            order_id = payment_id = None
            if status != "failed":
                order_id, payment_id = f"ord{secrets.token_hex(10)}", f"pay{secrets.token_hex(10)}"
                orders.append(
                    (order_id, tenant.pk, "test", checkout_id, cart_id, customer_id, "shopper@example.com",
                     "success" if status == "created" else "pending", "EUR", cart["totalPrice"],
                     json.dumps({"lines": [{"sku": it["product"]["sku"], "quantity": it["quantity"]} for it in cart["cartItems"]]}),
                     created, created)
                )  # fmt: skip
                payments.append(
                    (payment_id, tenant.pk, "test", order_id, "payment-gateway", "creditcard",
                     "success" if status == "created" else "failed", cart["totalPrice"], "EUR",
                     f"ch_test_{secrets.token_hex(10)}", "4242", f"{checkout_id}:{order_id}", "", created, created)
                )  # fmt: skip
            checkouts.append(
                (
                    checkout_id, tenant.pk, "test", cart_id, json.dumps(cart), customer_id, "shopper@example.com",
                    json.dumps({"id": customer_id, "email": "shopper@example.com", "firstName": first,
                                "lastName": last, "name": f"{first} {last}", "guest": False}),
                    json.dumps([address | {"type": "BILLING"}, address | {"type": "SHIPPING"}]),
                    json.dumps([{"provider": "payment-gateway", "method": "creditcard"}]),
                    json.dumps({"methodId": "UPS", "zoneId": "DE", "methodName": "UPS Standard", "amount": 10.0}),
                    json.dumps([{"code": "WINTER10", "status": "success"}] if cart["discounts"] else []),
                    status, status != "failed", status == "created", random.choice([0, 0, 0, 1, 2]),
                    "The card was declined" if status == "failed" else "", "", "EUR", cart["totalPrice"],
                    order_id, payment_id, created, created + timedelta(minutes=random.randint(0, 600)), 1,
                )
            )  # fmt: skip
        copy_rows("checkouts_order", ORDER_COLUMNS, orders)
        copy_rows("checkouts_payment", PAYMENT_COLUMNS, payments)
        copy_rows("checkouts_checkout", CHECKOUT_COLUMNS, checkouts)
        done += n
        print(f"  {tenant.code}: {done}/{count}", file=sys.stderr, end="\r")
    print(file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkouts", type=int, default=1_000_000, help="checkouts of the main tenant")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=os.environ.get("BENCH_CREDENTIALS") or str(ROOT / "var" / "bench.json"))
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("bench/generate.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    random.seed(args.seed)
    started = time.perf_counter()
    credentials = {}
    for code, share in TENANTS:
        tenant, _ = setup_tenant(code)
        templates = cart_templates(tenant)
        existing = (
            tenant
            and __import__("checkouts.models", fromlist=["Checkout"]).Checkout.objects.filter(tenant=tenant).count()
        )
        wanted = int(args.checkouts * share)
        if existing < wanted:
            generate(tenant, wanted - existing, templates)
        key = api_key_create(tenant=tenant, mode="test", name="bench")
        credentials[code] = {"accessKey": key.api_key.access_key, "accessSecret": key.access_secret}
    with connection.cursor() as cursor:
        # As autovacuum leaves a table some minutes after a bulk load: statistics and visibility
        # map (index-only scans) up to date, so every run measures the same steady state.
        for table in ("checkouts_checkout", "checkouts_order", "checkouts_payment", "carts_cart", "carts_cartitem"):
            cursor.execute(f"VACUUM ANALYZE {table}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(credentials, indent=2))
    print(json.dumps({"seconds": round(time.perf_counter() - started, 1), "credentials": args.out}))


if __name__ == "__main__":
    main()
