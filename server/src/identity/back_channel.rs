//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the provider tells the
//! portal, server to server, that a citizen signed out there; the portal ends the matching
//! sessions. A logout token is checked as strictly as an ID token, with the differences the
//! specification makes: an `events` claim, `sub` or `sid`, and never a `nonce`.
//!
//! `openidconnect` verifies ID tokens only; this module uses its key types to check the
//! signature and checks the claims itself.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use openidconnect::JsonWebKey;
use openidconnect::core::CoreJwsSigningAlgorithm;
use serde::Deserialize;

use super::relying_party::RelyingParty;

/// The event a logout token must carry.
const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// Clock difference tolerated.
const SKEW: Duration = Duration::seconds(60);
/// How old a logout token may be.
const MAX_AGE: Duration = Duration::minutes(5);

/// What a valid logout token says.
#[derive(Clone, Debug)]
pub struct Logout {
    /// The provider's issuer.
    pub issuer: String,
    /// Whose sessions end, if named.
    pub subject: Option<String>,
    /// Which provider session ended, if named.
    pub sid: Option<String>,
    /// Its id, remembered until `expires_at` so it cannot be replayed.
    pub jti: String,
    /// Until when it would be accepted.
    pub expires_at: DateTime<Utc>,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    kid: Option<String>,
    typ: Option<String>,
}

#[derive(Deserialize)]
struct Claims {
    iss: Option<String>,
    aud: Option<serde_json::Value>,
    iat: Option<i64>,
    exp: Option<i64>,
    jti: Option<String>,
    sub: Option<String>,
    sid: Option<String>,
    events: Option<serde_json::Map<String, serde_json::Value>>,
    nonce: Option<serde_json::Value>,
}

/// Checks a logout token sent to the portal for `rp`'s provider.
pub async fn verify(rp: &RelyingParty, token: &str, now: DateTime<Utc>) -> Result<Logout, String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [header_b64, claims_b64, signature_b64] = parts[..] else {
        return Err("not a signed JWT (an encrypted or malformed token)".into());
    };
    let decode =
        |part: &str, what: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| format!("{what} is not base64url: {e}"));
    let header: Header = serde_json::from_slice(&decode(header_b64, "header")?).map_err(|e| format!("header: {e}"))?;
    let claims: Claims = serde_json::from_slice(&decode(claims_b64, "claims")?).map_err(|e| format!("claims: {e}"))?;
    let signature = decode(signature_b64, "signature")?;

    // The signature: an accepted algorithm (never "none"), a key of the provider.
    if !rp.config.signing_algs.contains(&header.alg) {
        return Err(format!("algorithm {} is not accepted", header.alg));
    }
    if header.typ.as_deref().is_some_and(|t| !t.eq_ignore_ascii_case("logout+jwt") && !t.eq_ignore_ascii_case("JWT")) {
        return Err(format!("typ {:?} is not a logout token", header.typ));
    }
    let alg: CoreJwsSigningAlgorithm =
        serde_json::from_value(serde_json::Value::String(header.alg.clone())).map_err(|e| format!("algorithm: {e}"))?;
    let message = format!("{header_b64}.{claims_b64}");
    let mut verified = false;
    for refresh in [false, true] {
        let metadata = rp.metadata(refresh).await.map_err(|e| e.to_string())?;
        let keys = metadata.jwks().keys().iter().filter(|k| match (&header.kid, k.key_id()) {
            (Some(kid), Some(id)) => id.as_str() == kid,
            (None, _) => true,
            (Some(_), None) => false,
        });
        let mut known = false;
        for key in keys {
            known = true;
            if key.verify_signature(&alg, message.as_bytes(), &signature).is_ok() {
                verified = true;
                break;
            }
        }
        // A known key that does not verify is a bad signature; only an unknown key is
        // worth reading the provider's keys again for.
        if verified || known {
            break;
        }
    }
    if !verified {
        return Err("the signature is not the provider's".into());
    }

    // The claims.
    let issuer = claims.iss.ok_or("no iss")?;
    if issuer != rp.config.issuer {
        return Err(format!("issued by {issuer}"));
    }
    let audiences = match claims.aud {
        Some(serde_json::Value::String(a)) => vec![a],
        Some(serde_json::Value::Array(a)) => a.into_iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&rp.config.client_id) {
        return Err("not addressed to the portal (aud)".into());
    }
    let iat = claims.iat.and_then(|t| DateTime::from_timestamp(t, 0)).ok_or("no iat")?;
    if iat > now + SKEW || iat < now - MAX_AGE {
        return Err(format!("issued at {iat}, outside the accepted window"));
    }
    let expires_at = match claims.exp.and_then(|t| DateTime::from_timestamp(t, 0)) {
        Some(exp) if exp + SKEW < now => return Err(format!("expired at {exp}")),
        Some(exp) => exp + SKEW,
        None => iat + MAX_AGE + SKEW,
    };
    let jti = claims.jti.filter(|j| !j.is_empty()).ok_or("no jti")?;
    if !claims.events.as_ref().is_some_and(|e| e.get(LOGOUT_EVENT).is_some_and(serde_json::Value::is_object)) {
        return Err("no back-channel logout event".into());
    }
    if claims.nonce.is_some() {
        return Err("a logout token must not carry a nonce".into());
    }
    if claims.sub.is_none() && claims.sid.is_none() {
        return Err("names neither sub nor sid".into());
    }
    Ok(Logout { issuer, subject: claims.sub, sid: claims.sid, jti, expires_at })
}
