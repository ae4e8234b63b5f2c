"""The command line behind `python -m dashboard`, one module per command group; each command calls the
same functions as the pages.

- common: the exit codes (0 done, 1 the input has problems, all listed in French, 2 usage error), the
  store and the plan a command works on, the writing of a produced file;
- plan: `validate-plan` and `plan import|history|diff|use` (the plan's versions in the store);
- suivi: `template`, `import`, `history`, `rollback` (the yearly follow-up);
- reports: `summary` and `deck` (the overview's figures, the comité's slides as a file);
- fiches: `fiche` and `fiches` (fiches action to print, A4 PDF);
- users: `users add|list|passwd|disable|enable|sessions|logout` (the accounts and their sessions);
- commands: every command's parser, in the order `--help` lists them.

`serve` is `dashboard.__main__`'s own, since it starts the web layer, which no command of this package
imports.
"""
