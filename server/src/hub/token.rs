//! The token endpoint's work: authenticate the service (secret or signed assertion, as it
//! registered), exchange a code once for an access token and an ID token, and release only
//! the claims the citizen agreed to.

use std::collections::HashMap;

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreGenderClaim, CoreJsonWebKey, CoreJsonWebKeySet, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm,
};
use openidconnect::{
    AccessToken, AdditionalClaims, Audience, AuthenticationContextClass, EndUserBirthday, EndUserEmail, EndUserName,
    EndUserPhoneNumber, IdToken, IdTokenClaims, IssuerUrl, LocalizedClaim, Nonce, StandardClaims, SubjectIdentifier,
};
use sea_orm::{ConnectionTrait, EntityTrait};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::services::{self, Service};
use super::{Hub, HubError, keys};
use crate::config::ServiceAuth;
use crate::identity::jws;
use crate::storage::entity::{account, hub_code, hub_token, session};
use crate::storage::hub::{self as store, CodeUse};

/// The assertion type of `private_key_jwt`.
const JWT_BEARER: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
/// Algorithms accepted on client assertions.
const ASSERTION_ALGS: [&str; 3] = ["RS256", "PS256", "ES256"];
/// Clock difference tolerated.
const SKEW: Duration = Duration::seconds(60);
/// The longest an assertion may live, so the `jti` store stays small.
const ASSERTION_MAX_LIFETIME: Duration = Duration::minutes(10);

/// A refusal at the token endpoint, with the error code RFC 6749 names.
#[derive(Debug, thiserror::Error)]
pub enum TokenError {
    /// The service is unknown or failed to authenticate (401).
    #[error("invalid_client: {0}")]
    InvalidClient(String),
    /// The code is unknown, used, expired, or bound to something else.
    #[error("invalid_grant: {0}")]
    InvalidGrant(String),
    /// A parameter is missing or wrong.
    #[error("invalid_request: {0}")]
    InvalidRequest(String),
    /// Only `authorization_code` and `client_credentials` are offered.
    #[error("unsupported_grant_type: {0}")]
    UnsupportedGrantType(String),
    /// The service may not use this grant (a citizen-facing service asking for a machine
    /// token).
    #[error("unauthorized_client: {0}")]
    UnauthorizedClient(String),
    /// A scope it may not have.
    #[error("invalid_scope: {0}")]
    InvalidScope(String),
    /// The hub failed.
    #[error("server_error: {0}")]
    Server(#[from] HubError),
}

impl From<crate::storage::StorageError> for TokenError {
    fn from(e: crate::storage::StorageError) -> Self {
        TokenError::Server(HubError::Config(e.to_string()))
    }
}

impl From<sea_orm::DbErr> for TokenError {
    fn from(e: sea_orm::DbErr) -> Self {
        TokenError::Server(HubError::Db(e))
    }
}

impl TokenError {
    /// The `error` code.
    pub fn code(&self) -> &'static str {
        match self {
            TokenError::InvalidClient(_) => "invalid_client",
            TokenError::InvalidGrant(_) => "invalid_grant",
            TokenError::InvalidRequest(_) => "invalid_request",
            TokenError::UnsupportedGrantType(_) => "unsupported_grant_type",
            TokenError::UnauthorizedClient(_) => "unauthorized_client",
            TokenError::InvalidScope(_) => "invalid_scope",
            TokenError::Server(_) => "server_error",
        }
    }
}

/// Claims the hub adds to the standard ones.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct HubClaims {
    /// The portal session, for back-channel logout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    /// The citizen id number, under the `citizen` scope only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub citizen_id: Option<String>,
}

impl AdditionalClaims for HubClaims {}

/// An ID token of the hub.
pub type HubIdToken = IdToken<HubClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm>;

#[derive(Deserialize)]
struct AssertionClaims {
    iss: Option<String>,
    sub: Option<String>,
    aud: Option<serde_json::Value>,
    exp: Option<i64>,
    jti: Option<String>,
}

/// Who is calling: the service, authenticated by the method it registered (RFC 6749 §2.3,
/// OpenID Connect Core §9). `authorization` is the request's Authorization header.
pub async fn authenticate(
    hub: &Hub,
    db: &impl ConnectionTrait,
    authorization: Option<&str>,
    form: &HashMap<String, String>,
) -> Result<Service, TokenError> {
    let basic = authorization.and_then(|h| h.strip_prefix("Basic ")).map(|b64| {
        let decoded = STANDARD.decode(b64.trim()).ok().and_then(|b| String::from_utf8(b).ok());
        let pair = decoded.as_deref().and_then(|d| d.split_once(':')).map(|(i, s)| (unescape(i), unescape(s)));
        pair.ok_or_else(|| TokenError::InvalidClient("the Basic credentials are malformed".into()))
    });
    let basic = basic.transpose()?;
    let assertion = form.get("client_assertion");
    let methods = [basic.is_some(), form.contains_key("client_secret"), assertion.is_some()];
    if methods.iter().filter(|m| **m).count() > 1 {
        return Err(TokenError::InvalidRequest("use one client authentication method".into()));
    }
    let client_id = match (&basic, assertion) {
        (Some((id, _)), _) => id.clone(),
        (None, Some(a)) => match jws::parse::<AssertionClaims>(a) {
            Ok(c) => c.claims.sub.or(form.get("client_id").cloned()).unwrap_or_default(),
            Err(e) => return Err(TokenError::InvalidClient(format!("client_assertion: {e}"))),
        },
        (None, None) => form
            .get("client_id")
            .cloned()
            .ok_or_else(|| TokenError::InvalidClient("no client authentication".into()))?,
    };
    if form.get("client_id").is_some_and(|id| *id != client_id) {
        return Err(TokenError::InvalidClient("client_id does not match the credentials".into()));
    }
    let service = services::find(db, &client_id)
        .await?
        .ok_or_else(|| TokenError::InvalidClient(format!("no service {client_id} is registered")))?;
    let wrong_method = || {
        TokenError::InvalidClient(format!("this service is registered to authenticate with {}", service.auth.name()))
    };
    let secret_ok = match service.auth {
        ServiceAuth::ClientSecretBasic => service.secret_matches(&basic.as_ref().ok_or_else(wrong_method)?.1),
        ServiceAuth::ClientSecretPost => service.secret_matches(form.get("client_secret").ok_or_else(wrong_method)?),
        ServiceAuth::PrivateKeyJwt => {
            let a = assertion.ok_or_else(wrong_method)?;
            if form.get("client_assertion_type").map(String::as_str) != Some(JWT_BEARER) {
                return Err(TokenError::InvalidClient(format!("client_assertion_type must be {JWT_BEARER}")));
            }
            check_assertion(hub, db, &service, a).await?;
            true
        }
    };
    if secret_ok { Ok(service) } else { Err(TokenError::InvalidClient("wrong client secret".into())) }
}

/// Undoes the form-encoding RFC 6749 §2.3.1 applies to Basic credentials.
fn unescape(part: &str) -> String {
    form_urlencoded::parse(format!("x={part}").as_bytes()).next().map(|(_, v)| v.into_owned()).unwrap_or_default()
}

async fn service_keys(hub: &Hub, service: &Service) -> Result<Vec<CoreJsonWebKey>, TokenError> {
    if let Some(set) = &service.jwks {
        return Ok(set.keys().clone());
    }
    let Some(uri) = &service.jwks_uri else { return Ok(Vec::new()) };
    let response =
        hub.http.get(uri).send().await.map_err(|e| TokenError::InvalidClient(format!("jwks_uri unreachable: {e}")))?;
    if !response.status().is_success() {
        return Err(TokenError::InvalidClient(format!("jwks_uri answered {}", response.status())));
    }
    let set: CoreJsonWebKeySet =
        response.json().await.map_err(|e| TokenError::InvalidClient(format!("jwks_uri is not a JWK Set: {e}")))?;
    Ok(set.keys().clone())
}

async fn check_assertion(
    hub: &Hub,
    db: &impl ConnectionTrait,
    service: &Service,
    assertion: &str,
) -> Result<(), TokenError> {
    let refuse = |why: String| TokenError::InvalidClient(format!("client_assertion: {why}"));
    let token: jws::Compact<AssertionClaims> = jws::parse(assertion).map_err(refuse)?;
    let accepted: Vec<String> = ASSERTION_ALGS.iter().map(|a| a.to_string()).collect();
    let alg = token.algorithm(&accepted).map_err(refuse)?;
    let keys = service_keys(hub, service).await?;
    if token.verify(&alg, &keys) != jws::Verdict::Verified {
        return Err(refuse("not signed by a key this service registered".into()));
    }
    let now = Utc::now();
    let claims = token.claims;
    if claims.iss.as_deref() != Some(&service.client_id) || claims.sub.as_deref() != Some(&service.client_id) {
        return Err(refuse("iss and sub must both be the client id".into()));
    }
    let audiences = jws::audiences(claims.aud);
    if !audiences.iter().any(|a| *a == hub.issuer || *a == hub.url("/oidc/token")) {
        return Err(refuse("aud must be the hub's issuer or token endpoint".into()));
    }
    let exp = claims.exp.and_then(|t| DateTime::from_timestamp(t, 0)).ok_or_else(|| refuse("no exp".into()))?;
    if exp + SKEW < now {
        return Err(refuse(format!("expired at {exp}")));
    }
    if exp > now + ASSERTION_MAX_LIFETIME {
        return Err(refuse("lives longer than ten minutes".into()));
    }
    let jti = claims.jti.filter(|j| !j.is_empty()).ok_or_else(|| refuse("no jti".into()))?;
    if !store::use_assertion(db, &service.client_id, &jti, exp + SKEW, now).await? {
        return Err(refuse("this jti was used before (a replayed assertion)".into()));
    }
    Ok(())
}

/// What the token endpoint answers.
#[derive(Clone, Debug, Serialize)]
pub struct TokenResponse {
    /// Opaque; userinfo takes it.
    pub access_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    /// Seconds.
    pub expires_in: i64,
    /// Signed with the service's registered algorithm (none for a machine token).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id_token: Option<String>,
    /// The granted scopes.
    pub scope: String,
}

/// Answers a token request. A code is exchanged once, for the service it was issued to, at
/// the redirect URI it was sent to, with the PKCE verifier of its challenge; a replayed code
/// revokes the tokens its first use issued. A machine client's client-credentials request
/// gets a push API token.
pub async fn exchange(
    hub: &Hub,
    db: &impl ConnectionTrait,
    service: &Service,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, TokenError> {
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {}
        Some("client_credentials") => return client_credentials(hub, db, service, form, now).await,
        Some(other) => return Err(TokenError::UnsupportedGrantType(format!("{other} is not offered"))),
        None => return Err(TokenError::InvalidRequest("grant_type is missing".into())),
    }
    let code = form.get("code").ok_or_else(|| TokenError::InvalidRequest("code is missing".into()))?;
    let grant = match store::use_code(db, code, now).await? {
        CodeUse::First(g) => g,
        CodeUse::Replayed(g) => {
            let revoked = store::revoke_code_tokens(db, &g.code_hash, now).await?;
            tracing::warn!(client = g.client_id, revoked, "a code was presented twice; its tokens are revoked");
            return Err(TokenError::InvalidGrant("the code was already used".into()));
        }
        CodeUse::Unknown => return Err(TokenError::InvalidGrant("unknown code".into())),
    };
    if grant.client_id != service.client_id {
        return Err(TokenError::InvalidGrant("the code was issued to another service".into()));
    }
    if grant.expires_at <= now {
        return Err(TokenError::InvalidGrant("the code has expired".into()));
    }
    if form.get("redirect_uri") != Some(&grant.redirect_uri) {
        return Err(TokenError::InvalidGrant("redirect_uri differs from the authorisation request's".into()));
    }
    let verifier =
        form.get("code_verifier").ok_or_else(|| TokenError::InvalidGrant("code_verifier is missing".into()))?;
    if URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())) != grant.code_challenge {
        return Err(TokenError::InvalidGrant("code_verifier does not match the code_challenge".into()));
    }
    if session::Entity::find_by_id(grant.session_id.clone()).one(db).await?.is_none() {
        return Err(TokenError::InvalidGrant("the citizen has signed out since".into()));
    }
    let account = account::Entity::find_by_id(grant.account_id)
        .one(db)
        .await?
        .ok_or_else(|| TokenError::InvalidGrant("the account is gone".into()))?;
    let scopes: Vec<String> = grant.scopes.split_whitespace().map(str::to_string).collect();
    let access_token = store::issue_token(
        db,
        hub_token::Model {
            token_hash: String::new(),
            client_id: service.client_id.clone(),
            account_id: account.id,
            session_id: grant.session_id.clone(),
            scopes: grant.scopes.clone(),
            code_hash: Some(grant.code_hash.clone()),
            expires_at: now + hub.token_lifetime,
            revoked_at: None,
        },
    )
    .await?;
    let id_token = id_token(hub, db, service, &account, &grant, &scopes, &access_token, now).await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: hub.token_lifetime.num_seconds(),
        id_token: Some(id_token),
        scope: scopes.join(" "),
    })
}

/// The one scope of push API tokens.
pub const API_SCOPE: &str = "publishing";

/// The client-credentials grant (RFC 6749 §4.4): a machine client registered with an
/// `api_role` gets a token for the push API, acting as its machine account.
async fn client_credentials(
    hub: &Hub,
    db: &impl ConnectionTrait,
    service: &Service,
    form: &HashMap<String, String>,
    now: DateTime<Utc>,
) -> Result<TokenResponse, TokenError> {
    if service.api_role.is_none() {
        return Err(TokenError::UnauthorizedClient(format!(
            "{} is not registered as a machine client (api_role)",
            service.client_id
        )));
    }
    if let Some(asked) = form.get("scope").filter(|s| !s.trim().is_empty())
        && asked.split_whitespace().any(|s| s != API_SCOPE)
    {
        return Err(TokenError::InvalidScope(format!("a machine client may ask for {API_SCOPE} only")));
    }
    let account_id = services::machine_account(db, &service.client_id)
        .await?
        .ok_or_else(|| TokenError::UnauthorizedClient("the machine client has no account yet".into()))?;
    let access_token =
        store::issue_api_token(db, &service.client_id, account_id, API_SCOPE, now + hub.token_lifetime, now).await?;
    Ok(TokenResponse {
        access_token,
        token_type: "Bearer",
        expires_in: hub.token_lifetime.num_seconds(),
        id_token: None,
        scope: API_SCOPE.into(),
    })
}

/// The claims the scopes release, as userinfo gives them (`sub` included).
pub fn released_claims(
    subject: &str,
    scopes: &[String],
    account: &account::Model,
) -> serde_json::Map<String, serde_json::Value> {
    let mut claims = serde_json::Map::new();
    claims.insert("sub".into(), subject.into());
    let has = |s: &str| scopes.iter().any(|x| x == s);
    let mut put = |name: &str, value: &Option<String>| {
        if let Some(v) = value {
            claims.insert(name.into(), v.clone().into());
        }
    };
    if has("profile") {
        put("name", &account.name);
        put("birthdate", &account.birth_date);
    }
    if has("phone") {
        put("phone_number", &account.phone);
    }
    if has("email") {
        put("email", &account.email);
    }
    if has("citizen") {
        put("citizen_id", &account.citizen_id);
    }
    claims
}

#[allow(clippy::too_many_arguments)]
async fn id_token(
    hub: &Hub,
    db: &impl ConnectionTrait,
    service: &Service,
    account: &account::Model,
    grant: &hub_code::Model,
    scopes: &[String],
    access_token: &str,
    now: DateTime<Utc>,
) -> Result<String, TokenError> {
    let subject = hub.subject(service, account);
    let released = released_claims(&subject, scopes, account);
    let text = |name: &str| released.get(name).and_then(|v| v.as_str()).map(str::to_string);
    let mut standard = StandardClaims::new(SubjectIdentifier::new(subject.clone()));
    if let Some(name) = text("name") {
        standard = standard.set_name(Some(LocalizedClaim::from(EndUserName::new(name))));
    }
    standard = standard
        .set_birthdate(text("birthdate").map(EndUserBirthday::new))
        .set_phone_number(text("phone_number").map(EndUserPhoneNumber::new))
        .set_email(text("email").map(EndUserEmail::new));
    let issuer = IssuerUrl::new(hub.issuer.clone()).map_err(|e| HubError::Config(format!("issuer: {e}")))?;
    let extra = HubClaims { sid: Some(super::sid_of(&grant.session_id)), citizen_id: text("citizen_id") };
    let claims = IdTokenClaims::new(
        issuer,
        vec![Audience::new(service.client_id.clone())],
        now + hub.token_lifetime,
        now,
        standard,
        extra,
    )
    .set_nonce(grant.nonce.clone().map(Nonce::new))
    .set_auth_time(Some(grant.auth_time))
    .set_auth_context_ref(Some(AuthenticationContextClass::new(super::acr_of(grant.acr))));
    let key = keys::signing(db, &hub.kek, &service.id_token_alg).await?;
    let token = HubIdToken::new(claims, &key, key.algorithm(), Some(&AccessToken::new(access_token.to_string())), None)
        .map_err(|e| HubError::Crypto(format!("signing the ID token: {e}")))?;
    Ok(token.to_string())
}
