//! `hub_consents`: what a citizen agreed a service may learn, remembered until revoked
//! from the account page.

use sea_orm::entity::prelude::*;

/// A `hub_consents` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_consents")]
pub struct Model {
    /// Whose.
    #[sea_orm(primary_key, auto_increment = false)]
    pub account_id: i32,
    /// Which service.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    /// Space-separated scopes agreed.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// When agreed.
    pub granted_at: DateTimeUtc,
    /// When the service last signed the citizen in.
    pub last_used_at: DateTimeUtc,
}

/// Relations of `hub_consents`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
