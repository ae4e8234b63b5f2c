"""The import flow shared by the page and the command line: read and check an uploaded follow-up
workbook (`followup`), count what it would change (a dry run), then, confirmed and without a
problem or an unacknowledged warning, write it in one transaction (`store`). The demonstration data
are never counted beside real data and leave in the import's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from dashboard.suivi import followup, store


@dataclass(frozen=True)
class ImportOutcome:
    """One pass of the import flow: the checked report, the dry-run counts, the batch (if written).

    demo: demonstration batches were active; the import removes them (dry run) or removed them.
    warnings_accepted: the user said the report's warnings were checked (else nothing is written).
    """

    report: object  # followup.ImportReport
    counts: store.Counts | None = None
    batch_id: int | None = None
    dry_run: bool = True
    demo: bool = False
    warnings_accepted: bool = False

    @property
    def ok(self) -> bool:
        return not self.report.problems

    @property
    def needs_acknowledgement(self) -> bool:
        """Warnings the user has not acknowledged: the import would not be written."""
        return bool(self.report.warnings) and not self.warnings_accepted

    def message(self) -> str:
        """What happened, in French (one or two sentences)."""
        r, c = self.report, self.counts
        if r.problems:
            n = len(r.problems)
            return (f"« {r.file_name} » : {n} problème{'s' if n > 1 else ''} à corriger dans le classeur ; "
                    "rien n'a été importé.")
        years = ", ".join(str(y) for y in r.annees)
        figures = (f"{c.new} valeur(s) nouvelle(s), {c.changed} modifiée(s), {c.unchanged} inchangée(s), "
                   f"{c.ignored} ignorée(s)")
        if c.nothing_to_do:
            already = f" (import n° {c.same_file})" if c.same_file else ""
            return (f"« {r.file_name} » ne change rien ({figures}) : il a déjà été importé{already}. "
                    "Aucun nouvel import n'est créé.")
        n_w = len(r.warnings)
        warned = f" ; {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier" if n_w else ""
        if self.batch_id is None and not self.dry_run and self.needs_acknowledgement:
            return (f"« {r.file_name} » : {n_w} avertissement{'s' if n_w > 1 else ''} à vérifier ; rien n'a été "
                    "importé. Vérifiez chaque valeur signalée, corrigez le classeur si besoin, puis confirmez "
                    "que les valeurs sont justes.")
        if self.batch_id is None:
            demo = (" Les données de démonstration seront retirées au moment de l'import, dans la même opération."
                    if self.demo else "")
            return f"Vérification de « {r.file_name} » ({years}) : aucune erreur{warned} ; {figures}.{demo}"
        demo = " Les données de démonstration ont été retirées." if self.demo else ""
        return f"Import n° {self.batch_id} enregistré ({r.file_name}, {years}) : {figures}.{demo}"


def import_workbook(engine: Engine, data, plan, *, file_name: str | None = None, user: str | None = None,
                    dry_run: bool = True, progress=None, accept_warnings: bool = False,
                    compte: str | None = None) -> ImportOutcome:
    """Read, check, count and (unless dry_run, any problem, or unacknowledged warnings) import a workbook.

    The one code path of the page and of `python -m dashboard import`. Real data never sits beside
    the demonstration data: counts are against the real data alone, and the import deletes the
    demo batches in its own transaction.
    """
    current = store.load_suivi(engine)
    report = followup.read_followup(data, plan, file_name=file_name, progress=progress,
                                    previous=None if current.demo else current)
    if report.problems:
        return ImportOutcome(report, None, None, dry_run, current.demo, accept_warnings)
    if dry_run or (report.warnings and not accept_warnings):
        return ImportOutcome(report, store.diff(engine, report, real_only=True), None, dry_run, current.demo,
                             accept_warnings)
    # counted again under the write lock: what another import did meanwhile is taken into account,
    # and the counts told are exactly those recorded in the history
    batch_id, counts = store.apply_counted(engine, report, file_name=report.file_name, sha256=report.sha256, user=user,
                                     replace_demo=True, compte=compte)
    return ImportOutcome(report, counts, batch_id, dry_run, current.demo, accept_warnings)
