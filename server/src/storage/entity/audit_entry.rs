//! `audit_log`: append-only record of what changed who could do what or what the public sees:
//! sign-ins, consents, role changes, service registrations, key rotations (and, with the
//! editor pages, publishes and API writes). Rows are only ever inserted.

use sea_orm::entity::prelude::*;

/// An `audit_log` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    /// Row id, in order of writing.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// When.
    pub at: DateTimeUtc,
    /// Who: `account:ID`, `cli`, or `service:CLIENT`.
    pub actor: String,
    /// What, as a dotted verb (`sign_in`, `role.grant`, …).
    pub action: String,
    /// On what, if anything.
    pub target: Option<String>,
    /// The particulars, JSON.
    #[sea_orm(column_type = "Text")]
    pub detail: String,
    /// From where (the client's address), for requests.
    pub source_ip: Option<String>,
}

/// Relations of `audit_log`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
