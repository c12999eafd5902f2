//! Compact JWS as the portal receives them outside ID tokens (logout tokens from a
//! provider, client assertions from department services): split, decode, and check the
//! signature against a key set. `openidconnect` verifies ID tokens only; this uses its key
//! types for the cryptography and leaves the claims to the caller.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use openidconnect::JsonWebKey;
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm};
use serde::Deserialize;
use serde::de::DeserializeOwned;

/// The header fields the portal reads.
#[derive(Clone, Debug, Deserialize)]
pub struct Header {
    /// Signing algorithm; "none" is never accepted.
    pub alg: String,
    /// Key id.
    pub kid: Option<String>,
    /// Media type of the token.
    pub typ: Option<String>,
}

/// A compact JWS split into its parts, not yet verified.
#[derive(Clone, Debug)]
pub struct Compact<C> {
    /// The header.
    pub header: Header,
    /// The claims, as the caller's type.
    pub claims: C,
    message: String,
    signature: Vec<u8>,
}

/// What a key set says of a signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// A key of the set with the token's `kid` verified it.
    Verified,
    /// The key was found and the signature is wrong.
    BadSignature,
    /// No key of the set has the token's `kid`: worth fetching the keys again, once.
    UnknownKey,
}

/// Splits and decodes a compact JWS; an encrypted or malformed token is refused here.
pub fn parse<C: DeserializeOwned>(token: &str) -> Result<Compact<C>, String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err("not a signed JWT (an encrypted or malformed token)".into());
    };
    let decode =
        |part: &str, what: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| format!("{what} is not base64url: {e}"));
    let header: Header = serde_json::from_slice(&decode(header_b64, "header")?).map_err(|e| format!("header: {e}"))?;
    let claims: C = serde_json::from_slice(&decode(claims_b64, "claims")?).map_err(|e| format!("claims: {e}"))?;
    let signature = decode(signature_b64, "signature")?;
    Ok(Compact { header, claims, message: format!("{header_b64}.{claims_b64}"), signature })
}

impl<C> Compact<C> {
    /// The signing algorithm, if it is one of `accepted` (so never "none").
    pub fn algorithm(&self, accepted: &[String]) -> Result<CoreJwsSigningAlgorithm, String> {
        if !accepted.contains(&self.header.alg) {
            return Err(format!("algorithm {} is not accepted", self.header.alg));
        }
        serde_json::from_value(serde_json::Value::String(self.header.alg.clone()))
            .map_err(|e| format!("algorithm: {e}"))
    }

    /// Checks the signature with the keys of `keys` that carry the token's `kid` (all of
    /// them when the token names none).
    pub fn verify(&self, alg: &CoreJwsSigningAlgorithm, keys: &[CoreJsonWebKey]) -> Verdict {
        let mut known = false;
        for key in keys.iter().filter(|k| match (&self.header.kid, k.key_id()) {
            (Some(kid), Some(id)) => id.as_str() == kid,
            (None, _) => true,
            (Some(_), None) => false,
        }) {
            known = true;
            if key.verify_signature(alg, self.message.as_bytes(), &self.signature).is_ok() {
                return Verdict::Verified;
            }
        }
        if known { Verdict::BadSignature } else { Verdict::UnknownKey }
    }
}

/// The audiences of an `aud` claim, which may be one string or an array.
pub fn audiences(aud: Option<serde_json::Value>) -> Vec<String> {
    match aud {
        Some(serde_json::Value::String(a)) => vec![a],
        Some(serde_json::Value::Array(a)) => a.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}
