//! HTTP: the page routes (Leptos, server-rendered), the JSON API, the stylesheet and health.

pub mod api;
pub mod error;
pub mod hub;
pub mod legacy;
pub mod openapi;
pub mod push_api;
pub mod security_headers;
pub mod sign_in;
pub mod staff;

use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};
use motcua_app::ports::Portal;
use motcua_app::{App, shell};
use tower_http::compression::CompressionLayer;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use crate::config::Config;
use crate::portal::PortalService;

/// The stylesheet built into the binary, served when `http.style_dir` does not exist.
const EMBEDDED_STYLESHEET: &str = include_str!("../../../style/motcua.css");
/// The search-box completion script, likewise.
const EMBEDDED_AUTOCOMPLETE: &str = include_str!("../../../style/autocomplete.js");

/// What every handler may reach.
#[derive(Clone)]
pub struct AppState {
    /// Reads for pages and API.
    pub portal: PortalService,
    /// The configuration in force.
    pub config: Arc<Config>,
    /// For lookups outside the portal's reads (old addresses).
    pub db: sea_orm::DatabaseConnection,
    /// Old websites whose addresses redirect to the portal.
    pub legacy: Arc<legacy::LegacySites>,
    /// Login providers and sessions.
    pub sign_in: Arc<sign_in::SignIn>,
    /// The sign-on hub for department services.
    pub hub: Arc<crate::hub::Hub>,
}

/// The whole router; `main` serves it and tests drive it.
pub fn router(state: AppState) -> Router {
    let options = LeptosOptions::builder().output_name("motcua").build();
    let routes = generate_route_list(App);
    let portal: Portal = Arc::new(state.portal.clone());
    let pages = Router::new()
        .leptos_routes_with_context(&options, routes, move || page_context(&portal), {
            let options = options.clone();
            move || shell(options.clone())
        })
        .with_state(options);
    let style_dir = state.config.http.style_dir.clone();
    let style: Router = if style_dir.join("motcua.css").is_file() {
        Router::new().nest_service("/style", ServeDir::new(style_dir))
    } else {
        Router::new()
            .route("/style/motcua.css", get(embedded_stylesheet))
            .route("/style/autocomplete.js", get(embedded_autocomplete))
    };
    let legacy_state = state.clone();
    let https = state.sign_in.https();
    let router = pages
        .merge(sign_in::routes(state.clone()))
        .merge(hub::routes(state.clone()))
        .merge(staff::routes(state.clone()))
        .merge(push_api::routes(state.clone()))
        .merge(openapi::routes(state.clone()))
        .merge(api::routes(state))
        .merge(style)
        .route("/healthz", get(|| async { "ok" }))
        // Shortened addresses people try: the lists they expect.
        .route("/thu-tuc", get(|| async { Redirect::permanent("/tim-kiem?kind=procedure") }))
        .route("/tin-tuc", get(|| async { Redirect::permanent("/tim-kiem?kind=announcement") }))
        .layer(axum::middleware::from_fn_with_state(legacy_state, legacy::redirect_old_addresses));
    security_headers::apply(router, https).layer(CompressionLayer::new()).layer(TraceLayer::new_for_http())
}

/// What every page's rendering may reach: the portal, and its response's security policy,
/// which names the nonce Leptos gives the request's inline scripts.
fn page_context(portal: &Portal) {
    provide_context(portal.clone());
    if let Some(nonce) = leptos::nonce::use_nonce()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(policy) = HeaderValue::from_str(&security_headers::page_policy(&nonce))
    {
        response.insert_header(header::CONTENT_SECURITY_POLICY, policy);
    }
}

async fn embedded_stylesheet() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"))], EMBEDDED_STYLESHEET)
}

async fn embedded_autocomplete() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/javascript; charset=utf-8"))], EMBEDDED_AUTOCOMPLETE)
}

/// Marks a response as never to be cached (tokens, redirects carrying codes, session pages).
pub fn no_store(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response.headers_mut().insert(header::PRAGMA, HeaderValue::from_static("no-cache"));
    response
}

/// A 303 to `location`, not cached: the answer to every form post and sign-in step.
pub fn see_other(location: &str) -> axum::response::Response {
    let mut response = axum::http::StatusCode::SEE_OTHER.into_response();
    if let Ok(value) = HeaderValue::from_str(location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    no_store(response)
}

/// The live session of the request's cookie and its account, if any (an idle or expired
/// session is ended on the way).
pub async fn current_session(
    state: &AppState,
    headers: &axum::http::HeaderMap,
) -> Result<
    Option<(crate::storage::entity::session::Model, crate::storage::entity::account::Model)>,
    crate::storage::StorageError,
> {
    let Some(cookie) = motcua_app::ports::session_cookie(headers) else { return Ok(None) };
    crate::storage::identity::live_session(&state.db, &cookie, state.config.identity.session_idle(), chrono::Utc::now())
        .await
}

/// The client's address, for the audit log (absent when the router runs without
/// connection info, as in some tests).
pub struct ClientIp(pub Option<String>);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let info = parts.extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(ClientIp(info.map(|c| c.0.ip().to_string())))
    }
}

/// Appends an event to the audit log; a failure is logged, never shown to the citizen (the
/// action itself has happened).
pub async fn audit(db: &sea_orm::DatabaseConnection, event: crate::storage::audit::Event<'_>) {
    let action = event.action;
    if let Err(e) = crate::storage::audit::record(db, event, chrono::Utc::now()).await {
        tracing::error!(action, "cannot write the audit log: {e}");
    }
}
