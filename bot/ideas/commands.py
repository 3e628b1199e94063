"""``/idea`` and ``/pdsa`` command text → typed requests (pure; usage errors carry help).

/idea                         open the idea form (any other text prefills its title)
/idea list [clinic] [state]   ideas, newest first
/idea show <id>
/idea status <id> <state> [reason]
/idea help
/pdsa start <idea id> | /pdsa update <cycle id> | /pdsa list [mine|clinic [key]] | /pdsa help
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UsageError
from bot.ideas.states import IdeaState, parse_state
from core.text import MAX_RECORD_ID, record_id

IDEA_HELP = (
    "*/idea* — open the idea form (text after it becomes the title, unless it holds a patient identifier)\n"
    "*/idea list [clinic] [state]* — ideas, newest first\n"
    "*/idea show <id>* — one idea with its history\n"
    "*/idea status <id> <state> [reason]* — move an idea (a reason is required for adopted, "
    "adapted, abandoned, declined)\n"
    "States: " + ", ".join(s.value for s in IdeaState) + "\n"
    "Never include patient names, record numbers or dates of birth."
)
PDSA_HELP = (
    "*/pdsa start <idea id>* — plan a PDSA cycle for an idea\n"
    "*/pdsa update <cycle id>* — record Do / Study / Act\n"
    "*/pdsa list [mine|clinic <key>]* — cycles, newest first"
)


@dataclass(frozen=True)
class IdeaCommand:
    verb: str  # open | list | show | status | help
    idea_id: int | None = None
    state: IdeaState | None = None
    reason: str | None = None
    clinic: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class PdsaCommand:
    verb: str  # start | update | list | help
    target_id: int | None = None
    scope: str = "mine"  # mine | clinic
    clinic: str | None = None


def _int(text: str | None, what: str, usage: str) -> int:
    value = record_id(text)
    if value is None:
        raise UsageError(f"Give the {what} as a number from 1 to {MAX_RECORD_ID:,} in plain digits, e.g. `{usage}`.")
    return value


def _take_state(words: list[str]) -> tuple[IdeaState | None, list[str]]:
    """A state from the front of ``words`` (one or two words), and the words left over."""
    for n in (2, 1):
        if len(words) >= n:
            try:
                return parse_state(" ".join(words[:n])), words[n:]
            except UsageError:
                continue
    return None, words


def parse_idea(text: str) -> IdeaCommand:
    """Raises:
        UsageError: a malformed sub-command (message includes the usage line)."""
    words = text.split()
    verb = words[0].lower() if words else ""
    if verb == "":
        return IdeaCommand("open")
    if verb == "help":
        return IdeaCommand("help")
    if verb == "show":
        return IdeaCommand("show", idea_id=_int(words[1] if len(words) > 1 else None, "idea id", "/idea show 12"))
    if verb == "status":
        usage = "/idea status 12 declined duplicate of #7"
        idea_id = _int(words[1] if len(words) > 1 else None, "idea id", usage)
        state, rest = _take_state(words[2:])
        if state is None:
            raise UsageError(f"Name the new state, e.g. `{usage}`. States: "
                             + ", ".join(s.value for s in IdeaState) + ".")
        return IdeaCommand("status", idea_id=idea_id, state=state, reason=" ".join(rest) or None)
    if verb == "list":
        rest, state = words[1:], None
        named: list[str] = []  # the clinic's words: a name may be typed without quotes
        while rest:
            found, left = _take_state(rest)
            if found is not None and state is None:
                state, rest = found, left
            else:
                named, rest = [*named, rest[0]], rest[1:]
        return IdeaCommand("list", clinic=" ".join(named) or None, state=state)
    return IdeaCommand("open", title=text.strip()[:150])


def parse_pdsa(text: str) -> PdsaCommand:
    """Raises:
        UsageError: a malformed sub-command (message includes the usage)."""
    words = text.split()
    verb = words[0].lower() if words else "help"
    if verb in ("start", "update"):
        what = "idea id" if verb == "start" else "cycle id"
        target = _int(words[1] if len(words) > 1 else None, what, f"/pdsa {verb} 12")
        return PdsaCommand(verb, target_id=target)
    if verb == "list":
        scope = words[1].lower() if len(words) > 1 else "mine"
        if scope not in ("mine", "clinic"):
            raise UsageError("Use `/pdsa list mine` or `/pdsa list clinic [key]`.")
        return PdsaCommand("list", scope=scope, clinic=" ".join(words[2:]) or None)
    if verb == "help":
        return PdsaCommand("help")
    raise UsageError("I did not understand that.\n" + PDSA_HELP)
