//! The sign-on hub: the portal as an OpenID provider for department services, as Estonia's
//! GovSSO is between TARA and the ministries. A citizen signs in once at the national login
//! (through [`crate::identity`]); each department service then signs them in through the
//! hub, learning only what the citizen agreed to, under an identifier of its own sector.
//!
//! `services.rs` keeps the registered services, `keys.rs` the signing keys,
//! `authorize.rs` reads and judges authorisation requests, `token.rs` authenticates
//! services and exchanges codes for tokens. The HTTP side is `crate::http::hub`.

pub mod authorize;
pub mod commands;
pub mod keys;
pub mod logout;
pub mod services;
pub mod token;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection, EntityTrait};
use sha2::{Digest, Sha256};

use crate::config::SubjectType;
use crate::storage::entity::{account, hub_setting};

/// Why the hub could not do something. Requests that are wrong get OAuth errors (see
/// [`authorize::AuthorizeError`], [`token::TokenError`]); these are the hub's own faults.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    /// The configuration or a registration is wrong; the message names the field.
    #[error("{0}")]
    Config(String),
    /// A key could not be made, opened or used.
    #[error("key error: {0}")]
    Crypto(String),
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
}

/// The hub's settings and keys, shared by every request.
pub struct Hub {
    /// Issuer identifier: the portal's public address.
    pub issuer: String,
    /// Encrypts the signing keys at rest.
    pub kek: keys::KeyEncryptionKey,
    /// Lifetime of access and ID tokens.
    pub token_lifetime: Duration,
    /// Lifetime of an authorisation code.
    pub code_lifetime: Duration,
    /// Secret salt of subject identifiers.
    salt: String,
    /// For fetching services' JWKS and delivering logout tokens.
    pub http: reqwest::Client,
}

impl Hub {
    /// Opens the hub: loads the key-encryption key, makes the signing keys and the salt on
    /// first start, and brings the config-file services into the database.
    pub async fn open(db: &DatabaseConnection, config: &crate::config::Config, issuer: &str) -> Result<Self, HubError> {
        let now = chrono::Utc::now();
        let kek = keys::KeyEncryptionKey::from_config(config)?;
        keys::ensure(db, &kek, now).await?;
        services::sync_config(db, &config.hub.services, now).await?;
        let salt = match hub_setting::Entity::find_by_id("subject_salt").one(db).await? {
            Some(s) => s.value,
            None => {
                let salt = crate::storage::identity::random_token().map_err(|e| HubError::Crypto(e.to_string()))?;
                hub_setting::ActiveModel { name: Set("subject_salt".into()), value: Set(salt.clone()) }
                    .insert(db)
                    .await?;
                salt
            }
        };
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("motcua-hub/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| HubError::Config(e.to_string()))?;
        Ok(Hub {
            issuer: issuer.trim_end_matches('/').to_string(),
            kek,
            token_lifetime: config.hub.token_lifetime(),
            code_lifetime: Duration::seconds(i64::try_from(config.hub.code_seconds).unwrap_or(60)),
            salt,
            http,
        })
    }

    /// The identifier a service knows the citizen by: one per sector (so two sectors'
    /// services cannot link their records), or one for every public-subject service.
    pub fn subject(&self, service: &services::Service, account: &account::Model) -> String {
        let sector = match service.subject_type {
            SubjectType::Pairwise => service.sector.as_str(),
            SubjectType::Public => "",
        };
        let input = format!("{sector}\n{}\n{}\n{}", account.issuer, account.subject, self.salt);
        URL_SAFE_NO_PAD.encode(&Sha256::digest(input.as_bytes())[..24])
    }

    /// A URL of the hub.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.issuer)
    }
}

/// The `acr` value of an internal assurance level, and back.
pub fn acr_of(level: i32) -> String {
    format!("loa-{level}")
}

/// The level of an `acr` value the hub publishes.
pub fn level_of(acr: &str) -> Option<i32> {
    acr.strip_prefix("loa-").and_then(|n| n.parse().ok())
}

/// The hub's `sid` for a portal session: stable for the session, and not its database key.
pub fn sid_of(session_id: &str) -> String {
    crate::storage::identity::digest(&format!("sid\n{session_id}"))[..32].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::SubjectType;

    fn service(sector: &str, subject_type: SubjectType) -> services::Service {
        services::Service {
            client_id: format!("svc-{sector}"),
            sector: sector.into(),
            subject_type,
            ..services::Service::example()
        }
    }

    #[test]
    fn subjects_are_one_per_sector_unless_public() {
        let hub = Hub {
            issuer: "https://cong.example".into(),
            kek: keys::KeyEncryptionKey::from_hex(&"07".repeat(32)).expect("key"),
            token_lifetime: Duration::minutes(10),
            code_lifetime: Duration::seconds(60),
            salt: "salt".into(),
            http: reqwest::Client::new(),
        };
        let now = chrono::Utc::now();
        let citizen = |subject: &str| account::Model {
            id: 1,
            issuer: "https://vneid.example".into(),
            subject: subject.into(),
            provider_id: "vneid".into(),
            name: None,
            birth_date: None,
            citizen_id: None,
            phone: None,
            email: None,
            assurance_level: 2,
            created_at: now,
            last_login_at: now,
        };
        let a = citizen("079090001234");
        let tu_phap = service("tuphap.hue.gov.vn", SubjectType::Pairwise);
        let tu_phap_2 = service("tuphap.hue.gov.vn", SubjectType::Pairwise);
        let dat_dai = service("tainguyen.hue.gov.vn", SubjectType::Pairwise);
        assert_eq!(hub.subject(&tu_phap, &a), hub.subject(&tu_phap_2, &a), "one sector, one identifier");
        assert_ne!(hub.subject(&tu_phap, &a), hub.subject(&dat_dai, &a), "sectors cannot link records");
        assert_ne!(hub.subject(&tu_phap, &a), hub.subject(&tu_phap, &citizen("079090009999")));
        let public_1 = service("a.example", SubjectType::Public);
        let public_2 = service("b.example", SubjectType::Public);
        assert_eq!(hub.subject(&public_1, &a), hub.subject(&public_2, &a), "public subjects are shared");
        assert_ne!(hub.subject(&public_1, &a), hub.subject(&tu_phap, &a));
        assert!(!hub.subject(&tu_phap, &a).contains("079090001234"), "the citizen id does not show through");
    }
}
