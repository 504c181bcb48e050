"""Load the demo tenant `demoshop` (idempotent) and print what a newcomer needs to try the API."""

from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from carts.models import CalculationType, Cart, CartItem, Coupon, DiscountType, Product, ShippingMethod
from merchants.models import ApiKey, Mode, Tenant
from merchants.services import api_key_create, tenant_create

DEMO_TENANT = "demoshop"
DEMO_CUSTOMER = "customer-id-123"

PRODUCTS = [
    # sku, name, unit price, stock, tax code, tax rate
    ("sku3", "Reference sample product", "100.00", 50, "A400", "15"),
    ("mug", "Enamel mug", "12.50", 200, "STD", "19"),
    ("tshirt", "Organic T-shirt", "25.00", 80, "STD", "19"),
    ("book", "Field guide", "18.00", 30, "RED", "7"),
]
SHIPPING = [
    # method id, zone id, name, amount, free above
    ("UPS", "DE", "UPS Standard", "10.00", None),
    ("DHL", "DE", "DHL Paket", "4.99", "50.00"),
]


class Command(BaseCommand):
    help = "Create the demo tenant with products, shipping methods, a coupon and an open cart (idempotent)."

    def handle(self, *args, **options):
        with transaction.atomic():
            tenant = Tenant.objects.filter(code=DEMO_TENANT).first()
            if tenant is None:
                tenant = tenant_create(code=DEMO_TENANT, name="Demo Shop", default_currency="EUR")
            products = {}
            for sku, name, price, stock, tax_code, rate in PRODUCTS:
                products[sku], _ = Product.objects.get_or_create(
                    tenant=tenant,
                    sku=sku,
                    defaults={
                        "name": name,
                        "unit_price": Decimal(price),
                        "currency": "EUR",
                        "stock_on_hand": stock,
                        "tax_code": tax_code,
                        "tax_rate": Decimal(rate),
                    },
                )
            for method_id, zone_id, name, amount, free_above in SHIPPING:
                ShippingMethod.objects.get_or_create(
                    tenant=tenant,
                    method_id=method_id,
                    zone_id=zone_id,
                    defaults={
                        "name": name,
                        "amount": Decimal(amount),
                        "currency": "EUR",
                        "free_above": Decimal(free_above) if free_above else None,
                    },
                )
            Coupon.objects.get_or_create(
                tenant=tenant,
                code="THANKSGIVING10",
                defaults={
                    "name": "Thanks giving coupon for all orders",
                    "discount_type": DiscountType.FIXED,
                    "value": Decimal("10.00"),
                    "currency": "EUR",
                    "calculation_type": CalculationType.AFTER_TAX,
                    "min_order_value": Decimal("20.00"),
                },
            )
            cart = Cart.objects.filter(tenant=tenant, mode=Mode.TEST, customer_id=DEMO_CUSTOMER, status="OPEN").first()
            if cart is None:
                cart = Cart.objects.create(tenant=tenant, mode=Mode.TEST, customer_id=DEMO_CUSTOMER, currency="EUR")
            if not cart.items.exists():
                for sku, quantity in (("sku3", 1), ("mug", 2)):
                    CartItem.objects.create(
                        tenant=tenant,
                        cart=cart,
                        product=products[sku],
                        quantity=quantity,
                        unit_price=products[sku].unit_price,
                    )
            new_key = None
            if not ApiKey.objects.filter(tenant=tenant, mode=Mode.TEST, revoked_at__isnull=True).exists():
                new_key = api_key_create(tenant=tenant, mode=Mode.TEST, name="demo")

        out = self.stdout
        out.write(f"Demo tenant: {tenant.code} ({tenant.name}), currency {tenant.default_currency}")
        out.write(f"Products: {', '.join(products)}; shipping: UPS/DE, DHL/DE; coupon: THANKSGIVING10")
        out.write(f"Open test-mode cart {cart.id} for customer {DEMO_CUSTOMER}")
        out.write(
            f"A saas-token for that customer: .venv/bin/python manage.py mint_saas_token {DEMO_TENANT} {DEMO_CUSTOMER}"
        )
        if new_key is not None:
            out.write("Test-mode API key (the secret is shown only now):")
            out.write(f"  accessKey:    {new_key.api_key.access_key}")
            out.write(f"  accessSecret: {new_key.access_secret}")
            out.write("Try it:")
            out.write(
                f'  curl -s -H "accessKey: {new_key.api_key.access_key}" '
                f'-H "accessSecret: {new_key.access_secret}" '
                f"http://127.0.0.1:8000/api/v1/checkout-link/{DEMO_CUSTOMER}"
            )
        else:
            out.write("A test-mode API key already exists; its secret was shown when it was created.")
            out.write(f"Mint a new one with: .venv/bin/python manage.py create_api_key {DEMO_TENANT} --mode test")
