//! `attachments`: files attached to a publication. The bytes live in the data directory
//! under their SHA-256; the type was checked against the content when uploaded.

use sea_orm::entity::prelude::*;

/// An `attachments` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "attachments")]
pub struct Model {
    /// Row id (in its address).
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Attached to which publication.
    pub publication_id: i32,
    /// The file name as uploaded, cleaned.
    pub file_name: String,
    /// The type its content showed.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// SHA-256 of the bytes, hex: the file's name on disk.
    pub sha256: String,
    /// Who uploaded it.
    pub uploaded_by: i32,
    /// When.
    pub created_at: DateTimeUtc,
}

/// Relations of `attachments`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
