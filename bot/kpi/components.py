"""The KPI components kept in the ``kpi_daily`` roll-up: name → (feeds it depends on, RatioSpec).

A component is a ratio's daily Σn and Σd; the roll-up stores them per day at network, clinic,
provider and payer grain (``storage.rollups.refresh_components``). Several KPIs share one: the
net patient service revenue of days in A/R is the denominator of ``write-off-rate``; the
initial denial rate reads ``denial-rate`` (denials per day) and ``claims-submitted``.
``feeds``: every feed whose load can change the component's rows (a change to supply items
re-prices expiry waste). Feed names are the ``FeedLoad.feed`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import ColumnClause, literal_column

from bot.kpi.base import RatioSpec


@dataclass(frozen=True)
class Component:
    name: str
    feeds: tuple[str, ...]
    spec: Callable[[], RatioSpec]


def submitted_spec() -> RatioSpec:
    """Claims submitted per submission date (the initial denial rate's denominator base)."""
    from storage.models import Claim

    one: ColumnClause[Any] = literal_column("1")
    return RatioSpec(source=Claim.__table__, day=Claim.submitted_date, n=one, d=one,
                     dims={"clinic": Claim.clinic_id, "payer": Claim.payer_id},
                     where=(Claim.submitted_date.is_not(None),))


def _all() -> list[Component]:
    from bot.kpi import access, experience, inventory, revenue

    out = [Component(f"no-show-rate:{late}", ("appointments",), partial(access.no_show_spec, late))
           for late in ("denominator", "numerator", "excluded")]
    out += [
        Component("insurance-verification-rate", ("appointments",), access.verification_spec),
        Component("authorization-rate", ("appointments",), access.authorization_spec),
        Component("provider-utilization", ("slots",), access.utilization_spec),
        Component("clean-claim-rate", ("claims",), revenue.clean_claim_spec),
        Component("claims-submitted", ("claims",), submitted_spec),
        Component("denial-rate", ("remittances",), revenue.denial_spec),
        Component("first-pass-resolution", ("remittances",), revenue.first_pass_spec),
        Component("net-collection-rate", ("ledger",), revenue.net_collection_spec),
        Component("write-off-rate", ("ledger",), revenue.write_off_spec),
        Component("point-of-service-collection-rate", ("ledger",), revenue.pos_spec),
        Component("patient-satisfaction", ("surveys",), experience.satisfaction_spec),
        Component("coding-accuracy", ("coding_audits",), experience.coding_spec),
        Component("expiry-waste", ("inventory", "supply"), inventory.expiry_waste_spec),
        Component("inventory-usage", ("inventory", "supply"), inventory.usage_value_spec),
    ]
    return out


_CACHE: dict[str, Component] = {}


def components() -> dict[str, Component]:
    """All components by name (built once; the specs themselves are built on use)."""
    if not _CACHE:
        _CACHE.update({c.name: c for c in _all()})
    return _CACHE


def for_feed(feed: str) -> list[Component]:
    """The components a load of ``feed`` can change."""
    return [c for c in components().values() if feed in c.feeds]
