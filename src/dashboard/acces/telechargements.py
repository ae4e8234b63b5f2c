"""Files built at the click (deferred downloads), only while the session that drew the button may read.

Streamlit 1.67 builds a deferred download for whoever sends its address (a random id given to the
session that drew the button), without checking that the asking session is that one. What the app
can do is check, when the file is built, that the session that drew the button is still signed in
as the same person and that this account may still read: a `Jeton` per session sign-in, revoked
when the session signs out or signs in as someone else, its signed-in session (acces.sessions) read
again, and the account read again from the store
when reading needs an account (DASHBOARD_LECTURE=compte). Pure Python, no streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from dashboard.acces import sessions
from dashboard.acces.comptes import exiger_role, mode_ouvert, relire
from dashboard.acces.roles import AccesRefuse, Identite

REFUS = ("Ce fichier n'est plus disponible pour cette session : rechargez la page (et reconnectez-vous si "
         "besoin) puis cliquez de nouveau sur le bouton de téléchargement.")


@dataclass
class Jeton:
    """One sign-in of one session (or its anonymous visit), shared by the downloads it drew."""

    identite: Identite | None
    session: str | None = None  # the browser's signed-in session (acces.sessions), when signed in by password
    valide: bool = True

    def revoquer(self) -> None:
        self.valide = False


def verifier(engine: Engine | None, jeton: Jeton, lecture_sur_compte: bool) -> None:
    """AccesRefuse unless the file may still be built for the session of `jeton`: not signed out since,
    and, when reading needs an account, that account still active with a role that reads."""
    if not jeton.valide:
        raise AccesRefuse(REFUS)
    if not lecture_sur_compte or engine is None or mode_ouvert(engine):
        return
    if jeton.session is not None and sessions.lire(engine, jeton.session).identite is None:
        raise AccesRefuse(REFUS)  # signed out since, in another tab or by `users logout`
    qui = relire(engine, jeton.identite)
    if qui is None:
        raise AccesRefuse(REFUS)
    exiger_role(engine, qui, "lecture", "télécharger ce fichier")


def garde(engine: Engine | None, jeton: Jeton, fabriquer: Callable[[], object],
          lecture_sur_compte: bool) -> Callable[[], object]:
    """`fabriquer` (what st.download_button calls at the click), checked by `verifier` each time first."""

    def fabriquer_si_permis():
        verifier(engine, jeton, lecture_sur_compte)
        return fabriquer()

    return fabriquer_si_permis
