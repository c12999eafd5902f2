//! Reads of procedures by their national code, for the places that know a procedure only by
//! its code (the curated lists of keywords and companions), and of codes by document (the
//! tables administrators' keywords and companion lists keep by document).

use std::collections::HashMap;

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::StorageError;
use super::entity::{document, procedure_details};

/// The procedure with this code and its document, whatever its state.
pub async fn by_code(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<(procedure_details::Model, document::Model)>, StorageError> {
    let found = procedure_details::Entity::find()
        .filter(procedure_details::Column::Code.eq(code))
        .find_also_related(document::Entity)
        .one(db)
        .await?;
    Ok(found.and_then(|(p, doc)| Some((p, doc?))))
}

/// The document of the procedure with this code, whatever its state.
pub async fn document_id_of(db: &impl ConnectionTrait, code: &str) -> Result<Option<i32>, StorageError> {
    let found = procedure_details::Entity::find().filter(procedure_details::Column::Code.eq(code)).one(db).await?;
    Ok(found.map(|p| p.document_id))
}

/// The documents of the procedures with these codes, by code; codes of no procedure are
/// left out.
pub async fn document_ids_by_code<'a>(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, i32>, StorageError> {
    let codes: Vec<&str> = codes.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in codes.chunks(500) {
        for p in procedure_details::Entity::find()
            .filter(procedure_details::Column::Code.is_in(chunk.iter().copied()))
            .all(db)
            .await?
        {
            out.insert(p.code, p.document_id);
        }
    }
    Ok(out)
}

/// The codes of the procedures of these documents, by document; documents of no procedure
/// are left out.
pub async fn codes_by_document(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i32>,
) -> Result<HashMap<i32, String>, StorageError> {
    let ids: Vec<i32> = ids.into_iter().collect();
    let mut out = HashMap::new();
    for chunk in ids.chunks(500) {
        for p in procedure_details::Entity::find()
            .filter(procedure_details::Column::DocumentId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            out.insert(p.document_id, p.code);
        }
    }
    Ok(out)
}

/// Rows read with their procedure's document (`find_also_related`), each given the
/// procedure's code; rows whose document is gone or is no procedure are left out. The
/// admin pages' lists (keywords, companions) read this way.
pub async fn with_codes<R>(
    db: &impl ConnectionTrait,
    rows: Vec<(R, Option<document::Model>)>,
    document_id: impl Fn(&R) -> i32,
) -> Result<Vec<(R, document::Model, String)>, StorageError> {
    let codes = codes_by_document(db, rows.iter().map(|(row, _)| document_id(row))).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(row, doc)| {
            let code = codes.get(&document_id(&row))?.clone();
            Some((row, doc?, code))
        })
        .collect())
}

/// Titles of the published procedures among these codes, by code; codes of no published
/// procedure are left out.
pub async fn titles_by_code<'a>(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = &'a str>,
) -> Result<HashMap<String, String>, StorageError> {
    let mut codes: Vec<&str> = codes.into_iter().collect();
    codes.sort_unstable();
    codes.dedup();
    let mut titles = HashMap::new();
    for chunk in codes.chunks(500) {
        let rows = procedure_details::Entity::find()
            .filter(procedure_details::Column::Code.is_in(chunk.iter().copied()))
            .find_also_related(document::Entity)
            .all(db)
            .await?;
        for (p, d) in rows {
            if let Some(d) = d.filter(|d| d.state == "published") {
                titles.insert(p.code, d.title);
            }
        }
    }
    Ok(titles)
}
