"""The sign-in routes of the web server (Starlette), beside Streamlit's own in the same ASGI app.

- GET /connexion: the sign-in form (identifiant, mot de passe), in French;
- POST /connexion: checks the password (argon2, the delay after 5 failures: acces.comptes), opens a
  session in the store (acces.sessions), puts its token in an HttpOnly, SameSite=Lax cookie (Secure
  behind HTTPS) and answers 303 to the page the person came from;
- POST /deconnexion: ends the session of the cookie, removes the cookie, 303 back.

Both POSTs refuse (403) a request whose Origin (else Referer) is not this site, and one whose form
token differs from the browser's `dashboard_csrf` cookie (double submit: another site can neither read
that cookie nor set it). The cookie is given by GET /connexion and by the app's HTML shell.
"""

from __future__ import annotations

import functools
import hmac
import html
import logging
import secrets
from urllib.parse import quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from dashboard.acces import comptes, sessions
from dashboard.acces.roles import minutes_inactivite
from dashboard.suivi import store

log = logging.getLogger("dashboard")

CSRF_COOKIE = "dashboard_csrf"
CSRF_CHAMP = "jeton"


# --- pure checks ----------------------------------------------------------------------------------

def https(headers, scheme: str) -> bool:
    """The browser reached us through HTTPS: directly, or through nginx (X-Forwarded-Proto)."""
    forwarded = (headers.get("x-forwarded-proto") or "").split(",")[0].strip().lower()
    return scheme == "https" or forwarded == "https"


def origine_ok(headers, scheme: str) -> bool:
    """The request comes from a page of this site: its Origin (else its Referer) names the scheme and
    host the browser used to reach us (Host, X-Forwarded-Proto). Neither header: refused."""
    host = (headers.get("host") or "").lower()
    expected = f"{'https' if https(headers, scheme) else 'http'}://{host}"
    origin = headers.get("origin")
    if origin is None or origin == "null":
        referer = headers.get("referer")
        if not referer:
            return False
        parts = urlsplit(referer)
        origin = f"{parts.scheme}://{parts.netloc}"
    return bool(host) and origin.lower() == expected


def jeton_ok(cookie: str | None, champ: str | None) -> bool:
    return bool(cookie) and bool(champ) and hmac.compare_digest(cookie.encode(), champ.encode())


def suite_sure(suite: str | None) -> str:
    """Where to send the person back: a path of this site only (never //autre.site, never a route)."""
    suite = (suite or "").strip()
    if not suite.startswith("/") or suite.startswith(("//", "/\\")) or any(ord(ch) < 32 for ch in suite):
        return "/"
    if suite.split("?")[0].rstrip("/") in ("/connexion", "/deconnexion"):
        return "/"
    return suite


def nouveau_jeton() -> str:
    return secrets.token_urlsafe(32)


def cookie_csrf(headers, scheme: str) -> str:
    """The Set-Cookie value that gives a browser its form token."""
    return f"{CSRF_COOKIE}={nouveau_jeton()}; Path=/; HttpOnly; SameSite=Strict" + (
        "; Secure" if https(headers, scheme) else "")


# --- the page -------------------------------------------------------------------------------------

def document(titre: str, corps: str, largeur: str = "24rem", style: str = "") -> str:
    """A French page of the app's own, outside Streamlit (sign-in, « Page introuvable »): self-contained,
    no script, no outside resource; `corps` is already escaped HTML."""
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(titre)}</title>
<style>
body{{font-family:sans-serif;background:#F2F4F7;color:#1B1F24;margin:0;display:flex;justify-content:center}}
main{{background:#fff;margin-top:8vh;padding:2rem 2.5rem;border-radius:.5rem;max-width:{largeur};width:100%}}
{style}
</style></head>
<body><main>
{corps}
</main></body></html>"""


def page_connexion(jeton: str, suite: str, message: str = "", identifiant: str = "") -> str:
    """The sign-in page."""
    e = functools.partial(html.escape, quote=True)
    alerte = f'<p class="alerte" role="alert">{e(message)}</p>' if message else ""
    style = """h1{font-size:1.3rem} label{display:block;margin-top:1rem;font-weight:600}
input{box-sizing:border-box;width:100%;padding:.5rem;margin-top:.3rem;font-size:1rem}
button{margin-top:1.5rem;padding:.6rem 1.2rem;font-size:1rem;background:#0072B2;color:#fff;border:0;border-radius:.3rem}
.alerte{background:#FDECEA;padding:.7rem;border-radius:.3rem} a{color:#0072B2}"""
    return document("Se connecter · Tableau de bord du schéma de développement touristique", f"""<h1>Se connecter</h1>
<p>Tableau de bord du schéma de développement touristique</p>
{alerte}
<form method="post" action="/connexion">
<input type="hidden" name="{CSRF_CHAMP}" value="{e(jeton)}">
<input type="hidden" name="suite" value="{e(suite)}">
<label for="identifiant">Identifiant</label>
<input id="identifiant" name="identifiant" autocomplete="username" maxlength="60" required value="{e(identifiant)}" autofocus>
<label for="mot_de_passe">Mot de passe</label>
<input id="mot_de_passe" name="mot_de_passe" type="password" autocomplete="current-password" maxlength="256" required>
<button type="submit">Se connecter</button>
</form>
<p><a href="{e(suite)}">Revenir sans se connecter</a></p>""", style=style)


# --- the routes -----------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def _engine(url: str):
    return store.open_engine(url)


def engine():
    """The store of the accounts (DASHBOARD_DB, as the pages open it), once per process and URL."""
    return _engine(store.default_url())


def _refus(message: str, status: int = 403) -> Response:
    return HTMLResponse(f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>Refusé</title></head>'
                        f'<body><p>{html.escape(message)}</p><p><a href="/">Revenir au tableau de bord</a></p>'
                        f"</body></html>", status_code=status)


def _verifier(request: Request, form) -> Response | None:
    if not origine_ok(request.headers, request.url.scheme):
        return _refus("Demande refusée : elle ne vient pas d'une page de ce tableau de bord.")
    if not jeton_ok(request.cookies.get(CSRF_COOKIE), form.get(CSRF_CHAMP)):
        return _refus("Formulaire expiré : rechargez la page puis réessayez.")
    return None


def _avec_jeton(request: Request, response: Response, jeton: str) -> Response:
    if request.cookies.get(CSRF_COOKIE) != jeton:
        response.set_cookie(CSRF_COOKIE, jeton, httponly=True, samesite="strict",
                            secure=https(request.headers, request.url.scheme))
    return response


async def formulaire(request: Request) -> Response:
    jeton = request.cookies.get(CSRF_COOKIE) or nouveau_jeton()
    page = page_connexion(jeton, suite_sure(request.query_params.get("suite")))
    return _avec_jeton(request, HTMLResponse(page, headers={"Cache-Control": "no-store"}), jeton)


async def connecter(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=8)
    refus = _verifier(request, form)
    if refus is not None:
        return refus
    suite = suite_sure(form.get("suite"))
    identifiant = str(form.get("identifiant") or "")[:60]
    base = engine()
    result = await run_in_threadpool(comptes.authentifier, base, identifiant, str(form.get("mot_de_passe") or "")[:256])
    if result.identite is None:
        page = page_connexion(request.cookies[CSRF_COOKIE], suite, result.message, identifiant)
        return HTMLResponse(page, status_code=429 if result.attente else 401, headers={"Cache-Control": "no-store"})
    ancien = request.cookies.get(sessions.COOKIE)
    if ancien:
        await run_in_threadpool(sessions.fermer, base, ancien)
    jeton = await run_in_threadpool(sessions.ouvrir, base, result.identite.login)
    response = RedirectResponse(suite, status_code=303)
    response.set_cookie(sessions.COOKIE, jeton, max_age=int(sessions.DUREE_MAX.total_seconds()), path="/",
                        httponly=True, samesite="lax", secure=https(request.headers, request.url.scheme))
    log.info("session ouverte pour %s (inactivité : %d min)", result.identite.login, minutes_inactivite())
    return response


async def deconnecter(request: Request) -> Response:
    form = await request.form(max_files=0, max_fields=4)
    refus = _verifier(request, form)
    if refus is not None:
        return refus
    await run_in_threadpool(sessions.fermer, engine(), request.cookies.get(sessions.COOKIE))
    response = RedirectResponse(suite_sure(form.get("suite")), status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax",
                           secure=https(request.headers, request.url.scheme))
    return response


def lien_connexion(suite: str) -> str:
    return "/connexion?suite=" + quote(suite_sure(suite), safe="/")


def routes() -> list[Route]:
    return [Route("/connexion", formulaire, methods=["GET"]), Route("/connexion", connecter, methods=["POST"]),
            Route("/deconnexion", deconnecter, methods=["POST"])]
