//! `publications`: an announcement published straight into the portal by an agency's staff:
//! its address, its state, and the public document its published edition became.

use sea_orm::entity::prelude::*;

/// A `publications` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "publications")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The publishing agency.
    pub agency_id: i32,
    /// `announcement` or `procedure`.
    pub kind: String,
    /// Its address: `/tin-tuc/{slug}`.
    pub slug: String,
    /// `draft` (never published), `published`, `withdrawn`, `redirected` or `gone`.
    pub state: String,
    /// The public document, once published.
    pub document_id: Option<i32>,
    /// The key the agency's own system knows it by (push API), unique per agency.
    pub external_id: Option<String>,
    /// The account that created it.
    pub created_by: i32,
    /// When created.
    pub created_at: DateTimeUtc,
    /// When last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `publications`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
