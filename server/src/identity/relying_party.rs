//! The portal as a relying party of one configured provider: the authorisation request
//! (code flow, PKCE S256, state, nonce, the provider's extra parameters) and its answer
//! (code exchanged, every ID token check the specification asks for, userinfo merged, claims
//! and assurance mapped).

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{
    CoreAuthDisplay, CoreAuthPrompt, CoreAuthenticationFlow, CoreErrorResponseType, CoreGenderClaim, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm, CoreRevocableToken, CoreRevocationErrorResponse,
    CoreTokenIntrospectionResponse, CoreTokenType,
};
use openidconnect::{
    AccessToken, AccessTokenHash, AdditionalClaims, ClaimsVerificationError, Client, ClientId, ClientSecret, CsrfToken,
    EmptyExtraTokenFields, EndpointMaybeSet, EndpointNotSet, EndpointSet, IdTokenFields, Nonce, PkceCodeChallenge,
    RedirectUrl, Scope, SignatureVerificationError, StandardErrorResponse, StandardTokenResponse, UserInfoClaims,
};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;

use super::discovery::{self, Metadata};
use crate::config::{ClientAuth, ProviderConfig};
use crate::storage::entity::login_attempt;
use crate::storage::identity::{self as store, Profile};

/// How long a citizen may take at the provider.
pub const LOGIN_MAX_AGE: Duration = Duration::minutes(10);
/// Why an ID token names a key the provider does not (yet, as read) publish.
const UNKNOWN_KEY: &str = "signed by a key the provider does not publish";
/// Clock difference tolerated between the portal and a provider.
const SKEW: Duration = Duration::seconds(60);

/// Every claim the provider sent beyond the standard ones (citizen id numbers and the like).
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct OtherClaims {
    /// By claim name.
    #[serde(flatten)]
    pub claims: HashMap<String, serde_json::Value>,
}

impl AdditionalClaims for OtherClaims {}

type Tokens = StandardTokenResponse<
    IdTokenFields<
        OtherClaims,
        EmptyExtraTokenFields,
        CoreGenderClaim,
        CoreJweContentEncryptionAlgorithm,
        CoreJwsSigningAlgorithm,
    >,
    CoreTokenType,
>;

type OidcClient = Client<
    OtherClaims,
    CoreAuthDisplay,
    CoreGenderClaim,
    CoreJweContentEncryptionAlgorithm,
    CoreJsonWebKey,
    CoreAuthPrompt,
    StandardErrorResponse<CoreErrorResponseType>,
    Tokens,
    CoreTokenIntrospectionResponse,
    CoreRevocableToken,
    CoreRevocationErrorResponse,
    EndpointSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointNotSet,
    EndpointMaybeSet,
    EndpointMaybeSet,
>;

/// Why signing in failed; each is shown to the citizen as a clear message, never a 500.
#[derive(Debug, thiserror::Error)]
pub enum LoginError {
    /// The provider cannot be reached or read.
    #[error("the login provider is unavailable: {0}")]
    ProviderDown(String),
    /// The configuration cannot work (no secret, bad URL).
    #[error("the login provider is misconfigured: {0}")]
    Misconfigured(String),
    /// The callback's `state` is unknown, used, or too old.
    #[error("this sign-in link is unknown, already used or expired")]
    UnknownState,
    /// The citizen cancelled or refused at the provider.
    #[error("the sign-in was cancelled at the provider")]
    Cancelled,
    /// The provider answered with an error.
    #[error("the provider refused the sign-in: {0}")]
    Refused(String),
    /// The ID token or the token response failed a check.
    #[error("the provider's answer failed a check: {0}")]
    Invalid(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] crate::storage::StorageError),
}

/// A citizen signed in at the provider, checked.
#[derive(Clone, Debug)]
pub struct SignedIn {
    /// The provider's issuer.
    pub issuer: String,
    /// The provider's subject.
    pub subject: String,
    /// What the portal keeps of them.
    pub profile: Profile,
    /// The provider's session id, for its back-channel logout.
    pub sid: Option<String>,
    /// The raw ID token, for `id_token_hint` at logout.
    pub id_token: String,
    /// Where to go on the portal.
    pub return_to: String,
}

/// One provider as the portal uses it. Its discovery document is read at first use and
/// again when a token names a key it does not know (the provider rotated its keys).
pub struct RelyingParty {
    /// The configuration.
    pub config: ProviderConfig,
    /// The portal's key for `private_key_jwt`.
    pub client_key: Option<super::client_key::ClientKey>,
    /// The portal's key for encrypted ID tokens.
    pub decryption_key: Option<super::encryption::DecryptionKey>,
    redirect_uri: String,
    http: reqwest::Client,
    metadata: RwLock<Option<Arc<Metadata>>>,
}

/// What a login asks of the provider beyond the configuration: what the sign-on hub passes
/// on from a department service's request.
#[derive(Clone, Debug, Default)]
pub struct StartOptions {
    /// Ask the citizen to sign in again even if the provider has a session (`prompt=login`).
    pub fresh: bool,
    /// The lowest internal assurance level wanted (sent as the provider's `acr_values`).
    pub min_level: Option<i32>,
    /// Who the service thinks is signing in (`login_hint`).
    pub login_hint: Option<String>,
}

impl RelyingParty {
    /// A relying party answering at `{public_url}/dang-nhap/{id}/callback`.
    pub fn new(config: ProviderConfig, public_url: &str) -> Result<Self, LoginError> {
        let http = discovery::http_client().map_err(|e| LoginError::Misconfigured(e.to_string()))?;
        let redirect_uri = format!("{}/dang-nhap/{}/callback", public_url.trim_end_matches('/'), config.id);
        let client_key = match (&config.client_auth, &config.private_key_file) {
            (ClientAuth::PrivateKeyJwt, Some(path)) => Some(
                super::client_key::ClientKey::load(path, config.assertion_alg.as_deref())
                    .map_err(|e| LoginError::Misconfigured(format!("{}: {e}", config.id)))?,
            ),
            (ClientAuth::PrivateKeyJwt, None) => {
                return Err(LoginError::Misconfigured(format!(
                    "{}: private_key_jwt needs private_key_file",
                    config.id
                )));
            }
            _ => None,
        };
        let decryption_key = match &config.decryption_key_file {
            Some(path) => Some(
                super::encryption::DecryptionKey::load(path)
                    .map_err(|e| LoginError::Misconfigured(format!("{}: {e}", config.id)))?,
            ),
            None => None,
        };
        Ok(Self { config, client_key, decryption_key, redirect_uri, http, metadata: RwLock::new(None) })
    }

    pub(super) async fn metadata(&self, refresh: bool) -> Result<Arc<Metadata>, LoginError> {
        if !refresh && let Some(m) = self.metadata.read().await.as_ref() {
            return Ok(m.clone());
        }
        let fresh = Arc::new(
            discovery::discover(&self.config.issuer, &self.http)
                .await
                .map_err(|e| LoginError::ProviderDown(e.to_string()))?,
        );
        *self.metadata.write().await = Some(fresh.clone());
        Ok(fresh)
    }

    /// The provider's end-session endpoint, if it has one.
    pub async fn end_session_endpoint(&self) -> Option<String> {
        self.metadata(false).await.ok()?.additional_metadata().end_session_endpoint.clone()
    }

    fn client(&self, metadata: &Metadata) -> Result<OidcClient, LoginError> {
        // The client authenticates nowhere itself (the token request is made by `exchange`);
        // the secret serves the ID token verifier, and asking for it here makes a missing
        // one fail at the start of a sign-in rather than at its end.
        let secret = match self.config.client_auth {
            ClientAuth::ClientSecretBasic | ClientAuth::ClientSecretPost => Some(ClientSecret::new(self.secret()?)),
            ClientAuth::PrivateKeyJwt => None,
        };
        let redirect =
            RedirectUrl::new(self.redirect_uri.clone()).map_err(|e| LoginError::Misconfigured(e.to_string()))?;
        Ok(Client::from_provider_metadata(metadata.clone(), ClientId::new(self.config.client_id.clone()), secret)
            .set_redirect_uri(redirect))
    }

    /// Starts a sign-in: records it and returns the provider's authorisation URL.
    pub async fn start(
        &self,
        db: &DatabaseConnection,
        return_to: &str,
        options: &StartOptions,
        now: DateTime<Utc>,
    ) -> Result<String, LoginError> {
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata)?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let mut request = client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .set_pkce_challenge(challenge);
        for scope in self.config.scopes.iter().filter(|s| *s != "openid") {
            request = request.add_scope(Scope::new(scope.clone()));
        }
        let mut extra = self.config.extra_params.clone();
        if options.fresh {
            extra.insert("prompt".into(), "login".into());
        }
        if let Some(level) = options.min_level {
            // The provider's own acr values that map to the level asked for or above.
            let acrs: Vec<&str> = self
                .config
                .assurance
                .iter()
                .filter(|(_, l)| i32::from(**l) >= level)
                .map(|(acr, _)| acr.as_str())
                .collect();
            if !acrs.is_empty() {
                extra.insert("acr_values".into(), acrs.join(" "));
            }
        }
        if let Some(hint) = &options.login_hint {
            extra.insert("login_hint".into(), hint.clone());
        }
        for (name, value) in &extra {
            request = request.add_extra_param(name.clone(), value.clone());
        }
        let (url, state, nonce) = request.url();
        let url = if self.config.par { self.push(&metadata, &url, now).await? } else { url.to_string() };
        store::begin_login(
            db,
            login_attempt::Model {
                state: state.secret().clone(),
                provider_id: self.config.id.clone(),
                nonce: nonce.secret().clone(),
                pkce_verifier: verifier.secret().clone(),
                return_to: return_to.to_string(),
                created_at: now,
            },
        )
        .await?;
        Ok(url)
    }

    /// Pushes the authorisation request (RFC 9126) and returns the short URL that names it,
    /// so the request's parameters travel server to server, authenticated, not through the
    /// browser.
    async fn push(&self, metadata: &Metadata, url: &url::Url, now: DateTime<Utc>) -> Result<String, LoginError> {
        let endpoint =
            metadata.additional_metadata().pushed_authorization_request_endpoint.clone().ok_or_else(|| {
                LoginError::Misconfigured(format!(
                    "{}: par = true but the provider has no PAR endpoint",
                    self.config.id
                ))
            })?;
        let mut form: Vec<(String, String)> = url.query_pairs().into_owned().collect();
        let request = self.authenticate(self.http.post(&endpoint), &mut form, &self.config.issuer, now)?;
        let response = request.form(&form).send().await.map_err(|e| LoginError::ProviderDown(format!("PAR: {e}")))?;
        let status = response.status();
        let body: serde_json::Value =
            response.json().await.map_err(|e| LoginError::Refused(format!("PAR answered {status}: {e}")))?;
        let request_uri = body.get("request_uri").and_then(|v| v.as_str()).ok_or_else(|| {
            LoginError::Refused(format!("PAR answered {status}: {}", body.get("error_description").unwrap_or(&body)))
        })?;
        let mut short = url::Url::parse(metadata.authorization_endpoint().as_str())
            .map_err(|e| LoginError::Misconfigured(e.to_string()))?;
        short
            .query_pairs_mut()
            .append_pair("client_id", &self.config.client_id)
            .append_pair("request_uri", request_uri);
        Ok(short.to_string())
    }

    /// Adds the client's authentication to a request to the provider (PAR or token):
    /// a Basic header, a secret in the form, or a client assertion for `audience`.
    fn authenticate(
        &self,
        mut request: reqwest::RequestBuilder,
        form: &mut Vec<(String, String)>,
        audience: &str,
        now: DateTime<Utc>,
    ) -> Result<reqwest::RequestBuilder, LoginError> {
        match self.config.client_auth {
            ClientAuth::ClientSecretBasic => {
                // RFC 6749 section 2.3.1: both parts form-encoded before Basic.
                let encode = |v: &str| form_urlencoded::byte_serialize(v.as_bytes()).collect::<String>();
                request = request.basic_auth(encode(&self.config.client_id), Some(encode(&self.secret()?)));
            }
            ClientAuth::ClientSecretPost => form.push(("client_secret".into(), self.secret()?)),
            ClientAuth::PrivateKeyJwt => {
                let key = self.client_key.as_ref().ok_or_else(|| LoginError::Misconfigured("no client key".into()))?;
                let assertion =
                    key.assertion(&self.config.client_id, audience, now).map_err(LoginError::Misconfigured)?;
                form.push((
                    "client_assertion_type".into(),
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer".into(),
                ));
                form.push(("client_assertion".into(), assertion));
            }
        }
        Ok(request)
    }

    /// Exchanges the code at the token endpoint; returns the access token and the signed
    /// ID token (opened first when the provider encrypted it).
    async fn exchange(
        &self,
        metadata: &Metadata,
        code: &str,
        verifier: &str,
        now: DateTime<Utc>,
    ) -> Result<(AccessToken, String), LoginError> {
        let endpoint = metadata.token_endpoint().map(|t| t.to_string()).ok_or_else(|| {
            LoginError::Misconfigured(format!("{}: the provider has no token endpoint", self.config.id))
        })?;
        let mut form: Vec<(String, String)> = vec![
            ("grant_type".into(), "authorization_code".into()),
            ("code".into(), code.into()),
            ("redirect_uri".into(), self.redirect_uri.clone()),
            ("code_verifier".into(), verifier.into()),
            ("client_id".into(), self.config.client_id.clone()),
        ];
        let request = self.authenticate(self.http.post(&endpoint), &mut form, &endpoint, now)?;
        let response = request
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| LoginError::ProviderDown(format!("token endpoint: {e}")))?;
        let status = response.status();
        let body: serde_json::Value =
            response.json().await.map_err(|e| LoginError::Refused(format!("token endpoint answered {status}: {e}")))?;
        let field = |name: &str| body.get(name).and_then(|v| v.as_str()).map(str::to_string);
        if !status.is_success() {
            let error = field("error").unwrap_or_else(|| status.to_string());
            return Err(LoginError::Refused(format!(
                "token endpoint: {error} {}",
                field("error_description").unwrap_or_default()
            )));
        }
        let access = field("access_token").ok_or_else(|| LoginError::Invalid("no access token".into()))?;
        let id_token = field("id_token").ok_or_else(|| LoginError::Invalid("no ID token".into()))?;
        let id_token = if id_token.split('.').count() == 5 {
            let key = self.decryption_key.as_ref().ok_or_else(|| {
                LoginError::Invalid("the ID token is encrypted but no decryption_key_file is configured".into())
            })?;
            key.decrypt(&id_token).map_err(LoginError::Invalid)?
        } else {
            id_token
        };
        Ok((AccessToken::new(access), id_token))
    }

    /// The client secret, from the environment variable the configuration names.
    fn secret(&self) -> Result<String, LoginError> {
        let var =
            self.config.client_secret_env.as_deref().ok_or_else(|| {
                LoginError::Misconfigured(format!("{}: client_secret_env is not set", self.config.id))
            })?;
        std::env::var(var)
            .map_err(|_| LoginError::Misconfigured(format!("{}: the variable {var} is not set", self.config.id)))
    }

    /// Finishes a sign-in from the callback's parameters.
    pub async fn finish(
        &self,
        db: &DatabaseConnection,
        params: &HashMap<String, String>,
        now: DateTime<Utc>,
    ) -> Result<SignedIn, LoginError> {
        let state = params.get("state").ok_or(LoginError::UnknownState)?;
        let attempt = store::take_login(db, state, LOGIN_MAX_AGE, now).await?.ok_or(LoginError::UnknownState)?;
        if attempt.provider_id != self.config.id {
            return Err(LoginError::UnknownState);
        }
        if let Some(error) = params.get("error") {
            return Err(match error.as_str() {
                "access_denied" => LoginError::Cancelled,
                _ => LoginError::Refused(
                    params.get("error_description").map_or_else(|| error.clone(), |d| format!("{error}: {d}")),
                ),
            });
        }
        // RFC 9207: a provider that names itself in the answer must name the right issuer.
        if let Some(iss) = params.get("iss")
            && iss != &self.config.issuer
        {
            return Err(LoginError::Invalid(format!("the answer comes from issuer {iss}")));
        }
        let code = params.get("code").ok_or_else(|| LoginError::Invalid("no code in the answer".into()))?;
        let metadata = self.metadata(false).await?;
        let client = self.client(&metadata)?;
        let (access_token, signed) = self.exchange(&metadata, code, &attempt.pkce_verifier, now).await?;
        let id_token: openidconnect::IdToken<
            OtherClaims,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        > = signed.parse().map_err(|e| LoginError::Invalid(format!("ID token: {e}")))?;
        let id_token = &id_token;
        let nonce = Nonce::new(attempt.nonce.clone());
        let claims = match self.verify(&client, id_token, &nonce, &access_token) {
            // An unknown key: the provider may have rotated; read its keys again, once.
            Err(e) if e == UNKNOWN_KEY => {
                let metadata = self.metadata(true).await?;
                let client = self.client(&metadata)?;
                self.verify(&client, id_token, &nonce, &access_token).map_err(LoginError::Invalid)?
            }
            other => other.map_err(LoginError::Invalid)?,
        };
        let mut values = serde_json::to_value(&claims).map_err(|e| LoginError::Invalid(e.to_string()))?;
        if client.user_info_url().is_some() {
            let info: Result<UserInfoClaims<OtherClaims, CoreGenderClaim>, _> =
                match client.user_info(access_token.clone(), Some(claims.subject().clone())) {
                    Ok(request) => request.request_async(&self.http).await.map_err(|e| e.to_string()),
                    Err(e) => Err(e.to_string()),
                };
            let info = info.map_err(|e| LoginError::Refused(format!("userinfo: {e}")))?;
            // Userinfo adds to what the ID token said; it never changes who this is.
            if let (Ok(serde_json::Value::Object(extra)), Some(all)) =
                (serde_json::to_value(&info), values.as_object_mut())
            {
                for (k, v) in extra {
                    if k != "sub" {
                        all.insert(k, v);
                    }
                }
            }
        }
        let text = |name: &str| -> Option<String> {
            if name.is_empty() {
                return None;
            }
            match values.get(name)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        let map = &self.config.claims;
        let acr = claims.auth_context_ref().map(|a| a.as_str().to_string());
        let assurance = acr.as_deref().and_then(|a| self.config.assurance.get(a)).copied().unwrap_or(1);
        let profile = Profile {
            name: text(&map.name),
            birth_date: text(&map.birth_date),
            citizen_id: text(&map.citizen_id),
            phone: text(&map.phone),
            email: text(&map.email),
            assurance_level: i32::from(assurance),
        };
        Ok(SignedIn {
            issuer: claims.issuer().as_str().to_string(),
            subject: claims.subject().as_str().to_string(),
            profile,
            sid: values.get("sid").and_then(|s| s.as_str()).map(str::to_string),
            id_token: id_token.to_string(),
            return_to: attempt.return_to,
        })
    }

    /// Every check of the ID token: signature by a known key with an accepted algorithm
    /// (never `none`), issuer, audience, authorised party, expiry and issue time with a small
    /// skew, nonce, and the access token's hash.
    fn verify(
        &self,
        client: &OidcClient,
        id_token: &openidconnect::IdToken<
            OtherClaims,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        >,
        nonce: &Nonce,
        access_token: &openidconnect::AccessToken,
    ) -> Result<openidconnect::IdTokenClaims<OtherClaims, CoreGenderClaim>, String> {
        let algs: Vec<CoreJwsSigningAlgorithm> = self
            .config
            .signing_algs
            .iter()
            .filter_map(|a| serde_json::from_value(serde_json::Value::String(a.clone())).ok())
            .collect();
        let verifier = client
            .id_token_verifier()
            .set_allowed_algs(algs)
            .set_time_fn(|| Utc::now() - SKEW)
            .set_issue_time_verifier_fn(|iat| {
                if iat > Utc::now() + SKEW { Err(format!("issued in the future ({iat})")) } else { Ok(()) }
            });
        let claims = id_token.claims(&verifier, nonce).map_err(|e| match e {
            ClaimsVerificationError::SignatureVerification(SignatureVerificationError::NoMatchingKey) => {
                UNKNOWN_KEY.to_string()
            }
            ClaimsVerificationError::SignatureVerification(inner) => format!("Signature verification failed: {inner}"),
            other => other.to_string(),
        })?;
        if let Some(expected) = claims.access_token_hash() {
            let alg = id_token.signing_alg().map_err(|e| e.to_string())?;
            let key = id_token.signing_key(&verifier).map_err(|e| e.to_string())?;
            let actual = AccessTokenHash::from_token(access_token, alg, key).map_err(|e| e.to_string())?;
            if actual != *expected {
                return Err("at_hash does not match the access token".into());
            }
        }
        if (claims.audiences().len() > 1 || claims.authorized_party().is_some())
            && claims.authorized_party().map(|a| a.as_str()) != Some(client.client_id().as_str())
        {
            return Err("azp is not the portal".into());
        }
        Ok(claims.clone())
    }
}

#[cfg(test)]
mod tests {
    use openidconnect::core::{CoreJsonWebKeySet, CoreResponseType, CoreSubjectIdentifierType};
    use openidconnect::{
        AccessToken, Audience, AuthUrl, EndUserName, IdToken, IdTokenClaims, IssuerUrl, JsonWebKeyId, JsonWebKeySetUrl,
        PrivateSigningKey, ResponseTypes, StandardClaims, SubjectIdentifier, TokenUrl,
    };

    use super::*;
    use crate::identity::discovery::LaterMetadata;

    const ISSUER: &str = "https://sso.example.gov.vn";
    const PROVIDER_KEY: &str = include_str!("testdata/test-rsa-1.pem");
    const OTHER: &str = include_str!("testdata/test-rsa-2.pem");
    /// The provider's key under its published id.
    const KEY: (&str, &str) = (PROVIDER_KEY, "k1");

    fn signing_key(pem: &str, kid: &str) -> openidconnect::core::CoreRsaPrivateSigningKey {
        openidconnect::core::CoreRsaPrivateSigningKey::from_pem(pem, Some(JsonWebKeyId::new(kid.into()))).expect("key")
    }

    /// A relying party and a client for a provider whose one key is `KEY`.
    fn party() -> (RelyingParty, OidcClient, tempfile::TempDir) {
        let dir = tempfile::tempdir().expect("dir");
        let key_file = dir.path().join("client.pem");
        std::fs::write(&key_file, PROVIDER_KEY).expect("key");
        let config: ProviderConfig = serde_json::from_value(serde_json::json!({
            "id": "vneid", "name": "VNeID", "issuer": ISSUER, "client_id": "motcua",
            "client_auth": "private_key_jwt", "private_key_file": key_file, "signing_algs": ["RS256"],
        }))
        .expect("config");
        let rp = RelyingParty::new(config, "https://portal.example").expect("party");
        let metadata = Metadata::new(
            IssuerUrl::new(ISSUER.into()).expect("url"),
            AuthUrl::new(format!("{ISSUER}/auth")).expect("url"),
            JsonWebKeySetUrl::new(format!("{ISSUER}/jwks")).expect("url"),
            vec![ResponseTypes::new(vec![CoreResponseType::Code])],
            vec![CoreSubjectIdentifierType::Public],
            vec![CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256],
            LaterMetadata::default(),
        )
        .set_token_endpoint(Some(TokenUrl::new(format!("{ISSUER}/token")).expect("url")))
        .set_jwks(CoreJsonWebKeySet::new(vec![signing_key(PROVIDER_KEY, "k1").as_verification_key()]));
        let client = rp.client(&metadata).expect("client");
        (rp, client, dir)
    }

    /// A token as the provider would sign it, changed by `edit`.
    fn token(
        edit: impl FnOnce(IdTokenClaims<OtherClaims, CoreGenderClaim>) -> IdTokenClaims<OtherClaims, CoreGenderClaim>,
        (key, kid): (&str, &str),
    ) -> IdToken<OtherClaims, CoreGenderClaim, CoreJweContentEncryptionAlgorithm, CoreJwsSigningAlgorithm> {
        let now = Utc::now();
        let claims = IdTokenClaims::new(
            IssuerUrl::new(ISSUER.into()).expect("url"),
            vec![Audience::new("motcua".into())],
            now + Duration::minutes(5),
            now,
            StandardClaims::new(SubjectIdentifier::new("079090001234".into()))
                .set_name(Some(EndUserName::new("Nguyễn Thị Hoà".into()).into())),
            OtherClaims::default(),
        )
        .set_nonce(Some(Nonce::new("n1".into())));
        IdToken::new(edit(claims), &signing_key(key, kid), CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256, None, None)
            .expect("signed")
    }

    fn check(
        edit: impl FnOnce(IdTokenClaims<OtherClaims, CoreGenderClaim>) -> IdTokenClaims<OtherClaims, CoreGenderClaim>,
        key: (&str, &str),
    ) -> Result<(), String> {
        let (rp, client, _dir) = party();
        let access = AccessToken::new("at".into());
        rp.verify(&client, &token(edit, key), &Nonce::new("n1".into()), &access).map(|_| ())
    }

    #[test]
    fn a_good_token_passes() {
        assert_eq!(check(|c| c, KEY), Ok(()));
    }

    #[test]
    fn every_id_token_fault_is_refused() {
        let now = Utc::now();
        // Each is refused for its own reason, not for another fault of the setup.
        let faults: Vec<(&str, Result<(), String>)> = vec![
            ("nonce mismatch", check(|c| c.set_nonce(Some(Nonce::new("other".into()))), KEY)),
            ("ID token expired", check(|c| c.set_expiration(now - Duration::minutes(5)), KEY)),
            ("issued in the future", check(|c| c.set_issue_time(now + Duration::minutes(10)), KEY)),
            ("must contain `motcua`", check(|c| c.set_audiences(vec![Audience::new("another-service".into())]), KEY)),
            (
                "Invalid issuer",
                check(|c| c.set_issuer(IssuerUrl::new("https://evil.example".into()).expect("url")), KEY),
            ),
            ("Signature verification failed", check(|c| c, (OTHER, "k1"))),
            // A key id the provider does not publish: the caller reads its keys again once.
            (UNKNOWN_KEY, check(|c| c, (OTHER, "k2"))),
            (
                "not a trusted audience",
                check(|c| c.set_audiences(vec![Audience::new("motcua".into()), Audience::new("x".into())]), KEY),
            ),
        ];
        for (reason, result) in faults {
            let refused = result.expect_err(reason);
            assert!(refused.contains(reason), "{reason}: {refused}");
        }
    }

    #[test]
    fn an_unsigned_token_is_refused() {
        let (rp, client, _dir) = party();
        let signed = token(|c| c, KEY).to_string();
        let claims = signed.split('.').nth(1).expect("claims");
        let unsigned: IdToken<
            OtherClaims,
            CoreGenderClaim,
            CoreJweContentEncryptionAlgorithm,
            CoreJwsSigningAlgorithm,
        > = format!("{}.{claims}.", URL_SAFE_NO_PAD_ENGINE.encode(r#"{"alg":"none"}"#)).parse().expect("parses");
        let result = rp.verify(&client, &unsigned, &Nonce::new("n1".into()), &AccessToken::new("at".into()));
        assert!(result.is_err(), "alg none must be refused");
    }

    use base64::Engine;
    const URL_SAFE_NO_PAD_ENGINE: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;
}
