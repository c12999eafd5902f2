//! `crawl_items`: every item URL a source has listed, with what is needed to skip it cheaply
//! next time (entry hash, ETag, Last-Modified) and the document it became.

use sea_orm::entity::prelude::*;

/// A crawl item row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "crawl_items")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The source that lists it.
    pub source_id: String,
    /// The item's page.
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// Hash of the listing entry (feed entry, sitemap lastmod): unchanged, nothing to fetch.
    pub entry_hash: Option<String>,
    /// ETag of the page, for a conditional GET.
    #[sea_orm(column_type = "Text", nullable)]
    pub etag: Option<String>,
    /// Last-Modified of the page.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_modified: Option<String>,
    /// Folded title and opening words, to find the same article syndicated elsewhere.
    pub fingerprint: Option<String>,
    /// The document it became (or the original it duplicates).
    pub document_id: Option<i32>,
    /// "stored", "duplicate", "withdrawn" or "failed".
    pub state: String,
    /// When a listing last named it.
    pub last_seen_at: DateTimeUtc,
}

/// Relations of `crawl_items`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The source.
    #[sea_orm(belongs_to = "super::source::Entity", from = "Column::SourceId", to = "super::source::Column::Id")]
    Source,
}

impl Related<super::source::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Source.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
