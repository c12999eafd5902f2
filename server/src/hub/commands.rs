//! `motcua services …` and `motcua keys …`: registering department services and rotating
//! the hub's signing keys from the command line.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::{Args, Subcommand, ValueEnum};
use sea_orm::DatabaseConnection;

use super::{keys, services};
use crate::config::{ApiRole, Config, ServiceAuth, ServiceConfig, SubjectType};
use crate::storage::audit;

/// `motcua services …`
#[derive(Subcommand, Debug)]
pub enum ServiceCommand {
    /// Registers a service (or replaces one added here before). A secret method prints a new
    /// secret, once: give it to the service's team.
    Add(Box<AddService>),
    /// Lists the services.
    List,
    /// Removes a service added here.
    Remove {
        /// Client id.
        client_id: String,
    },
    /// The latest back-channel logout notices sent to services: attempts, answer, and
    /// whether delivered, to be retried, or given up.
    Logouts {
        /// Only this service's.
        #[arg(long)]
        client: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
    /// Gives a service added here a new secret (printed once); the old one stops working.
    RotateSecret {
        /// Client id.
        client_id: String,
    },
}

/// `motcua services add`'s arguments.
#[derive(Args, Debug)]
pub struct AddService {
    /// Client id ("ho-tich-hue").
    client_id: String,
    /// Name citizens see on the consent page.
    #[arg(long)]
    name: String,
    /// Slug of the agency that runs it.
    #[arg(long)]
    agency: Option<String>,
    /// A redirect URI (repeat for more), matched exactly; a machine-only client has none.
    #[arg(long = "redirect-uri", required_unless_present = "api_role")]
    redirect_uris: Vec<String>,
    /// A post-logout redirect URI (repeat for more).
    #[arg(long = "post-logout-redirect-uri")]
    post_logout_redirect_uris: Vec<String>,
    /// How it authenticates at the token endpoint.
    #[arg(long, value_enum, default_value = "client-secret-basic")]
    auth: AuthArg,
    /// Its JWK Set file, for private-key-jwt.
    #[arg(long)]
    jwks_file: Option<std::path::PathBuf>,
    /// Or where its JWK Set is published.
    #[arg(long)]
    jwks_uri: Option<String>,
    /// A scope it may ask for (repeat): openid, profile, phone, email, citizen.
    #[arg(long = "scope", default_values = ["openid", "profile"])]
    scopes: Vec<String>,
    /// Where the hub posts logout tokens.
    #[arg(long)]
    backchannel_logout_uri: Option<String>,
    /// Its third-party-initiated login URI (hand-off from procedure pages).
    #[arg(long)]
    initiate_login_uri: Option<String>,
    /// Sector of its pairwise identifiers (default: the host of its first redirect URI).
    #[arg(long)]
    sector: Option<String>,
    /// Give it the portal-wide subject identifier instead of a pairwise one.
    #[arg(long)]
    public_subject: bool,
    /// ID token algorithm: ES256 or RS256.
    #[arg(long, default_value = "ES256")]
    id_token_alg: String,
    /// A procedure code it takes applications for (repeat).
    #[arg(long = "procedure")]
    procedures: Vec<String>,
    /// Where a citizen handed off from a procedure page lands.
    #[arg(long)]
    start_url: Option<String>,
    /// Assurance level it needs: 1, 2 or 3.
    #[arg(long, default_value_t = 2)]
    assurance_level: u8,
    /// Make it a machine client of the push API acting for --agency with this role.
    #[arg(long, value_enum, requires = "agency")]
    api_role: Option<ApiRoleArg>,
}

/// Push API roles, as the command line spells them.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ApiRoleArg {
    /// Writes drafts.
    Editor,
    /// Writes drafts, publishes and unpublishes.
    Publisher,
}

/// Client authentication methods, as the command line spells them.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum AuthArg {
    /// HTTP Basic.
    ClientSecretBasic,
    /// In the form body.
    ClientSecretPost,
    /// A signed JWT.
    PrivateKeyJwt,
}

/// `motcua keys …`
#[derive(Subcommand, Debug)]
pub enum KeyCommand {
    /// Lists the signing keys and their states.
    List,
    /// Retires the signing keys, promotes the already-published next ones, and publishes new
    /// next ones. Retired keys stay published until their tokens have expired.
    Rotate,
}

fn refuse_config_service(service: &services::Service) -> anyhow::Result<()> {
    if service.source == "config" {
        bail!("service {} is defined in the configuration file; change it there", service.client_id);
    }
    Ok(())
}

async fn record(db: &DatabaseConnection, action: &str, target: &str, detail: serde_json::Value) -> anyhow::Result<()> {
    let event = audit::Event { actor: "cli".into(), action, target: Some(target.to_string()), detail, source_ip: None };
    Ok(audit::record(db, event, Utc::now()).await?)
}

/// Runs `motcua services …`.
pub async fn run_services(db: &DatabaseConnection, action: ServiceCommand) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    match action {
        ServiceCommand::Add(add) => {
            let AddService {
                client_id,
                name,
                agency,
                redirect_uris,
                post_logout_redirect_uris,
                auth,
                jwks_file,
                jwks_uri,
                scopes,
                backchannel_logout_uri,
                initiate_login_uri,
                sector,
                public_subject,
                id_token_alg,
                procedures,
                start_url,
                assurance_level,
                api_role,
            } = *add;
            if let Some(existing) = services::find(db, &client_id).await? {
                refuse_config_service(&existing)?;
            }
            let jwks = match jwks_file {
                Some(f) => Some(std::fs::read_to_string(&f).with_context(|| format!("cannot read {}", f.display()))?),
                None => None,
            };
            let client_auth = match auth {
                AuthArg::ClientSecretBasic => ServiceAuth::ClientSecretBasic,
                AuthArg::ClientSecretPost => ServiceAuth::ClientSecretPost,
                AuthArg::PrivateKeyJwt => ServiceAuth::PrivateKeyJwt,
            };
            let config = ServiceConfig {
                client_id: client_id.clone(),
                name,
                agency,
                redirect_uris,
                post_logout_redirect_uris,
                client_auth,
                client_secret_env: None,
                jwks,
                jwks_uri,
                scopes,
                backchannel_logout_uri,
                initiate_login_uri,
                sector,
                subject_type: if public_subject { SubjectType::Public } else { SubjectType::Pairwise },
                id_token_alg,
                procedures,
                start_url,
                assurance_level,
                api_role: api_role.map(|r| match r {
                    ApiRoleArg::Editor => ApiRole::Editor,
                    ApiRoleArg::Publisher => ApiRole::Publisher,
                }),
            };
            let secret = match client_auth {
                ServiceAuth::PrivateKeyJwt => None,
                _ => Some(crate::storage::identity::random_token()?),
            };
            services::upsert(db, &config, secret.as_deref(), "cli", now).await?;
            record(
                db,
                "service.add",
                &client_id,
                serde_json::json!({
                    "redirect_uris": config.redirect_uris,
                    "scopes": config.scopes,
                    "api_role": config.api_role,
                    "agency": config.agency,
                }),
            )
            .await?;
            println!("registered {client_id}");
            if let Some(secret) = secret {
                println!("client secret (shown once, keep it in the service's secret store): {secret}");
            }
        }
        ServiceCommand::List => {
            for s in services::list(db).await? {
                let api = match (s.api_role, &s.agency) {
                    (Some(role), Some(agency)) => {
                        format!("\tapi {} for {agency}", crate::storage::roles::Role::from(role).name())
                    }
                    _ => String::new(),
                };
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}{api}",
                    s.client_id,
                    s.name,
                    s.auth.name(),
                    s.scopes.join(" "),
                    s.redirect_uris.join(" "),
                    s.source
                );
            }
        }
        ServiceCommand::Logouts { client, limit } => {
            for d in super::logout::recent(db, client.as_deref(), limit).await? {
                let outcome = match (d.delivered_at, d.next_at) {
                    (Some(at), _) => format!("delivered {at}"),
                    (None, Some(at)) => format!("retry at {at}"),
                    (None, None) => "given up".to_string(),
                };
                let status = d.last_status.map(|s| s.to_string()).unwrap_or_else(|| "-".into());
                let error = d.last_error.map(|e| format!("\t{}", e.replace(['\n', '\t'], " "))).unwrap_or_default();
                println!(
                    "{}\t{}\t{}\tattempts {}\tlast answer {status}\t{outcome}{error}",
                    d.id, d.client_id, d.created_at, d.attempts
                );
            }
        }
        ServiceCommand::Remove { client_id } => {
            let Some(existing) = services::find(db, &client_id).await? else { bail!("no service {client_id}") };
            refuse_config_service(&existing)?;
            services::remove(db, &client_id).await?;
            record(db, "service.remove", &client_id, serde_json::json!({})).await?;
            println!("removed {client_id}");
        }
        ServiceCommand::RotateSecret { client_id } => {
            let Some(existing) = services::find(db, &client_id).await? else { bail!("no service {client_id}") };
            refuse_config_service(&existing)?;
            let secret = services::rotate_secret(db, &client_id, now).await?;
            record(db, "service.rotate_secret", &client_id, serde_json::json!({})).await?;
            println!("new client secret for {client_id} (shown once): {secret}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `motcua keys …`.
pub async fn run_keys(db: &DatabaseConnection, config: &Config, action: KeyCommand) -> anyhow::Result<ExitCode> {
    let kek = keys::KeyEncryptionKey::from_config(config)?;
    let now = Utc::now();
    keys::ensure(db, &kek, now).await?;
    match action {
        KeyCommand::List => {
            for k in keys::list(db).await? {
                let retired = k.retired_at.map(|t| format!("\tretired {t}")).unwrap_or_default();
                println!("{}\t{}\t{}\tcreated {}{retired}", k.kid, k.alg, k.state, k.created_at);
            }
        }
        KeyCommand::Rotate => {
            let signing = keys::rotate(db, &kek, config.hub.token_lifetime(), now).await?;
            record(db, "keys.rotate", "hub", serde_json::json!({ "now_signing": signing })).await?;
            println!("now signing with {}", signing.join(", "));
            println!(
                "retired keys stay published for {} minutes, until the tokens they signed have expired",
                config.hub.token_minutes + 1
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
