"""The guided tour (``opsbot demo``): :mod:`devtools.demo.tour` lists the steps; the ideas, alerts,
digest and improvement steps live in :mod:`devtools.demo.steps`, :mod:`devtools.demo.ideas`,
:mod:`devtools.demo.alerts`, :mod:`devtools.demo.digest` and :mod:`devtools.demo.improve`; the
tour's organisation file in :mod:`devtools.demo.local_org`.
"""
