//! Best bets: an editor pins documents to a query ("sổ đỏ" → the land-certificate
//! procedures), and that query, however it is spelt, shows them first.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::StorageError;
use super::entity::{best_bet, document, procedure_details};

/// The key of a query: its folded syllables, so "Sổ đỏ", "so do" and "sổ  đỏ" are one.
pub fn query_key(query: &str) -> String {
    motcua_search::schema::title_key(&motcua_search::normalize::canonical(query))
}

/// Errors an editor can make when pinning.
#[derive(Debug, thiserror::Error)]
pub enum BestBetError {
    /// The query has no words.
    #[error("the query has no words to match")]
    EmptyQuery,
    /// A target names no document.
    #[error("no document has the procedure code or portal path {0:?}")]
    UnknownTarget(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for BestBetError {
    fn from(e: sea_orm::DbErr) -> Self {
        BestBetError::Storage(StorageError::Db(e))
    }
}

/// The document a target names: a procedure code ("1.001193") or a portal path
/// ("/tin-tuc/…").
pub async fn resolve(db: &impl ConnectionTrait, target: &str) -> Result<i32, BestBetError> {
    let target = target.trim();
    let found = if target.starts_with('/') {
        document::Entity::find().filter(document::Column::Path.eq(target)).one(db).await?.map(|d| d.id)
    } else {
        procedure_details::Entity::find()
            .filter(procedure_details::Column::Code.eq(target))
            .one(db)
            .await?
            .map(|p| p.document_id)
    };
    found.ok_or_else(|| BestBetError::UnknownTarget(target.to_string()))
}

/// Pins `targets` to `query` in this order, replacing what was pinned to it before.
pub async fn set(
    db: &DatabaseConnection,
    query: &str,
    targets: &[String],
    now: DateTime<Utc>,
) -> Result<usize, BestBetError> {
    let key = query_key(query);
    if key.is_empty() {
        return Err(BestBetError::EmptyQuery);
    }
    let txn = super::begin_write(db).await?;
    let mut ids: Vec<i32> = Vec::new();
    for target in targets {
        let id = resolve(&txn, target).await?;
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    best_bet::Entity::delete_many().filter(best_bet::Column::QueryKey.eq(&key)).exec(&txn).await?;
    for (position, id) in ids.iter().enumerate() {
        best_bet::ActiveModel {
            query_key: Set(key.clone()),
            query: Set(query.trim().to_string()),
            document_id: Set(*id),
            position: Set(i32::try_from(position + 1).unwrap_or(i32::MAX)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(ids.len())
}

/// Removes every bet of `query`; returns how many there were.
pub async fn remove(db: &impl ConnectionTrait, query: &str) -> Result<u64, StorageError> {
    let result =
        best_bet::Entity::delete_many().filter(best_bet::Column::QueryKey.eq(query_key(query))).exec(db).await?;
    Ok(result.rows_affected)
}

/// The documents pinned to `query`, in order.
pub async fn for_query(db: &impl ConnectionTrait, query: &str) -> Result<Vec<i64>, StorageError> {
    let key = query_key(query);
    if key.is_empty() {
        return Ok(Vec::new());
    }
    let bets = best_bet::Entity::find()
        .filter(best_bet::Column::QueryKey.eq(key))
        .order_by_asc(best_bet::Column::Position)
        .all(db)
        .await?;
    Ok(bets.into_iter().map(|b| i64::from(b.document_id)).collect())
}

/// Every bet with its document's title and path, by query then position.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<(best_bet::Model, Option<document::Model>)>, StorageError> {
    Ok(best_bet::Entity::find()
        .find_also_related(document::Entity)
        .order_by_asc(best_bet::Column::QueryKey)
        .order_by_asc(best_bet::Column::Position)
        .all(db)
        .await?)
}
