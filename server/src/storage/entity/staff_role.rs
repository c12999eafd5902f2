//! `staff_roles`: a role (administrator, publisher, editor) an account holds for an agency
//! and, through it, for the agency's sub-agencies.

use sea_orm::entity::prelude::*;

/// A `staff_roles` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_roles")]
pub struct Model {
    /// Row id.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// Who holds it.
    pub account_id: i32,
    /// For which agency (and its sub-agencies).
    pub agency_id: i32,
    /// `administrator`, `publisher` or `editor`.
    pub role: String,
    /// Who granted it (`cli`, or an administrator's account).
    pub granted_by: String,
    /// When.
    pub granted_at: DateTimeUtc,
}

/// Relations of `staff_roles`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
