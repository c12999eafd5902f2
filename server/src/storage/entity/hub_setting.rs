//! `hub_settings`: values the hub makes once and keeps (the pairwise-identifier salt).

use sea_orm::entity::prelude::*;

/// A `hub_settings` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "hub_settings")]
pub struct Model {
    /// Setting name.
    #[sea_orm(primary_key, auto_increment = false)]
    pub name: String,
    /// Its value.
    #[sea_orm(column_type = "Text")]
    pub value: String,
}

/// Relations of `hub_settings`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
