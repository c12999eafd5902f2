//! Publishing straight into the portal: a publication (one announcement, with its address
//! and state) and its editions (drafts, the published one, the superseded ones with their
//! change notes), as GOV.UK's publisher keeps documents and editions.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `publications` and `editions`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Publications {
    Table,
    Id,
    AgencyId,
    Slug,
    State,
    DocumentId,
    CreatedBy,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Editions {
    Table,
    Id,
    PublicationId,
    Number,
    Title,
    Summary,
    BodyMarkdown,
    ChangeNote,
    State,
    AuthorAccountId,
    CreatedAt,
    PublishedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Publications::Table)
                    .if_not_exists()
                    .col(pk_auto(Publications::Id))
                    .col(integer(Publications::AgencyId))
                    .col(string_uniq(Publications::Slug))
                    .col(string(Publications::State))
                    .col(integer_null(Publications::DocumentId))
                    .col(integer(Publications::CreatedBy))
                    .col(timestamp_with_time_zone(Publications::CreatedAt))
                    .col(timestamp_with_time_zone(Publications::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Editions::Table)
                    .if_not_exists()
                    .col(pk_auto(Editions::Id))
                    .col(integer(Editions::PublicationId))
                    .col(integer(Editions::Number))
                    .col(string(Editions::Title))
                    .col(text(Editions::Summary))
                    .col(text(Editions::BodyMarkdown))
                    .col(text_null(Editions::ChangeNote))
                    .col(string(Editions::State))
                    .col(integer(Editions::AuthorAccountId))
                    .col(timestamp_with_time_zone(Editions::CreatedAt))
                    .col(timestamp_with_time_zone_null(Editions::PublishedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Editions::Table, Editions::PublicationId)
                            .to(Publications::Table, Publications::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("editions_publication_number")
                    .table(Editions::Table)
                    .col(Editions::PublicationId)
                    .col(Editions::Number)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(Editions::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(Publications::Table).to_owned()).await
    }
}
