"""Statistical process control: qicharts2-exact charts, Anhøj runs rules and the alert policy.

    from bot.spc import p_chart, alert_signal
    chart = p_chart(denied_counts, claim_counts, baseline=slice(0, 12))
    signal = alert_signal(chart, min_baseline=12, labels=week_labels)

See ``bot/spc/charts.py`` for the input conventions (counts + denominators for p/pp/u).
"""

from bot.spc.charts import c_chart, i_chart, laney_p_chart, p_chart, run_chart, u_chart
from bot.spc.choose import choose_p_chart
from bot.spc.result import ChartResult, RunsAnalysis, SpcInputError
from bot.spc.runs import crossings_min, longest_run_max, runs_analysis
from bot.spc.signals import Signal, alert_blocker, alert_signal

CHARTS = {"run": run_chart, "p": p_chart, "pp": laney_p_chart, "u": u_chart, "c": c_chart,
          "i": i_chart}

__all__ = [
    "CHARTS", "ChartResult", "RunsAnalysis", "Signal", "SpcInputError", "alert_blocker",
    "alert_signal", "c_chart", "choose_p_chart", "crossings_min", "i_chart", "laney_p_chart",
    "longest_run_max", "p_chart", "run_chart", "runs_analysis", "u_chart",
]
