"""Scheduled alerts: rules (``rules/``), incidents (one message per incident, updated in place),
actions taken in Slack, and the evaluation entry point :func:`run_alerts`.

Rules and their parameters (defaults in ``config.py``; override in the org YAML ``alerts:``):
low_stock, expiring_lots, denial_spike, compliance, stale_data. A rule whose data is missing or
stale reports "no data" (severity ``no_data``) and never resolves anything.
"""
