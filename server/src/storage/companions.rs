//! The companions an administrator sets for a procedure: the other procedures a citizen
//! doing it commonly also needs, most useful first. Such a list replaces the curated one
//! (`curated::related`) for that procedure, and is kept in its own table so the next import
//! of the national data leaves it alone. A companion is found with the procedure it goes
//! with and is listed on its page, so setting a list re-indexes every procedure it names.

use chrono::{DateTime, Utc};
use motcua_app::domain::ProcedureRelation as Relation;
use motcua_server::curated::related::{EditedList, Relations};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};

use super::StorageError;
use super::entity::{companion_list, document};

/// Most companions one procedure takes: the curated list gives at most five, and a page
/// that points everywhere points nowhere.
pub const MAX_COMPANIONS: usize = 10;

/// Errors an administrator can make when setting a procedure's companions.
#[derive(Debug, thiserror::Error)]
pub enum CompanionError {
    /// No procedure has the code the list is for.
    #[error("no procedure has the code {0:?}")]
    UnknownProcedure(String),
    /// No procedure has a code the list names, nor does the curated list name it.
    #[error("no procedure has the code {0:?} named as a companion")]
    UnknownCompanion(String),
    /// The list names the procedure it is for.
    #[error("a procedure is not its own companion")]
    ItsOwnCompanion,
    /// More companions than a procedure takes.
    #[error("at most {MAX_COMPANIONS} companions a procedure")]
    TooMany,
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for CompanionError {
    fn from(e: sea_orm::DbErr) -> Self {
        CompanionError::Storage(StorageError::Db(e))
    }
}

/// The companions as typed, cleaned: codes trimmed, blank rows dropped, and the first of a
/// repeated code kept.
pub fn cleaned(typed: &[(String, Relation)]) -> Result<Vec<(String, Relation)>, CompanionError> {
    let mut kept: Vec<(String, Relation)> = Vec::new();
    for (code, relation) in typed {
        let code = code.trim();
        if !code.is_empty() && !kept.iter().any(|(k, _)| k == code) {
            kept.push((code.to_string(), *relation));
        }
    }
    if kept.len() > MAX_COMPANIONS {
        return Err(CompanionError::TooMany);
    }
    Ok(kept)
}

/// Sets the companions of the procedure with this code, in place of the curated list's
/// (none: it has none), and tells the index sync of every procedure whose place changes, in
/// one transaction. Returns the companions kept.
pub async fn set(
    db: &DatabaseConnection,
    code: &str,
    typed: &[(String, Relation)],
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<(String, Relation)>, CompanionError> {
    let companions = cleaned(typed)?;
    let code = code.trim();
    if companions.iter().any(|(c, _)| c == code) {
        return Err(CompanionError::ItsOwnCompanion);
    }
    let txn = super::documents::begin_logged_write(db).await?;
    let id = procedure_id(&txn, code).await?;
    // A code the portal lacks is a typo, unless the curated list names it: a procedure of
    // the national data this portal has not imported (yet), kept and shown once it is.
    let named = super::procedures::document_ids_by_code(&txn, companions.iter().map(|(c, _)| c.as_str())).await?;
    if let Some((unknown, _)) = companions.iter().find(|(c, _)| !named.contains_key(c) && !Relations::names(c)) {
        return Err(CompanionError::UnknownCompanion(unknown.clone()));
    }
    let before = current(&txn, id, code).await?;
    companion_list::Entity::delete_many().filter(companion_list::Column::DocumentId.eq(id)).exec(&txn).await?;
    companion_list::ActiveModel {
        document_id: Set(id),
        companions: Set(stored(&companions)),
        updated_by: Set(by.to_string()),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    log_changes(&txn, id, before.iter().chain(&companions), now).await?;
    txn.commit().await?;
    Ok(companions)
}

/// Gives the procedure with this code back the curated list's companions. Returns whether
/// it had a list of its own.
pub async fn reset(db: &DatabaseConnection, code: &str, now: DateTime<Utc>) -> Result<bool, CompanionError> {
    let code = code.trim();
    let txn = super::documents::begin_logged_write(db).await?;
    let id = procedure_id(&txn, code).await?;
    let before = current(&txn, id, code).await?;
    let removed =
        companion_list::Entity::delete_many().filter(companion_list::Column::DocumentId.eq(id)).exec(&txn).await?;
    if removed.rows_affected == 0 {
        return Ok(false);
    }
    log_changes(&txn, id, before.iter().chain(Relations::curated(code)), now).await?;
    txn.commit().await?;
    Ok(true)
}

/// The audit log's entry for setting (`companions.set`) or resetting (`companions.reset`)
/// a procedure's companions, whoever did it (the admin pages, the command line).
pub fn audit_event(
    actor: String,
    action: &'static str,
    code: &str,
    kept: &[(String, Relation)],
    source_ip: Option<String>,
) -> super::audit::Event<'static> {
    let companions: Vec<_> = kept.iter().map(|(c, r)| serde_json::json!({ "code": c, "relation": r })).collect();
    super::audit::Event {
        actor,
        action,
        target: Some(format!("procedure:{}", code.trim())),
        detail: serde_json::json!({ "companions": companions }),
        source_ip,
    }
}

/// Every list administrators set, by the code of its procedure: what
/// `Relations::with_edits` puts in place of the curated ones.
pub async fn edits(db: &impl ConnectionTrait) -> Result<Vec<EditedList>, StorageError> {
    let rows = companion_list::Entity::find().order_by_asc(companion_list::Column::Id).all(db).await?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let codes = super::procedures::codes_by_document(db, rows.iter().map(|r| r.document_id)).await?;
    Ok(rows.into_iter().filter_map(|r| Some((codes.get(&r.document_id)?.clone(), parsed(&r.companions)))).collect())
}

/// Every procedure with a list of its own, with its document and code, last changed first.
pub async fn list(
    db: &impl ConnectionTrait,
) -> Result<Vec<(companion_list::Model, document::Model, String)>, StorageError> {
    let rows = companion_list::Entity::find()
        .find_also_related(document::Entity)
        .order_by_desc(companion_list::Column::UpdatedAt)
        .all(db)
        .await?;
    super::procedures::with_codes(db, rows, |row| row.document_id).await
}

/// The companions a stored list names, as `stored` wrote them.
pub fn parsed(text: &str) -> Vec<(String, Relation)> {
    text.lines()
        .filter_map(|line| {
            let (code, word) = line.split_once('\t')?;
            Some((code.to_string(), Relation::parse(word)?))
        })
        .collect()
}

/// A list as the table keeps it: `code<TAB>relation` lines, the curated list's words.
fn stored(companions: &[(String, Relation)]) -> String {
    companions.iter().map(|(code, relation)| format!("{code}\t{}", relation.word())).collect::<Vec<_>>().join("\n")
}

/// The document of the procedure with this code.
async fn procedure_id(txn: &DatabaseTransaction, code: &str) -> Result<i32, CompanionError> {
    let found = super::procedures::document_id_of(txn, code).await?;
    found.ok_or_else(|| CompanionError::UnknownProcedure(code.to_string()))
}

/// The companions a procedure has now: its own list, or the curated one.
async fn current(txn: &DatabaseTransaction, id: i32, code: &str) -> Result<Vec<(String, Relation)>, CompanionError> {
    let row = companion_list::Entity::find().filter(companion_list::Column::DocumentId.eq(id)).one(txn).await?;
    Ok(row.map_or_else(|| Relations::curated(code).to_vec(), |r| parsed(&r.companions)))
}

/// Logs a change of the procedure and of every companion it had or has: each is found
/// with the procedure it goes with, and "instead" pairs go both ways.
async fn log_changes<'a>(
    txn: &DatabaseTransaction,
    id: i32,
    companions: impl Iterator<Item = &'a (String, Relation)>,
    now: DateTime<Utc>,
) -> Result<(), CompanionError> {
    let mut ids: Vec<i32> = super::procedures::document_ids_by_code(txn, companions.map(|(c, _)| c.as_str()))
        .await?
        .into_values()
        .collect();
    ids.push(id);
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        super::documents::log_change(txn, id, "updated", now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn companions_are_kept_once_in_the_order_typed() {
        let typed = [
            (" 1.001193 ".to_string(), Relation::Before),
            (String::new(), Relation::With),
            ("1.000656".to_string(), Relation::After),
            ("1.001193".to_string(), Relation::Instead),
        ];
        assert_eq!(
            cleaned(&typed).expect("clean"),
            [("1.001193".to_string(), Relation::Before), ("1.000656".to_string(), Relation::After)]
        );
        let many: Vec<(String, Relation)> =
            (0..=MAX_COMPANIONS).map(|i| (format!("1.{i:06}"), Relation::With)).collect();
        assert!(matches!(cleaned(&many), Err(CompanionError::TooMany)));
    }

    #[test]
    fn a_stored_list_reads_back_as_written() {
        let list = [("1.001193".to_string(), Relation::Before), ("2.000001".to_string(), Relation::Instead)];
        assert_eq!(parsed(&stored(&list)), list);
        assert!(parsed("").is_empty(), "an empty list is no companions");
    }
}
