//! `hub_logout_deliveries`: back-channel logout tokens sent to services, each attempt
//! recorded, retried with backoff until delivered or given up.

use sea_orm::entity::prelude::*;

/// A `hub_logout_deliveries` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_logout_deliveries")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// To which service.
    pub client_id: String,
    /// Its back-channel logout URI.
    #[sea_orm(column_type = "Text")]
    pub uri: String,
    /// The token.
    #[sea_orm(column_type = "Text")]
    pub logout_token: String,
    /// Attempts made.
    pub attempts: i32,
    /// HTTP status of the last attempt.
    pub last_status: Option<i32>,
    /// Why the last attempt failed.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When to try again; none once delivered or given up.
    pub next_at: Option<DateTimeUtc>,
    /// When the service said 200.
    pub delivered_at: Option<DateTimeUtc>,
    /// When queued.
    pub created_at: DateTimeUtc,
}

/// Relations of `hub_logout_deliveries`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
