//! `motcua roles …` and `motcua audit …`: granting staff roles (before any administrator can
//! in the admin pages) and reading the audit log.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Utc;
use clap::Subcommand;
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};

use crate::storage::entity::{account, agency};
use crate::storage::roles::{self, Role};
use crate::storage::{audit, entity};

/// `motcua roles …`
#[derive(Subcommand, Debug)]
pub enum RoleCommand {
    /// Grants ACCOUNT the ROLE (administrator, publisher, editor) for AGENCY and its
    /// sub-agencies.
    Grant {
        /// `PROVIDER:SUBJECT` (as `roles accounts` lists them) or the account number.
        account: String,
        /// administrator, publisher or editor.
        role: String,
        /// The agency's slug.
        agency: String,
    },
    /// Revokes a role.
    Revoke {
        /// `PROVIDER:SUBJECT` or the account number.
        account: String,
        /// administrator, publisher or editor.
        role: String,
        /// The agency's slug.
        agency: String,
    },
    /// Lists every grant.
    List,
    /// Lists the accounts that have signed in (staff sign in first, then are granted roles).
    Accounts,
}

/// `motcua audit …`
#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// The latest events, newest first.
    List {
        /// Only this action or those under it (`role`, `sign_in`, `consent.give`, …).
        #[arg(long)]
        action: Option<String>,
        /// Only this actor (`account:7`, `cli`, …).
        #[arg(long)]
        actor: Option<String>,
        /// How many.
        #[arg(long, default_value_t = 50)]
        limit: u64,
    },
}

async fn find_account(db: &DatabaseConnection, spec: &str) -> anyhow::Result<account::Model> {
    let found = match spec.split_once(':') {
        Some((provider, subject)) => crate::storage::identity::account_by_handle(db, provider, subject).await?,
        None => match spec.parse::<i32>() {
            Ok(id) => account::Entity::find_by_id(id).one(db).await?,
            Err(_) => bail!("{spec}: give PROVIDER:SUBJECT or an account number (see `motcua roles accounts`)"),
        },
    };
    found.with_context(|| format!("no account {spec}: the person signs in once first (see `motcua roles accounts`)"))
}

async fn find_agency(db: &DatabaseConnection, slug: &str) -> anyhow::Result<agency::Model> {
    crate::storage::agencies::by_slug(db, slug).await?.with_context(|| format!("no agency {slug}"))
}

fn parse_role(name: &str) -> anyhow::Result<Role> {
    Role::parse(name).with_context(|| format!("no role {name} (administrator, publisher, editor)"))
}

/// Runs `motcua roles …`.
pub async fn run_roles(db: &DatabaseConnection, action: RoleCommand) -> anyhow::Result<ExitCode> {
    let now = Utc::now();
    match action {
        RoleCommand::Grant { account, role, agency } => {
            let (a, r, g) = (find_account(db, &account).await?, parse_role(&role)?, find_agency(db, &agency).await?);
            let new = roles::grant(db, a.id, g.id, r, "cli", now).await?;
            if new {
                audit::record(db, event("role.grant", &a, r, &g), now).await?;
            }
            println!("{} {} {} for {}", if new { "granted" } else { "already held:" }, account, r.name(), g.slug);
        }
        RoleCommand::Revoke { account, role, agency } => {
            let (a, r, g) = (find_account(db, &account).await?, parse_role(&role)?, find_agency(db, &agency).await?);
            if !roles::revoke(db, a.id, g.id, r).await? {
                bail!("{account} does not hold {} for {}", r.name(), g.slug);
            }
            audit::record(db, event("role.revoke", &a, r, &g), now).await?;
            println!("revoked {account} {} for {}", r.name(), g.slug);
        }
        RoleCommand::List => {
            for (grant, agency) in roles::list(db).await? {
                let who = entity::account::Entity::find_by_id(grant.account_id).one(db).await?;
                let who = who.map(|a| format!("{}:{}\t{}", a.provider_id, a.subject, a.name.unwrap_or_default()));
                let agency = agency.map(|g| g.slug).unwrap_or_else(|| grant.agency_id.to_string());
                println!(
                    "{}\t{}\t{agency}\tgranted {} by {}",
                    who.unwrap_or_default(),
                    grant.role,
                    grant.granted_at,
                    grant.granted_by
                );
            }
        }
        RoleCommand::Accounts => {
            for a in account::Entity::find().order_by_desc(account::Column::LastLoginAt).all(db).await? {
                println!(
                    "{}\t{}:{}\t{}\tlast sign-in {}",
                    a.id,
                    a.provider_id,
                    a.subject,
                    a.name.unwrap_or_default(),
                    a.last_login_at
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn event<'a>(action: &'a str, a: &account::Model, role: Role, agency: &agency::Model) -> audit::Event<'a> {
    audit::Event {
        actor: "cli".into(),
        action,
        target: Some(format!("account:{}", a.id)),
        detail: serde_json::json!({ "role": role.name(), "agency": agency.slug, "account": format!("{}:{}", a.provider_id, a.subject) }),
        source_ip: None,
    }
}

/// Runs `motcua audit …`.
pub async fn run_audit(db: &DatabaseConnection, action: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::List { action, actor, limit } = action;
    for e in audit::list(db, &audit::Filter { action, actor, limit }).await? {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            e.id,
            e.at,
            e.actor,
            e.action,
            e.target.unwrap_or_default(),
            e.source_ip.unwrap_or_default(),
            e.detail
        );
    }
    Ok(ExitCode::SUCCESS)
}
