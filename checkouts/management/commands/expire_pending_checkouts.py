"""`manage.py expire_pending_checkouts [--batch-size N] [--json]` — for cron, every minute.

Fails checkouts left `pending` longer than PENDING_CHECKOUT_TTL, giving back their stock and
coupons (checkouts.expiry). Safe to run on several hosts at once.
"""

import json

from django.core.management.base import BaseCommand

from checkouts.expiry import checkout_expire_pending


class Command(BaseCommand):
    help = "Fail checkouts pending longer than PENDING_CHECKOUT_TTL and release their stock and coupons."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=100, help="Checkouts per transaction (default 100)")
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else")

    def handle(self, *args, **options):
        expired = checkout_expire_pending(batch_size=options["batch_size"])
        if options["json"]:
            self.stdout.write(json.dumps({"expired": expired}))
        elif options["verbosity"]:
            self.stdout.write(f"{expired} pending checkouts expired")
