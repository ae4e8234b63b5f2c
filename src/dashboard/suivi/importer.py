"""The import flow shared by the page and the command line: read and check an uploaded follow-up
workbook (`followup`), plan what it would change against the store — its stamp's values, conflicts
with other imports, every line before → after (`merge`, `store.prepare`) — then, confirmed and without
a problem, an undecided conflict or an unacknowledged warning, write it in one transaction
(`store.apply_plan`, which plans again under the write lock). The demonstration data are never
counted beside real data and leave in the import's own transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy.engine import Engine

from dashboard.suivi import followup, merge, store


@dataclass(frozen=True)
class ImportOutcome:
    """One pass of the import flow: the checked report, the planned lines and conflicts, the batch (if written).

    demo: demonstration batches were active; the import removes them (dry run) or removed them.
    warnings_accepted: the user said the warnings were checked (else nothing is written).
    sources: who stored the values the plan names (import id -> porteur, compte, utilisateur, date…).
    """

    report: object  # followup.ImportReport
    counts: store.Counts | None = None
    batch_id: int | None = None
    dry_run: bool = True
    demo: bool = False
    warnings_accepted: bool = False
    plan: merge.ImportPlan = field(default_factory=merge.ImportPlan)
    sources: pd.DataFrame | None = None
    porteur: str | None = None  # who provided the file (the stamp's porteurs, or chosen at upload)
    state: tuple | None = None  # the store's state_key read before the dry run (see `checked`)

    @property
    def ok(self) -> bool:
        return not self.report.problems

    @property
    def conflicts(self) -> tuple[merge.Conflict, ...]:
        """Conflicts not decided yet: nothing is written while there is one."""
        return self.plan.undecided

    @property
    def n_warnings(self) -> int:
        """The file's doubtful values, and the stored values a file without stamp would replace."""
        return len(self.report.warnings) + len(self.plan.overwrites)

    @property
    def needs_acknowledgement(self) -> bool:
        """Warnings the user has not acknowledged: the import would not be written."""
        return bool(self.n_warnings) and not self.warnings_accepted

    @property
    def empty_file(self) -> bool:
        return self.ok and self.report.n_values == 0

    def message(self) -> str:
        """What happened, in French (one or two sentences)."""
        r, c = self.report, self.counts
        name = r.file_name
        if r.problems:
            n = len(r.problems)
            return (f"« {name} » : {n} problème{'s' if n > 1 else ''} à corriger dans le classeur ; "
                    "rien n'a été importé.")
        if self.empty_file:
            return (f"« {name} » ne contient aucune valeur à importer (toutes les cellules à remplir sont vides) : "
                    "rien n'a été importé. Vérifiez que c'est bien le fichier rempli.")
        years = ", ".join(str(y) for y in r.annees)
        removed = f"{c.removed} retirée(s), " if c.removed else ""
        figures = (f"{c.new} valeur(s) nouvelle(s), {c.changed} modifiée(s), {removed}{c.unchanged} inchangée(s), "
                   f"{c.ignored} ignorée(s)")
        n_c = len(self.conflicts)
        if n_c:
            return (f"« {name} » ({years}) : {n_c} conflit{'s' if n_c > 1 else ''} à décider — des valeurs que ce "
                    "fichier change ont aussi été changées par un autre import depuis l'envoi du modèle ; rien n'a "
                    f"été importé. Pour le reste : {figures}.")
        if c.nothing_to_do:
            if c.same_file:
                return (f"« {name} » ne change rien ({figures}) : il a déjà été importé (import n° {c.same_file}). "
                        "Aucun nouvel import n'est créé.")
            return (f"« {name} » ne change rien ({figures}) : ses valeurs sont celles du modèle envoyé ou celles "
                    "déjà dans le suivi. Aucun nouvel import n'est créé.")
        n_w = self.n_warnings
        warned = f" ; {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier" if n_w else ""
        if self.batch_id is None and not self.dry_run and self.needs_acknowledgement:
            return (f"« {name} » : {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier ; rien n'a été "
                    "importé. Vérifiez chaque valeur signalée, corrigez le classeur si besoin, puis confirmez "
                    "que les valeurs sont justes.")
        if self.batch_id is None:
            demo = (" Les données de démonstration seront retirées au moment de l'import, dans la même opération."
                    if self.demo else "")
            return f"Vérification de « {name} » ({years}) : aucune erreur{warned} ; {figures}.{demo}"
        demo = " Les données de démonstration ont été retirées." if self.demo else ""
        return f"Import n° {self.batch_id} enregistré ({name}, {years}) : {figures}.{demo}"


def import_workbook(engine: Engine, data, plan, *, file_name: str | None = None, user: str | None = None,
                    dry_run: bool = True, progress=None, accept_warnings: bool = False,
                    compte: str | None = None, porteur: str | None = None, conflits=None,
                    checked: ImportOutcome | None = None) -> ImportOutcome:
    """Read, check, plan and (unless dry_run or blocked) import a workbook.

    The one code path of the page and of `python -m dashboard import`. `conflits`: how conflicts are
    decided (`merge.FILE` / `merge.STORE` for all, or a mapping cell -> decision; None: undecided).
    `porteur`: who provided a file whose stamp names no porteur, or a file without stamp.
    `checked`: the dry run of this very file (same sha256): its report is not read and checked again,
    and while the store is as it was then, its plan is not made again either.
    Real data never sits beside the demonstration data: the plan is against the real data alone,
    and the import deletes the demo batches in its own transaction.
    """
    demo = store.demo_active(engine)
    current = None  # the real data, read once here when the file is read (last year's values, the dry run)
    state = store.state_key(engine)  # before reading: a later change makes the plan be made again
    reuse = None
    if checked is not None and checked.report.sha256 == hashlib.sha256(_bytes(data)).hexdigest():
        report = checked.report
        reuse = (checked.state, checked.plan) if checked.state is not None else None
    else:
        current = store.load_suivi(engine, real_only=True)
        report = followup.read_followup(data, plan, file_name=file_name, progress=progress, previous=current)
    # who provided the file: the porteurs its stamp names, else the one said at upload
    who = report.stamp.porteur_text if report.stamp is not None and report.stamp.porteurs else porteur
    if report.problems:
        return ImportOutcome(report, None, None, dry_run, demo, accept_warnings, porteur=who)
    if dry_run or (report.warnings and not accept_warnings):
        prepared, counts = store.prepare(engine, report, real_only=True, decisions=conflits,
                                         suivi=current)
        return _with_sources(engine, ImportOutcome(report, counts, None, dry_run, demo, accept_warnings,
                                                   prepared, porteur=who, state=state))
    # planned under the write lock: what another import did since the dry run is taken into account (a
    # new conflict blocks the write), and the counts told are exactly those recorded in the history
    batch_id, prepared, counts = store.apply_plan(
        engine, report, file_name=report.file_name, sha256=report.sha256, user=user, replace_demo=True,
        compte=compte, porteur=who, decisions=conflits, accept_overwrites=accept_warnings, reuse=reuse)
    return _with_sources(engine, ImportOutcome(report, counts, batch_id, dry_run, demo, accept_warnings,
                                               prepared, porteur=who))


def _bytes(data) -> bytes:
    return data if isinstance(data, bytes) else Path(data).read_bytes()


def _with_sources(engine: Engine, outcome: ImportOutcome) -> ImportOutcome:
    ids = outcome.plan.sources()
    if not ids:
        return outcome
    return replace(outcome, sources=store.imports_info(engine, ids))
