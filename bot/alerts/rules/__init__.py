"""Alert rules: pure functions from data snapshots (``bot.alerts.data``) to ``RuleResult``."""
