//! `companion_lists`: the procedures a citizen doing one procedure commonly also needs, as
//! an administrator set them, in place of the curated list's for that procedure.

use sea_orm::entity::prelude::*;

/// One procedure's companions.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "companion_lists")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The procedure's document (one row each).
    #[sea_orm(unique)]
    pub document_id: i32,
    /// The companions, most useful first, one a line: `code<TAB>relation`, as the curated
    /// list writes them. Empty: the procedure has none (the curated list's are set aside).
    #[sea_orm(column_type = "Text")]
    pub companions: String,
    /// Who set them last (`account:ID`, `cli`).
    pub updated_by: String,
    /// When.
    pub updated_at: DateTimeUtc,
}

/// The list belongs to a document.
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
