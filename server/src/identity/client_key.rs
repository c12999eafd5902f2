//! The portal's own key for `private_key_jwt`: it signs the client assertions that prove
//! to a provider's token endpoint that the portal is the registered client, and its public
//! part is published at `/.well-known/jwks.json` for providers that fetch it.
//!
//! RSA keys (PKCS#1 PEM; RS256 or PS256) or P-256 keys (SEC1 or PKCS#8 PEM; ES256).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Utc};
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use p256::pkcs8::DecodePrivateKey;
use sha2::{Digest, Sha256};

use super::signing_key::SigningKey;

/// A loaded client key.
pub struct ClientKey {
    key: SigningKey,
    alg_name: String,
    kid: String,
}

impl ClientKey {
    /// Reads a private key: PKCS#1 RSA (`BEGIN RSA PRIVATE KEY`; `alg` RS256, the default,
    /// or PS256) or P-256 (`BEGIN EC PRIVATE KEY` or PKCS#8 `BEGIN PRIVATE KEY`; ES256).
    pub fn load(path: &std::path::Path, alg: Option<&str>) -> Result<Self, String> {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        // A stable id for the key: it changes only when the key does.
        let kid = hex::encode(&Sha256::digest(pem.trim().as_bytes())[..12]);
        let ec = if pem.contains("BEGIN EC PRIVATE KEY") {
            Some(
                p256::SecretKey::from_sec1_pem(&pem)
                    .map_err(|e| format!("{}: not a P-256 key: {e}", path.display()))?,
            )
        } else if pem.contains("BEGIN PRIVATE KEY") {
            Some(p256::SecretKey::from_pkcs8_pem(&pem).map_err(|e| {
                format!(
                    "{}: not a PKCS#8 P-256 key ({e}); an RSA key must be PKCS#1 (BEGIN RSA PRIVATE KEY)",
                    path.display()
                )
            })?)
        } else {
            None
        };
        if let Some(secret) = ec {
            let alg_name = alg.unwrap_or("ES256").to_string();
            if alg_name != "ES256" {
                return Err(format!("assertion_alg {alg_name} does not fit a P-256 key (ES256)"));
            }
            let key = p256::ecdsa::SigningKey::from_slice(&secret.to_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))?;
            return Ok(Self { key: SigningKey::es256(key, Some(kid.clone())), alg_name, kid });
        }
        let alg_name = alg.unwrap_or("RS256").to_string();
        let alg = match alg_name.as_str() {
            "RS256" => CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256,
            "PS256" => CoreJwsSigningAlgorithm::RsaSsaPssSha256,
            other => return Err(format!("assertion_alg {other} is not supported for an RSA key (RS256, PS256)")),
        };
        let key = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.clone())))
            .map_err(|e| format!("{}: not a PKCS#1 RSA private key: {e}", path.display()))?;
        Ok(Self { key: SigningKey::Rsa { key, alg }, alg_name, kid })
    }

    /// The algorithm of its assertions.
    pub fn algorithm_name(&self) -> &str {
        &self.alg_name
    }

    /// The public key, as published.
    pub fn public_jwk(&self) -> CoreJsonWebKey {
        self.key.as_verification_key()
    }

    /// Its key id.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// A client assertion (RFC 7523) for `audience`, valid for a minute.
    pub fn assertion(&self, client_id: &str, audience: &str, now: DateTime<Utc>) -> Result<String, String> {
        let jti = crate::storage::identity::random_token().map_err(|e| e.to_string())?;
        let header = serde_json::json!({ "alg": self.alg_name, "kid": self.kid, "typ": "JWT" });
        let iat = now.timestamp();
        let claims = serde_json::json!({
            "iss": client_id, "sub": client_id, "aud": audience, "jti": jti, "iat": iat, "exp": iat + 60,
        });
        let message =
            format!("{}.{}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        let signature =
            self.key.sign(&self.key.algorithm(), message.as_bytes()).map_err(|e| format!("cannot sign: {e}"))?;
        Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
    }
}
