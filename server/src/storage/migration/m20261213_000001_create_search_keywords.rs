//! Search keywords administrators add to a procedure, kept apart from the procedure so the
//! next import of the national data leaves them alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `search_keywords`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum SearchKeywords {
    Table,
    Id,
    DocumentId,
    Keywords,
    UpdatedBy,
    UpdatedAt,
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
                    .table(SearchKeywords::Table)
                    .if_not_exists()
                    .col(pk_auto(SearchKeywords::Id))
                    .col(integer_uniq(SearchKeywords::DocumentId))
                    .col(text(SearchKeywords::Keywords))
                    .col(string(SearchKeywords::UpdatedBy))
                    .col(timestamp_with_time_zone(SearchKeywords::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(SearchKeywords::Table, SearchKeywords::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(SearchKeywords::Table).if_exists().to_owned()).await
    }
}
