"""A real worker process for the lease tests: `python -m tests.outbox_child SECONDS MARKER_DIR`.

It runs Docflow's worker loop on the instance its environment names; each notify job first
writes <MARKER_DIR>/ran-<job id>-<pid> and then takes SECONDS, so a test can kill it mid-job.
"""
from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from docflow.config import load_settings
from docflow.outbox.worker import Worker
from docflow.services import Services


class SlowWorker(Worker):
    def __init__(self, services: Services, seconds: float, markers: Path) -> None:
        super().__init__(services)
        self.seconds, self.markers = seconds, markers

    def _notify(self, jobs):
        for job in jobs:
            (self.markers / f"ran-{job.id}-{os.getpid()}").touch()
        time.sleep(self.seconds)
        super()._notify(jobs)


def main() -> None:
    seconds, markers = float(sys.argv[1]), Path(sys.argv[2])
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    services = Services.from_settings(load_settings())
    worker = SlowWorker(services, seconds, markers)
    (markers / f"ready-{os.getpid()}").touch()
    worker.run_forever()


if __name__ == "__main__":
    main()
