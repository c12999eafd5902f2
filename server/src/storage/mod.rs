//! Storage: the database is the only source of truth. SQLite in the data directory by
//! default, PostgreSQL when the URL says so; the same entities and migrations for both.

pub mod agencies;
pub mod audit;
pub mod best_bets;
pub mod companions;
pub mod documents;
pub mod entity;
pub mod hub;
pub mod identity;
pub mod migration;
pub mod procedures;
pub mod redirects;
pub mod roles;
pub mod search_keywords;
pub mod sources;

use std::time::Duration;

use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend};
use sea_orm_migration::MigratorTrait;

/// Errors of the storage layer.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// The database refused or failed a statement.
    #[error("database error: {0}")]
    Db(#[from] sea_orm::DbErr),
    /// A JSON column could not be written or read.
    #[error("stored JSON is invalid: {0}")]
    Json(#[from] serde_json::Error),
    /// The operating system gave no random bytes for a secret.
    #[error("no random bytes for a secret: {0}")]
    Random(String),
}

/// Connects, tunes SQLite for a web server (WAL, foreign keys, a busy timeout), and brings
/// the schema up to date.
pub async fn connect(url: &str) -> Result<DatabaseConnection, StorageError> {
    let mut options = ConnectOptions::new(url.to_owned());
    options.sqlx_logging(false).acquire_timeout(Duration::from_secs(15));
    if url.starts_with("sqlite:") {
        options.max_connections(4).map_sqlx_sqlite_opts(|o| {
            o.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(15))
                .create_if_missing(true)
        });
    } else {
        options.max_connections(16);
    }
    let db = Database::connect(options).await?;
    migrate(&db).await?;
    Ok(db)
}

/// Starts a transaction that will write. On SQLite it takes the write lock at once
/// (`BEGIN IMMEDIATE`), so a writer waits its turn under the busy timeout instead of failing
/// with "database is locked" when it upgrades from reading after another writer committed.
pub async fn begin_write(db: &DatabaseConnection) -> Result<sea_orm::DatabaseTransaction, sea_orm::DbErr> {
    let options = sea_orm::TransactionOptions {
        sqlite_transaction_mode: Some(sea_orm::SqliteTransactionMode::Immediate),
        ..Default::default()
    };
    sea_orm::TransactionTrait::begin_with_options(db, options).await
}

/// Runs pending migrations. On PostgreSQL an advisory lock keeps two starting nodes from
/// migrating at once.
pub async fn migrate(db: &DatabaseConnection) -> Result<(), StorageError> {
    if db.get_database_backend() == DbBackend::Postgres {
        let txn = sea_orm::TransactionTrait::begin(db).await?;
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7283000)").await?;
        migration::Migrator::up(&txn, None).await?;
        txn.commit().await?;
    } else {
        migration::Migrator::up(db, None).await?;
    }
    Ok(())
}
