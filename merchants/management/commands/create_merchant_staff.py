from merchants.management.base import OperatorCommand
from merchants.selectors import tenant_get
from merchants.services import MERCHANT_STAFF_GROUP, merchant_staff_create


class Command(OperatorCommand):
    help = (
        f"Create a Django admin staff user working for one tenant (group {MERCHANT_STAFF_GROUP!r}) "
        "and print a generated one-time password."
    )

    def add_command_arguments(self, parser):
        parser.add_argument("code", help="Tenant code")
        parser.add_argument("email", help="The staff member's email; also the username")

    def run(self, *, code, email, **options):
        new_staff = merchant_staff_create(tenant=tenant_get(code=code), email=email)
        return {
            "tenant": code,
            "username": new_staff.user.get_username(),
            "email": new_staff.user.email,
            "password": new_staff.password,
        }

    def text(self, data):
        return (
            f"Created staff user {data['username']} for tenant {data['tenant']}.\n"
            f"  password: {data['password']}   (shown only now; hand it over safely and have it changed)\n"
            "  sign in at /admin/"
        )
