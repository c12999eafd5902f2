//! Legacy redirects: old addresses (of an abolished district's site, say) that must keep
//! working, each pointing at a page of the portal; and an index to find a crawled copy by
//! the address it was crawled from.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `legacy_redirects` and indexes `documents.origin_url`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum LegacyRedirects {
    Table,
    OldUrl,
    Target,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    OriginUrl,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LegacyRedirects::Table)
                    .if_not_exists()
                    .col(string(LegacyRedirects::OldUrl).primary_key())
                    .col(string(LegacyRedirects::Target))
                    .col(timestamp_with_time_zone(LegacyRedirects::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("documents_origin_url")
                    .table(Documents::Table)
                    .col(Documents::OriginUrl)
                    .if_not_exists()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_index(Index::drop().name("documents_origin_url").table(Documents::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(LegacyRedirects::Table).to_owned()).await
    }
}
