import re

from merchants.management.base import OperatorCommand
from merchants.models import ALL_SCOPES
from merchants.selectors import tenant_get
from merchants.services import api_key_create


class Command(OperatorCommand):
    help = "Create an API key for a tenant and print accessKey and accessSecret (the secret is shown only now)."

    def add_command_arguments(self, parser):
        parser.add_argument("code", help="Tenant code")
        parser.add_argument("--mode", required=True, help="test or live: which data the key can see")
        parser.add_argument(
            "--scopes", nargs="+", metavar="SCOPE", help=f"Scopes to grant (default: all): {' '.join(ALL_SCOPES)}"
        )
        parser.add_argument("--name", default="", help="A label for the key, e.g. the system that uses it")

    def run(self, *, code, mode, scopes, name, **options):
        if scopes is not None:
            scopes = [s for item in scopes for s in re.split(r"[\s,]+", item) if s]  # also accept "a,b"
        new_key = api_key_create(tenant=tenant_get(code=code), mode=mode, scopes=scopes, name=name)
        api_key = new_key.api_key
        return {
            "tenant": api_key.tenant.code,
            "mode": api_key.mode,
            "name": api_key.name,
            "scopes": api_key.scopes,
            "accessKey": api_key.access_key,
            "accessSecret": new_key.access_secret,
        }

    def text(self, data):
        return (
            f"Created a {data['mode']}-mode API key for tenant {data['tenant']}.\n"
            f"  accessKey:    {data['accessKey']}\n"
            f"  accessSecret: {data['accessSecret']}   (shown only now; store it safely)\n"
            f"  scopes:       {' '.join(data['scopes']) or '(none)'}"
        )
