"""The plain-language reader (issue 18): a question in, a typed :class:`Reading` out.

Pure functions over a small :class:`Vocabulary` of the organisation (clinics, providers, payers,
the KPI catalogue's words, data dates); no database access, no language model. It reads what it
is sure of and asks back otherwise: a wrong reading is worse than a question.
"""

from bot.kpi.reader.read import read
from bot.kpi.reader.reading import Option, Reading
from bot.kpi.reader.vocab import Vocabulary

__all__ = ["Option", "Reading", "Vocabulary", "read"]
