"""The yearly follow-up: its workbook, its reading, its store.

Second input of the data's way, beside the plan (plan + suivi → metrics → present → pages):

- the workbook: `contract` names its sheets and columns, `template` writes the yearly one to fill;
- its reading: `dashboard.xlsx_scan` checks an upload's shape (zip bounds, hardened streaming XML,
  the extent of every sheet; the plan's workbooks go through the same door), then
  `followup` reads it into an `ImportReport` (every problem and warning at once, nothing guessed),
  each cell read by `cells` and each sheet checked row by row by `checks`;
- its store: `store` keeps every import as a batch (SQLite or PostgreSQL, one locked transaction
  per write, rollback), on the connection and the tables of `dashboard.base`; `importer` is
  the upload's whole flow, shared by the page and the command line; `demo` loads and removes the
  demonstration data;
- its past: `temps` reads the store (and the plan's version) as it stood on a day and says the
  « situation au » of what is shown; `comites` keeps the days the comité met.

Nothing here computes a figure or imports streamlit.
"""
