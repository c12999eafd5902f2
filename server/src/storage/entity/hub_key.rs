//! `hub_keys`: the hub's signing keys, private parts encrypted with the key-encryption key,
//! so a copy of the database signs nothing.

use sea_orm::entity::prelude::*;

/// A `hub_keys` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_keys")]
pub struct Model {
    /// Key id, as published.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kid: String,
    /// `ES256` or `RS256`.
    pub alg: String,
    /// The public JWK, as published.
    #[sea_orm(column_type = "Text")]
    pub public_jwk: String,
    /// The private key, AES-256-GCM encrypted, base64.
    #[sea_orm(column_type = "Text")]
    pub private_key: String,
    /// `next` (published, not signing), `current` (signs), `retired` (published until its tokens expire).
    pub state: String,
    /// When made.
    pub created_at: DateTimeUtc,
    /// When it stopped signing.
    pub retired_at: Option<DateTimeUtc>,
}

/// Relations of `hub_keys`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
