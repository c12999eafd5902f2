//! `hub_tokens`: access tokens issued to services, by hash, for userinfo, introspection and
//! revocation.

use sea_orm::entity::prelude::*;

/// A `hub_tokens` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_tokens")]
pub struct Model {
    /// SHA-256 of the token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// To whom.
    pub client_id: String,
    /// About whom.
    pub account_id: i32,
    /// In which session.
    pub session_id: String,
    /// Granted scopes.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// The code it was exchanged for.
    pub code_hash: Option<String>,
    /// End of life.
    pub expires_at: DateTimeUtc,
    /// When revoked.
    pub revoked_at: Option<DateTimeUtc>,
}

/// Relations of `hub_tokens`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
