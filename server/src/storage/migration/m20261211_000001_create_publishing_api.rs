//! The push API: machine clients of the hub bound to an agency with a role, the access tokens
//! they get by the client-credentials grant, and each publication's external id (the key a
//! department's own system knows it by).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Adds `services.api_role`, `publications.external_id` (unique per agency) and `api_tokens`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Services {
    Table,
    ApiRole,
}

#[derive(DeriveIden)]
enum Publications {
    Table,
    AgencyId,
    ExternalId,
}

#[derive(DeriveIden)]
enum ApiTokens {
    Table,
    TokenHash,
    ClientId,
    AccountId,
    Scope,
    IssuedAt,
    ExpiresAt,
}

const EXTERNAL_ID_INDEX: &str = "publications_agency_external_id";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One column per statement: SQLite alters one thing at a time.
        manager
            .alter_table(Table::alter().table(Services::Table).add_column(string_null(Services::ApiRole)).to_owned())
            .await?;
        manager
            .alter_table(
                Table::alter().table(Publications::Table).add_column(string_null(Publications::ExternalId)).to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(EXTERNAL_ID_INDEX)
                    .table(Publications::Table)
                    .col(Publications::AgencyId)
                    .col(Publications::ExternalId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ApiTokens::Table)
                    .if_not_exists()
                    .col(string(ApiTokens::TokenHash).primary_key())
                    .col(string(ApiTokens::ClientId))
                    .col(integer(ApiTokens::AccountId))
                    .col(string(ApiTokens::Scope))
                    .col(timestamp_with_time_zone(ApiTokens::IssuedAt))
                    .col(timestamp_with_time_zone(ApiTokens::ExpiresAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(ApiTokens::Table).to_owned()).await?;
        manager.drop_index(Index::drop().name(EXTERNAL_ID_INDEX).table(Publications::Table).to_owned()).await?;
        manager
            .alter_table(Table::alter().table(Publications::Table).drop_column(Publications::ExternalId).to_owned())
            .await?;
        manager.alter_table(Table::alter().table(Services::Table).drop_column(Services::ApiRole).to_owned()).await
    }
}
