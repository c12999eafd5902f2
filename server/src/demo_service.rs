//! `motcua demo-service`: a small department service ("Đăng ký khai sinh — dịch vụ mẫu") that
//! is a relying party of the portal's sign-on hub, so that a newcomer sees the whole journey on
//! one machine: procedure page, hand-off, consent, the service signed in, and signing out
//! everywhere. It uses the `openidconnect` client a department would; the portal registers it
//! with the demo content.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{Context, bail};
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreJsonWebKeySet};
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, EndpointMaybeSet, EndpointNotSet, EndpointSet, IssuerUrl,
    Nonce, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
};
use sea_orm::ConnectionTrait;
use serde::Deserialize;

use crate::config::{ServiceAuth, ServiceConfig, SubjectType};
use crate::hub::{HubError, services};
use crate::identity::discovery::Metadata;
use crate::identity::jws;

/// The demo service's client id at the hub.
pub const CLIENT_ID: &str = "dich-vu-mau";
/// Where it listens by default.
pub const DEFAULT_URL: &str = "http://127.0.0.1:8090";
/// The procedure it takes applications for: "Thủ tục đăng ký khai sinh".
pub const PROCEDURE: &str = "1.001193";
/// Its secret, made by the portal and read by the service, in the data directory.
const SECRET_FILE: &str = "demo-service.secret";

/// Registers the demo service at the hub (with the demo content), its secret kept in the
/// data directory for `motcua demo-service`.
pub async fn register(db: &impl ConnectionTrait, data_dir: &Path, now: DateTime<Utc>) -> Result<(), HubError> {
    let file = data_dir.join(SECRET_FILE);
    let secret = match std::fs::read_to_string(&file) {
        Ok(s) => s.trim().to_string(),
        Err(_) => {
            let s = crate::storage::identity::random_token().map_err(|e| HubError::Crypto(e.to_string()))?;
            std::fs::write(&file, &s).map_err(|e| HubError::Config(format!("{}: {e}", file.display())))?;
            s
        }
    };
    let config = ServiceConfig {
        client_id: CLIENT_ID.into(),
        name: "Đăng ký khai sinh trực tuyến (dịch vụ mẫu)".into(),
        agency: Some("thanh-pho-hue".into()),
        redirect_uris: vec![format!("{DEFAULT_URL}/callback")],
        post_logout_redirect_uris: vec![format!("{DEFAULT_URL}/")],
        client_auth: ServiceAuth::ClientSecretBasic,
        client_secret_env: None,
        jwks: None,
        jwks_uri: None,
        scopes: vec!["openid".into(), "profile".into(), "citizen".into()],
        backchannel_logout_uri: Some(format!("{DEFAULT_URL}/backchannel-logout")),
        initiate_login_uri: Some(format!("{DEFAULT_URL}/dang-nhap")),
        sector: Some("demo.motcua.invalid".into()),
        subject_type: SubjectType::Pairwise,
        id_token_alg: "ES256".into(),
        procedures: vec![PROCEDURE.into()],
        start_url: Some(format!("{DEFAULT_URL}/")),
        assurance_level: 2,
        api_role: None,
    };
    services::upsert(db, &config, Some(&secret), "demo", now).await
}

type HubClient =
    CoreClient<EndpointSet, EndpointNotSet, EndpointNotSet, EndpointNotSet, EndpointMaybeSet, EndpointMaybeSet>;

/// A citizen signed in to the demo service.
#[derive(Clone)]
struct Citizen {
    name: Option<String>,
    subject: String,
    citizen_id: Option<String>,
    sid: Option<String>,
    id_token: String,
}

struct Demo {
    portal: String,
    http: reqwest::Client,
    secret: String,
    client: tokio::sync::OnceCell<(HubClient, Metadata)>,
    flows: Mutex<HashMap<String, (PkceCodeVerifier, Nonce)>>,
    citizens: Mutex<HashMap<String, Citizen>>,
}

impl Demo {
    async fn client(&self) -> anyhow::Result<&(HubClient, Metadata)> {
        self.client
            .get_or_try_init(|| async {
                let issuer = IssuerUrl::new(self.portal.clone())?;
                let metadata = Metadata::discover_async(issuer, &self.http)
                    .await
                    .context("the portal's discovery document (is `motcua serve` running?)")?;
                let client = CoreClient::from_provider_metadata(
                    metadata.clone(),
                    ClientId::new(CLIENT_ID.into()),
                    Some(ClientSecret::new(self.secret.clone())),
                )
                .set_redirect_uri(RedirectUrl::new(format!("{DEFAULT_URL}/callback"))?);
                Ok::<_, anyhow::Error>((client, metadata))
            })
            .await
    }

    fn citizen(&self, headers: &HeaderMap) -> Option<(String, Citizen)> {
        let cookie = headers.get(header::COOKIE)?.to_str().ok()?;
        let id = cookie.split(';').find_map(|c| c.trim().strip_prefix("demo_session="))?.to_string();
        let citizen = self.citizens.lock().ok()?.get(&id).cloned()?;
        Some((id, citizen))
    }
}

/// Serves the demo service on `bind`, against the portal at `portal`.
pub async fn run(portal: &str, bind: SocketAddr, data_dir: &Path) -> anyhow::Result<()> {
    let secret = std::fs::read_to_string(data_dir.join(SECRET_FILE)).context(
        "no demo-service secret: run `motcua serve` with the demo content first (it registers the demo service)",
    )?;
    let demo = Arc::new(Demo {
        portal: portal.trim_end_matches('/').to_string(),
        http: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?,
        secret: secret.trim().to_string(),
        client: tokio::sync::OnceCell::new(),
        flows: Mutex::new(HashMap::new()),
        citizens: Mutex::new(HashMap::new()),
    });
    let app = Router::new()
        .route("/", get(home))
        .route("/dang-nhap", get(start))
        .route("/callback", get(callback))
        .route("/dang-xuat", get(sign_out))
        .route("/backchannel-logout", post(back_channel_logout))
        .with_state(demo);
    let listener = tokio::net::TcpListener::bind(bind).await.with_context(|| format!("cannot listen on {bind}"))?;
    println!("demo department service on http://{}/ (portal {portal})", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

fn page(demo: &Demo, body: &str) -> Response {
    Html(format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Dịch vụ mẫu</title>\
         <link rel=\"stylesheet\" href=\"{}/style/motcua.css\"></head><body><main class=\"mc-width-container\">\
         <span class=\"mc-caption-l\">Sở Tư pháp (dịch vụ mẫu, không phải dịch vụ thật)</span>{body}</main></body></html>",
        demo.portal
    ))
    .into_response()
}

fn escape(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

async fn home(State(demo): State<Arc<Demo>>, headers: HeaderMap) -> Response {
    let body = match demo.citizen(&headers) {
        Some((_, c)) => format!(
            "<h1 class=\"mc-heading-l\">Đăng ký khai sinh trực tuyến</h1>\
             <p class=\"mc-body\">Xin chào {}. Cổng đã đăng nhập bạn vào dịch vụ này.</p>\
             <p class=\"mc-body\">Mã định danh của bạn tại dịch vụ này: <code>{}</code></p>\
             <p class=\"mc-body\">Số định danh cá nhân: {}</p>\
             <p><a class=\"mc-button mc-button--secondary\" href=\"/dang-xuat\">Đăng xuất</a></p>",
            escape(c.name.as_deref().unwrap_or("bạn")),
            escape(&c.subject),
            escape(c.citizen_id.as_deref().unwrap_or("bạn chưa đồng ý chia sẻ")),
        ),
        None => "<h1 class=\"mc-heading-l\">Đăng ký khai sinh trực tuyến</h1>\
                 <p class=\"mc-body\">Đăng nhập qua Cổng Một Cửa để nộp hồ sơ.</p>\
                 <p><a class=\"mc-button\" href=\"/dang-nhap\">Đăng nhập qua Cổng</a></p>"
            .to_string(),
    };
    page(&demo, &body)
}

/// Third-party-initiated login (the portal's hand-off) or the service's own button.
async fn start(State(demo): State<Arc<Demo>>, Query(query): Query<HashMap<String, String>>) -> Response {
    if query.get("iss").is_some_and(|iss| iss.trim_end_matches('/') != demo.portal) {
        return (StatusCode::BAD_REQUEST, "iss is not the portal this service trusts").into_response();
    }
    let (client, _) = match demo.client().await {
        Ok(c) => c,
        Err(e) => return (StatusCode::BAD_GATEWAY, format!("{e:#}")).into_response(),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let mut request = client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("citizen".into()))
        .set_pkce_challenge(challenge);
    if let Some(hint) = query.get("login_hint") {
        request = request.add_extra_param("login_hint", hint.clone());
    }
    let (url, state, nonce) = request.url();
    if let Ok(mut flows) = demo.flows.lock() {
        flows.insert(state.secret().clone(), (verifier, nonce));
    }
    redirect(url.as_str())
}

fn redirect(to: &str) -> Response {
    let mut response = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        response.headers_mut().insert(header::LOCATION, v);
    }
    response
}

async fn callback(State(demo): State<Arc<Demo>>, Query(query): Query<HashMap<String, String>>) -> Response {
    let result = async {
        if let Some(error) = query.get("error") {
            bail!("the portal answered {error}: {}", query.get("error_description").map(String::as_str).unwrap_or(""));
        }
        let (client, _) = demo.client().await?;
        let state = query.get("state").context("no state")?;
        let flow = demo.flows.lock().ok().and_then(|mut f| f.remove(state)).context("unknown state")?;
        let code = query.get("code").context("no code")?;
        let tokens = client
            .exchange_code(AuthorizationCode::new(code.clone()))?
            .set_pkce_verifier(flow.0)
            .request_async(&demo.http)
            .await
            .context("the code exchange")?;
        let id_token = tokens.id_token().context("no ID token")?;
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(vec![openidconnect::core::CoreJwsSigningAlgorithm::EcdsaP256Sha256]);
        let claims = id_token.claims(&verifier, &flow.1).context("the ID token")?;
        let raw: serde_json::Value = id_token
            .to_string()
            .split('.')
            .nth(1)
            .and_then(|p| base64::Engine::decode(&base64::engine::general_purpose::URL_SAFE_NO_PAD, p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        Ok(Citizen {
            name: claims.name().and_then(|n| n.get(None)).map(|n| n.to_string()),
            subject: claims.subject().to_string(),
            citizen_id: raw["citizen_id"].as_str().map(str::to_string),
            sid: raw["sid"].as_str().map(str::to_string),
            id_token: id_token.to_string(),
        })
    }
    .await;
    match result {
        Ok(citizen) => {
            let Ok(id) = crate::storage::identity::random_token() else {
                return StatusCode::SERVICE_UNAVAILABLE.into_response();
            };
            if let Ok(mut c) = demo.citizens.lock() {
                c.insert(id.clone(), citizen);
            }
            let mut response = redirect("/");
            if let Ok(v) = HeaderValue::from_str(&format!("demo_session={id}; Path=/; HttpOnly; SameSite=Lax")) {
                response.headers_mut().insert(header::SET_COOKIE, v);
            }
            response
        }
        Err(e) => page(
            &demo,
            &format!(
                "<h1 class=\"mc-heading-l\">Chưa đăng nhập được</h1><p class=\"mc-body\">{}</p>",
                escape(&format!("{e:#}"))
            ),
        ),
    }
}

async fn sign_out(State(demo): State<Arc<Demo>>, headers: HeaderMap) -> Response {
    let Some((id, citizen)) = demo.citizen(&headers) else { return redirect("/") };
    if let Ok(mut c) = demo.citizens.lock() {
        c.remove(&id);
    }
    let Ok((_, metadata)) = demo.client().await else { return redirect("/") };
    let Some(end) = &metadata.additional_metadata().end_session_endpoint else { return redirect("/") };
    match url::Url::parse_with_params(
        end,
        &[("id_token_hint", citizen.id_token.as_str()), ("post_logout_redirect_uri", &format!("{DEFAULT_URL}/"))],
    ) {
        Ok(url) => redirect(url.as_str()),
        Err(_) => redirect("/"),
    }
}

#[derive(Deserialize)]
struct LogoutClaims {
    iss: Option<String>,
    aud: Option<serde_json::Value>,
    sid: Option<String>,
    events: Option<serde_json::Value>,
}

/// The hub says the citizen signed out: end their sessions here.
async fn back_channel_logout(
    State(demo): State<Arc<Demo>>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let checked = async {
        let token: jws::Compact<LogoutClaims> =
            jws::parse(form.get("logout_token").context("no logout_token")?).map_err(anyhow::Error::msg)?;
        let alg = token.algorithm(&["ES256".to_string(), "RS256".to_string()]).map_err(anyhow::Error::msg)?;
        let (_, metadata) = demo.client().await?;
        let keys: CoreJsonWebKeySet = demo.http.get(metadata.jwks_uri().url().as_str()).send().await?.json().await?;
        if token.verify(&alg, keys.keys()) != jws::Verdict::Verified {
            bail!("not signed by the portal");
        }
        let claims = token.claims;
        if claims.iss.as_deref() != Some(&demo.portal) || !jws::audiences(claims.aud).iter().any(|a| a == CLIENT_ID) {
            bail!("not from the portal to this service");
        }
        if claims.events.as_ref().and_then(|e| e.get("http://schemas.openid.net/event/backchannel-logout")).is_none() {
            bail!("no logout event");
        }
        claims.sid.context("no sid")
    }
    .await;
    match checked {
        Ok(sid) => {
            if let Ok(mut c) = demo.citizens.lock() {
                c.retain(|_, citizen| citizen.sid.as_deref() != Some(&sid));
            }
            StatusCode::OK.into_response()
        }
        Err(e) => (StatusCode::BAD_REQUEST, format!("{e:#}")).into_response(),
    }
}
