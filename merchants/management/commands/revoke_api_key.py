from merchants.management.base import OperatorCommand, iso_utc
from merchants.selectors import api_key_get
from merchants.services import api_key_revoke


class Command(OperatorCommand):
    help = "Revoke an API key and every access token issued for it (idempotent)."

    def add_command_arguments(self, parser):
        parser.add_argument("access_key", help="The accessKey to revoke")

    def run(self, *, access_key, **options):
        api_key = api_key_revoke(api_key=api_key_get(access_key=access_key))
        return {
            "accessKey": api_key.access_key,
            "tenant": api_key.tenant.code,
            "mode": api_key.mode,
            "revokedAt": iso_utc(api_key.revoked_at),
        }

    def text(self, data):
        return f"Revoked {data['accessKey']} ({data['mode']}, tenant {data['tenant']}) at {data['revokedAt']}."
