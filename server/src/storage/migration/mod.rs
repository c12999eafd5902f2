//! Migrations: one set for SQLite and PostgreSQL, run at every start. Never edit a shipped
//! migration; add a new one (expand, then contract, so older nodes keep running).

use sea_orm_migration::prelude::*;

mod m20261122_000001_create_content_tables;
mod m20261201_000001_create_best_bets;
mod m20261202_000001_create_crawl_tables;
mod m20261203_000001_create_legacy_redirects;
mod m20261204_000001_create_identity_tables;
mod m20261205_000001_index_session_expiry;
mod m20261206_000001_create_hub_tables;
mod m20261207_000001_create_staff_roles_and_audit_log;
mod m20261208_000001_create_publishing_tables;
mod m20261209_000001_create_attachments;
mod m20261210_000001_add_edition_schedule;
mod m20261211_000001_create_publishing_api;
mod m20261212_000001_add_procedure_editions;
mod m20261213_000001_create_search_keywords;
mod m20261214_000001_create_companion_lists;

/// All migrations in order.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261122_000001_create_content_tables::Migration),
            Box::new(m20261201_000001_create_best_bets::Migration),
            Box::new(m20261202_000001_create_crawl_tables::Migration),
            Box::new(m20261203_000001_create_legacy_redirects::Migration),
            Box::new(m20261204_000001_create_identity_tables::Migration),
            Box::new(m20261205_000001_index_session_expiry::Migration),
            Box::new(m20261206_000001_create_hub_tables::Migration),
            Box::new(m20261207_000001_create_staff_roles_and_audit_log::Migration),
            Box::new(m20261208_000001_create_publishing_tables::Migration),
            Box::new(m20261209_000001_create_attachments::Migration),
            Box::new(m20261210_000001_add_edition_schedule::Migration),
            Box::new(m20261211_000001_create_publishing_api::Migration),
            Box::new(m20261212_000001_add_procedure_editions::Migration),
            Box::new(m20261213_000001_create_search_keywords::Migration),
            Box::new(m20261214_000001_create_companion_lists::Migration),
        ]
    }
}
