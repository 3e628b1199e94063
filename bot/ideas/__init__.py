"""Frontline improvement: ideas, their lifecycle and PDSA cycles (service layer, no Slack).

Modules: ``states`` (lifecycle rules), ``service`` (ideas), ``similar`` (duplicate finding),
``pdsa`` (cycles, chart marks), ``reminders`` (which stale cycles are due a nudge), ``commands``
(``/idea`` and ``/pdsa`` text parsing), ``permissions`` (the one place access is decided).
"""
