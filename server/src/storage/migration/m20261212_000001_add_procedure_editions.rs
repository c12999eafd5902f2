//! Procedures written in the editor: a publication has a kind, and an edition of a procedure
//! keeps its structured fields.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Adds `publications.kind` and `editions.details`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Publications {
    Table,
    Kind,
}

#[derive(DeriveIden)]
enum Editions {
    Table,
    Details,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Publications::Table)
                    .add_column(string(Publications::Kind).default("announcement"))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(Table::alter().table(Editions::Table).add_column(text_null(Editions::Details)).to_owned())
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.alter_table(Table::alter().table(Editions::Table).drop_column(Editions::Details).to_owned()).await?;
        manager.alter_table(Table::alter().table(Publications::Table).drop_column(Publications::Kind).to_owned()).await
    }
}
