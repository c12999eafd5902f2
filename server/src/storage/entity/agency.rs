//! `agencies`: ministries, provinces, departments, communes, and anything else that
//! publishes. The level is data, not a type, so a reform changes rows, not code.

use sea_orm::entity::prelude::*;

/// An agency row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "agencies")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// URL slug, unique.
    #[sea_orm(unique)]
    pub slug: String,
    /// Display name.
    pub name: String,
    /// "ministry", "province", "department", "commune" or "other".
    pub level: String,
    /// The agency above it.
    pub parent_id: Option<i32>,
    /// Statistics-office code of a province or commune.
    pub admin_code: Option<String>,
    /// JSON array of former names.
    #[sea_orm(column_type = "Text")]
    pub former_names: String,
    /// Its own website.
    pub website: Option<String>,
    /// When the row was created.
    pub created_at: DateTimeUtc,
}

/// Relations of `agencies`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The parent agency.
    #[sea_orm(belongs_to = "Entity", from = "Column::ParentId", to = "Column::Id")]
    Parent,
}

impl ActiveModelBehavior for ActiveModel {}
