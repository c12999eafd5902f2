//! `sources`: an agency's website as the crawler knows it (a feed, a sitemap or listing
//! pages), with the health an operator needs to see at a glance.

use sea_orm::entity::prelude::*;

/// A source row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sources")]
pub struct Model {
    /// Operator-chosen id ("so-tu-phap-tin-tuc"), used on the command line.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// The agency whose content this is.
    pub agency_id: i32,
    /// "feed", "sitemap" or "html".
    pub kind: String,
    /// The feed, sitemap or listing page.
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// JSON of the CSS selectors of an HTML source (links, title, date, body).
    #[sea_orm(column_type = "Text")]
    pub selectors: String,
    /// Seconds between crawls.
    pub interval_secs: i64,
    /// A disabled source is kept with its history but not crawled.
    pub enabled: bool,
    /// Declared in the configuration file (which then owns it) rather than added by command.
    pub from_config: bool,
    /// When it was added.
    pub created_at: DateTimeUtc,
    /// ETag of the feed, sitemap or listing page, for a conditional GET.
    #[sea_orm(column_type = "Text", nullable)]
    pub listing_etag: Option<String>,
    /// Last-Modified of the same.
    #[sea_orm(column_type = "Text", nullable)]
    pub listing_last_modified: Option<String>,
    /// When the last crawl ended.
    pub last_run_at: Option<DateTimeUtc>,
    /// When a crawl last succeeded.
    pub last_success_at: Option<DateTimeUtc>,
    /// Why the last failed crawl failed.
    #[sea_orm(column_type = "Text", nullable)]
    pub last_error: Option<String>,
    /// When it failed.
    pub last_error_at: Option<DateTimeUtc>,
    /// Start of the current run of failures; a day of them flags the source.
    pub failing_since: Option<DateTimeUtc>,
    /// Failed crawls in a row.
    pub consecutive_failures: i32,
    /// Items listed by the last successful crawl.
    pub items_seen: i64,
    /// When the scheduler crawls it next.
    pub next_run_at: Option<DateTimeUtc>,
}

/// Relations of `sources`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The agency.
    #[sea_orm(belongs_to = "super::agency::Entity", from = "Column::AgencyId", to = "super::agency::Column::Id")]
    Agency,
}

impl Related<super::agency::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Agency.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
