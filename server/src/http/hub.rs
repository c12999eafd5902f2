//! The sign-on hub's HTTP face: OpenID provider discovery, keys, authorisation (with the
//! consent form's answer), token, userinfo, revocation and introspection. Requests from
//! services get the errors the specifications name; citizens get pages, never a 500.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use sea_orm::EntityTrait;

use super::{AppState, ClientIp, current_session, no_store, see_other};
use crate::hub::authorize::{self, AuthRequest, AuthorizeError, Decision, LOGIN_AFTER, SessionFacts};
use crate::hub::services::{self, SCOPES};
use crate::hub::token::{self, TokenError};
use crate::hub::{Hub, keys};
use crate::storage::audit::Event;
use crate::storage::entity::{account, hub_code, session};
use crate::storage::hub as store;

/// The routes, on the shared state.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/.well-known/openid-configuration", get(discovery))
        .route("/oidc/jwks", get(jwks))
        .route("/oidc/authorize", get(authorize_endpoint).post(authorize_endpoint))
        .route("/dong-y", post(consent_answer))
        .route("/tai-khoan/dich-vu/thu-hoi", post(withdraw_consent))
        .route("/oidc/token", post(token_endpoint))
        .route("/oidc/userinfo", get(userinfo).post(userinfo))
        .route("/oidc/revoke", post(revoke))
        .route("/oidc/introspect", post(introspect))
        .route("/oidc/logout", get(end_session_endpoint).post(end_session_endpoint))
        .route("/nop-truc-tuyen/{code}/tiep-tuc", get(hand_off))
        .with_state(state)
}

fn json(status: StatusCode, body: serde_json::Value) -> Response {
    no_store((status, axum::Json(body)).into_response())
}

/// The hub's trouble: logged, and a "try again" answer.
fn unavailable(what: &str, error: impl std::fmt::Display) -> Response {
    tracing::error!("{what}: {error}");
    no_store(
        (StatusCode::SERVICE_UNAVAILABLE, "Dịch vụ đăng nhập đang gián đoạn, vui lòng thử lại sau ít phút.")
            .into_response(),
    )
}

async fn discovery(State(state): State<AppState>) -> Response {
    let hub = &state.hub;
    let scopes: Vec<&str> = SCOPES.iter().map(|(s, _)| *s).collect();
    let mut claims: Vec<&str> = SCOPES.iter().flat_map(|(_, c)| c.iter().copied()).collect();
    claims.extend(["iss", "aud", "exp", "iat", "auth_time", "nonce", "acr", "sid"]);
    let body = serde_json::json!({
        "issuer": hub.issuer,
        "authorization_endpoint": hub.url("/oidc/authorize"),
        "token_endpoint": hub.url("/oidc/token"),
        "userinfo_endpoint": hub.url("/oidc/userinfo"),
        "jwks_uri": hub.url("/oidc/jwks"),
        "revocation_endpoint": hub.url("/oidc/revoke"),
        "introspection_endpoint": hub.url("/oidc/introspect"),
        "end_session_endpoint": hub.url("/oidc/logout"),
        "backchannel_logout_supported": true,
        "backchannel_logout_session_supported": true,
        "frontchannel_logout_supported": false,
        "scopes_supported": scopes,
        "claims_supported": claims,
        "response_types_supported": ["code"],
        "response_modes_supported": ["query"],
        "grant_types_supported": ["authorization_code", "client_credentials"],
        "subject_types_supported": ["pairwise", "public"],
        "id_token_signing_alg_values_supported": keys::ALGORITHMS,
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS256", "PS256", "ES256"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt"],
        "code_challenge_methods_supported": ["S256"],
        "prompt_values_supported": ["none", "login", "consent"],
        "acr_values_supported": ["loa-1", "loa-2", "loa-3"],
        "claims_parameter_supported": false,
        "request_parameter_supported": false,
        "request_uri_parameter_supported": false,
        "authorization_response_iss_parameter_supported": true,
        "ui_locales_supported": ["vi"],
    });
    ([(header::CACHE_CONTROL, "max-age=300")], axum::Json(body)).into_response()
}

async fn jwks(State(state): State<AppState>) -> Response {
    match keys::published(&state.db, state.hub.token_lifetime, Utc::now()).await {
        Ok(keys) => (
            [(header::CONTENT_TYPE, "application/jwk-set+json"), (header::CACHE_CONTROL, "max-age=300")],
            axum::Json(serde_json::json!({ "keys": keys })),
        )
            .into_response(),
        Err(e) => unavailable("publishing the hub's keys", e),
    }
}

/// Appends parameters to a registered redirect URI (which may have a query of its own).
fn redirect_with(hub: &Hub, redirect_uri: &str, pairs: &[(&str, &str)]) -> Response {
    let Ok(mut url) = url::Url::parse(redirect_uri) else { return see_other("/dong-y?loi=dia-chi") };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in pairs {
            q.append_pair(k, v);
        }
        q.append_pair("iss", &hub.issuer);
    }
    see_other(url.as_str())
}

fn oauth_error(hub: &Hub, redirect_uri: &str, error: &str, description: &str, state: Option<&str>) -> Response {
    let mut pairs = vec![("error", error), ("error_description", description)];
    if let Some(s) = state {
        pairs.push(("state", s));
    }
    redirect_with(hub, redirect_uri, &pairs)
}

/// The authorisation endpoint, by GET (query) or POST (form): axum's `Form` reads either.
async fn authorize_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(params): axum::Form<HashMap<String, String>>,
) -> Response {
    authorize(state, headers, params).await
}

async fn authorize(state: AppState, headers: HeaderMap, params: HashMap<String, String>) -> Response {
    let hub = &state.hub;
    let now = Utc::now();
    let service = match params.get("client_id") {
        Some(id) => match services::find(&state.db, id).await {
            Ok(s) => s,
            Err(e) => return unavailable("finding a service", e),
        },
        None => None,
    };
    let request = match authorize::read(&params, service.as_ref()) {
        Ok(r) => r,
        Err(AuthorizeError::NotRedirectable(message)) => {
            tracing::warn!(client = ?params.get("client_id"), "authorisation refused: {message}");
            let code = if service.is_none() { "dich-vu" } else { "dia-chi" };
            return see_other(&format!("/dong-y?loi={code}"));
        }
        Err(AuthorizeError::Redirect { redirect_uri, error, description, state: s }) => {
            return oauth_error(hub, &redirect_uri, error, &description, s.as_deref());
        }
    };
    let Some(service) = service else { return see_other("/dong-y?loi=dich-vu") };
    let current = match current_session(&state, &headers).await {
        Ok(c) => c,
        Err(e) => return unavailable("reading the session", e),
    };
    // A staff directory's sign-in is not a citizen's: department services see citizens only.
    let staff_only = |provider_id: &str| state.config.identity.provider(provider_id).is_some_and(|p| p.staff_only);
    let current = current.filter(|(s, _)| !staff_only(&s.provider_id));
    let consented = match &current {
        Some((_, a)) => match store::consented(&state.db, a.id, &service.client_id, &request.scopes).await {
            Ok(c) => c,
            Err(e) => return unavailable("reading consent", e),
        },
        None => false,
    };
    let facts = current.as_ref().map(|(s, a)| SessionFacts { auth_time: s.created_at, level: a.assurance_level });
    match request.decide(facts, consented, now) {
        Err((error, description)) => {
            oauth_error(hub, &request.redirect_uri, error, &description, request.state.as_deref())
        }
        Ok(Decision::SignIn { fresh, level }) => {
            see_other(&sign_in_first(&state, &params, fresh, level, request.login_hint.as_deref()))
        }
        Ok(Decision::AskConsent) => {
            let Some((session, _)) = current else { return see_other("/dang-nhap") };
            let Ok(json) = serde_json::to_string(&request) else { return see_other("/dong-y?loi=dich-vu") };
            match store::put_pending(
                &state.db,
                &session.id,
                &service.client_id,
                &json,
                now + chrono::Duration::minutes(10),
                now,
            )
            .await
            {
                Ok(token) => see_other(&format!("/dong-y?ma={token}")),
                Err(e) => unavailable("keeping a consent request", e),
            }
        }
        Ok(Decision::Issue) => {
            let Some((session, account)) = current else { return see_other("/dang-nhap") };
            issue(&state, &service, &request, &session, &account).await
        }
    }
}

/// Where to send a citizen who must sign in (again) before the hub answers: the national
/// login, then back to this same authorisation request.
fn sign_in_first(
    state: &AppState,
    params: &HashMap<String, String>,
    fresh: bool,
    level: Option<i32>,
    hint: Option<&str>,
) -> String {
    let mut back = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in params.iter().filter(|(k, _)| k.as_str() != LOGIN_AFTER) {
        back.append_pair(k, v);
    }
    if fresh || level.is_some() {
        back.append_pair(LOGIN_AFTER, &Utc::now().timestamp().to_string());
    }
    let back = format!("/oidc/authorize?{}", back.finish());
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    query.append_pair("ve", &back);
    if fresh {
        query.append_pair("moi", "1");
    }
    if let Some(l) = level {
        query.append_pair("muc", &l.to_string());
    }
    // Only a citizen id number means something to the national login; an identifier the hub
    // gave the service (a hand-off's login_hint) is the hub's own and goes no further.
    if let Some(h) = hint.filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_digit())) {
        query.append_pair("goi-y", h);
    }
    let providers = &state.config.identity.providers;
    match providers.as_slice() {
        [only] => format!("/dang-nhap/{}?{}", only.id, query.finish()),
        _ => format!("/dang-nhap?{}", query.finish()),
    }
}

/// Issues a code for a request the citizen has agreed to, and sends it to the service.
async fn issue(
    state: &AppState,
    service: &services::Service,
    request: &AuthRequest,
    session: &session::Model,
    account: &account::Model,
) -> Response {
    let hub = &state.hub;
    let now = Utc::now();
    let subject = hub.subject(service, account);
    let row = hub_code::Model {
        code_hash: String::new(),
        client_id: service.client_id.clone(),
        redirect_uri: request.redirect_uri.clone(),
        code_challenge: request.code_challenge.clone(),
        nonce: request.nonce.clone(),
        scopes: request.scopes.join(" "),
        session_id: session.id.clone(),
        account_id: account.id,
        auth_time: session.created_at,
        acr: account.assurance_level,
        expires_at: now + hub.code_lifetime,
        used_at: None,
    };
    let issued = async {
        let code = store::issue_code(&state.db, row).await?;
        store::record_sign_in(&state.db, &session.id, account.id, &service.client_id, &subject, now).await?;
        Ok::<_, crate::storage::StorageError>(code)
    }
    .await;
    match issued {
        Ok(code) => {
            let mut pairs = vec![("code", code.as_str())];
            if let Some(s) = &request.state {
                pairs.push(("state", s));
            }
            redirect_with(hub, &request.redirect_uri, &pairs)
        }
        Err(e) => unavailable("issuing a code", e),
    }
}

/// The consent form's answer: agree (with or without the citizen id number, when asked) or
/// refuse. The form token is bound to the session and used once.
async fn consent_answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let now = Utc::now();
    let current = match current_session(&state, &headers).await {
        Ok(Some(c)) => c,
        Ok(None) => return see_other("/dong-y?loi=phien"),
        Err(e) => return unavailable("reading the session", e),
    };
    let (session, account) = current;
    let Some(token) = form.get("ma") else { return see_other("/dong-y?loi=phien") };
    let pending = match store::take_pending(&state.db, token, &session.id, now).await {
        Ok(Some(p)) => p,
        Ok(None) => return see_other("/dong-y?loi=phien"),
        Err(e) => return unavailable("reading a consent request", e),
    };
    let Ok(mut request) = serde_json::from_str::<AuthRequest>(&pending.request) else {
        return see_other("/dong-y?loi=phien");
    };
    if form.get("quyet-dinh").map(String::as_str) != Some("dong-y") {
        return oauth_error(
            &state.hub,
            &request.redirect_uri,
            "access_denied",
            "the citizen refused",
            request.state.as_deref(),
        );
    }
    // The citizen id number is shared only when its own box was ticked.
    if form.get("so-dinh-danh").map(String::as_str) != Some("1") {
        request.scopes.retain(|s| s != "citizen");
    }
    let service = match services::find(&state.db, &request.client_id).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other("/dong-y?loi=dich-vu"),
        Err(e) => return unavailable("finding a service", e),
    };
    if let Err(e) = store::remember_consent(&state.db, account.id, &service.client_id, &request.scopes, now).await {
        return unavailable("remembering consent", e);
    }
    let event = Event {
        actor: format!("account:{}", account.id),
        action: "consent.give",
        target: Some(format!("service:{}", service.client_id)),
        detail: serde_json::json!({ "scopes": request.scopes }),
        source_ip: ip,
    };
    super::audit(&state.db, event).await;
    issue(&state, &service, &request, &session, &account).await
}

/// The end-session endpoint, by GET or POST.
async fn end_session_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(params): axum::Form<HashMap<String, String>>,
) -> Response {
    end_session(state, headers, params).await
}

/// RP-initiated logout from a service: the `id_token_hint` must be the hub's, and a
/// post-logout URI must be registered for that service exactly; then the citizen confirms
/// on `/dang-xuat` ("Đăng xuất khỏi tất cả dịch vụ?"), whose form does the rest.
async fn end_session(state: AppState, headers: HeaderMap, params: HashMap<String, String>) -> Response {
    let mut client_id = params.get("client_id").cloned();
    if let Some(hint) = params.get("id_token_hint") {
        match crate::hub::logout::hinted_client(&state.hub, &state.db, hint).await {
            Ok(aud) if client_id.as_ref().is_none_or(|c| *c == aud) => client_id = Some(aud),
            Ok(_) => return see_other("/dong-y?loi=dang-xuat"),
            Err(e) => {
                tracing::warn!("end-session refused: {e}");
                return see_other("/dong-y?loi=dang-xuat");
            }
        }
    }
    let destination = match (params.get("post_logout_redirect_uri"), &client_id) {
        (Some(to), Some(id)) => match services::find(&state.db, id).await {
            Ok(Some(s)) if s.post_logout_redirect_uris.contains(to) => Some((id.clone(), to.clone())),
            Ok(_) => {
                tracing::warn!(client = id, "end-session refused: post_logout_redirect_uri {to} is not registered");
                return see_other("/dong-y?loi=dang-xuat");
            }
            Err(e) => return unavailable("finding a service", e),
        },
        (Some(_), None) => return see_other("/dong-y?loi=dang-xuat"),
        (None, _) => None,
    };
    let service_state = params.get("state").map(String::as_str);
    match current_session(&state, &headers).await {
        Ok(Some(_)) => {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            if let Some((id, to)) = &destination {
                query.append_pair("dich-vu", id).append_pair("ve", to);
                if let Some(s) = service_state {
                    query.append_pair("state", s);
                }
            }
            see_other(&format!("/dang-xuat?{}", query.finish()))
        }
        // Nobody to sign out: straight on.
        Ok(None) => match &destination {
            Some((_, to)) => see_other(&crate::hub::logout::with_state(to, service_state)),
            None => see_other("/"),
        },
        Err(e) => unavailable("reading the session", e),
    }
}

/// "Tiếp tục đến dịch vụ" on a hand-off page: to the service's third-party-initiated login
/// (`iss`, `target_link_uri`, and as `login_hint` the identifier it already knows the citizen
/// by, if any), or straight to its start page.
async fn hand_off(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Response {
    let service = match services::for_procedure(&state.db, &code).await {
        Ok(Some(s)) => s,
        Ok(None) => return see_other(&format!("/thu-tuc/{code}")),
        Err(e) => return unavailable("finding a service", e),
    };
    let target = service.start_url.clone().or_else(|| {
        let first = url::Url::parse(service.redirect_uris.first()?).ok()?;
        Some(first.origin().ascii_serialization() + "/")
    });
    let Some(initiate) = &service.initiate_login_uri else {
        return match target {
            Some(t) => see_other(&t),
            None => see_other(&format!("/thu-tuc/{code}")),
        };
    };
    let Ok(mut url) = url::Url::parse(initiate) else { return see_other(&format!("/thu-tuc/{code}")) };
    let hint = match current_session(&state, &headers).await {
        Ok(Some((_, account))) => {
            match store::consented(&state.db, account.id, &service.client_id, &["openid".into()]).await {
                Ok(true) => Some(state.hub.subject(&service, &account)),
                _ => None,
            }
        }
        _ => None,
    };
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("iss", &state.hub.issuer);
        if let Some(t) = &target {
            q.append_pair("target_link_uri", t);
        }
        if let Some(h) = &hint {
            q.append_pair("login_hint", h);
        }
    }
    see_other(url.as_str())
}

/// The account page's "Thu hồi quyền truy cập": the service must ask again next time.
async fn withdraw_consent(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (session, account) = match current_session(&state, &headers).await {
        Ok(Some(c)) => c,
        Ok(None) => return see_other("/tai-khoan"),
        Err(e) => return unavailable("reading the session", e),
    };
    match crate::csrf::check(&state.db, &session.id, form.get("_csrf").map(String::as_str)).await {
        Ok(true) => {}
        Ok(false) => {
            return (StatusCode::FORBIDDEN, "Biểu mẫu đã hết hạn. Hãy tải lại trang Tài khoản và thử lại.")
                .into_response();
        }
        Err(e) => return unavailable("checking a form token", e),
    }
    let Some(client_id) = form.get("dich-vu") else { return see_other("/tai-khoan") };
    match store::revoke_consent(&state.db, account.id, client_id).await {
        Ok(true) => {
            let event = Event {
                actor: format!("account:{}", account.id),
                action: "consent.withdraw",
                target: Some(format!("service:{client_id}")),
                detail: serde_json::json!({}),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other("/tai-khoan")
        }
        Ok(false) => see_other("/tai-khoan"),
        Err(e) => unavailable("withdrawing consent", e),
    }
}

fn token_error(error: &TokenError, basic: bool) -> Response {
    let status = match error {
        TokenError::InvalidClient(_) => StatusCode::UNAUTHORIZED,
        TokenError::Server(_) => StatusCode::INTERNAL_SERVER_ERROR,
        _ => StatusCode::BAD_REQUEST,
    };
    if let TokenError::Server(e) = error {
        tracing::error!("token endpoint: {e}");
    } else {
        tracing::warn!("token endpoint refused: {error}");
    }
    let description = match error {
        TokenError::Server(_) => "the hub failed; try again".to_string(),
        other => other.to_string().split_once(": ").map(|(_, d)| d.to_string()).unwrap_or_default(),
    };
    let mut response = json(status, serde_json::json!({ "error": error.code(), "error_description": description }));
    if status == StatusCode::UNAUTHORIZED && basic {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic realm=\"motcua\""));
    }
    response
}

fn authorization(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
}

async fn token_endpoint(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let auth = authorization(&headers);
    let basic = auth.is_some_and(|a| a.starts_with("Basic "));
    let service = match token::authenticate(&state.hub, &state.db, auth, &form).await {
        Ok(s) => s,
        Err(e) => return token_error(&e, basic),
    };
    match token::exchange(&state.hub, &state.db, &service, &form, Utc::now()).await {
        Ok(answer) => no_store(axum::Json(answer).into_response()),
        Err(e) => token_error(&e, basic),
    }
}

fn bearer_error(description: &str) -> Response {
    let mut response = json(
        StatusCode::UNAUTHORIZED,
        serde_json::json!({ "error": "invalid_token", "error_description": description }),
    );
    let challenge = format!("Bearer error=\"invalid_token\", error_description=\"{description}\"");
    if let Ok(v) = HeaderValue::from_str(&challenge) {
        response.headers_mut().insert(header::WWW_AUTHENTICATE, v);
    }
    response
}

async fn userinfo(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = authorization(&headers).and_then(|a| a.strip_prefix("Bearer ")) else {
        let mut response = no_store(StatusCode::UNAUTHORIZED.into_response());
        response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return response;
    };
    let now = Utc::now();
    let found = async {
        let Some(t) = store::live_token(&state.db, token.trim(), now).await.map_err(|e| e.to_string())? else {
            return Ok(None);
        };
        let account = account::Entity::find_by_id(t.account_id).one(&state.db).await.map_err(|e| e.to_string())?;
        let service = services::find(&state.db, &t.client_id).await.map_err(|e| e.to_string())?;
        Ok::<_, String>(account.zip(service).map(|(a, s)| (t, a, s)))
    }
    .await;
    match found {
        Ok(Some((t, account, service))) => {
            let scopes: Vec<String> = t.scopes.split_whitespace().map(str::to_string).collect();
            let claims = token::released_claims(&state.hub.subject(&service, &account), &scopes, &account);
            no_store(axum::Json(claims).into_response())
        }
        Ok(None) => bearer_error("the access token is unknown, expired or revoked"),
        Err(e) => unavailable("userinfo", e),
    }
}

/// A revocation or introspection request: the calling service, authenticated as at the
/// token endpoint, and the token it asks about.
async fn token_question(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(services::Service, String), Response> {
    let auth = authorization(headers);
    let service = token::authenticate(&state.hub, &state.db, auth, form)
        .await
        .map_err(|e| token_error(&e, auth.is_some_and(|a| a.starts_with("Basic "))))?;
    let token =
        form.get("token").ok_or_else(|| token_error(&TokenError::InvalidRequest("token is missing".into()), false))?;
    Ok((service, token.clone()))
}

async fn revoke(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (service, token) = match token_question(&state, &headers, &form).await {
        Ok(q) => q,
        Err(refused) => return refused,
    };
    match store::revoke_token(&state.db, &token, &service.client_id, Utc::now()).await {
        Ok(()) => no_store(StatusCode::OK.into_response()),
        Err(e) => unavailable("revoking a token", e),
    }
}

async fn introspect(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (service, token) = match token_question(&state, &headers, &form).await {
        Ok(q) => q,
        Err(refused) => return refused,
    };
    let found = async {
        let Some(t) = store::live_token(&state.db, &token, Utc::now()).await? else { return Ok(None) };
        // A service learns about its own tokens only.
        if t.client_id != service.client_id {
            return Ok(None);
        }
        let account = account::Entity::find_by_id(t.account_id).one(&state.db).await?;
        Ok::<_, crate::storage::StorageError>(account.map(|a| (t, a)))
    }
    .await;
    match found {
        Ok(Some((t, account))) => no_store(
            axum::Json(serde_json::json!({
                "active": true,
                "scope": t.scopes,
                "client_id": t.client_id,
                "token_type": "Bearer",
                "exp": t.expires_at.timestamp(),
                "sub": state.hub.subject(&service, &account),
                "iss": state.hub.issuer,
                "aud": t.client_id,
            }))
            .into_response(),
        ),
        Ok(None) => no_store(axum::Json(serde_json::json!({ "active": false })).into_response()),
        Err(e) => unavailable("introspection", e),
    }
}
