from merchants.management.base import OperatorCommand, iso_utc
from merchants.saas import mint_saas_token
from merchants.selectors import tenant_get

DEFAULT_TTL = 3600


class Command(OperatorCommand):
    help = (
        "Sign a saas-token for a customer with the tenant's saas passphrase, as the merchant's own login "
        "flow would (for trying the API and for tests)."
    )

    def add_command_arguments(self, parser):
        parser.add_argument("code", help="Tenant code")
        parser.add_argument("customer_id", help="The customer id (becomes the token's sub)")
        parser.add_argument("--ttl", type=int, default=DEFAULT_TTL, help=f"Seconds of validity (default {DEFAULT_TTL})")

    def run(self, *, code, customer_id, ttl, **options):
        tenant = tenant_get(code=code)
        token, expires_at = mint_saas_token(tenant=tenant, customer_id=customer_id, ttl_seconds=ttl)
        return {"tenant": tenant.code, "customerId": customer_id, "saasToken": token, "expiresAt": iso_utc(expires_at)}

    def text(self, data):
        return (
            f"saas-token for customer {data['customerId']} of {data['tenant']}, valid until {data['expiresAt']}:\n"
            f"{data['saasToken']}"
        )
