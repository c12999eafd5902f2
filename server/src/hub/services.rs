//! Department services registered as clients of the hub: from the config file (kept in step
//! with it at every start) or from `motcua services add` (kept until removed). Secrets are
//! stored as salted hashes and shown once, when made.

use chrono::{DateTime, Utc};
use openidconnect::core::CoreJsonWebKeySet;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use sha2::{Digest, Sha256};

use super::HubError;
use crate::config::{ApiRole, ServiceAuth, ServiceConfig, SubjectType};
use crate::storage::entity::{api_token, service, staff_role};
use crate::storage::identity::{Profile, sign_in_account};
use crate::storage::roles::{self, Role};

/// Scopes the hub knows, and the claims each one releases.
pub const SCOPES: [(&str, &[&str]); 5] = [
    ("openid", &["sub"]),
    ("profile", &["name", "birthdate"]),
    ("phone", &["phone_number"]),
    ("email", &["email"]),
    ("citizen", &["citizen_id"]),
];

/// What a scope releases, in the words the consent and account pages use.
pub fn scope_label(scope: &str) -> Option<&'static str> {
    Some(match scope {
        "profile" => "Họ và tên, ngày sinh",
        "phone" => "Số điện thoại",
        "email" => "Thư điện tử",
        "citizen" => "Số định danh cá nhân",
        _ => return None,
    })
}

/// Shortest secret accepted from the configuration: secrets are hashed with a fast hash,
/// which is safe only for secrets too long to guess.
pub const MIN_SECRET_LEN: usize = 32;

/// A registered service, as the hub uses it.
#[derive(Clone, Debug)]
pub struct Service {
    /// Its client id.
    pub client_id: String,
    /// Its name.
    pub name: String,
    /// The agency that runs it.
    pub agency: Option<String>,
    /// Registered redirect URIs.
    pub redirect_uris: Vec<String>,
    /// Registered post-logout redirect URIs.
    pub post_logout_redirect_uris: Vec<String>,
    /// How it authenticates.
    pub auth: ServiceAuth,
    /// `salt$hash` of its secret.
    pub(crate) secret_hash: Option<String>,
    /// Inline public keys.
    pub jwks: Option<CoreJsonWebKeySet>,
    /// Or where they are.
    pub jwks_uri: Option<String>,
    /// Scopes it may ask for.
    pub scopes: Vec<String>,
    /// Back-channel logout URI.
    pub backchannel_logout_uri: Option<String>,
    /// Third-party-initiated login URI.
    pub initiate_login_uri: Option<String>,
    /// Sector of its pairwise identifiers.
    pub sector: String,
    /// Pairwise or public subjects.
    pub subject_type: SubjectType,
    /// `ES256` or `RS256`.
    pub id_token_alg: String,
    /// Procedure codes it takes applications for.
    pub procedures: Vec<String>,
    /// Where a handed-off citizen lands.
    pub start_url: Option<String>,
    /// The assurance level it needs.
    pub assurance_level: i32,
    /// The push API role of a machine client (acting for `agency`).
    pub api_role: Option<ApiRole>,
    /// `config` or `cli`.
    pub source: String,
}

impl Service {
    /// A registered citizen-facing service for unit tests, changed by struct update.
    #[cfg(test)]
    pub(crate) fn example() -> Service {
        Service {
            client_id: "ho-tich".into(),
            name: "Hộ tịch".into(),
            agency: None,
            redirect_uris: vec!["https://hotich.example/cb".into()],
            post_logout_redirect_uris: vec![],
            auth: ServiceAuth::ClientSecretBasic,
            secret_hash: None,
            jwks: None,
            jwks_uri: None,
            scopes: vec!["openid".into(), "profile".into()],
            backchannel_logout_uri: None,
            initiate_login_uri: None,
            sector: "hotich.example".into(),
            subject_type: SubjectType::Pairwise,
            id_token_alg: "ES256".into(),
            procedures: vec![],
            start_url: None,
            assurance_level: 2,
            api_role: None,
            source: "config".into(),
        }
    }

    /// Whether `secret` is its secret (compared in constant time over the hashes).
    pub fn secret_matches(&self, secret: &str) -> bool {
        let Some((salt, expected)) = self.secret_hash.as_deref().and_then(|h| h.split_once('$')) else { return false };
        crate::storage::identity::same_secret(&hash_with(salt, secret), expected)
    }
}

fn hash_with(salt: &str, secret: &str) -> String {
    hex::encode(Sha256::digest(format!("{salt}{secret}").as_bytes()))
}

fn hash_secret(secret: &str) -> Result<String, HubError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| HubError::Crypto(e.to_string()))?;
    let salt = hex::encode(salt);
    Ok(format!("{salt}${}", hash_with(&salt, secret)))
}

impl TryFrom<service::Model> for Service {
    type Error = HubError;

    fn try_from(m: service::Model) -> Result<Self, HubError> {
        let list = |json: &str| serde_json::from_str::<Vec<String>>(json).map_err(|e| HubError::Config(e.to_string()));
        Ok(Service {
            auth: serde_json::from_value(serde_json::Value::String(m.client_auth.clone()))
                .map_err(|e| HubError::Config(format!("{}: {e}", m.client_id)))?,
            subject_type: if m.subject_type == "public" { SubjectType::Public } else { SubjectType::Pairwise },
            jwks: m
                .jwks
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| HubError::Config(e.to_string()))?,
            redirect_uris: list(&m.redirect_uris)?,
            post_logout_redirect_uris: list(&m.post_logout_redirect_uris)?,
            scopes: m.scopes.split_whitespace().map(str::to_string).collect(),
            procedures: list(&m.procedures)?,
            start_url: m.start_url,
            assurance_level: m.assurance_level,
            api_role: match m.api_role.as_deref() {
                None => None,
                Some("editor") => Some(ApiRole::Editor),
                Some("publisher") => Some(ApiRole::Publisher),
                Some(other) => return Err(HubError::Config(format!("{}: api_role {other}", m.client_id))),
            },
            client_id: m.client_id,
            name: m.name,
            agency: m.agency,
            secret_hash: m.secret_hash,
            jwks_uri: m.jwks_uri,
            backchannel_logout_uri: m.backchannel_logout_uri,
            initiate_login_uri: m.initiate_login_uri,
            sector: m.sector,
            id_token_alg: m.id_token_alg,
            source: m.source,
        })
    }
}

/// Checks a registration and fills in what it leaves to defaults; names the first field
/// that is wrong.
pub fn validate(config: &ServiceConfig) -> Result<String, HubError> {
    let bad = |what: String| Err(HubError::Config(format!("service {}: {what}", config.client_id)));
    if config.client_id.is_empty() || !config.client_id.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
    {
        return bad("client_id must be letters, digits, '-', '_' or '.'".into());
    }
    if config.redirect_uris.is_empty() && config.api_role.is_none() {
        return bad("redirect_uris is empty (only a machine client, with api_role, may have none)".into());
    }
    if config.api_role.is_some() && config.agency.as_deref().is_none_or(str::is_empty) {
        return bad("a machine client (api_role) acts for an agency: give agency".into());
    }
    if !(1..=3).contains(&config.assurance_level) {
        return bad(format!("assurance_level {} (1, 2 or 3)", config.assurance_level));
    }
    let optional = [&config.backchannel_logout_uri, &config.initiate_login_uri, &config.start_url, &config.jwks_uri];
    for uri in
        config.redirect_uris.iter().chain(&config.post_logout_redirect_uris).chain(optional.into_iter().flatten())
    {
        match url::Url::parse(uri) {
            Ok(u) if u.fragment().is_none() && matches!(u.scheme(), "https" | "http") => {}
            _ => return bad(format!("{uri} is not an absolute http(s) URI without a fragment")),
        }
    }
    for scope in &config.scopes {
        if !SCOPES.iter().any(|(s, _)| s == scope) {
            return bad(format!("unknown scope {scope}"));
        }
    }
    if !super::keys::ALGORITHMS.contains(&config.id_token_alg.as_str()) {
        return bad(format!("id_token_alg {} (ES256 or RS256)", config.id_token_alg));
    }
    if config.client_auth == ServiceAuth::PrivateKeyJwt {
        match (&config.jwks, &config.jwks_uri) {
            (Some(jwks), None) => {
                if let Err(e) = serde_json::from_str::<CoreJsonWebKeySet>(jwks) {
                    return bad(format!("jwks is not a JWK Set: {e}"));
                }
            }
            (None, Some(_)) => {}
            _ => return bad("private_key_jwt needs exactly one of jwks and jwks_uri".into()),
        }
    }
    match (&config.sector, config.redirect_uris.first()) {
        (Some(s), _) if !s.is_empty() => Ok(s.clone()),
        // A machine-only client signs no citizen in; its sector is never used.
        (_, None) => Ok(config.client_id.clone()),
        (_, Some(first)) => url::Url::parse(first)
            .ok()
            .and_then(|u| u.host_str().map(str::to_string))
            .map_or_else(|| bad("no sector and no host in the first redirect URI".into()), Ok),
    }
}

/// Registers or updates a service; `secret` is hashed here. Returns nothing secret.
pub async fn upsert(
    db: &impl ConnectionTrait,
    config: &ServiceConfig,
    secret: Option<&str>,
    source: &str,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let sector = validate(config)?;
    let secret_hash = match (config.client_auth, secret) {
        (ServiceAuth::PrivateKeyJwt, _) => None,
        (_, Some(s)) if s.len() >= MIN_SECRET_LEN => Some(hash_secret(s)?),
        (_, Some(_)) => {
            return Err(HubError::Config(format!(
                "service {}: the secret must be at least {MIN_SECRET_LEN} characters",
                config.client_id
            )));
        }
        (_, None) => {
            return Err(HubError::Config(format!("service {}: a secret method needs a secret", config.client_id)));
        }
    };
    let existing = service::Entity::find_by_id(config.client_id.clone()).one(db).await?;
    let json = |v: &Vec<String>| serde_json::to_string(v).map_err(|e| HubError::Config(e.to_string()));
    let mut row = service::ActiveModel {
        client_id: Set(config.client_id.clone()),
        name: Set(config.name.clone()),
        agency: Set(config.agency.clone()),
        redirect_uris: Set(json(&config.redirect_uris)?),
        post_logout_redirect_uris: Set(json(&config.post_logout_redirect_uris)?),
        client_auth: Set(config.client_auth.name().into()),
        secret_hash: Set(secret_hash),
        jwks: Set(config.jwks.clone()),
        jwks_uri: Set(config.jwks_uri.clone()),
        scopes: Set(config.scopes.join(" ")),
        backchannel_logout_uri: Set(config.backchannel_logout_uri.clone()),
        initiate_login_uri: Set(config.initiate_login_uri.clone()),
        sector: Set(sector),
        subject_type: Set(if config.subject_type == SubjectType::Public { "public" } else { "pairwise" }.into()),
        id_token_alg: Set(config.id_token_alg.clone()),
        procedures: Set(json(&config.procedures)?),
        start_url: Set(config.start_url.clone()),
        assurance_level: Set(i32::from(config.assurance_level)),
        api_role: Set(config.api_role.map(|r| Role::from(r).name().to_string())),
        source: Set(source.to_string()),
        created_at: Set(now),
        updated_at: Set(now),
    };
    if let Some(old) = existing {
        row.created_at = Set(old.created_at);
        row.update(db).await?;
    } else {
        row.insert(db).await?;
    }
    bind_machine_account(db, config, now).await
}

/// Issuer of machine accounts: the push API's clients are accounts of the portal itself, so
/// what they write has an author and their role is an ordinary staff grant, checked by the
/// same `roles::allows` as the editor pages.
pub const MACHINE_ISSUER: &str = "urn:motcua:service";

/// `provider_id` of machine accounts (`service:{client_id}` in `motcua roles list`).
pub const MACHINE_PROVIDER: &str = "service";

impl From<ApiRole> for Role {
    fn from(r: ApiRole) -> Role {
        match r {
            ApiRole::Editor => Role::Editor,
            ApiRole::Publisher => Role::Publisher,
        }
    }
}

/// The machine account of a client, if it was ever a machine client.
pub async fn machine_account(db: &impl ConnectionTrait, client_id: &str) -> Result<Option<i32>, HubError> {
    use crate::storage::entity::account;
    Ok(account::Entity::find()
        .filter(account::Column::Issuer.eq(MACHINE_ISSUER))
        .filter(account::Column::Subject.eq(client_id))
        .one(db)
        .await?
        .map(|a| a.id))
}

/// Makes the registration's role the machine account's only grant (none when it is no
/// longer a machine client), and ends its tokens when that takes something away.
async fn bind_machine_account(
    db: &impl ConnectionTrait,
    config: &ServiceConfig,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let existing = machine_account(db, &config.client_id).await?;
    let (Some(role), Some(slug)) = (config.api_role, config.agency.as_deref()) else {
        if let Some(account_id) = existing {
            unbind(db, account_id).await?;
        }
        return Ok(());
    };
    let agency = crate::storage::agencies::by_slug(db, slug)
        .await
        .map_err(|e| HubError::Config(e.to_string()))?
        .ok_or_else(|| HubError::Config(format!("service {}: no agency {slug}", config.client_id)))?;
    let profile = Profile { name: Some(config.name.clone()), assurance_level: 0, ..Profile::default() };
    let account = sign_in_account(db, MACHINE_ISSUER, &config.client_id, MACHINE_PROVIDER, &profile, now)
        .await
        .map_err(|e| HubError::Config(e.to_string()))?;
    let role = Role::from(role);
    let held = staff_role::Entity::find().filter(staff_role::Column::AccountId.eq(account.id)).all(db).await?;
    if held.len() == 1 && held[0].agency_id == agency.id && held[0].role == role.name() {
        return Ok(());
    }
    unbind(db, account.id).await?;
    roles::grant(db, account.id, agency.id, role, &format!("registration:{}", config.client_id), now)
        .await
        .map_err(|e| HubError::Config(e.to_string()))?;
    Ok(())
}

/// Takes a machine account's grants and ends its tokens.
async fn unbind(db: &impl ConnectionTrait, account_id: i32) -> Result<(), HubError> {
    staff_role::Entity::delete_many().filter(staff_role::Column::AccountId.eq(account_id)).exec(db).await?;
    api_token::Entity::delete_many().filter(api_token::Column::AccountId.eq(account_id)).exec(db).await?;
    Ok(())
}

/// Brings the config-file services into the database: each one upserted (its secret read
/// from its environment variable), and config rows no longer in the file removed.
pub async fn sync_config(
    db: &impl ConnectionTrait,
    services: &[ServiceConfig],
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    for s in services {
        let secret = match &s.client_secret_env {
            Some(var) => Some(std::env::var(var).map_err(|_| {
                HubError::Config(format!("service {}: environment variable {var} (its secret) is not set", s.client_id))
            })?),
            None => None,
        };
        upsert(db, s, secret.as_deref(), "config", now).await?;
    }
    let kept: Vec<String> = services.iter().map(|s| s.client_id.clone()).collect();
    let dropped = service::Entity::find()
        .filter(service::Column::Source.eq("config"))
        .filter(service::Column::ClientId.is_not_in(kept))
        .all(db)
        .await?;
    for s in dropped {
        remove(db, &s.client_id).await?;
    }
    Ok(())
}

/// A service by client id.
pub async fn find(db: &impl ConnectionTrait, client_id: &str) -> Result<Option<Service>, HubError> {
    service::Entity::find_by_id(client_id.to_string()).one(db).await?.map(Service::try_from).transpose()
}

/// Every service, by client id.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<Service>, HubError> {
    service::Entity::find()
        .order_by_asc(service::Column::ClientId)
        .all(db)
        .await?
        .into_iter()
        .map(Service::try_from)
        .collect()
}

/// The service that takes applications for a procedure: a real one (from the configuration
/// or the command line) before the demo service, then by client id.
pub async fn for_procedure(db: &impl ConnectionTrait, code: &str) -> Result<Option<Service>, HubError> {
    let mut taking: Vec<Service> =
        list(db).await?.into_iter().filter(|s| s.procedures.iter().any(|p| p == code)).collect();
    taking.sort_by_key(|s| s.source == "demo");
    Ok(taking.into_iter().next())
}

/// Removes a service; false if there was none.
pub async fn remove(db: &impl ConnectionTrait, client_id: &str) -> Result<bool, HubError> {
    if let Some(account_id) = machine_account(db, client_id).await? {
        unbind(db, account_id).await?;
    }
    Ok(service::Entity::delete_by_id(client_id.to_string()).exec(db).await?.rows_affected == 1)
}

/// A new secret for a secret-authenticated service, returned once.
pub async fn rotate_secret(db: &impl ConnectionTrait, client_id: &str, now: DateTime<Utc>) -> Result<String, HubError> {
    let row = service::Entity::find_by_id(client_id.to_string())
        .one(db)
        .await?
        .ok_or_else(|| HubError::Config(format!("no service {client_id}")))?;
    if row.client_auth == "private_key_jwt" {
        return Err(HubError::Config(format!("service {client_id} signs with its key; it has no secret")));
    }
    let secret = crate::storage::identity::random_token().map_err(|e| HubError::Crypto(e.to_string()))?;
    let mut active: service::ActiveModel = row.into();
    active.secret_hash = Set(Some(hash_secret(&secret)?));
    active.updated_at = Set(now);
    active.update(db).await?;
    Ok(secret)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> ServiceConfig {
        ServiceConfig {
            client_id: "ho-tich".into(),
            name: "Hộ tịch".into(),
            agency: None,
            redirect_uris: vec!["https://hotich.hue.gov.vn/cb".into()],
            post_logout_redirect_uris: vec![],
            client_auth: ServiceAuth::ClientSecretBasic,
            client_secret_env: None,
            jwks: None,
            jwks_uri: None,
            scopes: vec!["openid".into(), "profile".into()],
            backchannel_logout_uri: None,
            initiate_login_uri: None,
            sector: None,
            subject_type: SubjectType::Pairwise,
            id_token_alg: "ES256".into(),
            procedures: vec![],
            start_url: None,
            assurance_level: 2,
            api_role: None,
        }
    }

    #[test]
    fn the_sector_defaults_to_the_redirect_host_and_bad_fields_are_named() {
        assert_eq!(validate(&config()).expect("valid"), "hotich.hue.gov.vn");
        let mut c = config();
        c.redirect_uris = vec!["https://x.example/cb#frag".into()];
        assert!(validate(&c).expect_err("fragment").to_string().contains("fragment"));
        let mut c = config();
        c.scopes.push("admin".into());
        assert!(validate(&c).expect_err("scope").to_string().contains("unknown scope admin"));
        let mut c = config();
        c.client_auth = ServiceAuth::PrivateKeyJwt;
        assert!(validate(&c).expect_err("keys").to_string().contains("jwks"));
    }

    #[test]
    fn a_secret_matches_only_itself() {
        let hash = hash_secret("a-very-long-secret-of-at-least-32-chars").expect("hash");
        let model = service::Model {
            client_id: "x".into(),
            name: "x".into(),
            agency: None,
            redirect_uris: "[]".into(),
            post_logout_redirect_uris: "[]".into(),
            client_auth: "client_secret_basic".into(),
            secret_hash: Some(hash),
            jwks: None,
            jwks_uri: None,
            scopes: "openid".into(),
            backchannel_logout_uri: None,
            initiate_login_uri: None,
            sector: "x".into(),
            subject_type: "pairwise".into(),
            id_token_alg: "ES256".into(),
            procedures: "[]".into(),
            start_url: None,
            assurance_level: 2,
            api_role: None,
            source: "cli".into(),
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let service = Service::try_from(model).expect("service");
        assert!(service.secret_matches("a-very-long-secret-of-at-least-32-chars"));
        assert!(!service.secret_matches("a-very-long-secret-of-at-least-32-chart"));
        assert!(!service.secret_matches(""));
    }
}
