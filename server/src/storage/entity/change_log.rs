//! `change_log`: one row per real change of a document, appended in the same transaction.
//! Every node's search index tails it from the last sequence it applied.

use sea_orm::entity::prelude::*;

/// A change-log row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "change_log")]
pub struct Model {
    /// Increasing sequence; the index remembers the last one it applied.
    #[sea_orm(primary_key)]
    pub seq: i64,
    /// The document that changed.
    pub document_id: i32,
    /// "created", "updated" or "state".
    pub change: String,
    /// When.
    pub changed_at: DateTimeUtc,
}

/// `change_log` has no navigable relations.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
