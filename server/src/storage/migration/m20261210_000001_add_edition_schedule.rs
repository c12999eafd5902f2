//! Scheduled publishing: when a draft edition is to be published by itself.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Adds `editions.scheduled_at`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Editions {
    Table,
    ScheduledAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Editions::Table)
                    .add_column(timestamp_with_time_zone_null(Editions::ScheduledAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Editions::Table).drop_column(Editions::ScheduledAt).to_owned()).await
    }
}
