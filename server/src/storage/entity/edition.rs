//! `editions`: the versions of a publication. At most one draft and one published edition at
//! a time; publishing a new one supersedes the old, whose change note stays in the history.

use sea_orm::entity::prelude::*;

/// A `editions` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "editions")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Of which publication.
    pub publication_id: i32,
    /// 1, 2, … in order.
    pub number: i32,
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    #[sea_orm(column_type = "Text")]
    pub summary: String,
    /// The body as written (Markdown).
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    /// A procedure's structured fields, JSON (`ProcedureDetails`); none for an announcement.
    #[sea_orm(column_type = "Text", nullable)]
    pub details: Option<String>,
    /// What changed, shown in the history (none for the first).
    #[sea_orm(column_type = "Text", nullable)]
    pub change_note: Option<String>,
    /// `draft`, `published` or `superseded`.
    pub state: String,
    /// Who wrote it.
    pub author_account_id: i32,
    /// When begun.
    pub created_at: DateTimeUtc,
    /// When published.
    pub published_at: Option<DateTimeUtc>,
    /// When a draft is to publish itself, if scheduled.
    pub scheduled_at: Option<DateTimeUtc>,
}

/// Relations of `editions`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
