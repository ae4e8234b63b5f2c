"""The yearly follow-up: its workbook, its reading, its store.

Second input of the data's way, beside the plan (plan + suivi → metrics → present → pages):
`contract` names the workbook's sheets and columns; `template` writes the yearly workbook to fill;
`followup` reads an uploaded one into an `ImportReport` (every problem and warning at once, nothing
guessed), after `xlsx_scan` has checked the file's shape (zip bounds, hardened streaming XML),
each cell read by `cells` and each sheet checked row by row by `checks`; `store` keeps every import as a batch
(SQLite or PostgreSQL, one locked transaction per write, rollback); `demo` loads and removes the
demonstration data. Nothing here computes a figure or imports streamlit.
"""
