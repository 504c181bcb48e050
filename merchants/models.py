from django.conf import settings
from django.db import models

from .validators import validate_tenant_code


class Mode(models.TextChoices):
    """The reference's "live status": credentials and data belong to exactly one mode."""

    LIVE = "live", "Live"
    TEST = "test", "Test"


class Scope(models.TextChoices):
    CHECKOUT_MANAGE = "checkout.checkout_manage"
    CHECKOUT_DELETE_ALL = "checkout.checkout_delete_all"
    CHECKOUT_LINK = "checkout.checkout_link"
    CART_MANAGE = "cart.cart_manage"
    PRODUCT_MANAGE = "product.product_manage"


ALL_SCOPES: tuple[str, ...] = tuple(Scope.values)


class Tenant(models.Model):
    """A merchant. `code` is the `{tenant}` path segment."""

    code = models.CharField(max_length=16, unique=True, validators=[validate_tenant_code])
    name = models.CharField(max_length=200)
    default_currency = models.CharField(max_length=3, default="EUR")
    locale = models.CharField(max_length=10, default="en", help_text="Locale for the hosted page, e.g. en or de_DE")
    # HS256 key the merchant signs saas-tokens with; it must be readable to verify them.
    saas_passphrase = models.CharField(max_length=128)
    return_url = models.URLField(blank=True, help_text="Where the receipt page sends the shopper back to")
    allow_invoice = models.BooleanField(default=True, help_text="Offer invoice payment on the hosted page")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class Membership(models.Model):
    """A staff user working for a tenant in the admin."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="membership_tenant_user_uniq")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.tenant}"


class ApiKey(models.Model):
    """A merchant credential. The secret is shown once and stored only as a SHA-256 hash.

    `access_key` is globally unique because authentication has to find the key before it knows
    the tenant; the key's prefix (`ak_test_`/`ak_live_`) names its mode.
    """

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="api_keys")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    name = models.CharField(max_length=100, blank=True)
    access_key = models.CharField(max_length=64, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "mode"], name="apikey_tenant_mode_idx")]

    def __str__(self) -> str:
        return self.access_key


class AccessToken(models.Model):
    """An OAuth bearer token from the client-credentials grant, stored as a SHA-256 hash."""

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="access_tokens")
    api_key = models.ForeignKey(ApiKey, on_delete=models.CASCADE, related_name="access_tokens")
    mode = models.CharField(max_length=4, choices=Mode.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tenant", "expires_at"], name="token_tenant_expires_idx")]

    def __str__(self) -> str:
        return f"token {self.pk} ({self.tenant})"
