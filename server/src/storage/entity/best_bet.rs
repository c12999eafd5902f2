//! `best_bets`: a document an editor pins to a query, so that query shows it first.

use sea_orm::entity::prelude::*;

/// A best bet.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "best_bets")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The query folded to its key ("dang ki khai sinh"), so every spelling of it matches.
    pub query_key: String,
    /// The query as the editor typed it, for listing.
    pub query: String,
    /// The pinned document.
    pub document_id: i32,
    /// Order among the bets of one query, from 1.
    pub position: i32,
    /// When it was pinned.
    pub created_at: DateTimeUtc,
}

/// A best bet points at a document.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The pinned document.
    #[sea_orm(belongs_to = "super::document::Entity", from = "Column::DocumentId", to = "super::document::Column::Id")]
    Document,
}

impl Related<super::document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
