//! `hub_used_assertions`: client assertion `jti`s seen, until they expire, so one cannot be
//! replayed.

use sea_orm::entity::prelude::*;

/// A `hub_used_assertions` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_used_assertions")]
pub struct Model {
    /// Whose assertion.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    /// Its `jti`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub jti: String,
    /// Its `exp`.
    pub expires_at: DateTimeUtc,
}

/// Relations of `hub_used_assertions`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
