"""Background work for webhooks, through the task framework API (`django_tasks` backport of
Django 6's `django.tasks`; on Django 6 only the import changes). Run by `manage.py db_worker`.
"""

from django_tasks import task

from .services import deliveries_send_due, delivery_send


@task()
def webhook_deliver(*, tenant_id: int, delivery_id: int) -> str:
    """One attempt of one delivery, if it is due; a no-op otherwise (safe to run twice)."""
    attempt = delivery_send(tenant_id=tenant_id, delivery_id=delivery_id)
    if attempt is None:
        return "not due"
    return f"attempt {attempt.number}: {attempt.status_code or attempt.error}"


@task()
def webhook_deliver_due() -> int:
    """The sweep as a task: every due delivery no queued task covers (see `deliveries_send_due`)."""
    return deliveries_send_due()
