//! Signing in: citizens' accounts (one per provider issuer and subject), server-side
//! sessions shared by every node, logins in flight, and logout tokens already used.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `accounts`, `sessions`, `login_attempts` and `used_logout_tokens`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
    Issuer,
    Subject,
    ProviderId,
    Name,
    BirthDate,
    CitizenId,
    Phone,
    Email,
    AssuranceLevel,
    CreatedAt,
    LastLoginAt,
}

#[derive(DeriveIden)]
enum Sessions {
    Table,
    Id,
    AccountId,
    ProviderId,
    UpstreamSid,
    IdToken,
    CreatedAt,
    LastSeenAt,
    ExpiresAt,
}

#[derive(DeriveIden)]
enum LoginAttempts {
    Table,
    State,
    ProviderId,
    Nonce,
    PkceVerifier,
    ReturnTo,
    CreatedAt,
}

#[derive(DeriveIden)]
enum UsedLogoutTokens {
    Table,
    Issuer,
    Jti,
    ExpiresAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Accounts::Table)
                    .if_not_exists()
                    .col(pk_auto(Accounts::Id))
                    .col(string(Accounts::Issuer))
                    .col(string(Accounts::Subject))
                    .col(string(Accounts::ProviderId))
                    .col(string_null(Accounts::Name))
                    .col(string_null(Accounts::BirthDate))
                    .col(string_null(Accounts::CitizenId))
                    .col(string_null(Accounts::Phone))
                    .col(string_null(Accounts::Email))
                    .col(integer(Accounts::AssuranceLevel))
                    .col(timestamp_with_time_zone(Accounts::CreatedAt))
                    .col(timestamp_with_time_zone(Accounts::LastLoginAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("accounts_issuer_subject")
                    .table(Accounts::Table)
                    .col(Accounts::Issuer)
                    .col(Accounts::Subject)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Sessions::Table)
                    .if_not_exists()
                    .col(string(Sessions::Id).primary_key())
                    .col(integer(Sessions::AccountId))
                    .col(string(Sessions::ProviderId))
                    .col(string_null(Sessions::UpstreamSid))
                    .col(text_null(Sessions::IdToken))
                    .col(timestamp_with_time_zone(Sessions::CreatedAt))
                    .col(timestamp_with_time_zone(Sessions::LastSeenAt))
                    .col(timestamp_with_time_zone(Sessions::ExpiresAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Sessions::Table, Sessions::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        for (name, column) in
            [("sessions_account", Sessions::AccountId), ("sessions_upstream_sid", Sessions::UpstreamSid)]
        {
            manager
                .create_index(Index::create().name(name).table(Sessions::Table).col(column).if_not_exists().to_owned())
                .await?;
        }
        manager
            .create_table(
                Table::create()
                    .table(LoginAttempts::Table)
                    .if_not_exists()
                    .col(string(LoginAttempts::State).primary_key())
                    .col(string(LoginAttempts::ProviderId))
                    .col(string(LoginAttempts::Nonce))
                    .col(string(LoginAttempts::PkceVerifier))
                    .col(text(LoginAttempts::ReturnTo))
                    .col(timestamp_with_time_zone(LoginAttempts::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(UsedLogoutTokens::Table)
                    .if_not_exists()
                    .col(string(UsedLogoutTokens::Issuer))
                    .col(string(UsedLogoutTokens::Jti))
                    .col(timestamp_with_time_zone(UsedLogoutTokens::ExpiresAt))
                    .primary_key(Index::create().col(UsedLogoutTokens::Issuer).col(UsedLogoutTokens::Jti))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            UsedLogoutTokens::Table.into_iden(),
            LoginAttempts::Table.into_iden(),
            Sessions::Table.into_iden(),
            Accounts::Table.into_iden(),
        ] {
            manager.drop_table(Table::drop().table(table).to_owned()).await?;
        }
        Ok(())
    }
}
