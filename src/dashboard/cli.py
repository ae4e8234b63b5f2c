"""The command implementations behind `python -m dashboard` (one function per command)."""

from __future__ import annotations

import argparse

OK, PROBLEMS, USAGE = 0, 1, 2


def validate_plan(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 2


def summary(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 3 (+ issue 4: --as-of, en_retard)


def template(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def import_file(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def history(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5


def rollback(args: argparse.Namespace) -> int:
    raise NotImplementedError  # issue 5
