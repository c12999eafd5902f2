//! The hub's signing keys: made at first start, kept in the database with the private part
//! encrypted (AES-256-GCM under the key-encryption key from the environment or the data
//! directory), published in the JWKS before they sign and after they stop.
//!
//! There are always, per algorithm, one `current` key that signs and one `next` key that is
//! published but does not sign yet, so services have cached it before it is used. `motcua
//! keys rotate` retires the current key (still published until every token it signed has
//! expired), promotes the next one, and makes a new next.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::{DateTime, Duration, Utc};
use openidconnect::core::{CoreJsonWebKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use super::HubError;
pub use crate::identity::signing_key::SigningKey;
use crate::identity::signing_key::ec_public;
use crate::storage::entity::hub_key;

/// The algorithms the hub signs with.
pub const ALGORITHMS: [&str; 2] = ["ES256", "RS256"];

/// The key that encrypts the private keys at rest.
#[derive(Clone)]
pub struct KeyEncryptionKey([u8; 32]);

impl KeyEncryptionKey {
    /// From 64 hex digits.
    pub fn from_hex(hex_digits: &str) -> Result<Self, HubError> {
        let bytes = hex::decode(hex_digits.trim())
            .map_err(|e| HubError::Config(format!("the key-encryption key is not hex: {e}")))?;
        let key: [u8; 32] = bytes
            .try_into()
            .map_err(|_| HubError::Config("the key-encryption key must be 32 bytes (64 hex digits)".into()))?;
        Ok(Self(key))
    }

    /// The key the configuration names: `[hub] key_encryption_key_env`, or the key file in
    /// the data directory.
    pub fn from_config(config: &crate::config::Config) -> Result<Self, HubError> {
        Self::load(&config.hub.key_encryption_key_env, &config.data_dir.join("hub-key-encryption.key"))
    }

    /// From the environment variable `env`, or else from `file`, made (readable by the
    /// owner only) when missing.
    pub fn load(env: &str, file: &std::path::Path) -> Result<Self, HubError> {
        if let Ok(value) = std::env::var(env) {
            return Self::from_hex(&value);
        }
        if let Ok(text) = std::fs::read_to_string(file) {
            return Self::from_hex(&text);
        }
        let mut key = [0u8; 32];
        getrandom::fill(&mut key).map_err(|e| HubError::Crypto(e.to_string()))?;
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(|e| HubError::Config(format!("{}: {e}", dir.display())))?;
        }
        write_private(file, &hex::encode(key)).map_err(|e| HubError::Config(format!("{}: {e}", file.display())))?;
        tracing::info!(
            file = %file.display(),
            "made a key-encryption key for the hub's signing keys; set {env} instead on a cluster"
        );
        Ok(Self(key))
    }

    fn seal(&self, kid: &str, plain: &[u8]) -> Result<String, HubError> {
        let mut nonce = [0u8; 12];
        getrandom::fill(&mut nonce).map_err(|e| HubError::Crypto(e.to_string()))?;
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|e| HubError::Crypto(e.to_string()))?;
        let sealed = cipher
            .encrypt(Nonce::from_slice(&nonce), Payload { msg: plain, aad: kid.as_bytes() })
            .map_err(|e| HubError::Crypto(e.to_string()))?;
        Ok(STANDARD.encode([nonce.as_slice(), &sealed].concat()))
    }

    fn open(&self, kid: &str, stored: &str) -> Result<Vec<u8>, HubError> {
        let bytes = STANDARD.decode(stored).map_err(|e| HubError::Crypto(format!("key {kid}: {e}")))?;
        if bytes.len() < 12 {
            return Err(HubError::Crypto(format!("key {kid} is truncated")));
        }
        let (nonce, sealed) = bytes.split_at(12);
        let cipher = Aes256Gcm::new_from_slice(&self.0).map_err(|e| HubError::Crypto(e.to_string()))?;
        cipher.decrypt(Nonce::from_slice(nonce), Payload { msg: sealed, aad: kid.as_bytes() }).map_err(|_| {
            HubError::Crypto(format!("key {kid} does not open with this key-encryption key (was it changed?)"))
        })
    }
}

#[cfg(unix)]
fn write_private(file: &std::path::Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(file)?.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(file: &std::path::Path, text: &str) -> std::io::Result<()> {
    std::fs::write(file, text)
}

/// A new key of `alg`: its kid, public JWK and private part (PKCS#1 PEM for RSA, the raw
/// scalar for P-256).
fn generate(alg: &str) -> Result<(String, CoreJsonWebKey, Vec<u8>), HubError> {
    match alg {
        "ES256" => {
            let mut scalar = [0u8; 32];
            let key = loop {
                getrandom::fill(&mut scalar).map_err(|e| HubError::Crypto(e.to_string()))?;
                if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&scalar) {
                    break k;
                }
            };
            let public = ec_public(&key, None);
            let kid = thumbprint_kid(&public)?;
            Ok((kid.clone(), ec_public(&key, Some(kid)), scalar.to_vec()))
        }
        "RS256" => {
            use rsa::pkcs1::EncodeRsaPrivateKey;
            let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048)
                .map_err(|e| HubError::Crypto(format!("RSA key generation: {e}")))?;
            let pem = key.to_pkcs1_pem(rsa::pkcs8::LineEnding::LF).map_err(|e| HubError::Crypto(e.to_string()))?;
            let unnamed = CoreRsaPrivateSigningKey::from_pem(&pem, None).map_err(HubError::Crypto)?;
            let kid = thumbprint_kid(&unnamed.as_verification_key())?;
            let named = CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(kid.clone())))
                .map_err(HubError::Crypto)?;
            Ok((kid, named.as_verification_key(), pem.as_bytes().to_vec()))
        }
        other => Err(HubError::Config(format!("the hub does not sign with {other}"))),
    }
}

/// A key id that is the key's own: the base64url SHA-256 of its public JWK without `kid`
/// (close to RFC 7638, whose exact member order matters only for interoperable thumbprints).
fn thumbprint_kid(public: &CoreJsonWebKey) -> Result<String, HubError> {
    let json = serde_json::to_vec(public).map_err(|e| HubError::Crypto(e.to_string()))?;
    Ok(URL_SAFE_NO_PAD.encode(&Sha256::digest(&json)[..16]))
}

async fn insert(
    db: &impl ConnectionTrait,
    kek: &KeyEncryptionKey,
    alg: &str,
    state: &str,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let (kid, public, private) = generate(alg)?;
    hub_key::ActiveModel {
        kid: Set(kid.clone()),
        alg: Set(alg.to_string()),
        public_jwk: Set(serde_json::to_string(&public).map_err(|e| HubError::Crypto(e.to_string()))?),
        private_key: Set(kek.seal(&kid, &private)?),
        state: Set(state.to_string()),
        created_at: Set(now),
        retired_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(())
}

async fn of_state(db: &impl ConnectionTrait, alg: &str, state: &str) -> Result<Vec<hub_key::Model>, HubError> {
    Ok(hub_key::Entity::find()
        .filter(hub_key::Column::Alg.eq(alg))
        .filter(hub_key::Column::State.eq(state))
        .order_by_asc(hub_key::Column::CreatedAt)
        .all(db)
        .await?)
}

/// Makes the current and next key of each algorithm that lacks one (first start).
pub async fn ensure(db: &impl ConnectionTrait, kek: &KeyEncryptionKey, now: DateTime<Utc>) -> Result<(), HubError> {
    for alg in ALGORITHMS {
        for state in ["current", "next"] {
            if of_state(db, alg, state).await?.is_empty() {
                insert(db, kek, alg, state, now).await?;
            }
        }
    }
    Ok(())
}

/// How long a retired key is kept: past this, neither a token nor an `id_token_hint` it
/// signed is accepted (hints are read up to a day after their key retired).
pub const RETIRED_KEPT: Duration = Duration::days(1);

/// Rotates every algorithm's keys: current → retired, next → current, a new next; keys
/// retired longer than [`RETIRED_KEPT`] (or the token lifetime, if longer) are deleted.
/// Returns the kids that now sign.
pub async fn rotate(
    db: &impl ConnectionTrait,
    kek: &KeyEncryptionKey,
    token_lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<String>, HubError> {
    ensure(db, kek, now).await?;
    hub_key::Entity::delete_many()
        .filter(hub_key::Column::State.eq("retired"))
        .filter(hub_key::Column::RetiredAt.lt(now - token_lifetime.max(RETIRED_KEPT) - Duration::minutes(1)))
        .exec(db)
        .await?;
    let mut signing = Vec::new();
    for alg in ALGORITHMS {
        for old in of_state(db, alg, "current").await? {
            let mut active: hub_key::ActiveModel = old.into();
            active.state = Set("retired".into());
            active.retired_at = Set(Some(now));
            active.update(db).await?;
        }
        for next in of_state(db, alg, "next").await? {
            signing.push(next.kid.clone());
            let mut active: hub_key::ActiveModel = next.into();
            active.state = Set("current".into());
            active.update(db).await?;
        }
        insert(db, kek, alg, "next", now).await?;
    }
    Ok(signing)
}

/// The JWKS services verify with: next, current, and retired keys whose tokens may still be
/// alive (retired less than `token_lifetime` ago, plus a minute). A read only: retired keys
/// are deleted by [`rotate`].
pub async fn published(
    db: &impl ConnectionTrait,
    token_lifetime: Duration,
    now: DateTime<Utc>,
) -> Result<Vec<serde_json::Value>, HubError> {
    let horizon = now - token_lifetime - Duration::minutes(1);
    let keys = hub_key::Entity::find()
        .filter(hub_key::Column::RetiredAt.is_null().or(hub_key::Column::RetiredAt.gte(horizon)))
        .order_by_asc(hub_key::Column::CreatedAt)
        .all(db)
        .await?;
    keys.into_iter()
        .map(|k| {
            let mut jwk: serde_json::Value =
                serde_json::from_str(&k.public_jwk).map_err(|e| HubError::Crypto(e.to_string()))?;
            jwk["alg"] = serde_json::Value::String(k.alg);
            Ok(jwk)
        })
        .collect()
}

/// Every key, oldest first, without private parts.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<hub_key::Model>, HubError> {
    let mut keys = hub_key::Entity::find().order_by_asc(hub_key::Column::CreatedAt).all(db).await?;
    for k in &mut keys {
        k.private_key.clear();
    }
    Ok(keys)
}

/// The key that signs with `alg` now.
pub async fn signing(db: &impl ConnectionTrait, kek: &KeyEncryptionKey, alg: &str) -> Result<SigningKey, HubError> {
    let row = of_state(db, alg, "current").await?.pop().ok_or_else(|| {
        HubError::Config(format!("no current {alg} key: start the server once or run `motcua keys rotate`"))
    })?;
    let private = kek.open(&row.kid, &row.private_key)?;
    match alg {
        "ES256" => {
            let key = p256::ecdsa::SigningKey::from_slice(&private).map_err(|e| HubError::Crypto(e.to_string()))?;
            Ok(SigningKey::es256(key, Some(row.kid)))
        }
        "RS256" => {
            let pem = String::from_utf8(private).map_err(|e| HubError::Crypto(e.to_string()))?;
            let key =
                CoreRsaPrivateSigningKey::from_pem(&pem, Some(JsonWebKeyId::new(row.kid))).map_err(HubError::Crypto)?;
            Ok(SigningKey::Rsa { key, alg: CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256 })
        }
        other => Err(HubError::Config(format!("the hub does not sign with {other}"))),
    }
}

#[cfg(test)]
mod tests {
    use openidconnect::JsonWebKey;

    use super::*;

    #[test]
    fn a_sealed_key_opens_only_with_its_kid_and_key() {
        let kek = KeyEncryptionKey([7; 32]);
        let sealed = kek.seal("kid-1", b"secret scalar").expect("seal");
        assert_eq!(kek.open("kid-1", &sealed).expect("open"), b"secret scalar");
        assert!(kek.open("kid-2", &sealed).is_err(), "bound to its kid");
        assert!(KeyEncryptionKey([8; 32]).open("kid-1", &sealed).is_err(), "and to the key");
        assert!(KeyEncryptionKey::from_hex("abcd").is_err());
    }

    #[test]
    fn an_es256_signature_verifies_with_the_published_key() {
        let (kid, public, scalar) = generate("ES256").expect("key");
        let key = p256::ecdsa::SigningKey::from_slice(&scalar).expect("scalar");
        let signer = SigningKey::es256(key, Some(kid.clone()));
        let alg = CoreJwsSigningAlgorithm::EcdsaP256Sha256;
        let signature = signer.sign(&alg, b"header.claims").expect("sign");
        assert_eq!(public.key_id().map(|k| k.as_str().to_string()), Some(kid));
        assert!(public.verify_signature(&alg, b"header.claims", &signature).is_ok());
        assert!(public.verify_signature(&alg, b"header.claimz", &signature).is_err());
    }
}
