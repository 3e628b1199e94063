"""Pure Block Kit builders (CONVENTIONS §5); validated against Slack limits in ``limits``."""
