"""How the portal's Celery tasks are named and routed: `<label>.<verb>` names, the queue set on the task.

A task that must run on a dedicated queue declares it with the custom option `coda` (e.g.
``@shared_task(name="report.genera", coda=CODA_PESANTE)``), and the one router below, named in
settings.CELERY_TASK_ROUTES, reads it. Celery's own `queue` task attribute is deprecated (it stops having
an effect in Celery 6, which wants task_routes), and routing by name pattern tied the queue to a naming
accident; a router that reads an attribute of the task keeps the choice next to the task's code.

A renamed task keeps its old name for one release with `vecchio_nome`: messages already in the broker
carry the old name, and a worker that does not know a name drops the message.
"""

from __future__ import annotations

from typing import Any

from celery import Task, current_app, shared_task

CODA_PESANTE = "pesanti"  # memory-hungry work (WeasyPrint PDFs, open-data exports): its own recycled worker


def instrada(
    name: str,
    args: Any = None,
    kwargs: Any = None,
    options: Any = None,
    task: Task | None = None,
    **_extra: Any,
) -> dict[str, str] | None:
    """The task router: the queue a task declares with `coda`, or None (the default queue)."""
    if task is None:  # a message sent by name (send_task): the registered task says where it goes
        task = current_app.tasks.get(name)
    coda = getattr(task, "coda", None)
    return {"queue": coda} if coda else None


def vecchio_nome(vecchio: str, nuovo: str) -> None:
    """Register the old name of a renamed task: its messages are handed on, unchanged, to the new name.

    The hand-over keeps the arguments and the task id (a report job recognises its own task by id), and
    the new task's options (queue, time limits, retries) apply, as they do to a message sent today.
    """

    def inoltra(self: Task, *args: Any, **kwargs: Any) -> str:
        return current_app.tasks[nuovo].apply_async(args, kwargs, task_id=self.request.id).id

    inoltra.__doc__ = f"Old name of {nuovo}, for the messages queued before the rename."
    shared_task(bind=True, name=vecchio, ignore_result=True)(inoltra)
