"""`manage.py deliver_due_webhooks [--limit N] [--json]` — the webhook sweep, for cron.

Sends every delivery that is due and not covered by a running worker (after a crash, a lost
enqueue, or when no worker runs). Safe to run on several hosts at once: deliveries are claimed.
"""

import json

from django.core.management.base import BaseCommand

from webhooks.services import deliveries_send_due


class Command(BaseCommand):
    help = "Attempt every webhook delivery that is due (run it from cron every minute)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=500, help="At most this many attempts (default 500)")
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else")

    def handle(self, *args, **options):
        attempted = deliveries_send_due(limit=options["limit"])
        if options["json"]:
            self.stdout.write(json.dumps({"attempted": attempted}))
        elif options["verbosity"]:
            self.stdout.write(f"{attempted} webhook deliveries attempted")
