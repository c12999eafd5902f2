//! `hub_codes`: authorisation codes, single-use, bound to client, redirect URI and PKCE
//! challenge; only their hash is kept.

use sea_orm::entity::prelude::*;

/// A `hub_codes` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_codes")]
pub struct Model {
    /// SHA-256 of the code.
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_hash: String,
    /// For whom.
    pub client_id: String,
    /// Where it was sent.
    #[sea_orm(column_type = "Text")]
    pub redirect_uri: String,
    /// PKCE S256 challenge.
    pub code_challenge: String,
    /// The client's nonce.
    #[sea_orm(column_type = "Text", nullable)]
    pub nonce: Option<String>,
    /// Granted scopes.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// The portal session.
    pub session_id: String,
    /// The citizen.
    pub account_id: i32,
    /// When the citizen signed in.
    pub auth_time: DateTimeUtc,
    /// Assurance level of that sign-in.
    pub acr: i32,
    /// Not exchanged after this.
    pub expires_at: DateTimeUtc,
    /// When exchanged: a second use revokes what it issued.
    pub used_at: Option<DateTimeUtc>,
}

/// Relations of `hub_codes`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
