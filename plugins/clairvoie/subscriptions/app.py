"""The subscription service's web pages (Starlette): every answer a French, accessible page.

Paths, all one level under the service's base URL (``CLAIRVOIE_SUBSCRIPTIONS_URL``), so that
pages link to each other relatively behind any reverse-proxy prefix:

- ``GET /inscription`` the form (``?secteur=ID``, ``?projet=ID`` tick one); ``POST
  /inscription`` takes ``email``, ``secteurs`` and ``projets`` (repeated), ``consentement``
  (the wording's version, consent.py), ``site_web`` (a honeypot, left empty by people) and
  ``duree`` (milliseconds the form was open, filled by its script) → 303 to ``/envoye``,
  whatever the address (known, new, or asked too often: no enumeration);
- ``GET /confirmer?jeton=…`` asks for one button press (mail scanners follow links, they do
  not press buttons); ``POST /confirmer`` subscribes;
- ``GET|POST /gerer?token=…``: « Gérer mon abonnement » (change lists, or leave);
- ``GET /desinscription?token=…&secteur=…`` a confirmation page; ``POST`` (RFC 8058,
  ``List-Unsubscribe=One-Click``) leaves that list at once;
- ``/style.css`` (the theme's own stylesheet), ``/abonnements.css``, ``/formulaire.js``,
  ``/sante`` (for monitoring).

A form on the site's pages posts the same fields to ``<CLAIRVOIE_SUBSCRIPTIONS_URL>/inscription``;
its page must not be served with ``Referrer-Policy: no-referrer`` (browsers then send
``Origin: null``, which is refused as another site's).

Statuses: 400 unreadable form, honeypot or a form sent faster than a person can; 403 a form
posted from another site; 422 an address, sector or project that cannot be right; 404 a
forged link, 410 an expired or used one; 429 too many requests from one client; 503 the
mail server is unreachable. No address is ever written to the logs.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import datetime as dt
import email.utils
import logging
import re
import smtplib
import threading
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from importlib import resources
from urllib.parse import urlencode, urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from ..newsletter.send import _ADDRESS, SmtpServer, _close, _open  # the newsletter's SMTP client
from ..subscribers import links
from ..subscribers.store import PENDING_DAYS, Store
from . import consent

log = logging.getLogger("clairvoie.abonnements")

WINDOW = 600.0  # seconds: the client limits count requests in ten minutes
PAGES_FACTOR = 10  # other pages: ten times the sign-up limit
MINIMUM_FILL_MS = 2000  # a person takes at least two seconds to fill the form
MAX_BODY = 32_768
MAX_ADDRESS = 254
CONFIRM_SALT = "clairvoie-abonnements-confirmer"
SECURITY_HEADERS = {
    "Content-Security-Policy": ("default-src 'none'; style-src 'self'; script-src 'self'; img-src 'self'; "
                                "form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
    # The links' tokens never leave for another site in a Referer; "no-referrer" would make
    # Chromium send "Origin: null" with the service's own forms.
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


@dataclass
class ServiceConfig:
    site_name: str
    city: str  # who keeps the addresses, in the consent sentence
    site_url: str  # absolute, or "" when the settings give none
    public_url: str  # the service's own base URL, for the e-mails' links
    sectors: dict[str, str]  # id → name, as in the model
    projects: dict[str, str]  # id → title
    smtp: SmtpServer
    sender: str
    domain: str
    client_limit: int = 30
    address_limit: int = 3
    allowed_origins: set[str] = field(default_factory=set)
    stylesheet: bytes = b""

    def list_name(self, list_id: str) -> str:
        if list_id.startswith("projet:"):
            title = self.projects.get(list_id[len("projet:"):])
            return f"projet « {title} »" if title else list_id
        return self.sectors.get(list_id, list_id)


class RateLimiter:
    """At most ``limit`` hits per key in ``window`` seconds (one process: the service runs as one)."""

    def __init__(self, limit: int, window: float = WINDOW, clock=time.monotonic):
        self.limit, self.window, self.clock = limit, window, clock
        self.hits: dict[str, collections.deque] = {}
        self.lock = threading.Lock()
        self.calls = 0

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self.lock:
            self.calls += 1
            if self.calls % 1000 == 0:  # forget clients gone quiet
                for old in [k for k, q in self.hits.items() if not q or q[-1] < now - self.window]:
                    del self.hits[old]
            queue = self.hits.setdefault(key, collections.deque())
            while queue and queue[0] < now - self.window:
                queue.popleft()
            if len(queue) >= self.limit:
                return False
            queue.append(now)
            return True


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else ""


def _local_origin(origin: str) -> bool:
    host = urlsplit(origin).hostname or ""
    return host in ("localhost", "127.0.0.1", "::1")


class Pages:
    def __init__(self, config: ServiceConfig):
        folder = str(resources.files(__package__).joinpath("templates"))
        self.environment = Environment(loader=FileSystemLoader(folder), autoescape=select_autoescape(default=True),
                                       trim_blocks=True, lstrip_blocks=True)
        self.config = config

    def page(self, name: str, status: int = 200, **values) -> HTMLResponse:
        html = self.environment.get_template(name).render(
            site_name=self.config.site_name, site_url=self.config.site_url, **values)
        return HTMLResponse(html, status_code=status, headers=SECURITY_HEADERS)

    def message(self, title: str, paragraphs: list[str], status: int = 200, links=(), **values) -> HTMLResponse:
        error = status >= 400
        return self.page("message.html", status, title=title, paragraphs=paragraphs, links=list(links),
                         error=error, **values)


def confirmation_message(config: ServiceConfig, address: str, link: str, lists: tuple[str, ...]) -> EmailMessage:
    message = EmailMessage(policy=SMTP_POLICY)
    message["Subject"] = "Confirmez votre inscription à la lettre d'information"
    message["From"] = config.sender
    message["To"] = address
    message["Date"] = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc))
    message["Message-ID"] = email.utils.make_msgid("confirmation", domain=config.domain)
    message["Auto-Submitted"] = "auto-generated"
    chosen = "\n".join(f"- {config.list_name(entry)}" for entry in lists)
    message.set_content(
        f"Bonjour,\n\nQuelqu'un, sans doute vous, a demandé à recevoir la lettre d'information de "
        f"{config.site_name} pour :\n{chosen}\n\nPour confirmer, ouvrez ce lien puis appuyez sur le bouton "
        f"« Confirmer mon inscription » :\n{link}\n\nLe lien est valable {PENDING_DAYS} jours. Si vous n'avez "
        f"rien demandé, ignorez ce message : vous ne recevrez rien, et la demande sera effacée au bout de "
        f"{PENDING_DAYS} jours.\n\n{config.city}\n", charset="utf-8", cte="quoted-printable")
    message["Content-Language"] = "fr"
    return message


def create_app(config: ServiceConfig, store: Store, secret: str, purge_every: float = 3600.0) -> Starlette:
    pages = Pages(config)
    mailer = Mailer(config.smtp, config.sender)
    confirmations = URLSafeTimedSerializer(secret, salt=CONFIRM_SALT)
    signups = RateLimiter(config.client_limit)
    visits = RateLimiter(config.client_limit * PAGES_FACTOR)
    stylesheet_extra = resources.files(__package__).joinpath("static", "abonnements.css").read_bytes()
    script = resources.files(__package__).joinpath("static", "formulaire.js").read_bytes()

    def client(request: Request) -> str:
        return request.client.host if request.client else "?"

    def too_many() -> HTMLResponse:
        response = pages.message("Trop de demandes", [
            "Vous avez fait beaucoup de demandes en peu de temps. Attendez quelques minutes, puis réessayez.",
        ], status=429)
        response.headers["Retry-After"] = str(int(WINDOW))
        return response

    def bad_form(reason: str) -> HTMLResponse:
        return pages.message("Demande non prise en compte", [reason, "Revenez au formulaire et réessayez."],
                             status=400, links=[("inscription", "Revenir au formulaire d'inscription")])

    def bad_link(expired: bool) -> HTMLResponse:
        if expired:
            return pages.message("Ce lien n'est plus valable", [
                "Ce lien a déjà servi, ou il a expiré (un lien de confirmation est valable "
                f"{PENDING_DAYS} jours). Vous pouvez refaire une demande d'inscription.",
            ], status=410, links=[("inscription", "S'inscrire à la lettre d'information")])
        return pages.message("Lien inconnu", [
            "Ce lien n'est pas reconnu. Vérifiez qu'il est complet : copiez-le en entier depuis le courriel reçu.",
        ], status=404, links=[("inscription", "S'inscrire à la lettre d'information")])

    def subscriber_token(raw: str) -> str | None:
        return links.unsign(secret, raw)

    def signed(token: str) -> str:
        return links.sign(secret, token)

    def choices(selected=()) -> dict:
        return {"sectors": sorted(config.sectors.items(), key=lambda item: item[1]),
                "projects": sorted(config.projects.items(), key=lambda item: item[1].casefold()),
                "selected": set(selected)}

    def form_page(status: int = 200, errors: dict | None = None, address: str = "", selected=()) -> HTMLResponse:
        return pages.page("inscription.html", status, title="S'inscrire à la lettre d'information",
                          errors=errors or {}, address=address, consent=consent.wording(consent.CURRENT, config.city),
                          consent_version=consent.CURRENT, **choices(selected))

    async def read_form(request: Request):
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return None
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind not in ("application/x-www-form-urlencoded", "multipart/form-data"):
            return None
        try:
            return await request.form(max_files=0, max_fields=500)
        except Exception:  # a body that is no form: Starlette raises several kinds
            return None

    # --- sign-up ------------------------------------------------------------------------
    async def signup_form(request: Request) -> Response:
        if not visits.allow(client(request)):
            return too_many()
        selected = [request.query_params.get("secteur", "")]
        if request.query_params.get("projet"):
            selected.append("projet:" + request.query_params["projet"])
        return form_page(selected=[s for s in selected if s in config.sectors or
                                   s[len("projet:"):] in config.projects])

    async def signup(request: Request) -> Response:
        if not signups.allow(client(request)):
            log.info("inscription refusée : trop de demandes de ce client")
            return too_many()
        origin = request.headers.get("origin")
        if origin is not None and not (origin.lower() in config.allowed_origins or _local_origin(origin)):
            return pages.message("Formulaire d'un autre site", [
                "Ce formulaire a été envoyé depuis un autre site que celui de la ville : il n'est pas pris en "
                "compte. Inscrivez-vous depuis le site de la ville."], status=403)
        form = await read_form(request)
        if form is None:
            return bad_form("Le formulaire reçu est illisible ou trop long.")
        if (form.get("site_web") or "").strip():
            log.info("inscription refusée : champ piège rempli")
            return bad_form("Un champ qui doit rester vide a été rempli : c'est ce que font les robots.")
        duration = (form.get("duree") or "").strip()
        if duration:
            if not duration.isdigit() or int(duration) < MINIMUM_FILL_MS:
                log.info("inscription refusée : formulaire rempli trop vite")
                return bad_form("Le formulaire a été envoyé trop vite, avant qu'une personne ait pu le remplir. "
                                "Prenez quelques secondes.")
        address = (form.get("email") or "").strip()
        sectors = [s.strip() for s in form.getlist("secteurs") if s.strip()]
        projects = [p.strip() for p in form.getlist("projets") if p.strip()]
        lists = list(dict.fromkeys(sectors + [f"projet:{p}" for p in projects]))
        errors = {}
        if len(address) > MAX_ADDRESS or not _ADDRESS.match(address):
            errors["email"] = "Cette adresse électronique n'est pas valable. Exemple : prenom.nom@exemple.fr."
        unknown = [s for s in sectors if s not in config.sectors] + [p for p in projects if p not in config.projects]
        if unknown:
            errors["listes"] = ("Ce secteur ou ce projet n'existe pas sur le site : "
                                + ", ".join(f"« {u[:60]} »" for u in unknown[:5]) + ".")
        elif not lists:
            errors["listes"] = "Choisissez au moins un secteur ou un projet à suivre."
        version = (form.get("consentement") or consent.CURRENT).strip()
        if version not in consent.WORDINGS:
            errors["consentement"] = "Le texte d'accord de ce formulaire n'est pas reconnu : rechargez la page."
        if errors:
            log.info("inscription refusée : %s", ", ".join(sorted(errors)))
            shown = address if len(address) <= MAX_ADDRESS else ""
            return form_page(422, errors, shown, [s for s in lists if s not in unknown])
        request_row = await run_in_threadpool(store.add_request, address, lists, version, config.address_limit)
        if request_row is None:
            log.info("inscription : assez de courriels envoyés à cette adresse aujourd'hui, aucun envoyé")
            return RedirectResponse("envoye", status_code=303)
        link = f"{config.public_url}/confirmer?{urlencode({'jeton': confirmations.dumps(request_row.id)})}"
        message = confirmation_message(config, address, link, request_row.lists)
        try:
            await run_in_threadpool(mailer.send, address, message)
        except (smtplib.SMTPException, OSError) as error:
            await run_in_threadpool(store.drop_request, request_row.id)
            log.warning("courriel de confirmation non envoyé (%s)", type(error).__name__)
            return pages.message("Service momentanément indisponible", [
                "Le courriel de confirmation n'a pas pu partir. Votre demande n'a pas été gardée : réessayez "
                "dans quelques minutes."], status=503)
        log.info("inscription demandée : %d liste(s), courriel de confirmation envoyé", len(lists))
        return RedirectResponse("envoye", status_code=303)

    async def sent(request: Request) -> Response:
        return pages.message("Vérifiez votre boîte aux lettres électronique", [
            "Un courriel de confirmation vient de vous être envoyé. Ouvrez le lien qu'il contient et appuyez sur "
            "le bouton « Confirmer mon inscription » : sans cela, vous ne recevrez rien.",
            f"Rien reçu ? Regardez dans les indésirables. Le lien reste valable {PENDING_DAYS} jours.",
        ], links=[(config.site_url or "/", "Revenir au site")])

    # --- confirmation -------------------------------------------------------------------
    def pending_of(raw: str):
        try:
            request_id = confirmations.loads(raw, max_age=PENDING_DAYS * 86400)
        except SignatureExpired:
            return None, bad_link(expired=True)
        except BadSignature:
            return None, bad_link(expired=False)
        return request_id, None

    async def confirm_page(request: Request) -> Response:
        if not visits.allow(client(request)):
            return too_many()
        raw = request.query_params.get("jeton", "")
        request_id, problem = pending_of(raw)
        if problem:
            return problem
        pending = await run_in_threadpool(store.request, request_id)
        if pending is None or pending.created_at < dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=PENDING_DAYS):
            return bad_link(expired=True)
        return pages.page("confirmer.html", title="Confirmer mon inscription", token=raw,
                          lists=[config.list_name(entry) for entry in pending.lists])

    async def confirm(request: Request) -> Response:
        if not visits.allow(client(request)):
            return too_many()
        form = await read_form(request)
        if form is None:
            return bad_form("Le formulaire reçu est illisible ou trop long.")
        request_id, problem = pending_of(form.get("jeton") or request.query_params.get("jeton", ""))
        if problem:
            return problem
        subscription = await run_in_threadpool(store.confirm, request_id)
        if subscription is None:
            return bad_link(expired=True)
        log.info("inscription confirmée")
        manage = f"gerer?{urlencode({'token': signed(subscription.token)})}"
        return pages.message("Inscription confirmée", [
            "Merci : vous recevrez désormais la lettre d'information pour :",
        ], items=[config.list_name(entry) for entry in subscription.lists],
            links=[(manage, "Gérer mon abonnement"), (config.site_url or "/", "Revenir au site")])

    # --- « Gérer mon abonnement » -------------------------------------------------------
    async def manage(request: Request) -> Response:
        if not visits.allow(client(request)):
            return too_many()
        form = None
        if request.method == "POST":
            form = await read_form(request)
            if form is None:
                return bad_form("Le formulaire reçu est illisible ou trop long.")
        raw = (form.get("token") if form else None) or request.query_params.get("token", "")
        token = subscriber_token(raw)
        if token is None:
            return bad_link(expired=False)
        subscription = await run_in_threadpool(store.subscription, token)
        if subscription is None:
            return pages.message("Vous n'êtes plus inscrit", [
                "Cette adresse ne reçoit plus aucune lettre : elle a été effacée de la liste."], status=410,
                links=[("inscription", "S'inscrire de nouveau")])
        if form is None:
            return pages.page("gerer.html", title="Gérer mon abonnement", token=raw, errors={},
                              **choices(subscription.lists))
        if form.get("action") == "quitter":
            lists = []
        else:
            sectors = [s for s in form.getlist("secteurs") if s]
            projects = [p for p in form.getlist("projets") if p]
            unknown = [s for s in sectors if s not in config.sectors] + [p for p in projects if p not in config.projects]
            if unknown:
                return pages.page("gerer.html", 422, title="Gérer mon abonnement", token=raw,
                                  errors={"listes": "Ce secteur ou ce projet n'existe pas sur le site."},
                                  **choices(subscription.lists))
            lists = sectors + [f"projet:{p}" for p in projects]
        await run_in_threadpool(store.set_lists, token, lists)
        if not lists:
            log.info("désinscription de toutes les lettres")
            return pages.message("Vous êtes désinscrit", [
                "Vous ne recevrez plus aucune lettre, et votre adresse a été effacée."],
                links=[("inscription", "S'inscrire de nouveau"), (config.site_url or "/", "Revenir au site")])
        log.info("abonnement modifié : %d liste(s)", len(lists))
        return pages.message("Modifications enregistrées", ["Vous recevrez la lettre d'information pour :"],
                             items=[config.list_name(entry) for entry in lists],
                             links=[(f"gerer?{urlencode({'token': raw})}", "Gérer mon abonnement")])

    # --- unsubscribe (RFC 8058) ---------------------------------------------------------
    async def unsubscribe(request: Request) -> Response:
        form = await read_form(request) if request.method == "POST" else None
        raw = request.query_params.get("token") or (form.get("token") if form else "") or ""
        list_id = request.query_params.get("secteur") or (form.get("secteur") if form else "") or None
        if request.method == "GET" and not visits.allow(client(request)):
            return too_many()
        token = subscriber_token(raw)
        if token is None:
            return bad_link(expired=False)
        query = urlencode({"token": raw, **({"secteur": list_id} if list_id else {})})
        if request.method == "GET":
            subscription = await run_in_threadpool(store.subscription, token)
            if subscription is None:
                return pages.message("Vous n'êtes plus inscrit", [
                    "Cette adresse ne reçoit plus aucune lettre : elle a été effacée de la liste."],
                    links=[(config.site_url or "/", "Revenir au site")])
            return pages.page("desinscription.html", title="Se désinscrire", action=f"desinscription?{query}",
                              list_name=config.list_name(list_id) if list_id else None,
                              manage=f"gerer?{urlencode({'token': raw})}")
        # One click: whatever the body says, the signed link is the resident's own; done at once.
        await run_in_threadpool(store.leave, token, list_id)
        log.info("désinscription en un clic")
        what = f"la lettre du {config.list_name(list_id)}" if list_id else "toutes les lettres"
        return pages.message("Vous êtes désinscrit", [f"Vous ne recevrez plus {what}."],
                             links=[(f"gerer?{urlencode({'token': raw})}", "Gérer mon abonnement"),
                                    (config.site_url or "/", "Revenir au site")])

    # --- files --------------------------------------------------------------------------
    async def style(request: Request) -> Response:
        return Response(config.stylesheet, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    async def style_extra(request: Request) -> Response:
        return Response(stylesheet_extra, media_type="text/css", headers={"Cache-Control": "max-age=3600"})

    async def form_script(request: Request) -> Response:
        return Response(script, media_type="text/javascript", headers={"Cache-Control": "max-age=3600"})

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    async def not_found(request: Request, exc) -> Response:
        return pages.message("Page introuvable", ["Cette page n'existe pas."], status=404,
                             links=[("inscription", "S'inscrire à la lettre d'information")])

    async def method_not_allowed(request: Request, exc) -> Response:
        return pages.message("Demande non prise en compte", ["Cette page ne s'utilise pas ainsi."], status=405)

    async def purge_now() -> None:
        erased = await run_in_threadpool(store.purge)
        if erased:
            log.info("demandes non confirmées effacées : %d", erased)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        await purge_now()

        async def every_hour():
            while True:
                await asyncio.sleep(purge_every)
                await purge_now()

        task = asyncio.create_task(every_hour())
        try:
            yield
        finally:
            task.cancel()

    routes = [
        Route("/", signup_form, methods=["GET"]),
        Route("/inscription", signup_form, methods=["GET"]),
        Route("/inscription", signup, methods=["POST"]),
        Route("/envoye", sent, methods=["GET"]),
        Route("/confirmer", confirm_page, methods=["GET"]),
        Route("/confirmer", confirm, methods=["POST"]),
        Route("/gerer", manage, methods=["GET", "POST"]),
        Route("/desinscription", unsubscribe, methods=["GET", "POST"]),
        Route("/style.css", style, methods=["GET"]),
        Route("/abonnements.css", style_extra, methods=["GET"]),
        Route("/formulaire.js", form_script, methods=["GET"]),
        Route("/sante", health, methods=["GET"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={404: not_found, 405: method_not_allowed})
    app.add_middleware(AccessLog)
    return app


class Mailer:
    """Confirmation e-mails through the newsletter's SMTP client, one connection kept per
    worker thread (opened again when the server has closed it)."""

    def __init__(self, server: SmtpServer, sender: str):
        self.server, self.sender = server, email.utils.parseaddr(sender)[1]
        self.local = threading.local()

    def send(self, address: str, message: EmailMessage) -> None:
        while True:
            connection = getattr(self.local, "connection", None)
            fresh = connection is None
            if fresh:
                connection = self.local.connection = _open(self.server)
            try:
                connection.sendmail(self.sender, [address], message.as_bytes())
                return
            except (smtplib.SMTPException, OSError) as error:
                _close(connection)
                self.local.connection = None
                # A kept connection the server dropped meanwhile: once more, on a new one
                # (SMTPException is an OSError: a refusal is not a dropped connection).
                dropped = isinstance(error, smtplib.SMTPServerDisconnected) or \
                    not isinstance(error, smtplib.SMTPException)
                if fresh or not dropped:
                    raise


KNOWN_PATHS = {"/", "/inscription", "/envoye", "/confirmer", "/gerer", "/desinscription", "/style.css",
               "/abonnements.css", "/formulaire.js", "/sante"}


class AddressFreeFormatter(logging.Formatter):
    """The service's log lines, tracebacks included, with any address blotted out: an error's
    message may quote one (PostgreSQL's « Failing row contains (…) »)."""

    ADDRESS = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+")

    def format(self, record: logging.LogRecord) -> str:
        return self.ADDRESS.sub("[adresse]", super().format(record))


class AccessLog:
    """One line per request — method, path, status, time — never the query string (its tokens)
    nor the body (its address). uvicorn's own access log is switched off (commands.py)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.monotonic()
        status = {"code": 500}

        async def sending(message):
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            path = scope["path"] if scope["path"] in KNOWN_PATHS else "(autre chemin)"
            log.info("%s %s %d %.0f ms", scope["method"], path, status["code"],
                     (time.monotonic() - started) * 1000)
