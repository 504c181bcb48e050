"""Catalog (products, shipping methods, coupons) and carts.

Money columns are Decimal with 4 places (enough for every ISO 4217 minor unit); rounding to the
currency happens only in `carts.pricing`.
"""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from checkout_project.ids import new_id
from merchants.models import Mode, Tenant

MONEY = {"max_digits": 19, "decimal_places": 4}


def new_cart_id() -> str:
    return new_id("cart")


class Product(models.Model):
    """A sellable item. The catalog is per tenant and shared by live and test mode."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    sku = models.CharField(max_length=64)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=5000)
    unit_price = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3)
    stock_on_hand = models.IntegerField(default=0)
    tax_code = models.CharField(max_length=32, blank=True)
    tax_rate = models.DecimalField(max_digits=7, decimal_places=4, default=Decimal("0"), help_text="Percent, e.g. 15.0")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "sku"], name="product_tenant_sku_uniq"),
            models.CheckConstraint(condition=Q(stock_on_hand__gte=0), name="product_stock_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="product_price_not_negative"),
        ]
        ordering = ["tenant", "sku"]

    def __str__(self) -> str:
        return f"{self.sku} ({self.tenant})"


class ShippingMethod(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    method_id = models.CharField(max_length=64, help_text="e.g. UPS")
    zone_id = models.CharField(max_length=64, help_text="e.g. DE")
    name = models.CharField(max_length=200)
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal("0"))])
    currency = models.CharField(max_length=3)
    free_above = models.DecimalField(**MONEY, null=True, blank=True, help_text="Free when the subtotal reaches this")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "method_id", "zone_id"], name="shipping_tenant_method_zone_uniq"),
        ]
        ordering = ["tenant", "method_id", "zone_id"]

    def __str__(self) -> str:
        return f"{self.method_id}/{self.zone_id}"


class DiscountType(models.TextChoices):
    PERCENT = "PERCENT", "Percent"
    FIXED = "FIXED", "Fixed amount"


class CalculationType(models.TextChoices):
    BEFORE_TAX = "ApplyDiscountBeforeTax", "Before tax (tax on the discounted amount)"
    AFTER_TAX = "ApplyDiscountAfterTax", "After tax (taken off the gross)"


class Coupon(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    code = models.CharField(max_length=64)
    name = models.CharField(max_length=200, blank=True)
    discount_type = models.CharField(max_length=8, choices=DiscountType.choices)
    value = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal("0"))], help_text="Percent (0-100) or an amount"
    )
    currency = models.CharField(max_length=3, blank=True, help_text="Required for fixed-amount coupons")
    calculation_type = models.CharField(
        max_length=24, choices=CalculationType.choices, default=CalculationType.BEFORE_TAX
    )
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_to = models.DateTimeField(null=True, blank=True)
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    redemptions = models.PositiveIntegerField(default=0)
    min_order_value = models.DecimalField(**MONEY, null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "code"], name="coupon_tenant_code_uniq"),
            models.CheckConstraint(
                condition=Q(max_redemptions__isnull=True) | Q(redemptions__lte=models.F("max_redemptions")),
                name="coupon_redemptions_within_limit",
            ),
        ]
        ordering = ["tenant", "code"]

    def __str__(self) -> str:
        return self.code


class CartStatus(models.TextChoices):
    OPEN = "OPEN", "Open"
    CLOSED = "CLOSED", "Closed"


class Cart(models.Model):
    id = models.CharField(primary_key=True, max_length=40, default=new_cart_id, editable=False)
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    customer_id = models.CharField(max_length=128)
    site_code = models.CharField(max_length=64, default="main")
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=6, choices=CartStatus.choices, default=CartStatus.OPEN)
    coupon_codes = models.JSONField(default=list, blank=True)
    shipping_method = models.ForeignKey(
        ShippingMethod, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            # At most one open cart per customer, tenant and mode.
            models.UniqueConstraint(
                fields=["tenant", "mode", "customer_id"],
                condition=Q(status="OPEN"),
                name="cart_one_open_per_customer",
            ),
        ]
        indexes = [
            models.Index(fields=["tenant", "mode", "customer_id", "status"], name="cart_customer_idx"),
            models.Index(fields=["tenant", "mode", "-created_at"], name="cart_created_idx"),
        ]

    def __str__(self) -> str:
        return self.id


class CartItem(models.Model):
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    unit_price = models.DecimalField(**MONEY, help_text="Catalog price captured when the item was added")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tenant", "cart", "product"], name="cartitem_tenant_cart_product_uniq"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cartitem_quantity_positive"),
        ]
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"
