//! Companion lists administrators set for a procedure, kept apart from the procedure so the
//! next import of the national data leaves them alone.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `companion_lists`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum CompanionLists {
    Table,
    Id,
    DocumentId,
    Companions,
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
                    .table(CompanionLists::Table)
                    .if_not_exists()
                    .col(pk_auto(CompanionLists::Id))
                    .col(integer_uniq(CompanionLists::DocumentId))
                    .col(text(CompanionLists::Companions))
                    .col(string(CompanionLists::UpdatedBy))
                    .col(timestamp_with_time_zone(CompanionLists::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompanionLists::Table, CompanionLists::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CompanionLists::Table).if_exists().to_owned()).await
    }
}
