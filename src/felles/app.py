"""The web application: mounts every block's router and the shared error handling."""

from __future__ import annotations

from fastapi import FastAPI

from felles import __version__
from felles.access.api import router as access_router
from felles.access.log.api import router as access_log_router
from felles.access.log.registry_reads import record_registry_reads
from felles.identity.api import router as identity_router
from felles.identity.tokens import app_validator
from felles.journeys.api import router as journeys_router
from felles.kernel.db import Database, get_database
from felles.kernel.web import RefuseNul, install_access_log, install_problem_handlers
from felles.mailbox.api import router as correspondence_router
from felles.mailbox.notifications.api import router as notifications_router
from felles.portal.api import router as portal_router
from felles.registries.adresser.api import router as adresser_router
from felles.registries.aordningen.api import router as aordningen_router
from felles.registries.eiendom.api import router as eiendom_router
from felles.registries.enhetsregisteret.api import router as enhetsregisteret_router
from felles.registries.folkeregister.api import router as folkeregister_router
from felles.registries.krr.api import router as krr_router
from felles.registries.skatt.api import router as skatt_router
from felles.rules.api import router as rules_router
from felles.services.api import router as casework_router
from felles.sharing.api import router as sharing_router
from felles.subscriptions.api import router as events_router

DESCRIPTION = """
felles is the common digital ecosystem of Norway's public sector on a synthetic Norway.
Each registry's API mirrors the real one's paths and JSON field names, so existing clients
work against it by changing the base URL. Person data needs a bearer token.

Every release of a person's data to an access token is written to the access log (innsynslogg)
before the answer is returned; the person sees it at
`/innsynslogg/api/v1/personer/{ident}/innsyn`. On the registries' own APIs, send the purpose of
the request in the header `X-Formaal` (UTF-8, at most 200 characters; logged as `ikke-oppgitt`
when absent) and your request id in `X-Request-ID` (at most 64 characters; a new UUID when
absent). If the log cannot record a release, the answer is 503 and no data are returned.
"""


def create_app(*, database: Database | None = None) -> FastAPI:
    """Build the application for ``database`` (default: the one from settings)."""
    app = FastAPI(
        title="felles", version=__version__, description=DESCRIPTION, dependencies=[RefuseNul]
    )
    app.state.database = database or get_database()
    # Registries check access tokens through the kernel's guard, which calls identity here,
    # and report what they release to a token through the kernel's hook, which logs here.
    app.state.token_validator = app_validator
    app.state.release_recorder = record_registry_reads
    install_problem_handlers(app)
    install_access_log(app)
    app.include_router(folkeregister_router)
    app.include_router(adresser_router)
    app.include_router(krr_router)
    app.include_router(enhetsregisteret_router)
    app.include_router(aordningen_router)
    app.include_router(eiendom_router)
    app.include_router(skatt_router)
    app.include_router(identity_router)
    app.include_router(access_router)
    app.include_router(access_log_router)
    app.include_router(sharing_router)
    app.include_router(rules_router)
    app.include_router(events_router)
    app.include_router(casework_router)
    app.include_router(journeys_router)
    app.include_router(correspondence_router)
    app.include_router(portal_router)
    app.include_router(notifications_router)

    @app.get("/health", tags=["drift"], summary="Liveness and database check")
    def health() -> dict[str, str]:
        from felles.kernel.db import ping

        return {"status": "ok" if ping(app.state.database) else "degraded"}

    return app
