//! `hub_session_services`: which services a portal session signed in to, under which
//! subject: whom to tell when the session ends.

use sea_orm::entity::prelude::*;

/// A `hub_session_services` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_session_services")]
pub struct Model {
    /// The portal session.
    #[sea_orm(primary_key, auto_increment = false)]
    pub session_id: String,
    /// The service.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    /// The `sub` that service knows.
    pub subject: String,
    /// First sign-in in this session.
    pub first_at: DateTimeUtc,
    /// Latest.
    pub last_at: DateTimeUtc,
}

/// Relations of `hub_session_services`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
