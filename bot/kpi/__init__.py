"""KPI engine: catalogue, grammar, periods, scope resolution and per-domain queries.

Entry points: ``bot.kpi.grammar.parse_kpi_command`` (text → ``KpiRequest``) and
``bot.kpi.engine.answer`` / ``list_kpis`` (request → typed answer, no Slack).
"""
