"""An independent oracle for every KPI in the catalogue (shared/spec/kpis.md).

Each KPI is recomputed with pandas/numpy from the raw tables (plain SQL ``select … from
appointments`` etc., :mod:`tests.oracle.tables`), written from kpis.md, denials.md and
docs/formats/*; nothing here imports ``bot.kpi`` or ``storage.rollups``. A KPI function takes
the loaded :class:`~tests.oracle.tables.RawTables` and an :class:`~tests.oracle.frames.Ask`
(clinic or network, inclusive local-date period already capped at "today") and returns an
:class:`~tests.oracle.frames.Expected` (N, D, value, or "no data").

Modules: ``frames`` (types, SQL into pandas), ``tables`` (the raw tables), ``access`` and
``tna`` (scheduling), ``claims`` (remittance classification, claim KPIs), ``ledger`` (money
KPIs), ``experience`` (surveys, coding audits), ``inventory``; ``registry.ORACLES`` maps every
catalogue id to its function. ``check`` (test glue, the one module that calls the engine) asks
the engine and compares; ``networks`` says which generated network a test runs on.
"""
