"""HTTP API of identity: an OIDC provider as ID-porten, a token endpoint as Maskinporten,
and client registration as Digdir's self-service API.

* ``/idporten`` (issuer ``{FELLES_IDENTITY_BASE_URL}/idporten``, as ``https://idporten.no``):
  ``/.well-known/openid-configuration``, ``/jwks.json``, ``/authorize`` (shows the TestID
  page), ``/authorize/testid`` (the page's form post: a felles addition), ``/token``,
  ``/userinfo``, ``/endsession``.
* ``/maskinporten`` (issuer ``…/maskinporten/``, as ``https://maskinporten.no/``):
  ``/.well-known/oauth-authorization-server``, ``/jwk``, ``/token`` (JWT-bearer grant).
* ``/selvbetjening/clients`` (operator token): register an ID-porten or a Maskinporten client
  (``integration_type``), as ``POST /clients/`` of Digdir's self-service API; and
  ``/identity/noekler/rotasjon`` to rotate felles' signing key (a felles addition).

The token endpoints answer errors as OAuth does (``error``, ``error_description``), in a body
that is also an RFC 9457 problem (docs/decisions/0022-identity.md).
"""

from __future__ import annotations

import random
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from pydantic import BaseModel, Field

from felles.identity import tokens, urls
from felles.identity.errors import InvalidGrant, InvalidRequest, UnsupportedGrantType
from felles.identity.forms import Form, form_body, form_reader
from felles.identity.operations import clients, keys, maskinporten, oidc
from felles.kernel.db import Database
from felles.kernel.errors import InvalidInput
from felles.kernel.web import AdminOnly, DatabaseDep, problem_doc
from felles.registries.folkeregister.sampling import sample_persons

Responses = dict[int | str, dict[str, Any]]
NO_STORE: Final = {"Cache-Control": "no-store", "Pragma": "no-cache"}
OAUTH_ERRORS: Final[Responses] = {
    400: problem_doc(
        "An OAuth error (error, error_description): invalid_request, "
        "invalid_grant, invalid_scope, unsupported_grant_type"
    ),
    401: problem_doc("invalid_client: the client could not be authenticated"),
    422: problem_doc("A form field is too long"),
}
SEE_OTHER: Final[Responses] = {303: {"description": "Redirect to the client's redirect URI"}}
UNAUTHORIZED: Final[Responses] = {401: problem_doc("No or invalid bearer token")}

_templates = Environment(
    loader=PackageLoader("felles.identity", "templates"),
    autoescape=select_autoescape(["html"]),
)
LEVEL_LABELS: Final = {
    oidc.SUBSTANTIAL: "Betydelig (idporten-loa-substantial)",
    oidc.HIGH: "Høyt (idporten-loa-high)",
}

Text = Annotated[str | None, Query(max_length=2000)]

idporten = APIRouter(prefix=urls.IDPORTEN, tags=["identity: ID-porten (OIDC provider)"])
maskinporten_router = APIRouter(prefix=urls.MASKINPORTEN, tags=["identity: Maskinporten"])
admin = APIRouter(tags=["identity: selvbetjening (operator)"], dependencies=[AdminOnly])
router = APIRouter()


# ------------------------------------------------------------------------------------------
# ID-porten
# ------------------------------------------------------------------------------------------


@idporten.get("/.well-known/openid-configuration", summary="OpenID Connect discovery")
def openid_configuration() -> dict[str, Any]:
    issuer = urls.idporten_issuer()
    return {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "end_session_endpoint": f"{issuer}/endsession",
        "jwks_uri": f"{issuer}/jwks.json",
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": [keys.ALG],
        "token_endpoint_auth_methods_supported": list(clients.AUTH_METHODS),
        "token_endpoint_auth_signing_alg_values_supported": list(clients.ASSERTION_ALGS),
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": list(clients.OIDC_SCOPES),
        "acr_values_supported": list(oidc.LEVELS),
        "ui_locales_supported": list(oidc.LOCALES),
        "claims_supported": [
            "iss",
            "sub",
            "aud",
            "exp",
            "iat",
            "auth_time",
            "nonce",
            "acr",
            "amr",
            "pid",
            "sid",
            "locale",
            "at_hash",
        ],
        "authorization_response_iss_parameter_supported": True,
        "request_parameter_supported": False,
        "frontchannel_logout_supported": False,
    }


@idporten.get("/jwks.json", summary="The provider's public signing keys (JWKS)")
def idporten_jwks(database: DatabaseDep) -> dict[str, Any]:
    return keys.jwks(database)


def _login_page(
    database: Database, request: oidc.AuthorizationRequest, *, error: str | None, pid: str = ""
) -> HTMLResponse:
    with database.read_session() as session:
        candidates = sample_persons(session, rng=random.Random(), count=8)
    people = [
        {"ident": c.ident, "label": f"{c.kjoenn}, født {c.foedselsdato.isoformat()}"}
        for c in candidates
    ]
    html = _templates.get_template("testid.html").render(
        client_name=request.client_name,
        action=f"{urls.IDPORTEN}/authorize/testid",
        request_blob=request.to_blob(),
        levels=[{"value": v, "label": LEVEL_LABELS[v]} for v in request.levels],
        people=people,
        pid=pid,
        error=error,
    )
    return HTMLResponse(html, headers=NO_STORE)


@idporten.get(
    "/authorize",
    summary="Authorization endpoint: shows the TestID login page",
    response_class=HTMLResponse,
    responses=SEE_OTHER
    | {400: problem_doc("Unknown client or unregistered redirect_uri: nothing is redirected")},
)
def authorize(
    database: DatabaseDep,
    client_id: Text = None,
    redirect_uri: Text = None,
    response_type: Text = None,
    scope: Text = None,
    state: Text = None,
    nonce: Text = None,
    code_challenge: Text = None,
    code_challenge_method: Text = None,
    acr_values: Text = None,
    ui_locales: Text = None,
    prompt: Text = None,
    request: Text = None,
    request_uri: Text = None,
) -> Response:
    params = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": response_type,
        "scope": scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": code_challenge,
        "code_challenge_method": code_challenge_method,
        "acr_values": acr_values,
        "ui_locales": ui_locales,
        "prompt": prompt,
        "request": request,
        "request_uri": request_uri,
    }
    with database.read_session() as session:
        try:
            checked = oidc.authorization_request(session, params)
        except oidc.RedirectError as error:
            return RedirectResponse(error.location, status_code=303)
    return _login_page(database, checked, error=None)


TESTID_FORM: Final = {"request": 8000, "pid": 64, "acr": 64}


@idporten.post(
    "/authorize/testid",
    summary="The TestID form: log in as a synthetic person (felles addition)",
    response_class=HTMLResponse,
    responses=SEE_OTHER
    | {
        400: problem_doc("The login request is not valid or has expired"),
        422: problem_doc("The form cannot be read"),
    },
    openapi_extra=form_body(TESTID_FORM, required=("request",)),
)
def testid_login(
    database: DatabaseDep,
    form: Annotated[Form, Depends(form_reader(TESTID_FORM, required=("request",)))],
) -> Response:
    login = oidc.AuthorizationRequest.from_blob(form["request"] or "")
    pid, acr = form["pid"] or "", form["acr"] or oidc.SUBSTANTIAL
    with database.unit_of_work() as uow:
        try:
            location = oidc.log_in(uow, request=login, pid=pid, acr=acr)
        except oidc.LoginRefused as refused:
            uow.rollback()
            return _login_page(database, login, error=str(refused), pid=pid[:11])
        uow.commit()
    return RedirectResponse(location, status_code=303)


TOKEN_FORM: Final = {
    name: 8000
    for name in (
        "grant_type",
        "code",
        "redirect_uri",
        "code_verifier",
        "client_id",
        "client_secret",
        "client_assertion_type",
        "client_assertion",
    )
}
MASKINPORTEN_FORM: Final = {"grant_type": 200, "assertion": 8000}


class TokenResponse(BaseModel):
    access_token: str
    token_type: Literal["Bearer"]
    expires_in: int
    scope: str
    id_token: str | None = None


@idporten.post(
    "/token",
    summary="Token endpoint: authorization code with PKCE",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=OAUTH_ERRORS,
    openapi_extra=form_body(TOKEN_FORM),
)
def idporten_token(
    http: Request,
    database: DatabaseDep,
    form: Annotated[Form, Depends(form_reader(TOKEN_FORM))],
) -> JSONResponse:
    code = form["code"]
    with database.unit_of_work() as uow:
        if form["grant_type"] != "authorization_code":
            raise UnsupportedGrantType("grant_type must be authorization_code")
        client = oidc.authenticate_client(
            uow, form=form, authorization=http.headers.get("authorization")
        )
        if not code:
            raise InvalidRequest("code is required")
        try:
            result = oidc.exchange_code(
                uow,
                client=client,
                code=code,
                redirect_uri=form["redirect_uri"],
                code_verifier=form["code_verifier"],
            )
        except InvalidGrant:
            uow.commit()  # any attempt spends the code
            raise
        uow.commit()
    return JSONResponse(result, headers=NO_STORE)


class UserInfo(BaseModel):
    sub: str
    pid: str
    acr: str | None = None
    amr: list[str] | None = None
    sid: str | None = None
    locale: str | None = None


@idporten.get(
    "/userinfo",
    summary="The logged-in person's claims, for an access token of an active session",
    response_model=UserInfo,
    responses=UNAUTHORIZED | {403: problem_doc("The access token lacks the scope openid")},
)
def userinfo(
    principal: Annotated[tokens.Principal, Depends(tokens.require_scope("openid"))],
    database: DatabaseDep,
) -> UserInfo:
    claims = principal.claims
    if principal.kind != "person" or claims.get("iss") != urls.idporten_issuer():
        raise tokens.InvalidToken("userinfo needs an access token from a person's login")
    with database.read_session() as session:
        if not oidc.session_active(session, str(claims.get("sid"))):
            raise tokens.InvalidToken("The login session has ended")
    return UserInfo(
        sub=str(principal.sub),
        pid=str(principal.pid),
        acr=principal.acr,
        amr=claims.get("amr"),
        sid=claims.get("sid"),
        locale=claims.get("locale"),
    )


@idporten.get(
    "/endsession",
    summary="Log out: end the session of the ID token given",
    response_class=HTMLResponse,
    responses=SEE_OTHER | {422: problem_doc("id_token_hint is not an ID token felles issued")},
)
def end_session(
    database: DatabaseDep,
    id_token_hint: Annotated[str | None, Query(max_length=8000)] = None,
    post_logout_redirect_uri: Text = None,
    state: Text = None,
) -> Response:
    with database.unit_of_work() as uow:
        logout = oidc.end_session(
            uow,
            id_token_hint=id_token_hint,
            post_logout_redirect_uri=post_logout_redirect_uri,
            state=state,
        )
        uow.commit()
    if logout.redirect is not None:
        return RedirectResponse(logout.redirect, status_code=303)
    return HTMLResponse(_templates.get_template("logget_ut.html").render())


# ------------------------------------------------------------------------------------------
# Maskinporten
# ------------------------------------------------------------------------------------------


@maskinporten_router.get(
    "/.well-known/oauth-authorization-server", summary="Authorization server metadata"
)
def maskinporten_metadata() -> dict[str, Any]:
    issuer = urls.maskinporten_issuer()
    return {
        "issuer": issuer,
        "token_endpoint": f"{issuer}token",
        "jwks_uri": f"{issuer}jwk",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "grant_types_supported": [maskinporten.GRANT_TYPE],
        "token_endpoint_auth_signing_alg_values_supported": list(clients.ASSERTION_ALGS),
    }


@maskinporten_router.get("/jwk", summary="Maskinporten's public signing keys (JWKS)")
def maskinporten_jwks(database: DatabaseDep) -> dict[str, Any]:
    return keys.jwks(database)


@maskinporten_router.post(
    "/token",
    summary="Token endpoint: JWT-bearer grant (RFC 7523)",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    responses=OAUTH_ERRORS,
    openapi_extra=form_body(MASKINPORTEN_FORM),
)
def maskinporten_token(
    database: DatabaseDep,
    form: Annotated[Form, Depends(form_reader(MASKINPORTEN_FORM))],
) -> JSONResponse:
    grant_type, assertion = form["grant_type"], form["assertion"]
    if grant_type != maskinporten.GRANT_TYPE:
        raise UnsupportedGrantType(f"grant_type must be {maskinporten.GRANT_TYPE}")
    if not assertion:
        raise InvalidRequest("assertion is required")
    with database.unit_of_work() as uow:
        result = maskinporten.issue_token(uow, assertion=assertion)
        uow.commit()
    return JSONResponse(result, headers=NO_STORE)


# ------------------------------------------------------------------------------------------
# Self-service (operator)
# ------------------------------------------------------------------------------------------

ClientId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._:\-]+$")]
Uri = Annotated[str, Field(min_length=1, max_length=2000)]
Scope = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[\x21\x23-\x5b\x5d-\x7e]+$")]


class Jwks(BaseModel):
    keys: list[dict[str, Any]] = Field(min_length=1, max_length=20)


class IdportenClientIn(BaseModel):
    integration_type: Literal["idporten"]
    client_id: ClientId
    client_name: str = Field(min_length=1, max_length=200)
    redirect_uris: list[Uri] = Field(min_length=1, max_length=20)
    post_logout_redirect_uris: list[Uri] = Field(default_factory=list, max_length=20)
    token_endpoint_auth_method: Literal[
        "client_secret_basic", "client_secret_post", "private_key_jwt", "none"
    ] = "client_secret_basic"
    scopes: list[Scope] = Field(default_factory=lambda: ["openid", "profile"], max_length=50)
    sector_identifier: str | None = Field(default=None, min_length=1, max_length=200)
    jwks: Jwks | None = None


class MaskinportenClientIn(BaseModel):
    integration_type: Literal["maskinporten"]
    client_id: ClientId
    client_name: str = Field(min_length=1, max_length=200)
    client_orgno: str = Field(min_length=1, max_length=20)
    jwks: Jwks
    scopes: list[Scope] = Field(min_length=1, max_length=50)


ClientIn = IdportenClientIn | MaskinportenClientIn


class ClientOut(BaseModel):
    integration_type: Literal["idporten", "maskinporten"]
    client_id: str
    client_name: str
    scopes: list[str]
    client_orgno: str | None = None
    redirect_uris: list[str] | None = None
    post_logout_redirect_uris: list[str] | None = None
    token_endpoint_auth_method: str | None = None
    client_secret: str | None = Field(
        default=None, description="Shown only now: felles stores an HMAC of it"
    )


@admin.post(
    "/selvbetjening/clients",
    status_code=201,
    summary="Register an ID-porten or Maskinporten client",
    response_model=ClientOut,
    response_model_exclude_none=True,
    responses=UNAUTHORIZED
    | {
        409: problem_doc("A client with this client_id is registered"),
        422: problem_doc("Invalid input; nothing was registered"),
    },
)
def register_client(
    body: Annotated[
        IdportenClientIn | MaskinportenClientIn, Field(discriminator="integration_type")
    ],
    database: DatabaseDep,
) -> ClientOut:
    with database.unit_of_work() as uow:
        if isinstance(body, MaskinportenClientIn):
            mp = clients.register_maskinporten_client(
                uow,
                client_id=body.client_id,
                client_name=body.client_name,
                orgnr=body.client_orgno,
                jwks=body.jwks.model_dump(),
                scopes=body.scopes,
            )
            uow.commit()
            return ClientOut(
                integration_type="maskinporten",
                client_id=mp.client_id,
                client_name=mp.client_name,
                scopes=mp.scopes,
                client_orgno=mp.orgnr,
            )
        registered = clients.register_oidc_client(
            uow,
            client_id=body.client_id,
            client_name=body.client_name,
            redirect_uris=body.redirect_uris,
            post_logout_redirect_uris=body.post_logout_redirect_uris,
            token_endpoint_auth_method=body.token_endpoint_auth_method,
            scopes=body.scopes,
            sector=body.sector_identifier,
            jwks=body.jwks.model_dump() if body.jwks is not None else None,
        )
        uow.commit()
    client = registered.client
    return ClientOut(
        integration_type="idporten",
        client_id=client.client_id,
        client_name=client.client_name,
        scopes=client.scopes,
        redirect_uris=client.redirect_uris,
        post_logout_redirect_uris=client.post_logout_redirect_uris,
        token_endpoint_auth_method=client.token_endpoint_auth_method,
        client_secret=registered.client_secret,
    )


class RotatedKey(BaseModel):
    kid: str
    alg: str


@admin.post(
    "/identity/noekler/rotasjon",
    status_code=201,
    summary="Rotate felles' signing key (felles addition)",
    response_model=RotatedKey,
    responses=UNAUTHORIZED,
)
def rotate(database: DatabaseDep) -> RotatedKey:
    with database.unit_of_work() as uow:
        key = keys.rotate_keys(uow)
        uow.commit()
    return RotatedKey(kid=key.kid, alg=key.alg)


router.include_router(idporten)
router.include_router(maskinporten_router)
router.include_router(admin)

__all__ = ["InvalidInput", "router"]
