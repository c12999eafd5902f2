//! Back-channel logout (OpenID Connect Back-Channel Logout 1.0): the provider tells the
//! portal, server to server, that a citizen signed out there; the portal ends the matching
//! sessions. A logout token is checked as strictly as an ID token, with the differences the
//! specification makes: an `events` claim, `sub` or `sid`, and never a `nonce`.
//!
//! `openidconnect` verifies ID tokens only; [`super::jws`] checks the signature and this
//! module the claims.

use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;

use super::jws;
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
    let token: jws::Compact<Claims> = jws::parse(token)?;
    let alg = token.algorithm(&rp.config.signing_algs)?;
    if token
        .header
        .typ
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("logout+jwt") && !t.eq_ignore_ascii_case("JWT"))
    {
        return Err(format!("typ {:?} is not a logout token", token.header.typ));
    }
    let mut verdict = jws::Verdict::UnknownKey;
    // Only an unknown key is worth reading the provider's keys again for.
    for refresh in [false, true] {
        let metadata = rp.metadata(refresh).await.map_err(|e| e.to_string())?;
        verdict = token.verify(&alg, metadata.jwks().keys());
        if verdict != jws::Verdict::UnknownKey {
            break;
        }
    }
    if verdict != jws::Verdict::Verified {
        return Err("the signature is not the provider's".into());
    }
    let claims = token.claims;

    // The claims.
    let issuer = claims.iss.ok_or("no iss")?;
    if issuer != rp.config.issuer {
        return Err(format!("issued by {issuer}"));
    }
    if !jws::audiences(claims.aud).contains(&rp.config.client_id) {
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
