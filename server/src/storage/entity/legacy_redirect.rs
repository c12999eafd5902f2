//! `legacy_redirects`: an old address that must keep working, and the portal page it now
//! lives at.

use sea_orm::entity::prelude::*;

/// One redirect.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "legacy_redirects")]
pub struct Model {
    /// The old absolute URL, as citizens' bookmarks and old documents hold it.
    #[sea_orm(primary_key, auto_increment = false)]
    pub old_url: String,
    /// A portal path ("/thu-tuc/1.001193") or an absolute URL.
    pub target: String,
    /// When it was added.
    pub created_at: DateTimeUtc,
}

/// No relations: the target is an address, checked when it is added.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
