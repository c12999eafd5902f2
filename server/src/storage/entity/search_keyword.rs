//! `search_keywords`: the words citizens use for a procedure that its name does not hold,
//! added by an administrator and indexed with it beside the curated list's.

use sea_orm::entity::prelude::*;

/// One procedure's added keywords.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "search_keywords")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The procedure's document (one row each).
    #[sea_orm(unique)]
    pub document_id: i32,
    /// The keywords, one a line, in canonical spelling.
    #[sea_orm(column_type = "Text")]
    pub keywords: String,
    /// Who set them last (`account:ID`, `cli`).
    pub updated_by: String,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// The keywords belong to a document.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The procedure's document.
    #[sea_orm(belongs_to = "super::document::Entity", from = "Column::DocumentId", to = "super::document::Column::Id")]
    Document,
}

impl Related<super::document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
