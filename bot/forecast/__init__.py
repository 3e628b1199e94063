"""Look ahead (issue 20): no-show risk per appointment and demand against capacity.

Pure domain code on pandas frames; storage reads live in ``storage.forecast_queries``.
"""
