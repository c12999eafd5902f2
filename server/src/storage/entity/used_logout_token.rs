//! `used_logout_tokens`: the `jti` of every back-channel logout token accepted, until it
//! expires, so a replayed token is refused.

use sea_orm::entity::prelude::*;

/// A used logout token row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "used_logout_tokens")]
pub struct Model {
    /// The issuer that signed it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub issuer: String,
    /// Its `jti`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// After this the token is refused anyway, and the row may go.
    pub expires_at: DateTimeUtc,
}

/// Relations of `used_logout_tokens`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
