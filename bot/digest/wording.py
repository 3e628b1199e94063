"""The digest's wording: jinja2 templates (``bot/templates/digest/*.j2``), so an organisation can
change what it says without code. ``digest.templates`` in the org config names a folder whose
files replace the built-in ones of the same name (missing files fall back to the built-ins).

Every ``{{ … }}`` value is escaped for Slack mrkdwn (``&``, ``<``, ``>``: Slack's "Escaping text"
rules), so text typed by staff (idea titles) cannot inject mentions or links; the templates
themselves may use mrkdwn freely.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, TemplateNotFound

from bot.errors import ConfigurationError
from core.text import name_list

BUILTIN = Path(__file__).resolve().parents[1] / "templates" / "digest"


def slack_escape(value: Any) -> Any:
    """``&`` → ``&amp;``, ``<`` → ``&lt;``, ``>`` → ``&gt;`` in strings (Slack mrkdwn escaping)."""
    if isinstance(value, str):
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


@lru_cache(maxsize=8)
def environment(override: Path | None = None) -> Environment:
    """A jinja2 environment searching ``override`` first, then the built-in templates."""
    paths = [str(p) for p in (override, BUILTIN) if p is not None]
    env = Environment(loader=FileSystemLoader(paths), finalize=slack_escape, autoescape=False,
                      undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=True,
                      keep_trailing_newline=False, auto_reload=False)
    env.filters["plural"] = lambda n, one="", many="s": one if n == 1 else many
    env.filters["days_word"] = _days_word
    env.filters["names"] = name_list  # a list of any length within a budget (issue 13)
    return env


def _days_word(days: int) -> str:
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "due today"
    return f"in {days} day{'s' if days != 1 else ''}"


def render(name: str, override: Path | None = None, **values: Any) -> str:
    """Render template ``name`` (e.g. ``"alerts.j2"``) without its empty lines (lines holding
    only ``{% … %}`` tags leave empty lines behind; templates need not fight whitespace).

    Raises:
        ConfigurationError: a template is missing or broken (naming it; an override folder that
            uses an unknown variable fails here, not silently).
    """
    try:
        text = environment(override).get_template(name).render(**values)
    except TemplateNotFound:
        raise ConfigurationError(f"digest template {name} not found (looked in {override or ''} {BUILTIN})") from None
    except Exception as exc:  # jinja2 syntax/undefined errors: name the template, not a trace
        raise ConfigurationError(f"digest template {name}: {type(exc).__name__}: {exc}") from None
    return "\n".join(line.rstrip() for line in text.splitlines() if line.strip())
