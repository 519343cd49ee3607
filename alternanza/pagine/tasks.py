"""Tasks of the portal pages: the heartbeat /healthz reads (alternanza.core.osservabilita)."""

import logging

from celery import shared_task

from alternanza.core.osservabilita import TASK_BATTITO, segna_battito

logger = logging.getLogger(__name__)


@shared_task(name=TASK_BATTITO, ignore_result=True, expires=120)
def battito() -> None:
    """Published by beat every minute, run by a worker of the default queue."""
    segna_battito()
    logger.info("heartbeat")
