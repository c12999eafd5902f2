//! Best bets: documents an editor pins to a query.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `best_bets`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum BestBets {
    Table,
    Id,
    QueryKey,
    Query,
    DocumentId,
    Position,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(BestBets::Table)
                    .if_not_exists()
                    .col(pk_auto(BestBets::Id))
                    .col(string(BestBets::QueryKey))
                    .col(string(BestBets::Query))
                    .col(integer(BestBets::DocumentId))
                    .col(integer(BestBets::Position))
                    .col(timestamp_with_time_zone(BestBets::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(BestBets::Table, BestBets::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("best_bets_query_document")
                    .table(BestBets::Table)
                    .col(BestBets::QueryKey)
                    .col(BestBets::DocumentId)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(BestBets::Table).if_exists().to_owned()).await
    }
}
