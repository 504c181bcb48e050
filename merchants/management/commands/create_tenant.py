from merchants.management.base import OperatorCommand
from merchants.services import tenant_create


class Command(OperatorCommand):
    help = "Create a tenant (merchant) and print its saas passphrase (shown once here)."

    def add_command_arguments(self, parser):
        parser.add_argument("code", help="The {tenant} path segment: ^[a-z][a-z0-9]+$, 3-16 characters")
        parser.add_argument("--name", required=True, help="Display name")
        parser.add_argument("--currency", default="EUR", help="Default ISO 4217 currency (default EUR)")

    def run(self, *, code, name, currency, **options):
        tenant = tenant_create(code=code, name=name, default_currency=currency)
        return {
            "tenant": tenant.code,
            "name": tenant.name,
            "currency": tenant.default_currency,
            "saasPassphrase": tenant.saas_passphrase,
        }

    def text(self, data):
        return (
            f"Created tenant {data['tenant']} ({data['name']}), currency {data['currency']}.\n"
            f"saas passphrase (HS256 key for saas-tokens; keep it secret): {data['saasPassphrase']}\n"
            f"Next: manage.py create_api_key {data['tenant']} --mode test"
        )
