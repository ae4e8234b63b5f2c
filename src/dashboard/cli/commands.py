"""Every command of `python -m dashboard` but `serve`, added to the main parser in the order `--help`
lists them; each group module defines its commands' arguments beside their implementations.
"""

from __future__ import annotations

from dashboard.cli import fiches, plan, reports, suivi, users

COMMANDS = (plan.add_validate_plan, reports.add_summary, suivi.add_template, suivi.add_import, suivi.add_history,
            suivi.add_rollback, reports.add_deck, fiches.add_fiche, fiches.add_fiches, plan.add_plan, users.add_parser)


def add_commands(sub) -> None:
    """Add every command (its arguments and the function it runs) to the main parser's subcommands."""
    for add in COMMANDS:
        add(sub)
