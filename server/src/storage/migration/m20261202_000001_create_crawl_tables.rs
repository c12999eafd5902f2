//! Sources of the crawler with their health, the items each has seen, and a note shown on
//! a withdrawn document.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `sources` and `crawl_items`; adds `documents.state_note`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sources {
    Table,
    Id,
    AgencyId,
    Kind,
    Url,
    Selectors,
    IntervalSecs,
    Enabled,
    FromConfig,
    CreatedAt,
    ListingEtag,
    ListingLastModified,
    LastRunAt,
    LastSuccessAt,
    LastError,
    LastErrorAt,
    FailingSince,
    ConsecutiveFailures,
    ItemsSeen,
    NextRunAt,
}

#[derive(DeriveIden)]
enum CrawlItems {
    Table,
    Id,
    SourceId,
    Url,
    EntryHash,
    Etag,
    LastModified,
    Fingerprint,
    DocumentId,
    State,
    LastSeenAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    StateNote,
}

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(Table::alter().table(Documents::Table).add_column(text_null(Documents::StateNote)).to_owned())
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sources::Table)
                    .if_not_exists()
                    .col(string(Sources::Id).primary_key())
                    .col(integer(Sources::AgencyId))
                    .col(string(Sources::Kind))
                    .col(text(Sources::Url))
                    .col(text(Sources::Selectors))
                    .col(big_integer(Sources::IntervalSecs))
                    .col(boolean(Sources::Enabled))
                    .col(boolean(Sources::FromConfig))
                    .col(timestamp_with_time_zone(Sources::CreatedAt))
                    .col(text_null(Sources::ListingEtag))
                    .col(text_null(Sources::ListingLastModified))
                    .col(timestamp_with_time_zone_null(Sources::LastRunAt))
                    .col(timestamp_with_time_zone_null(Sources::LastSuccessAt))
                    .col(text_null(Sources::LastError))
                    .col(timestamp_with_time_zone_null(Sources::LastErrorAt))
                    .col(timestamp_with_time_zone_null(Sources::FailingSince))
                    .col(integer(Sources::ConsecutiveFailures))
                    .col(big_integer(Sources::ItemsSeen))
                    .col(timestamp_with_time_zone_null(Sources::NextRunAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sources::Table, Sources::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(CrawlItems::Table)
                    .if_not_exists()
                    .col(pk_auto(CrawlItems::Id))
                    .col(string(CrawlItems::SourceId))
                    .col(text(CrawlItems::Url))
                    .col(string_null(CrawlItems::EntryHash))
                    .col(text_null(CrawlItems::Etag))
                    .col(text_null(CrawlItems::LastModified))
                    .col(string_null(CrawlItems::Fingerprint))
                    .col(integer_null(CrawlItems::DocumentId))
                    .col(string(CrawlItems::State))
                    .col(timestamp_with_time_zone(CrawlItems::LastSeenAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(CrawlItems::Table, CrawlItems::SourceId)
                            .to(Sources::Table, Sources::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CrawlItems::Table, CrawlItems::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("crawl_items_source_url")
                    .table(CrawlItems::Table)
                    .col(CrawlItems::SourceId)
                    .col(CrawlItems::Url)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("crawl_items_fingerprint")
                    .table(CrawlItems::Table)
                    .col(CrawlItems::Fingerprint)
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(CrawlItems::Table).if_exists().to_owned()).await?;
        manager.drop_table(Table::drop().table(Sources::Table).if_exists().to_owned()).await?;
        manager.alter_table(Table::alter().table(Documents::Table).drop_column(Documents::StateNote).to_owned()).await
    }
}
