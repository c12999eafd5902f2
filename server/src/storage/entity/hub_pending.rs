//! `hub_pending`: an authorisation request waiting for the citizen's consent. Its id is
//! the hash of the token in the consent form, bound to one session.

use sea_orm::entity::prelude::*;

/// A `hub_pending` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_pending")]
pub struct Model {
    /// SHA-256 of the form token.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The session that must answer.
    pub session_id: String,
    /// The asking service.
    pub client_id: String,
    /// The request, as JSON.
    #[sea_orm(column_type = "Text")]
    pub request: String,
    /// Unanswered after this, it is gone.
    pub expires_at: DateTimeUtc,
}

/// Relations of `hub_pending`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
