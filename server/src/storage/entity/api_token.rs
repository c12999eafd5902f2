//! `api_tokens`: access tokens of the push API, issued to machine clients by the
//! client-credentials grant, stored by hash.

use sea_orm::entity::prelude::*;

/// An `api_tokens` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "api_tokens")]
pub struct Model {
    /// SHA-256 of the token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub token_hash: String,
    /// The machine client.
    pub client_id: String,
    /// Its machine account (the author of what it writes; its role is a staff grant).
    pub account_id: i32,
    /// Granted scope.
    pub scope: String,
    /// When issued.
    pub issued_at: DateTimeUtc,
    /// End of life.
    pub expires_at: DateTimeUtc,
}

/// Relations of `api_tokens`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
