//! Publishing's foundation: staff roles per agency (granted to an account, reaching the
//! agency's sub-agencies) and the append-only audit log.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

/// Creates `staff_roles` and `audit_log`.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum StaffRoles {
    Table,
    Id,
    AccountId,
    AgencyId,
    Role,
    GrantedBy,
    GrantedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    At,
    Actor,
    Action,
    Target,
    Detail,
    SourceIp,
}

#[derive(DeriveIden)]
enum Accounts {
    Table,
    Id,
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
            .create_table(
                Table::create()
                    .table(StaffRoles::Table)
                    .if_not_exists()
                    .col(pk_auto(StaffRoles::Id))
                    .col(integer(StaffRoles::AccountId))
                    .col(integer(StaffRoles::AgencyId))
                    .col(string(StaffRoles::Role))
                    .col(string(StaffRoles::GrantedBy))
                    .col(timestamp_with_time_zone(StaffRoles::GrantedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffRoles::Table, StaffRoles::AccountId)
                            .to(Accounts::Table, Accounts::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(StaffRoles::Table, StaffRoles::AgencyId)
                            .to(Agencies::Table, Agencies::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("staff_roles_one_grant")
                    .table(StaffRoles::Table)
                    .col(StaffRoles::AccountId)
                    .col(StaffRoles::AgencyId)
                    .col(StaffRoles::Role)
                    .unique()
                    .if_not_exists()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .if_not_exists()
                    .col(pk_auto(AuditLog::Id))
                    .col(timestamp_with_time_zone(AuditLog::At))
                    .col(string(AuditLog::Actor))
                    .col(string(AuditLog::Action))
                    .col(string_null(AuditLog::Target))
                    .col(text(AuditLog::Detail))
                    .col(string_null(AuditLog::SourceIp))
                    .to_owned(),
            )
            .await?;
        for (name, column) in [("audit_log_at", AuditLog::At), ("audit_log_action", AuditLog::Action)] {
            manager
                .create_index(Index::create().name(name).table(AuditLog::Table).col(column).if_not_exists().to_owned())
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(Table::drop().table(AuditLog::Table).to_owned()).await?;
        manager.drop_table(Table::drop().table(StaffRoles::Table).to_owned()).await
    }
}
