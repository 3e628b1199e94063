"""Developer tooling, apart from the product code (issue 17): the synthetic-network generator
(:mod:`devtools.seed`), the local Slack stand-in (:mod:`devtools.standin`), requests signed as
Slack signs them (:mod:`devtools.signing`), the in-process harness behind ``opsbot ask``
(:mod:`devtools.asking`) and the guided tour (:mod:`devtools.demo`).

Nothing in ``bot``, ``handlers``, ``jobs``, ``storage`` or ``core`` imports this package, except
the command-line commands that expose it (``opsbot seed``, ``opsbot demo``, ``opsbot ask``),
which import it inside the command: the import-linter contract "Product code does not import
developer tooling" in ``pyproject.toml`` names them.
"""
