"""The store's tables (SQLAlchemy Core).

The follow-up's (`metadata`, created by `database.ensure_schema` on first start): one row per import
batch, one row per imported value (indicator results, action statuses, money spent and staff time),
each value pointing at its batch, one row per template issued. The plan's versions (`plan_versions`,
a MetaData of its own, created by `plan.versions`): each workbook uploaded, one of them current.
The accounts (`comptes_metadata`: accounts and sign-in failures) and the signed-in sessions
(`sessions_metadata`), each a MetaData of its own, created by `acces` at first use: a read-only store
made before they existed still opens, without accounts.
"""

from __future__ import annotations

import sqlalchemy as sa

INDICATEUR_COLUMNS = ["indicateur_id", "annee", "resultat", "objectif", "commentaire", "source",
                      "date_resultat", "date_objectif"]


STATUT_COLUMNS = ["action_id", "annee", "statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"]


REALISE_COLUMNS = ["action_id", "annee", "depenses", "etp"]


metadata = sa.MetaData()


batches = sa.Table(
    "suivi_imports", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("file_name", sa.String(255), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("annees", sa.String(200), nullable=False, default=""),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("user_name", sa.String(100), nullable=False, default=""),
    sa.Column("n_new", sa.Integer, nullable=False, default=0),
    sa.Column("n_changed", sa.Integer, nullable=False, default=0),
    sa.Column("n_unchanged", sa.Integer, nullable=False, default=0),
    sa.Column("n_ignored", sa.Integer, nullable=False, default=0),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("demo", sa.Boolean, nullable=False, default=False),
    sa.Column("rolled_back_at", sa.DateTime, nullable=True),  # UTC
    # the signed-in account (login) that imported / rolled back; NULL without accounts (added to older stores)
    sa.Column("compte", sa.String(60), nullable=True),
    sa.Column("annule_par", sa.String(60), nullable=True),
    # who provided the file: the porteur(s) of its template's stamp, or chosen at upload (NULL: not said)
    sa.Column("porteur", sa.Text, nullable=True),
    sa.Column("modele_id", sa.String(32), nullable=True, index=True),  # the stamp's id, for a stamped file
    sa.Column("n_effaces", sa.Integer, nullable=True),  # values removed (« effacer ») by this import
)


# One row per template issued (downloaded or written by the command line): the collection status
# says which porteurs were sent a file and which returned one.
modeles = sa.Table(
    "suivi_modeles", metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # the stamp's id (uuid4 hex)
    sa.Column("annee", sa.Integer, nullable=False, index=True),
    sa.Column("porteur", sa.Text, nullable=True),  # porteurs joined by PORTEUR_SEP; NULL: every row of the plan
    sa.Column("emis_le", sa.DateTime, nullable=False),  # UTC
    sa.Column("emis_par", sa.String(100), nullable=False, default=""),
    sa.Column("compte", sa.String(60), nullable=True),
)


# The comité's meetings: the date of each (entered, or recorded when the deck is exported or presented),
# so that « depuis le dernier comité » knows since when.
comites = sa.Table(
    "suivi_comites", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("date", sa.Date, nullable=False, index=True),  # the meeting's day
    sa.Column("origine", sa.String(20), nullable=False, default="saisie"),  # saisie / export / présentation
    sa.Column("enregistre_le", sa.DateTime, nullable=False),  # UTC
    sa.Column("par", sa.String(100), nullable=False, default=""),
)


def _values_table(name: str, keys: list[sa.Column], fields: list[sa.Column]) -> sa.Table:
    return sa.Table(
        name, metadata,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("suivi_imports.id"), nullable=False, index=True),
        *keys, *fields,
        # the fields this row removes (« effacer » in the file), comma-separated; NULL: none
        sa.Column("effaces", sa.Text, nullable=True),
        sa.Index(f"ix_{name}_key", *[k.name for k in keys]),
    )


ind_values = _values_table(
    "suivi_indicateurs",
    [sa.Column("indicateur_id", sa.String(40), nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("resultat", sa.Float), sa.Column("objectif", sa.Float), sa.Column("date_resultat", sa.Date),
     sa.Column("date_objectif", sa.Date), sa.Column("commentaire", sa.Text), sa.Column("source", sa.Text)],
)


statut_values = _values_table(
    "suivi_statuts",
    [sa.Column("action_id", sa.Integer, nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("statut", sa.String(40)), sa.Column("debut_reel", sa.Date), sa.Column("fin_reelle", sa.Date),
     sa.Column("fin_revisee", sa.Date), sa.Column("commentaire", sa.Text)],
)


realise_values = _values_table(
    "suivi_realise",
    [sa.Column("action_id", sa.Integer, nullable=False), sa.Column("annee", sa.Integer, nullable=False)],
    [sa.Column("depenses", sa.Float), sa.Column("etp", sa.Float)],
)


# kind -> (table, key columns, value fields, French label of the kind)
KINDS = {
    "indicateurs": (ind_values, ["indicateur_id", "annee"],
                    ["resultat", "objectif", "date_resultat", "date_objectif", "commentaire", "source"],
                    "Indicateur"),
    "statuts": (statut_values, ["action_id", "annee"],
                ["statut", "debut_reel", "fin_reelle", "fin_revisee", "commentaire"], "Avancement"),
    "realise": (realise_values, ["action_id", "annee"], ["depenses", "etp"], "Réalisé"),
}


DATE_FIELDS = {"date_resultat", "date_objectif", "debut_reel", "fin_reelle", "fin_revisee"}


FLOAT_FIELDS = {"resultat", "objectif", "depenses", "etp"}


PORTEUR_SEP = " ; "  # several porteurs of one template or import, in one text column


# The plan's versions: a MetaData of their own, created beside the follow-up's by plan.versions.
versions_metadata = sa.MetaData()

plan_versions = sa.Table(
    "plan_versions", versions_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("file_name", sa.String(255), nullable=False, default=""),
    sa.Column("sha256", sa.String(64), nullable=False, index=True),
    sa.Column("size", sa.Integer, nullable=False, default=0),
    sa.Column("content", sa.LargeBinary, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("user_name", sa.String(100), nullable=False, default=""),
    sa.Column("is_current", sa.Boolean, nullable=False, default=False),
    sa.Column("made_current_at", sa.DateTime, nullable=True),  # UTC, the last time it became current
    sa.Column("made_current_by", sa.String(100), nullable=False, default=""),
)

# Every time a version became current (imported as the new current one, or `plan use`): which version
# was in force on a given date. A store made before this table gets one row per version from
# `made_current_at` (its last time only: migrations.fill_new_tables).
plan_courantes = sa.Table(
    "plan_courantes", versions_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("version_id", sa.Integer, sa.ForeignKey("plan_versions.id"), nullable=False, index=True),
    sa.Column("le", sa.DateTime, nullable=False, index=True),  # UTC
    sa.Column("par", sa.String(100), nullable=False, default=""),
)


# The accounts: their own MetaData, created beside the store's by acces.comptes (missing tables only).
comptes_metadata = sa.MetaData()

comptes = sa.Table(
    "acces_comptes", comptes_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("login", sa.String(60), nullable=False, unique=True),
    sa.Column("nom", sa.String(120), nullable=False, default=""),
    sa.Column("email", sa.String(254), nullable=True, unique=True),  # lower case; the OIDC key
    sa.Column("role", sa.String(10), nullable=False),
    sa.Column("actif", sa.Boolean, nullable=False, default=True),
    sa.Column("mot_de_passe", sa.String(255), nullable=True),  # argon2 hash; None: OIDC only
    sa.Column("cree_le", sa.DateTime, nullable=False),  # UTC
    sa.Column("derniere_connexion", sa.DateTime, nullable=True),  # UTC
)

echecs = sa.Table(
    "acces_echecs", comptes_metadata,
    sa.Column("login", sa.String(60), primary_key=True),  # the login as typed (normalized), existing or not
    sa.Column("echecs", sa.Integer, nullable=False, default=0),
    sa.Column("dernier_echec", sa.DateTime, nullable=False),  # UTC
    sa.Column("attente_jusqua", sa.DateTime, nullable=True),  # UTC: no attempt is checked before
)


# The signed-in sessions: their own MetaData, created by acces.sessions at first use.
sessions_metadata = sa.MetaData()

sessions = sa.Table(
    "acces_sessions", sessions_metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("jeton_sha256", sa.String(64), nullable=False, unique=True),  # never the token itself
    sa.Column("login", sa.String(60), nullable=False, index=True),
    sa.Column("cree_le", sa.DateTime, nullable=False),  # UTC
    sa.Column("derniere_activite", sa.DateTime, nullable=False),  # UTC
    sa.Column("expire_le", sa.DateTime, nullable=False),  # UTC: cree_le + DUREE_MAX
    sa.Column("fermee_le", sa.DateTime, nullable=True),  # UTC: signed out, or ended by `users logout`
)
