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

/// Most documents pinned to one query: one page of results.
pub const MAX_TARGETS: usize = 10;

/// Longest query a bet is kept for, in characters: far longer than anyone types.
pub const MAX_QUERY_CHARS: usize = 200;

/// Errors an editor can make when pinning.
#[derive(Debug, thiserror::Error)]
pub enum BestBetError {
    /// The query has no words.
    #[error("the query has no words to match")]
    EmptyQuery,
    /// The query is longer than anyone types.
    #[error("the query is longer than {MAX_QUERY_CHARS} characters")]
    QueryTooLong,
    /// Nothing to pin (removing is its own command), or more than a page.
    #[error("pin between 1 and {MAX_TARGETS} documents")]
    TargetCount,
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
    if query.trim().chars().count() > MAX_QUERY_CHARS {
        return Err(BestBetError::QueryTooLong);
    }
    let key = query_key(query);
    if key.is_empty() {
        return Err(BestBetError::EmptyQuery);
    }
    let targets: Vec<&String> = targets.iter().filter(|t| !t.trim().is_empty()).collect();
    if targets.is_empty() || targets.len() > MAX_TARGETS {
        return Err(BestBetError::TargetCount);
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

/// How an editor names a pinned document: a procedure by its code, anything else by its
/// portal path; [`resolve`] reads either back.
pub fn target_of(path: &str) -> &str {
    path.strip_prefix("/thu-tuc/").filter(|code| !code.is_empty() && !code.contains('/')).unwrap_or(path)
}

/// The audit log's entry for a change to a query's bets, whoever made it (the admin pages,
/// the command line).
pub fn audit_event<'a>(
    actor: String,
    action: &'a str,
    query: &str,
    detail: serde_json::Value,
    source_ip: Option<String>,
) -> super::audit::Event<'a> {
    super::audit::Event { actor, action, target: Some(format!("query:{}", query_key(query))), detail, source_ip }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_procedure_is_named_by_its_code_and_anything_else_by_its_path() {
        assert_eq!(target_of("/thu-tuc/1.001193"), "1.001193");
        assert_eq!(target_of("/tin-tuc/thong-bao-lich-tiep-dan"), "/tin-tuc/thong-bao-lich-tiep-dan");
        assert_eq!(target_of("/thu-tuc/"), "/thu-tuc/");
        assert_eq!(target_of("/thu-tuc/a/b"), "/thu-tuc/a/b");
    }

    #[tokio::test]
    async fn a_bet_without_words_without_targets_or_with_more_than_a_page_is_refused_before_any_write() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = crate::storage::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()))
            .await
            .expect("connect");
        let now = Utc::now();
        let one = vec!["1.001193".to_string()];
        assert!(matches!(set(&db, " ?! ", &one, now).await, Err(BestBetError::EmptyQuery)));
        assert!(matches!(set(&db, &"sổ đỏ ".repeat(50), &one, now).await, Err(BestBetError::QueryTooLong)));
        assert!(matches!(set(&db, "sổ đỏ", &[" ".to_string()], now).await, Err(BestBetError::TargetCount)));
        let eleven: Vec<String> = (0..=MAX_TARGETS).map(|i| format!("1.00000{i}")).collect();
        assert!(matches!(set(&db, "sổ đỏ", &eleven, now).await, Err(BestBetError::TargetCount)));
        assert!(matches!(set(&db, "sổ đỏ", &one, now).await, Err(BestBetError::UnknownTarget(t)) if t == "1.001193"));
        assert!(list(&db).await.expect("list").is_empty());
    }
}
