//! The one path in for every document: upsert by origin key, a content hash making an
//! unchanged item a no-op, and a change-log row in the same transaction as every change.

use chrono::{DateTime, Utc};
use motcua_app::domain::ProcedureDetails;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait,
    QueryFilter, Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::StorageError;
use super::entity::{change_log, document, procedure_details};

/// A document as a door (import, crawler, editor) hands it in.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DocumentInput {
    /// "procedure", "announcement" or "page".
    pub kind: String,
    /// Publishing agency id.
    pub agency_id: i32,
    /// Title, canonical text.
    pub title: String,
    /// Plain-text summary.
    pub summary: String,
    /// Sanitised HTML body.
    pub body_html: String,
    /// Plain text for the index.
    pub body_text: String,
    /// Path on the portal.
    pub path: String,
    /// Upsert key.
    pub origin_key: String,
    /// Original page.
    pub origin_url: Option<String>,
    /// Publication time at the source.
    pub published_at: Option<DateTime<Utc>>,
    /// Lifecycle state.
    pub state: String,
    /// Structured details of a procedure.
    pub procedure: Option<ProcedureDetails>,
}

/// What an upsert did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upserted {
    /// A new document.
    Created(i32),
    /// An existing document changed.
    Updated(i32),
    /// Same content hash: nothing written.
    Unchanged(i32),
}

/// SHA-256 of everything stored about a document, hex.
pub fn content_hash(input: &DocumentInput) -> Result<String, StorageError> {
    let bytes = serde_json::to_vec(input)?;
    Ok(hex::encode(Sha256::digest(&bytes)))
}

/// Inserts or updates a document keyed by `origin_key`, with its procedure details and a
/// change-log row, in one transaction.
pub async fn upsert(
    db: &DatabaseConnection,
    input: &DocumentInput,
    now: DateTime<Utc>,
) -> Result<Upserted, StorageError> {
    let hash = content_hash(input)?;
    let txn = begin_logged_write(db).await?;
    let existing = document::Entity::find().filter(document::Column::OriginKey.eq(&input.origin_key)).one(&txn).await?;
    let outcome = match existing {
        Some(row) if row.content_hash == hash => Upserted::Unchanged(row.id),
        Some(row) => {
            let id = row.id;
            let created_at = row.created_at;
            let mut active: document::ActiveModel = row.into();
            fill(&mut active, input, &hash, now, created_at);
            active.update(&txn).await?;
            procedure_details::Entity::delete_by_id(id).exec(&txn).await?;
            write_details(&txn, id, input).await?;
            log_change(&txn, id, "updated", now).await?;
            Upserted::Updated(id)
        }
        None => {
            let mut active = <document::ActiveModel as Default>::default();
            fill(&mut active, input, &hash, now, now);
            let row = active.insert(&txn).await?;
            write_details(&txn, row.id, input).await?;
            log_change(&txn, row.id, "created", now).await?;
            Upserted::Created(row.id)
        }
    };
    txn.commit().await?;
    Ok(outcome)
}

fn fill(
    active: &mut document::ActiveModel,
    input: &DocumentInput,
    hash: &str,
    now: DateTime<Utc>,
    created_at: DateTime<Utc>,
) {
    active.kind = Set(input.kind.clone());
    active.agency_id = Set(input.agency_id);
    active.title = Set(input.title.clone());
    active.summary = Set(input.summary.clone());
    active.body_html = Set(input.body_html.clone());
    active.body_text = Set(input.body_text.clone());
    active.path = Set(input.path.clone());
    active.origin_key = Set(input.origin_key.clone());
    active.origin_url = Set(input.origin_url.clone());
    active.published_at = Set(input.published_at);
    active.updated_at = Set(now);
    active.created_at = Set(created_at);
    active.state = Set(input.state.clone());
    active.content_hash = Set(hash.to_string());
    active.state_note = Set(None);
}

/// Withdraws a document whose origin has gone: it leaves search and listings, and its page
/// says why instead of vanishing. Its hash is changed so that the item coming back at its
/// origin is an update, not a no-op. `false` when it was not published.
pub async fn withdraw(db: &DatabaseConnection, id: i32, note: &str, now: DateTime<Utc>) -> Result<bool, StorageError> {
    retire(db, id, "withdrawn", Some(note), now).await
}

/// Takes a document out of search and listings into `state`: `withdrawn` (its page stays,
/// saying why, the `note`), `redirected` (its page answers 301 to the `note`) or `gone` (its
/// page answers 410). `false` when it was not public, or is in that state already.
pub async fn retire(
    db: &DatabaseConnection,
    id: i32,
    state: &str,
    note: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let txn = begin_logged_write(db).await?;
    let Some(row) = document::Entity::find_by_id(id).one(&txn).await? else { return Ok(false) };
    if !matches!(row.state.as_str(), "published" | "withdrawn" | "redirected") || row.state == state {
        return Ok(false);
    }
    let hash = format!("{state}:{}", row.content_hash);
    let mut active: document::ActiveModel = row.into();
    active.state = Set(state.to_string());
    active.state_note = Set(note.map(str::to_string));
    active.content_hash = Set(hash);
    active.updated_at = Set(now);
    active.update(&txn).await?;
    log_change(&txn, id, state, now).await?;
    txn.commit().await?;
    Ok(true)
}

async fn write_details(db: &impl ConnectionTrait, document_id: i32, input: &DocumentInput) -> Result<(), StorageError> {
    let Some(p) = &input.procedure else { return Ok(()) };
    procedure_details::ActiveModel {
        document_id: Set(document_id),
        code: Set(p.code.clone()),
        field: Set(p.field.clone()),
        levels: Set(serde_json::to_string(&p.levels)?),
        audience: Set(p.audience.clone()),
        steps: Set(serde_json::to_string(&p.steps)?),
        required_documents: Set(serde_json::to_string(&p.required_documents)?),
        channels: Set(serde_json::to_string(&p.channels)?),
        conditions: Set(p.conditions.clone()),
        result: Set(p.result.clone()),
        legal_basis: Set(serde_json::to_string(&p.legal_basis)?),
        implementing_agency: Set(p.implementing_agency.clone()),
        competent_agency: Set(p.competent_agency.clone()),
        decision: Set(p.decision.clone()),
        procedure_type: Set(p.procedure_type.clone()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// A write transaction that will add change-log rows. On PostgreSQL it first serialises
/// such writers, so change-log sequences commit in order: a node tailing the log never
/// skips a row that commits late.
pub(super) async fn begin_logged_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, StorageError> {
    let txn = super::begin_write(db).await?;
    if txn.get_database_backend() == DbBackend::Postgres {
        txn.execute_unprepared("SELECT pg_advisory_xact_lock(7283001)").await?;
    }
    Ok(txn)
}

/// Tells the index sync that a document changed (`created`, `updated`, or its new state),
/// in the writer's transaction.
pub(super) async fn log_change(
    db: &impl ConnectionTrait,
    document_id: i32,
    change: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    change_log::ActiveModel {
        document_id: Set(document_id),
        change: Set(change.to_string()),
        changed_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}
