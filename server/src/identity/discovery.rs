//! What a provider says of itself: its discovery document and signing keys, read with
//! `openidconnect` (which checks that the document names the issuer we asked for), plus the
//! fields of later specifications that the crate's core metadata lacks.

use std::time::Duration;

use openidconnect::core::{
    CoreAuthDisplay, CoreClaimName, CoreClaimType, CoreClientAuthMethod, CoreGrantType, CoreJsonWebKey,
    CoreJweContentEncryptionAlgorithm, CoreJweKeyManagementAlgorithm, CoreResponseMode, CoreResponseType,
    CoreSubjectIdentifierType,
};
use openidconnect::{AdditionalProviderMetadata, IssuerUrl, ProviderMetadata};
use serde::{Deserialize, Serialize};

/// Discovery fields from PKCE, PAR and the logout specifications.
#[derive(Clone, Debug, Default, Deserialize, Serialize)]
pub struct LaterMetadata {
    /// RFC 7636: "S256" must be there.
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// RFC 9126.
    pub pushed_authorization_request_endpoint: Option<String>,
    /// RFC 9126: the provider refuses requests that were not pushed.
    pub require_pushed_authorization_requests: Option<bool>,
    /// RP-Initiated Logout 1.0.
    pub end_session_endpoint: Option<String>,
    /// Back-Channel Logout 1.0.
    pub backchannel_logout_supported: Option<bool>,
    /// Back-Channel Logout 1.0: logout tokens carry `sid`.
    pub backchannel_logout_session_supported: Option<bool>,
}

impl AdditionalProviderMetadata for LaterMetadata {}

/// A provider's discovery document with the later fields.
pub type Metadata = ProviderMetadata<
    LaterMetadata,
    CoreAuthDisplay,
    CoreClientAuthMethod,
    CoreClaimName,
    CoreClaimType,
    CoreGrantType,
    CoreJweContentEncryptionAlgorithm,
    CoreJweKeyManagementAlgorithm,
    CoreJsonWebKey,
    CoreResponseMode,
    CoreResponseType,
    CoreSubjectIdentifierType,
>;

/// Why a provider could not be read.
#[derive(Debug, thiserror::Error)]
pub enum DiscoveryError {
    /// The issuer in the configuration is not a URL.
    #[error("issuer {0:?} is not a URL: {1}")]
    BadIssuer(String, String),
    /// The HTTP client could not be built.
    #[error("HTTP client: {0}")]
    Client(String),
    /// Discovery or JWKS failed (unreachable, not JSON, issuer mismatch, …).
    #[error("{0}")]
    Discovery(String),
}

/// The HTTP client for talking to providers: no redirects followed (a provider must not
/// send the portal elsewhere), a timeout so a provider that is down fails fast.
pub fn http_client() -> Result<reqwest::Client, DiscoveryError> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .map_err(|e| DiscoveryError::Client(e.to_string()))
}

/// Reads the discovery document and the keys it points to.
pub async fn discover(issuer: &str, http: &reqwest::Client) -> Result<Metadata, DiscoveryError> {
    let url =
        IssuerUrl::new(issuer.to_string()).map_err(|e| DiscoveryError::BadIssuer(issuer.into(), e.to_string()))?;
    Metadata::discover_async(url, http).await.map_err(|e| DiscoveryError::Discovery(error_chain(&e)))
}

/// An error with its causes, for an operator who has no debugger.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
