//! The sign-on hub: registered department services, the hub's signing keys, consents,
//! authorisation codes and access tokens in flight, which services each session signed in
//! to, used client assertions, and the logout notices sent to services.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates the `hub_*` tables and `services`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum HubSettings {
    Table,
    Name,
    Value,
}

#[derive(DeriveIden)]
enum HubKeys {
    Table,
    Kid,
    Alg,
    PublicJwk,
    PrivateKey,
    State,
    CreatedAt,
    RetiredAt,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    ClientId,
    Name,
    Agency,
    RedirectUris,
    PostLogoutRedirectUris,
    ClientAuth,
    SecretHash,
    Jwks,
    JwksUri,
    Scopes,
    BackchannelLogoutUri,
    InitiateLoginUri,
    Sector,
    SubjectType,
    IdTokenAlg,
    Procedures,
    StartUrl,
    AssuranceLevel,
    Source,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum HubConsents {
    Table,
    AccountId,
    ClientId,
    Scopes,
    GrantedAt,
    LastUsedAt,
}

#[derive(DeriveIden)]
enum HubPending {
    Table,
    Id,
    SessionId,
    ClientId,
    Request,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum HubCodes {
    Table,
    CodeHash,
    ClientId,
    RedirectUri,
    CodeChallenge,
    Nonce,
    Scopes,
    SessionId,
    AccountId,
    AuthTime,
    Acr,
    ExpiresAt,
    UsedAt,
}

#[derive(DeriveIden)]
enum HubTokens {
    Table,
    TokenHash,
    ClientId,
    AccountId,
    SessionId,
    Scopes,
    CodeHash,
    ExpiresAt,
    RevokedAt,
}

#[derive(DeriveIden)]
enum HubUsedAssertions {
    Table,
    ClientId,
    Jti,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum HubSessionServices {
    Table,
    SessionId,
    ClientId,
    Subject,
    FirstAt,
    LastAt,
}

#[derive(DeriveIden)]
enum HubLogoutDeliveries {
    Table,
    Id,
    ClientId,
    Uri,
    LogoutToken,
    Attempts,
    LastStatus,
    LastError,
    NextAt,
    DeliveredAt,
    CreatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let tables = [
            Table::create()
                .table(HubSettings::Table)
                .if_not_exists()
                .col(string(HubSettings::Name).primary_key())
                .col(text(HubSettings::Value))
                .to_owned(),
            Table::create()
                .table(HubKeys::Table)
                .if_not_exists()
                .col(string(HubKeys::Kid).primary_key())
                .col(string(HubKeys::Alg))
                .col(text(HubKeys::PublicJwk))
                .col(text(HubKeys::PrivateKey))
                .col(string(HubKeys::State))
                .col(timestamp_with_time_zone(HubKeys::CreatedAt))
                .col(timestamp_with_time_zone_null(HubKeys::RetiredAt))
                .to_owned(),
            Table::create()
                .table(Services::Table)
                .if_not_exists()
                .col(string(Services::ClientId).primary_key())
                .col(string(Services::Name))
                .col(string_null(Services::Agency))
                .col(text(Services::RedirectUris))
                .col(text(Services::PostLogoutRedirectUris))
                .col(string(Services::ClientAuth))
                .col(string_null(Services::SecretHash))
                .col(text_null(Services::Jwks))
                .col(string_null(Services::JwksUri))
                .col(text(Services::Scopes))
                .col(string_null(Services::BackchannelLogoutUri))
                .col(string_null(Services::InitiateLoginUri))
                .col(string(Services::Sector))
                .col(string(Services::SubjectType))
                .col(string(Services::IdTokenAlg))
                .col(text(Services::Procedures))
                .col(string_null(Services::StartUrl))
                .col(integer(Services::AssuranceLevel))
                .col(string(Services::Source))
                .col(timestamp_with_time_zone(Services::CreatedAt))
                .col(timestamp_with_time_zone(Services::UpdatedAt))
                .to_owned(),
            Table::create()
                .table(HubConsents::Table)
                .if_not_exists()
                .col(integer(HubConsents::AccountId))
                .col(string(HubConsents::ClientId))
                .col(text(HubConsents::Scopes))
                .col(timestamp_with_time_zone(HubConsents::GrantedAt))
                .col(timestamp_with_time_zone(HubConsents::LastUsedAt))
                .primary_key(Index::create().col(HubConsents::AccountId).col(HubConsents::ClientId))
                .to_owned(),
            Table::create()
                .table(HubPending::Table)
                .if_not_exists()
                .col(string(HubPending::Id).primary_key())
                .col(string(HubPending::SessionId))
                .col(string(HubPending::ClientId))
                .col(text(HubPending::Request))
                .col(timestamp_with_time_zone(HubPending::ExpiresAt))
                .to_owned(),
            Table::create()
                .table(HubCodes::Table)
                .if_not_exists()
                .col(string(HubCodes::CodeHash).primary_key())
                .col(string(HubCodes::ClientId))
                .col(text(HubCodes::RedirectUri))
                .col(string(HubCodes::CodeChallenge))
                .col(text_null(HubCodes::Nonce))
                .col(text(HubCodes::Scopes))
                .col(string(HubCodes::SessionId))
                .col(integer(HubCodes::AccountId))
                .col(timestamp_with_time_zone(HubCodes::AuthTime))
                .col(integer(HubCodes::Acr))
                .col(timestamp_with_time_zone(HubCodes::ExpiresAt))
                .col(timestamp_with_time_zone_null(HubCodes::UsedAt))
                .to_owned(),
            Table::create()
                .table(HubTokens::Table)
                .if_not_exists()
                .col(string(HubTokens::TokenHash).primary_key())
                .col(string(HubTokens::ClientId))
                .col(integer(HubTokens::AccountId))
                .col(string(HubTokens::SessionId))
                .col(text(HubTokens::Scopes))
                .col(string_null(HubTokens::CodeHash))
                .col(timestamp_with_time_zone(HubTokens::ExpiresAt))
                .col(timestamp_with_time_zone_null(HubTokens::RevokedAt))
                .to_owned(),
            Table::create()
                .table(HubUsedAssertions::Table)
                .if_not_exists()
                .col(string(HubUsedAssertions::ClientId))
                .col(string(HubUsedAssertions::Jti))
                .col(timestamp_with_time_zone(HubUsedAssertions::ExpiresAt))
                .primary_key(Index::create().col(HubUsedAssertions::ClientId).col(HubUsedAssertions::Jti))
                .to_owned(),
            Table::create()
                .table(HubSessionServices::Table)
                .if_not_exists()
                .col(string(HubSessionServices::SessionId))
                .col(string(HubSessionServices::ClientId))
                .col(string(HubSessionServices::Subject))
                .col(timestamp_with_time_zone(HubSessionServices::FirstAt))
                .col(timestamp_with_time_zone(HubSessionServices::LastAt))
                .primary_key(Index::create().col(HubSessionServices::SessionId).col(HubSessionServices::ClientId))
                .to_owned(),
            Table::create()
                .table(HubLogoutDeliveries::Table)
                .if_not_exists()
                .col(pk_auto(HubLogoutDeliveries::Id))
                .col(string(HubLogoutDeliveries::ClientId))
                .col(text(HubLogoutDeliveries::Uri))
                .col(text(HubLogoutDeliveries::LogoutToken))
                .col(integer(HubLogoutDeliveries::Attempts))
                .col(integer_null(HubLogoutDeliveries::LastStatus))
                .col(text_null(HubLogoutDeliveries::LastError))
                .col(timestamp_with_time_zone_null(HubLogoutDeliveries::NextAt))
                .col(timestamp_with_time_zone_null(HubLogoutDeliveries::DeliveredAt))
                .col(timestamp_with_time_zone(HubLogoutDeliveries::CreatedAt))
                .to_owned(),
        ];
        for table in tables {
            manager.create_table(table).await?;
        }
        for (name, table, column) in [
            ("hub_codes_expiry", HubCodes::Table.into_iden(), HubCodes::ExpiresAt.into_iden()),
            ("hub_tokens_expiry", HubTokens::Table.into_iden(), HubTokens::ExpiresAt.into_iden()),
            ("hub_tokens_code", HubTokens::Table.into_iden(), HubTokens::CodeHash.into_iden()),
            ("hub_tokens_session", HubTokens::Table.into_iden(), HubTokens::SessionId.into_iden()),
            (
                "hub_logout_deliveries_next",
                HubLogoutDeliveries::Table.into_iden(),
                HubLogoutDeliveries::NextAt.into_iden(),
            ),
        ] {
            manager
                .create_index(Index::create().name(name).table(table).col(column).if_not_exists().to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            HubLogoutDeliveries::Table.into_iden(),
            HubSessionServices::Table.into_iden(),
            HubUsedAssertions::Table.into_iden(),
            HubTokens::Table.into_iden(),
            HubCodes::Table.into_iden(),
            HubPending::Table.into_iden(),
            HubConsents::Table.into_iden(),
            Services::Table.into_iden(),
            HubKeys::Table.into_iden(),
            HubSettings::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
