//! Signing in and out: `/dang-nhap/{provider}` sends the citizen to the provider,
//! `/dang-nhap/{provider}/callback` checks the answer and opens a server-side session,
//! `/dang-xuat` ends it here and at the provider. Every failure lands on the sign-in page
//! with a clear message, never on an error page of the server.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use motcua_app::ports::{return_path, session_cookie, session_cookie_name};

use super::{AppState, ClientIp, see_other};
use crate::identity::relying_party::{LoginError, RelyingParty, StartOptions};
use crate::storage::audit::Event;
use crate::storage::identity::{self as store, NewSession};

/// The configured providers, by id, and how the portal's sessions are kept.
pub struct SignIn {
    /// Relying parties by provider id.
    pub providers: HashMap<String, RelyingParty>,
    /// The portal's public address (no trailing slash).
    pub public_url: String,
    /// Absolute session lifetime.
    pub lifetime: chrono::Duration,
}

impl SignIn {
    /// Whether the portal is served over https: its cookies are then `Secure` and browsers
    /// are told to keep to https.
    pub fn https(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    fn cookie(&self, value: &str, max_age: Option<i64>) -> String {
        let name = session_cookie_name(self.https());
        let secure = if self.https() { "; Secure" } else { "" };
        let age = max_age.map(|s| format!("; Max-Age={s}")).unwrap_or_default();
        format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax{secure}{age}")
    }
}

/// The routes, on the shared state.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/dang-nhap/{provider}", get(start))
        .route("/dang-nhap/{provider}/callback", get(callback))
        .route("/dang-nhap/{provider}/backchannel-logout", post(back_channel_logout))
        .route("/dang-xuat", post(sign_out))
        .route(SIGNED_OUT_PATH, get(signed_out))
        .route("/.well-known/jwks.json", get(public_keys))
        .with_state(state)
}

/// Back to the sign-in page with the reason, keeping nothing of the failed attempt.
fn failed(provider: &str, error: &LoginError) -> Response {
    let code = match error {
        LoginError::Cancelled => "huy",
        LoginError::UnknownState => "het-han",
        LoginError::ProviderDown(_) | LoginError::Misconfigured(_) | LoginError::Storage(_) => "gian-doan",
        LoginError::Refused(_) => "tu-choi",
        LoginError::Invalid(_) => "khong-hop-le",
    };
    tracing::warn!(provider, "sign-in failed: {error}");
    see_other(&format!("/dang-nhap?loi={code}"))
}

async fn start(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(rp) = state.sign_in.providers.get(&provider) else { return see_other("/dang-nhap?loi=khong-co") };
    let options = StartOptions {
        fresh: query.get("moi").is_some_and(|v| v == "1"),
        min_level: query.get("muc").and_then(|v| v.parse().ok()),
        login_hint: query.get("goi-y").cloned(),
    };
    match rp.start(&state.db, &return_path(query.get("ve").map(String::as_str)), &options, Utc::now()).await {
        Ok(url) => see_other(&url),
        Err(e) => failed(&provider, &e),
    }
}

async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    ClientIp(ip): ClientIp,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let Some(rp) = state.sign_in.providers.get(&provider) else { return see_other("/dang-nhap?loi=khong-co") };
    let now = Utc::now();
    let signed_in = match rp.finish(&state.db, &query, now).await {
        Ok(s) => s,
        Err(e) => return failed(&provider, &e),
    };
    let opened = async {
        let account = store::sign_in_account(
            &state.db,
            &signed_in.issuer,
            &signed_in.subject,
            &provider,
            &signed_in.profile,
            now,
        )
        .await?;
        let new = NewSession {
            account_id: account.id,
            provider_id: &provider,
            upstream_sid: signed_in.sid.as_deref(),
            id_token: Some(&signed_in.id_token),
            lifetime: state.sign_in.lifetime,
        };
        let cookie = store::open_session(&state.db, &new, now).await?;
        Ok::<_, crate::storage::StorageError>((cookie, account))
    }
    .await;
    match opened {
        Ok((cookie, account)) => {
            let event = Event {
                actor: format!("account:{}", account.id),
                action: "sign_in",
                target: Some(format!("provider:{provider}")),
                detail: serde_json::json!({ "issuer": signed_in.issuer, "level": account.assurance_level }),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            let mut response = see_other(&signed_in.return_to);
            if let Ok(value) = HeaderValue::from_str(&state.sign_in.cookie(&cookie, None)) {
                response.headers_mut().insert(header::SET_COOKIE, value);
            }
            response
        }
        Err(e) => failed(&provider, &LoginError::Storage(e)),
    }
}

/// Signing out (the account page's button, or the confirmation a service's logout leads
/// to): ends the portal session, tells every service it signed in to, signs out at the
/// national login, and ends on the service's registered post-logout page if one asked.
async fn sign_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    body: axum::body::Bytes,
) -> Response {
    let form: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    // A destination only if it is registered for the service that names it, exactly.
    let mut destination = None;
    if let (Some(client_id), Some(to)) = (form.get("dich-vu"), form.get("ve")) {
        match crate::hub::services::find(&state.db, client_id).await {
            Ok(Some(s)) if s.post_logout_redirect_uris.contains(to) => destination = Some(to.clone()),
            Ok(_) => tracing::warn!(client_id, "sign-out: post-logout URI not registered, ignored"),
            Err(e) => tracing::error!("sign-out: {e}"),
        }
    }
    let service_state = form.get("state").map(String::as_str);
    // A live session is ended only by a form of its own (CSRF): a cross-site POST cannot sign
    // the citizen out. Without a live session there is nothing to protect.
    match super::current_session(&state, &headers).await {
        Ok(Some((session, _))) => {
            match crate::csrf::check(&state.db, &session.id, form.get("_csrf").map(String::as_str)).await {
                Ok(true) => {}
                Ok(false) => {
                    return (
                        StatusCode::FORBIDDEN,
                        "Biểu mẫu đã hết hạn. Hãy tải lại trang Tài khoản và đăng xuất lại.",
                    )
                        .into_response();
                }
                Err(e) => {
                    tracing::error!("checking a form token: {e}");
                    return (StatusCode::SERVICE_UNAVAILABLE, "Không đăng xuất được lúc này, vui lòng thử lại.")
                        .into_response();
                }
            }
        }
        Ok(None) => {}
        Err(e) => {
            tracing::error!("reading a session: {e}");
            return (StatusCode::SERVICE_UNAVAILABLE, "Không đăng xuất được lúc này, vui lòng thử lại.")
                .into_response();
        }
    }
    let ended = match session_cookie(&headers) {
        Some(c) => match store::end_session(&state.db, &c).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("cannot end a session: {e}");
                return (StatusCode::SERVICE_UNAVAILABLE, "Không đăng xuất được lúc này, vui lòng thử lại.")
                    .into_response();
            }
        },
        None => None,
    };
    if let Some(session) = &ended {
        let told = crate::hub::logout::fan_out(&state.hub, &state.db, &session.id).await.unwrap_or_else(|e| {
            tracing::error!("sign-out: telling the services failed: {e}");
            Vec::new()
        });
        let event = Event {
            actor: format!("account:{}", session.account_id),
            action: "sign_out",
            target: Some(format!("provider:{}", session.provider_id)),
            detail: serde_json::json!({ "services_told": told, "from": form.get("dich-vu") }),
            source_ip: ip,
        };
        super::audit(&state.db, event).await;
    }
    // Then at the provider, which comes back to /dang-xuat/xong.
    let mut location = match &destination {
        Some(to) => crate::hub::logout::with_state(to, service_state),
        None => "/".to_string(),
    };
    if let Some(session) = ended
        && let Some(rp) = state.sign_in.providers.get(&session.provider_id)
        && let Some(end) = rp.end_session_endpoint().await
        && let Ok(mut url) = url::Url::parse(&end)
    {
        {
            let mut q = url.query_pairs_mut();
            if let Some(token) = &session.id_token {
                q.append_pair("id_token_hint", token);
            }
            q.append_pair("client_id", &rp.config.client_id);
            q.append_pair("post_logout_redirect_uri", &format!("{}{SIGNED_OUT_PATH}", state.sign_in.public_url));
            if let Some(to) = &destination {
                q.append_pair("state", &crate::hub::logout::carry_destination(to, service_state));
            }
        }
        location = url.to_string();
    }
    let mut response = see_other(&location);
    if let Ok(value) = HeaderValue::from_str(&state.sign_in.cookie("", Some(0))) {
        response.headers_mut().insert(header::SET_COOKIE, value);
    }
    response
}

/// Where a provider sends the citizen after signing them out (to register at the provider).
pub const SIGNED_OUT_PATH: &str = "/dang-xuat/xong";

/// Back from the provider's logout: on to the service's page the citizen came from, if the
/// carried destination is still registered, else home.
async fn signed_out(State(state): State<AppState>, Query(query): Query<HashMap<String, String>>) -> Response {
    let Some(carried) = query.get("state") else { return see_other("/") };
    match crate::hub::logout::carried_destination(&state.db, carried).await {
        Ok(Some(to)) => see_other(&to),
        Ok(None) => see_other("/"),
        Err(e) => {
            tracing::error!("after sign-out: {e}");
            see_other("/")
        }
    }
}

/// The provider says a citizen signed out there: end the sessions it names. Answers 200
/// when done, 400 with the reason for a token that fails a check (the provider logs it).
async fn back_channel_logout(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let refuse = |reason: String| {
        tracing::warn!(provider, "back-channel logout refused: {reason}");
        let body = serde_json::json!({ "error": "invalid_request", "error_description": reason });
        (StatusCode::BAD_REQUEST, [(header::CACHE_CONTROL, "no-store")], axum::Json(body)).into_response()
    };
    let Some(rp) = state.sign_in.providers.get(&provider) else { return refuse(format!("no provider {provider}")) };
    let Some(token) = form.get("logout_token") else { return refuse("no logout_token".into()) };
    let now = Utc::now();
    let logout = match crate::identity::back_channel::verify(rp, token, now).await {
        Ok(l) => l,
        Err(reason) => return refuse(reason),
    };
    let done = async {
        if !store::use_logout_token(&state.db, &logout.issuer, &logout.jti, logout.expires_at, now).await? {
            return Ok(None);
        }
        store::end_upstream_sessions(
            &state.db,
            &provider,
            &logout.issuer,
            logout.sid.as_deref(),
            logout.subject.as_deref(),
        )
        .await
        .map(Some)
    }
    .await;
    match done {
        Ok(Some(ended)) => {
            for session_id in &ended {
                if let Err(e) = crate::hub::logout::fan_out(&state.hub, &state.db, session_id).await {
                    tracing::error!("back-channel logout: telling the services failed: {e}");
                }
            }
            let event = Event {
                actor: format!("provider:{provider}"),
                action: "sign_out.back_channel",
                target: logout.subject.clone().map(|s| format!("subject:{s}")),
                detail: serde_json::json!({ "sessions_ended": ended.len() }),
                source_ip: None,
            };
            super::audit(&state.db, event).await;
            tracing::info!(provider, ended = ended.len(), "back-channel logout");
            (StatusCode::OK, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
        Ok(None) => refuse("this logout token was already used (jti)".into()),
        Err(e) => {
            tracing::error!("back-channel logout: {e}");
            (StatusCode::SERVICE_UNAVAILABLE, [(header::CACHE_CONTROL, "no-store")]).into_response()
        }
    }
}

/// The portal's public keys, for providers that verify its client assertions by fetching
/// them (`jwks_uri`).
async fn public_keys(State(state): State<AppState>) -> Response {
    let mut seen = std::collections::HashSet::new();
    let mut keys = Vec::new();
    for rp in state.sign_in.providers.values() {
        if let Some(k) = &rp.client_key
            && seen.insert(k.kid().to_string())
            && let Ok(jwk) = serde_json::to_value(k.public_jwk())
        {
            keys.push(jwk);
        }
        if let Some(k) = &rp.decryption_key {
            let jwk = k.public_jwk();
            if seen.insert(jwk["kid"].to_string()) {
                keys.push(jwk);
            }
        }
    }
    (
        [(header::CONTENT_TYPE, "application/jwk-set+json"), (header::CACHE_CONTROL, "max-age=300")],
        axum::Json(serde_json::json!({ "keys": keys })),
    )
        .into_response()
}

/// The relying parties of the configuration.
pub fn sign_in(config: &crate::config::IdentityConfig, public_url: &str) -> Result<Arc<SignIn>, LoginError> {
    let mut providers = HashMap::new();
    for p in &config.providers {
        providers.insert(p.id.clone(), RelyingParty::new(p.clone(), public_url)?);
    }
    let hours = i64::try_from(config.session_absolute_hours).unwrap_or(24 * 365);
    Ok(Arc::new(SignIn {
        providers,
        public_url: public_url.trim_end_matches('/').to_string(),
        lifetime: chrono::Duration::hours(hours),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sign_in_at(public_url: &str) -> Arc<SignIn> {
        sign_in(&crate::config::IdentityConfig::default(), public_url).expect("no providers, nothing to fail")
    }

    #[test]
    fn the_session_cookie_is_host_only_and_secure_over_https() {
        let cookie = sign_in_at("https://dichvucong.example.gov.vn/").cookie("abc", None);
        assert_eq!(cookie, "__Host-motcua_session=abc; Path=/; HttpOnly; SameSite=Lax; Secure");
        // Browsers refuse Secure and the prefix over plain http (a developer's machine).
        let cookie = sign_in_at("http://127.0.0.1:8080").cookie("", Some(0));
        assert_eq!(cookie, "motcua_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
    }

    #[test]
    fn only_portal_paths_are_returned_to() {
        for (asked, went) in [
            (Some("/thu-tuc/1.001193"), "/thu-tuc/1.001193"),
            (Some("https://evil.example/"), "/tai-khoan"),
            (Some("//evil.example/"), "/tai-khoan"),
            (Some("/\\evil.example"), "/tai-khoan"),
            (None, "/tai-khoan"),
        ] {
            assert_eq!(return_path(asked), went, "{asked:?}");
        }
    }
}
