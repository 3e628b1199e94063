"""``opsbot demo``: a fresh SQLite file, a generated clinic network, a guided terminal tour.

Every answer comes from the real bot: the tour drives the same Bolt app in-process through
:class:`devtools.asking.LocalSlack` (signed requests, a stand-in Slack capturing Web API calls) and
prints the Block Kit it would post, rendered as text (:mod:`bot.render_text`).

The tour is the :data:`TOUR` list: the KPI answers, then ideas and PDSA, alerts and the digest
(:mod:`devtools.demo.steps`). A feature adds itself with one line, e.g.::

    TOUR.append(slash("Ideas board", "/idea list", requires="handlers.ideas"))

A step whose ``requires`` module does not exist is skipped with a note; a step that fails prints
a clear note and the tour goes on (``run_demo`` returns the number of failed steps).
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

RULE = "═" * 72


@dataclass
class TourContext:
    """What steps get: the local Slack (``ask``/``click``), the seed report, an output dir."""

    local: Any
    report: Any
    out_dir: Path
    echo: Callable[[str], None]
    last_reply: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    state: dict[str, Any] = field(default_factory=dict)  # shared between steps (devtools.demo.steps)
    last_instant: datetime | None = None

    def now(self) -> datetime:
        """The tour's clock: the wall clock (naive UTC, to the second), never earlier than an instant
        it gave before. The bot stamps what a click or a command does with the wall clock too, so
        the steps that run a job themselves (alerts, digest) take their instant here: the data is
        loaded, then the alerts are evaluated and posted, then acknowledged, then the digest runs."""
        from storage.models import utcnow

        instant = utcnow().replace(microsecond=0)
        if self.last_instant is not None and instant < self.last_instant:
            instant = self.last_instant
        self.last_instant = instant
        return instant

    @property
    def spike(self) -> Any:
        return self.report.event("denial_spike")

    def ask(self, command: str) -> str:
        """Run a slash command; remember the last reply (for buttons); return it rendered."""
        from bot.render_text import render_reply

        result = self.local.command(command)
        replies = [r for r in result.replies if r.get("blocks") or r.get("text")]
        if not replies:
            raise RuntimeError(f"{command}: the bot posted nothing (ack: {result.ack_text!r})")
        self.last_reply = replies[-1]
        return "\n".join(render_reply(r) for r in replies)

    def click(self, action_id: str) -> Any:
        """Click the button ``action_id`` in the last reply; returns the ``AskResult``."""
        from devtools.signing import block_actions_payload

        for block in (self.last_reply or {}).get("blocks") or []:
            for el in block.get("elements") or []:
                if el.get("action_id") == action_id:
                    payload = block_actions_payload(action_id, el.get("value", ""), block_id=block.get("block_id", "b"),
                                                    response_url=self.local.standin.new_response_url())
                    return self.local.interact(payload)
        raise RuntimeError(f"no {action_id!r} button in the last reply")


@dataclass(frozen=True)
class Step:
    title: str
    run: Callable[[TourContext], str]
    requires: tuple[str, ...] = ()


TOUR: list[Step] = []


def step(title: str, *, requires: str | tuple[str, ...] = ()) -> Callable[[Callable[[TourContext], str]], Callable[[TourContext], str]]:
    """Decorator: append a step function to :data:`TOUR`."""
    def deco(fn: Callable[[TourContext], str]) -> Callable[[TourContext], str]:
        TOUR.append(Step(title, fn, (requires,) if isinstance(requires, str) else requires))
        return fn
    return deco


def slash(title: str, command: str | Callable[[TourContext], str], *, requires: str | tuple[str, ...] = ()) -> Step:
    """A step that runs one slash command (``command`` may depend on the seed report)."""
    return Step(title, lambda ctx: ctx.ask(command(ctx) if callable(command) else command),
                (requires,) if isinstance(requires, str) else requires)


# ---- the tour --------------------------------------------------------------------------
KPI = "handlers.kpi"
TOUR.append(slash("Every KPI at a glance: /kpi", "/kpi", requires=KPI))
TOUR.append(slash("No-show rate for one clinic, with its trend and SPC reading",
                  lambda c: f"/kpi no-show-rate clinic {c.spike.clinic_key} last 12 weeks", requires=KPI))
TOUR.append(slash("The same KPI broken down by clinic", "/kpi no-show-rate last 12 weeks by clinic", requires=KPI))


@step("Show chart: the SPC chart the bot uploads (saved as PNG)", requires=KPI)
def _chart(ctx: TourContext) -> str:
    ctx.ask(f"/kpi no-show-rate clinic {ctx.spike.clinic_key} last 12 weeks")
    result = ctx.click("kpi_chart")
    uploads = ctx.local.standin.uploads
    if not uploads:
        texts = [r.get("text", "") for r in result.replies]
        raise RuntimeError("no chart was uploaded" + (f": {texts}" if texts else ""))
    file_id, png = list(uploads.items())[-1]
    path = ctx.out_dir / "no-show-rate-chart.png"
    path.write_bytes(png)
    return f"Chart uploaded to the stand-in Slack ({len(png):,} bytes) and saved: {path}"


TOUR.append(slash("Denial rate by payer at the clinic with the planted spike (last 2 weeks)",
                  lambda c: f"/kpi denial-rate clinic {c.spike.clinic_key} last 14 days by payer", requires=KPI))
TOUR.append(slash("Days to third next available appointment, per clinic",
                  "/kpi third-next-available by clinic", requires=KPI))
TOUR.append(slash("Clean claim rate this month vs last month", "/kpi clean-claim-rate this month vs last month",
                  requires=KPI))
TOUR.append(slash("Days in A/R (HFMA net days)", "/kpi days-in-ar", requires=KPI))
TOUR.append(slash("Patient satisfaction (top box)", "/kpi patient-satisfaction last 3 months by clinic",
                  requires=KPI))
TOUR.append(slash("A definition, with numerator and denominator", "/kpi define denial-rate", requires=KPI))

# ---- ideas and PDSA (issue 5), alerts (issue 6), digest (issue 7): devtools.demo.steps ---------
from devtools.demo import improve as _improve  # noqa: E402  (issue 19)
from devtools.demo import steps as _s  # noqa: E402  (the steps live there to keep this module small)

IDEAS, ALERTS = ("handlers.ideas", "handlers.pdsa"), ("handlers.alerts", "devtools.demo.alerts")
TOUR += [
    Step("Ideas: a staff member types /idea and gets the improvement form", _s.idea_form, IDEAS),
    Step("Ideas: a draft that names a patient is refused before anything is stored", _s.idea_refused, IDEAS),
    Step("Ideas: the idea is saved, posted to the improvement channel and upvoted", _s.idea_posted, IDEAS),
    Step("Ideas: the manager reviews the idea and plans it", _s.idea_moved, IDEAS),
    Step("PDSA: a test of change is planned for the idea (/pdsa start)", _s.pdsa_start, IDEAS),
    Step("PDSA: the results are recorded and the change adopted (/pdsa update)", _s.pdsa_update, IDEAS),
    Step("Ideas: the idea with its whole history (/idea show)", _s.idea_show, IDEAS),
    Step("Alerts: this morning's check posts each problem to its clinic's alerts channel",
         _s.alerts_posted, ALERTS),
    Step("Alerts: the manager acknowledges the low-stock alert; the message updates in place",
         _s.alert_acknowledged, ALERTS),
    Step("Why it changed: the denial rise explained by payer and category; a PDSA idea started from the alert",
         _improve.why_and_act, ALERTS),
    Step("Daily digest: what each clinic's channel receives at 07:30", _s.digest, ("devtools.demo.digest",)),
]


# ---- running ---------------------------------------------------------------------------
def module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:
        return False


def run_tour(ctx: TourContext, steps: list[Step] | None = None) -> int:
    """Run every step; print its output or a note. Returns the number of failed steps."""
    failed = 0
    for n, s in enumerate(steps if steps is not None else TOUR, 1):
        ctx.echo(f"\n{RULE}\n{n}. {s.title}\n{RULE}")
        missing = [m for m in s.requires if not module_exists(m)]
        if missing:
            ctx.echo(f"(skipped: {', '.join(missing)} is not built yet)")
            continue
        started = time.perf_counter()
        try:
            ctx.echo(s.run(ctx))
        except Exception as exc:  # noqa: BLE001 - one step failing must not end the tour
            failed += 1
            ctx.notes.append(f"step {n} ({s.title}) failed: {type(exc).__name__}: {exc}")
            ctx.echo(f"!! this step failed: {type(exc).__name__}: {exc}")
            ctx.echo("".join(traceback.format_exception(exc)[-3:]).rstrip())
        else:
            ctx.echo(f"({time.perf_counter() - started:.1f} s)")
    return failed


def run_demo(database: Path | None = None, *, keep: bool = False, clinics: int = 6, days: int = 120,
             seed: int = 1, end_date: date | None = None, echo: Callable[[str], None] = print) -> int:
    """Migrate a fresh SQLite file, seed a network, run the tour. Returns the failed-step count.

    ``database``: the SQLite file to create (default: a temporary directory, removed afterwards
    unless ``keep``). An existing file is refused rather than overwritten. ``end_date``: the last
    day of history (default :func:`demo_end_date`, so the tour's clock never runs behind its data).
    """
    from bot.errors import UsageError

    tmp = None
    if database is None:
        tmp = tempfile.TemporaryDirectory(prefix="opsbot-demo-")
        database = Path(tmp.name) / "demo.db"
    elif database.exists():
        raise UsageError(f"{database} already exists; the demo needs a fresh file (give another --database)")
    out_dir = database.parent if not tmp or keep else Path(tempfile.mkdtemp(prefix="opsbot-demo-out-"))
    try:
        return _run(database, out_dir, clinics, days, seed, end_date or demo_end_date(), echo)
    finally:
        if tmp is not None and not keep:
            tmp.cleanup()
        elif tmp is not None:
            echo(f"\nKept the demo database: {database}")


def demo_end_date(wall: datetime | None = None) -> date:
    """The last day of generated history for a tour started at ``wall`` (naive UTC; default now):
    the latest day whose generation instant (:attr:`devtools.seed.SeedParams.now`, the next day
    06:00 UTC) is not after the wall clock, so nothing the tour then stamps — a load, an alert, a
    click — comes before the data it is about."""
    from devtools.seed import SeedParams
    from storage.models import utcnow

    wall = wall or utcnow()
    end = wall.date()
    while SeedParams(end_date=end).now > wall:
        end -= timedelta(days=1)
    return end


VALIDATE_ROWS = 2_000  # rows per feed re-checked with the importers' validation after seeding


def demo_org_config(sessions: Any, directory: Path) -> Path:
    """Write the tour's organisation YAML: the seeded clinics with alerts, improvement and digest
    channels (:func:`devtools.demo.steps.org_yaml`), the tour's user as their owner and as admin
    (``devtools.demo.local_org``). Returns the file to use as ``OPSBOT_CONFIG``."""
    import yaml
    from sqlalchemy import select

    from devtools.demo.local_org import LOCAL_USER, local_admin_config  # issue 8: the tour's user is the admin
    from devtools.demo.steps import org_yaml
    from storage.db import session_scope
    from storage.models import Clinic

    with session_scope(sessions) as s:
        clinics = [(c.key, c.name, c.timezone) for c in s.scalars(select(Clinic).order_by(Clinic.key))]
    base = directory / "opsbot-demo-org.yml"
    base.write_text(yaml.safe_dump(org_yaml(clinics, LOCAL_USER), sort_keys=False), encoding="utf-8")
    return local_admin_config(directory, base=base)


def _run(database: Path, out_dir: Path, clinics: int, days: int, seed: int, end: date,
         echo: Callable[[str], None]) -> int:
    from bot.pseudonym_key import require_pseudonym_key
    from bot.settings import load_settings
    from devtools.asking import LocalSlack
    from devtools.seed import SeedParams, seed_database
    from storage import migrate
    from storage.db import make_engine, make_session_factory, session_scope

    url = f"sqlite:///{database}"
    started = time.perf_counter()
    echo(f"Clinic Ops Bot demo — database {database}")
    migrate.upgrade(url)
    engine = make_engine(url)
    try:
        sessions = make_session_factory(engine)
        with session_scope(sessions) as session:
            # the demo's patients are synthetic: it uses the development key explicitly (issue 15)
            key = require_pseudonym_key(load_settings(DATABASE_URL=url), dev_switch=True)
            report = seed_database(session, SeedParams(clinics=clinics, days=days, seed=seed, end_date=end),
                                   pseudonym_key=key, validate_rows=VALIDATE_ROWS)
        echo("\n".join(report.lines()))
        settings = load_settings(DATABASE_URL=url, OPSBOT_CONFIG=str(demo_org_config(sessions, out_dir)))
        echo(f"Organisation config for the tour: {settings.opsbot_config}")
        with LocalSlack(settings, engine, sessions) as local:
            ctx = TourContext(local, report, out_dir, echo)
            failed = run_tour(ctx)
    finally:
        engine.dispose()
    echo(f"\n{RULE}\nTour finished in {time.perf_counter() - started:.1f} s: {len(TOUR) - failed} of {len(TOUR)} "
         f"steps ran without error.")
    for note in ctx.notes:
        echo(f"  - {note}")
    return failed
