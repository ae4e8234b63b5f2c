"""The database under everything the dashboard keeps: the follow-up, the plan's versions, the accounts.

- database: where the store lives (DASHBOARD_DB, the secrets file, else a SQLite file), the engine set
  up for concurrent writers, `writing` (one transaction holding the store's write lock), the tables
  created on first start, and the French message a user reads when the store cannot be used;
- tables: the tables of the follow-up (imports, values, templates, comités), of the plan's versions
  (and of when each became current), of the accounts and of the signed-in sessions (SQLAlchemy Core);
- migrations: the columns a newer version adds to a table of an existing store, and a new table
  filled from the older ones.

Lowest floor of the data's way: `plan.versions`, `suivi` and `acces` build on it; it imports nothing
else of the dashboard.
"""
