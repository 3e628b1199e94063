"""Every job, in one explicit list (issue 17: a registry is a list, not an import side effect).

Each job module declares its ``SPECS``; adding a job is adding its module here.
"""

from __future__ import annotations

from jobs import alerts, digest, drop_folder, forecast, pdsa_reminders, retention
from jobs.context import JobSpec

JOBS: dict[str, JobSpec] = {
    spec.name: spec
    for module in (alerts, digest, drop_folder, forecast, pdsa_reminders, retention)
    for spec in module.SPECS
}
