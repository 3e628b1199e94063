"""Who may see and do what: ``roles`` (config shape), ``policy`` (permissions → roles, the
decision), ``resolver`` (a user's grants, user groups cached), ``grants`` (roles granted in Slack),
``classify`` (what a request asks for), ``locate`` (which clinic it concerns), ``current`` (the
request being served), ``kpis`` (restricted KPI domains)."""
