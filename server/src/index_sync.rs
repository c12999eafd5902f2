//! Keeps this node's search index in step with the database by tailing the change log from
//! the last sequence the index committed. The database is the only source of truth: a new
//! or damaged index is rebuilt from it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use motcua_app::domain::AgencyLevel;
use motcua_search::{IndexBatch, IndexDocument, SearchIndex};
use motcua_server::curated::keywords::KEYWORDS;
use motcua_server::curated::related::RELATIONS;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Notify;

use crate::storage::StorageError;
use crate::storage::entity::{agency, change_log, document, procedure_details};

/// Change-log rows read and committed per batch. A backlog (an import while no server ran)
/// is applied in batches this large: commits of 500 documents indexed at about half the rate
/// of commits of 5,000–10,000 (BENCHMARKS.md, session 12); a few new rows commit at once.
const BATCH: u64 = 5_000;

/// Errors of index synchronisation.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// Reading the database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// Writing the index failed.
    #[error(transparent)]
    Index(#[from] motcua_search::SearchError),
    /// A blocking index task panicked.
    #[error("index task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
}

impl From<sea_orm::DbErr> for SyncError {
    fn from(e: sea_orm::DbErr) -> Self {
        SyncError::Storage(StorageError::Db(e))
    }
}

/// Applies every change-log row after the index's sequence; returns how many rows it read.
pub async fn catch_up(db: &DatabaseConnection, index: &Arc<SearchIndex>) -> Result<usize, SyncError> {
    let mut total = 0;
    loop {
        let applied = index.applied_sequence()?.unwrap_or(0);
        let rows = change_log::Entity::find()
            .filter(change_log::Column::Seq.gt(applied))
            .order_by_asc(change_log::Column::Seq)
            .limit(BATCH)
            .all(db)
            .await?;
        let Some(last) = rows.last().map(|r| r.seq) else { return Ok(total) };
        total += rows.len();
        let ids: BTreeSet<i32> = rows.iter().map(|r| r.document_id).collect();
        let docs = load(db, Some(ids.iter().copied().collect())).await?;
        let present: BTreeSet<i32> = docs.iter().map(|d| d.id as i32).collect();
        let batch = IndexBatch {
            deletes: ids.difference(&present).map(|id| i64::from(*id)).collect(),
            upserts: docs,
            sequence: last,
        };
        let index = index.clone();
        tokio::task::spawn_blocking(move || index.apply(batch)).await??;
    }
}

/// Change-log rows past which a catch-up counts as a bulk load, merged into one segment.
const COMPACT_AFTER_ROWS: usize = 20_000;

/// Catches up at start; a large backlog (an import while no server ran) is then merged into
/// one segment, as after a rebuild.
pub async fn catch_up_at_start(db: &DatabaseConnection, index: &Arc<SearchIndex>) -> Result<usize, SyncError> {
    let rows = catch_up(db, index).await?;
    if rows >= COMPACT_AFTER_ROWS {
        compact(index).await?;
    }
    Ok(rows)
}

/// Merges the index into one segment (in a blocking task: it takes seconds per 100k
/// documents). Only searches are slower if it fails, so a failure is logged, not returned.
async fn compact(index: &Arc<SearchIndex>) -> Result<(), SyncError> {
    let index = index.clone();
    if let Err(e) = tokio::task::spawn_blocking(move || index.compact()).await? {
        tracing::warn!(error = %e, "could not merge the search index into one segment; searches stay correct");
    }
    Ok(())
}

/// Empties the index and fills it with every published document, ending at the current
/// end of the change log.
pub async fn rebuild(db: &DatabaseConnection, index: &Arc<SearchIndex>) -> Result<u64, SyncError> {
    let last = change_log::Entity::find().order_by_desc(change_log::Column::Seq).one(db).await?.map_or(0, |r| r.seq);
    {
        let index = index.clone();
        tokio::task::spawn_blocking(move || index.clear()).await??;
    }
    let docs = load(db, None).await?;
    let count = docs.len() as u64;
    let index2 = index.clone();
    tokio::task::spawn_blocking(move || index2.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: last }))
        .await??;
    // Changes that landed while we read are applied now.
    catch_up(db, index).await?;
    // One segment instead of the many a bulk load leaves: at a million documents, search
    // p50 −30% and p99 −45% for a merge of about 25 s (BENCHMARKS.md).
    compact(index).await?;
    Ok(count)
}

/// Published documents (all, or those with the given ids) as the index sees them.
async fn load(db: &DatabaseConnection, ids: Option<Vec<i32>>) -> Result<Vec<IndexDocument>, SyncError> {
    let mut query = document::Entity::find().filter(document::Column::State.eq("published"));
    if let Some(ids) = ids {
        query = query.filter(document::Column::Id.is_in(ids));
    }
    let rows = query.find_also_related(agency::Entity).all(db).await?;
    let procedure_ids: Vec<i32> = rows.iter().filter(|(d, _)| d.kind == "procedure").map(|(d, _)| d.id).collect();
    let mut codes = std::collections::HashMap::new();
    let mut tags: std::collections::HashMap<i32, Vec<String>> = std::collections::HashMap::new();
    let mut levels: std::collections::HashMap<i32, Vec<String>> = std::collections::HashMap::new();
    let mut topics = std::collections::HashMap::new();
    for chunk in procedure_ids.chunks(500) {
        for p in procedure_details::Entity::find()
            .filter(procedure_details::Column::DocumentId.is_in(chunk.to_vec()))
            .all(db)
            .await?
        {
            tags.insert(p.document_id, ranking_tags(&p));
            levels.insert(p.document_id, procedure_levels(&p.levels));
            if let Some(topic) = p.field.filter(|f| !f.trim().is_empty()) {
                topics.insert(p.document_id, topic);
            }
            codes.insert(p.document_id, p.code);
        }
    }
    let companion_titles = crate::storage::procedures::titles_by_code(
        db,
        codes.values().flat_map(|code| RELATIONS.companion_of(code)).map(String::as_str),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(d, a)| {
            // A procedure's levels are where it is carried out; anything else's, the level of
            // the agency that published it.
            let levels = levels.remove(&d.id).unwrap_or_else(|| a.iter().map(|a| a.level.clone()).collect());
            let (agency, agency_name) = a.map(|a| (a.slug, a.name)).unwrap_or_default();
            // A procedure's curated keywords and companions, by its code.
            let code = codes.remove(&d.id);
            let keywords = code.as_deref().map(|c| KEYWORDS.of(c)).unwrap_or_default();
            let companion_of =
                code.as_deref().map_or_else(Vec::new, |own| RELATIONS.companion_of_for_index(own, &companion_titles));
            IndexDocument {
                id: i64::from(d.id),
                year: d.published_at.map(|t| chrono::Datelike::year(&t)),
                published: d.published_at.map(|t| t.timestamp()),
                kind: d.kind,
                agency,
                agency_name,
                content: if d.summary.is_empty() { d.body_text } else { format!("{}\n{}", d.summary, d.body_text) },
                title: d.title,
                keywords,
                companion_of,
                code,
                tags: tags.remove(&d.id).unwrap_or_default(),
                levels,
                topic: topics.remove(&d.id),
                url: d.path,
            }
        })
        .collect())
}

/// Ranking labels of a procedure: "citizen" when individuals may use it, "local" when a
/// province or commune carries it out, "common" when it is one of the procedures citizens
/// commonly need (those given search keywords): what a portal without usage figures
/// knows of popularity.
fn ranking_tags(p: &procedure_details::Model) -> Vec<String> {
    let mut tags = Vec::new();
    let audience = p.audience.as_deref().unwrap_or_default().to_lowercase();
    if ["công dân", "cá nhân", "người việt nam", "hộ gia đình", "người nước ngoài"].iter().any(|w| audience.contains(w))
    {
        tags.push("citizen".to_string());
    }
    if p.levels.contains("Cấp tỉnh") || p.levels.contains("Cấp xã") {
        tags.push("local".to_string());
    }
    if KEYWORDS.lists(&p.code) {
        tags.push("common".to_string());
    }
    tags
}

/// The levels a procedure is carried out at (stored as a JSON list of the national data's
/// names), as the level names agencies use ("Cấp tỉnh" → "province").
fn procedure_levels(stored: &str) -> Vec<String> {
    let levels: Vec<String> = serde_json::from_str(stored).unwrap_or_default();
    let mut out: Vec<String> = Vec::new();
    for level in levels.iter().filter(|l| !l.trim().is_empty()) {
        let name = AgencyLevel::of_procedure_level(level).as_str();
        if !out.iter().any(|o| o == name) {
            out.push(name.to_string());
        }
    }
    out
}

/// Runs until `shutdown` fires: catches up whenever `wake` is notified or the poll interval
/// passes. Errors are logged and retried; search keeps serving the last good index.
pub async fn run(
    db: DatabaseConnection,
    index: Arc<SearchIndex>,
    wake: Arc<Notify>,
    poll: Duration,
    shutdown: crate::shutdown::Shutdown,
) {
    loop {
        match catch_up(&db, &index).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(changes = n, "search index caught up"),
            Err(e) => tracing::error!("search index sync failed, will retry: {e}"),
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(poll) => {}
            _ = shutdown.wait() => return,
        }
    }
}
