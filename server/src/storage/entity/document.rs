//! `documents`: every procedure, announcement and page, whichever door it came in by.

use sea_orm::entity::prelude::*;

/// A document row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "documents")]
pub struct Model {
    /// Surrogate key; also the search index key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// "procedure", "announcement" or "page".
    pub kind: String,
    /// Publishing agency.
    pub agency_id: i32,
    /// Title.
    pub title: String,
    /// Plain-text summary.
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// Sanitised HTML body.
    #[sea_orm(column_type = "Text")]
    pub body_html: String,
    /// Plain text of the body, for the index.
    #[sea_orm(column_type = "Text")]
    pub body_text: String,
    /// Path on the portal, unique.
    #[sea_orm(unique)]
    pub path: String,
    /// Where it came from, unique: the upsert key ("dvcqg:procedure:1.001193", a page URL).
    #[sea_orm(unique)]
    pub origin_key: String,
    /// The original page, linked as "Xem bản gốc".
    pub origin_url: Option<String>,
    /// Publication time at the source.
    pub published_at: Option<DateTimeUtc>,
    /// Last change on the portal.
    pub updated_at: DateTimeUtc,
    /// First arrival on the portal.
    pub created_at: DateTimeUtc,
    /// "published", "withdrawn", "gone", "draft" or "redirected".
    pub state: String,
    /// SHA-256 of everything stored about the document: equal hash, nothing to do.
    pub content_hash: String,
    /// Why a withdrawn document was withdrawn, shown on its page.
    #[sea_orm(column_type = "Text", nullable)]
    pub state_note: Option<String>,
}

/// Relations of `documents`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// Publishing agency.
    #[sea_orm(belongs_to = "super::agency::Entity", from = "Column::AgencyId", to = "super::agency::Column::Id")]
    Agency,
    /// Procedure details, for procedures.
    #[sea_orm(has_one = "super::procedure_details::Entity")]
    ProcedureDetails,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl Related<super::procedure_details::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::ProcedureDetails.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
