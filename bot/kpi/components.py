"""The KPI components kept in the ``kpi_daily`` roll-up: name → (feeds it depends on, RatioSpec).

A component is a ratio's daily Σn and Σd; the roll-up stores them per day at network, clinic,
provider and payer grain (``storage.rollups.refresh_components``). Every ratio KPI of the
implementation registry (:func:`bot.kpi.registry.every_impl`) is one, with the feeds of its
catalogue record (:attr:`bot.kpi.ratio.RatioKpi.feeds`); :data:`PARTS` adds the sums that are
part of a KPI but no KPI of their own (the claims submitted of the initial denial rate, the
usage value of inventory turns). Several KPIs share one: the net patient service revenue of days
in A/R is the denominator of ``write-off-rate``; the initial denial rate reads ``denial-rate``
(denials per day). ``feeds``: every feed whose load can change the component's rows (a change
to supply items re-prices expiry waste). Feed names are the ``FeedLoad.feed`` values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.kpi.base import RatioSpec
from bot.kpi.inventory import INVENTORY_USAGE
from bot.kpi.ratio import RatioKpi
from bot.kpi.registry import every_impl
from bot.kpi.revenue import CLAIMS_SUBMITTED


@dataclass(frozen=True)
class Component:
    name: str
    feeds: tuple[str, ...]
    spec: Callable[[], RatioSpec]


def _component(impl: RatioKpi) -> Component:
    return Component(impl.component or impl.kpi_id, impl.feeds, lambda: impl.spec)


#: sums a KPI reads that are no KPI of their own
PARTS = tuple(_component(part) for part in (CLAIMS_SUBMITTED, INVENTORY_USAGE))


def _all() -> list[Component]:
    out = [_component(impl) for impl in every_impl() if isinstance(impl, RatioKpi) and impl.component]
    return out + list(PARTS)


_CACHE: dict[str, Component] = {}


def components() -> dict[str, Component]:
    """All components by name (built once; the specs themselves are built on use)."""
    if not _CACHE:
        _CACHE.update({c.name: c for c in _all()})
    return _CACHE


def for_feed(feed: str) -> list[Component]:
    """The components a load of ``feed`` can change."""
    return [c for c in components().values() if feed in c.feeds]
