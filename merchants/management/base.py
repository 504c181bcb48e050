"""The shared shape of operator commands: a service call, friendly text or `--json`, exit 2 on bad input.

- `--json`: stdout is exactly one JSON object (one line), nothing else.
- A bad argument (argparse's or a service's ApiError) exits 2 with one line on stderr, and the
  command's writes are rolled back: nothing changed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from checkout_project.errors import ApiError

BAD_INPUT = 2


def iso_utc(moment: datetime) -> str:
    """ISO 8601 in UTC with a `Z`, e.g. 2030-01-01T12:00:00Z."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def one_line(exc: ApiError) -> str:
    reasons = [f"{d.field}: {d.message}" if d.field else d.message for d in exc.details]
    return "; ".join(reasons) if reasons else exc.message


class OperatorCommand(BaseCommand):
    """Subclasses add their arguments in `add_command_arguments`, do the work in `run` (returning
    the JSON object) and word it for humans in `text`."""

    def add_command_arguments(self, parser) -> None:  # pragma: no cover - every command has arguments
        pass

    def run(self, **options: Any) -> dict[str, Any]:
        raise NotImplementedError

    def text(self, data: dict[str, Any]) -> str:
        return "\n".join(f"{key}: {value}" for key, value in data.items())

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)

        def error(message: str):
            # One line instead of argparse's usage dump; `--help` still prints the usage.
            if parser.called_from_command_line:
                parser.exit(BAD_INPUT, f"{parser.prog}: error: {message} (see --help)\n")
            raise CommandError(f"Error: {message}", returncode=BAD_INPUT)

        parser.error = error
        return parser

    def add_arguments(self, parser) -> None:
        self.add_command_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print one JSON object and nothing else.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with transaction.atomic():
                data = self.run(**options)
        except ApiError as exc:
            raise CommandError(one_line(exc), returncode=BAD_INPUT) from None
        if options["json"]:
            self.stdout.write(json.dumps(data))
        else:
            self.stdout.write(self.text(data))
