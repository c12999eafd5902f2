//! Agencies, documents, procedure details and the change log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates the content tables.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Agencies {
    Table,
    Id,
    Slug,
    Name,
    Level,
    ParentId,
    AdminCode,
    FormerNames,
    Website,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Documents {
    Table,
    Id,
    Kind,
    AgencyId,
    Title,
    Summary,
    BodyHtml,
    BodyText,
    Path,
    OriginKey,
    OriginUrl,
    PublishedAt,
    UpdatedAt,
    CreatedAt,
    State,
    ContentHash,
}

#[derive(DeriveIden)]
enum ProcedureDetails {
    Table,
    DocumentId,
    Code,
    Field,
    Levels,
    Audience,
    Steps,
    RequiredDocuments,
    Channels,
    Conditions,
    Result,
    LegalBasis,
    ImplementingAgency,
    CompetentAgency,
    Decision,
    ProcedureType,
}

#[derive(DeriveIden)]
enum ChangeLog {
    Table,
    Seq,
    DocumentId,
    Change,
    ChangedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Agencies::Table)
                    .if_not_exists()
                    .col(pk_auto(Agencies::Id))
                    .col(string_uniq(Agencies::Slug))
                    .col(string(Agencies::Name))
                    .col(string(Agencies::Level))
                    .col(integer_null(Agencies::ParentId))
                    .col(string_null(Agencies::AdminCode))
                    .col(text(Agencies::FormerNames))
                    .col(string_null(Agencies::Website))
                    .col(timestamp_with_time_zone(Agencies::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Agencies::Table, Agencies::ParentId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::SetNull),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Documents::Table)
                    .if_not_exists()
                    .col(pk_auto(Documents::Id))
                    .col(string(Documents::Kind))
                    .col(integer(Documents::AgencyId))
                    .col(text(Documents::Title))
                    .col(text(Documents::Summary))
                    .col(text(Documents::BodyHtml))
                    .col(text(Documents::BodyText))
                    .col(string_uniq(Documents::Path))
                    .col(string_uniq(Documents::OriginKey))
                    .col(text_null(Documents::OriginUrl))
                    .col(timestamp_with_time_zone_null(Documents::PublishedAt))
                    .col(timestamp_with_time_zone(Documents::UpdatedAt))
                    .col(timestamp_with_time_zone(Documents::CreatedAt))
                    .col(string(Documents::State))
                    .col(string(Documents::ContentHash))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Documents::Table, Documents::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Restrict),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_documents_agency_kind")
                    .table(Documents::Table)
                    .col(Documents::AgencyId)
                    .col(Documents::Kind)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_documents_kind_published")
                    .table(Documents::Table)
                    .col(Documents::Kind)
                    .col(Documents::PublishedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ProcedureDetails::Table)
                    .if_not_exists()
                    .col(integer(ProcedureDetails::DocumentId).primary_key())
                    .col(string_uniq(ProcedureDetails::Code))
                    .col(string_null(ProcedureDetails::Field))
                    .col(text(ProcedureDetails::Levels))
                    .col(text_null(ProcedureDetails::Audience))
                    .col(text(ProcedureDetails::Steps))
                    .col(text(ProcedureDetails::RequiredDocuments))
                    .col(text(ProcedureDetails::Channels))
                    .col(text_null(ProcedureDetails::Conditions))
                    .col(text_null(ProcedureDetails::Result))
                    .col(text(ProcedureDetails::LegalBasis))
                    .col(text_null(ProcedureDetails::ImplementingAgency))
                    .col(text_null(ProcedureDetails::CompetentAgency))
                    .col(string_null(ProcedureDetails::Decision))
                    .col(text_null(ProcedureDetails::ProcedureType))
                    .foreign_key(
                        ForeignKey::create()
                            .from(ProcedureDetails::Table, ProcedureDetails::DocumentId)
                            .to(Documents::Table, Documents::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ChangeLog::Table)
                    .if_not_exists()
                    .col(big_pk_auto(ChangeLog::Seq))
                    .col(integer(ChangeLog::DocumentId))
                    .col(string(ChangeLog::Change))
                    .col(timestamp_with_time_zone(ChangeLog::ChangedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ChangeLog::Table.into_iden(),
            ProcedureDetails::Table.into_iden(),
            Documents::Table.into_iden(),
            Agencies::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).if_exists().to_owned()).await?;
        }
        Ok(())
    }
}
