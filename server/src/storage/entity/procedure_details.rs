//! `procedure_details`: the structured part of a procedure document. Lists are JSON text so
//! SQLite and PostgreSQL store them alike.

use sea_orm::entity::prelude::*;

/// A procedure-details row, one per procedure document.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedure_details")]
pub struct Model {
    /// The document these details belong to.
    #[sea_orm(primary_key, auto_increment = false)]
    pub document_id: i32,
    /// National code, unique.
    #[sea_orm(unique)]
    pub code: String,
    /// Field (lĩnh vực).
    pub field: Option<String>,
    /// JSON array of levels.
    #[sea_orm(column_type = "Text")]
    pub levels: String,
    /// Who may use it.
    #[sea_orm(column_type = "Text", nullable)]
    pub audience: Option<String>,
    /// JSON array of steps.
    #[sea_orm(column_type = "Text")]
    pub steps: String,
    /// JSON array of required documents.
    #[sea_orm(column_type = "Text")]
    pub required_documents: String,
    /// JSON array of submission channels with time and fee.
    #[sea_orm(column_type = "Text")]
    pub channels: String,
    /// Conditions.
    #[sea_orm(column_type = "Text", nullable)]
    pub conditions: Option<String>,
    /// What the applicant receives.
    #[sea_orm(column_type = "Text", nullable)]
    pub result: Option<String>,
    /// JSON array of legal references.
    #[sea_orm(column_type = "Text")]
    pub legal_basis: String,
    /// Implementing agency as published.
    #[sea_orm(column_type = "Text", nullable)]
    pub implementing_agency: Option<String>,
    /// Competent agency as published.
    #[sea_orm(column_type = "Text", nullable)]
    pub competent_agency: Option<String>,
    /// Publishing decision.
    pub decision: Option<String>,
    /// Procedure type.
    #[sea_orm(column_type = "Text", nullable)]
    pub procedure_type: Option<String>,
}

/// Relations of `procedure_details`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The document.
    #[sea_orm(belongs_to = "super::document::Entity", from = "Column::DocumentId", to = "super::document::Column::Id")]
    Document,
}

impl Related<super::document::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Document.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
