//! Search keywords an administrator adds to a procedure: the words citizens use for it that
//! its name does not hold ("sổ đỏ" for the land-use certificate). They are indexed with the
//! procedure beside the curated list's (`curated::keywords`), and kept in their own table so
//! the next import of the national data leaves them alone.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, Set,
};

use super::StorageError;
use super::entity::{document, search_keyword};

/// Most keywords one procedure takes: enough for its everyday names, too few to stuff.
pub const MAX_KEYWORDS: usize = 30;

/// Longest keyword, in characters: a phrase, not a text.
pub const MAX_KEYWORD_CHARS: usize = 100;

/// Errors an administrator can make when setting keywords.
#[derive(Debug, thiserror::Error)]
pub enum KeywordError {
    /// No procedure has this code.
    #[error("no procedure has the code {0:?}")]
    UnknownProcedure(String),
    /// More keywords than a procedure takes.
    #[error("at most {MAX_KEYWORDS} keywords a procedure")]
    TooMany,
    /// One keyword is a text, not a phrase.
    #[error("the keyword {0:?} is longer than {MAX_KEYWORD_CHARS} characters")]
    TooLong(String),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for KeywordError {
    fn from(e: sea_orm::DbErr) -> Self {
        KeywordError::Storage(StorageError::Db(e))
    }
}

/// The keywords as typed, cleaned: canonical spelling (one tone style, NFC), blank ones
/// dropped, and one of each however it is spelt ("Sổ đỏ" and "so do" are one keyword).
pub fn cleaned(typed: &[String]) -> Result<Vec<String>, KeywordError> {
    let mut kept: Vec<(String, String)> = Vec::new();
    for keyword in typed.iter().map(|k| motcua_search::normalize::canonical(k.trim())) {
        let keyword = keyword.split_whitespace().collect::<Vec<_>>().join(" ");
        if keyword.chars().count() > MAX_KEYWORD_CHARS {
            return Err(KeywordError::TooLong(keyword));
        }
        let key = motcua_search::schema::title_key(&keyword);
        if !key.is_empty() && !kept.iter().any(|(k, _)| *k == key) {
            kept.push((key, keyword));
        }
    }
    if kept.len() > MAX_KEYWORDS {
        return Err(KeywordError::TooMany);
    }
    Ok(kept.into_iter().map(|(_, keyword)| keyword).collect())
}

/// Sets the added keywords of the procedure with this code (none removes them), and tells
/// the index sync, in one transaction: the procedure is found by them within the sync's
/// poll. Returns the keywords kept.
pub async fn set(
    db: &DatabaseConnection,
    code: &str,
    typed: &[String],
    by: &str,
    now: DateTime<Utc>,
) -> Result<Vec<String>, KeywordError> {
    let keywords = cleaned(typed)?;
    let code = code.trim();
    let txn = super::documents::begin_logged_write(db).await?;
    let found = super::procedures::document_id_of(&txn, code).await?;
    let Some(id) = found else { return Err(KeywordError::UnknownProcedure(code.to_string())) };
    search_keyword::Entity::delete_many().filter(search_keyword::Column::DocumentId.eq(id)).exec(&txn).await?;
    if !keywords.is_empty() {
        search_keyword::ActiveModel {
            document_id: Set(id),
            keywords: Set(keywords.join("\n")),
            updated_by: Set(by.to_string()),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    super::documents::log_change(&txn, id, "updated", now).await?;
    txn.commit().await?;
    Ok(keywords)
}

/// The audit log's entry for setting a procedure's keywords, whoever did it (the admin
/// pages, the command line).
pub fn audit_event(
    actor: String,
    code: &str,
    kept: &[String],
    source_ip: Option<String>,
) -> super::audit::Event<'static> {
    super::audit::Event {
        actor,
        action: "search_keywords.set",
        target: Some(format!("procedure:{}", code.trim())),
        detail: serde_json::json!({ "keywords": kept }),
        source_ip,
    }
}

/// The added keywords of these documents, for the index.
pub async fn of_documents(db: &impl ConnectionTrait, ids: &[i32]) -> Result<HashMap<i32, Vec<String>>, StorageError> {
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for row in search_keyword::Entity::find()
            .filter(search_keyword::Column::DocumentId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(row.document_id, row.keywords.lines().map(str::to_string).collect());
        }
    }
    Ok(out)
}

/// Every procedure with added keywords, with its document and code, last changed first.
pub async fn list(
    db: &impl ConnectionTrait,
) -> Result<Vec<(search_keyword::Model, document::Model, String)>, StorageError> {
    let rows = search_keyword::Entity::find()
        .find_also_related(document::Entity)
        .order_by_desc(search_keyword::Column::UpdatedAt)
        .all(db)
        .await?;
    super::procedures::with_codes(db, rows, |row| row.document_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_are_kept_once_in_canonical_spelling() {
        let typed: Vec<String> = ["  Sổ đỏ ", "so do", "", "làm  lại   bìa đỏ", "hoà giải"].map(String::from).to_vec();
        assert_eq!(cleaned(&typed).expect("clean"), ["Sổ đỏ", "làm lại bìa đỏ", "hòa giải"]);
        let many: Vec<String> = (0..=MAX_KEYWORDS).map(|i| format!("từ khoá {i}")).collect();
        assert!(matches!(cleaned(&many), Err(KeywordError::TooMany)));
        let long = vec!["sổ đỏ ".repeat(30)];
        assert!(matches!(cleaned(&long), Err(KeywordError::TooLong(_))));
    }
}
