//! Keeps this node's search index in step with the database by tailing the change log from
//! the last sequence the index committed. The database is the only source of truth: a new
//! or damaged index is rebuilt from it.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use motcua_app::domain::AgencyLevel;
use motcua_search::{IndexBatch, IndexDocument, SearchIndex};
use motcua_server::curated::keywords::KEYWORDS;
use motcua_server::curated::related::Relations;
use motcua_server::ranking::procedure_tags;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tokio::sync::Notify;

use crate::storage::StorageError;
use crate::storage::entity::{agency, change_log, document, procedure_details};

/// Change-log rows read per batch: a few new rows commit at once; a backlog (an import while
/// no server ran) is read in batches this large and committed every [`COMMIT_EVERY_ROWS`]
/// (commits of 500 documents indexed at about half the rate of commits of 5,000–10,000:
/// BENCHMARKS.md, session 12).
const BATCH: u64 = 5_000;

/// Change-log rows of a backlog staged between commits: each commit makes a segment, merged
/// again as segments add up, and at a million documents commits of 50,000 index more per
/// CPU-second than commits of 10,000 (BENCHMARKS.md, session 25). Searches see a backlog
/// this often; a crash loses only what is staged, which the next start reads again.
const COMMIT_EVERY_ROWS: usize = 50_000;

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
    catch_up_in(db, index, BATCH, COMMIT_EVERY_ROWS).await
}

/// [`catch_up`], reading `batch` rows at a time and committing a backlog every
/// `commit_every` rows (tests make both small).
async fn catch_up_in(
    db: &DatabaseConnection,
    index: &Arc<SearchIndex>,
    batch: u64,
    commit_every: usize,
) -> Result<usize, SyncError> {
    let mut after = index.applied_sequence()?.unwrap_or(0);
    // Rows read in all, and staged since the last commit.
    let (mut total, mut staged) = (0, 0);
    loop {
        let rows = change_log::Entity::find()
            .filter(change_log::Column::Seq.gt(after))
            .order_by_asc(change_log::Column::Seq)
            .limit(batch)
            .all(db)
            .await?;
        let Some(last) = rows.last().map(|r| r.seq) else {
            if staged > 0 {
                // A backlog that ended on a full batch: commit what it staged.
                let index = index.clone();
                let empty = IndexBatch { sequence: after, ..IndexBatch::default() };
                tokio::task::spawn_blocking(move || index.apply(empty)).await??;
            }
            return Ok(total);
        };
        total += rows.len();
        staged += rows.len();
        let ids: BTreeSet<i32> = rows.iter().map(|r| r.document_id).collect();
        let docs = load(db, Some(ids.iter().copied().collect())).await?;
        let present: BTreeSet<i32> = docs.iter().map(|d| d.id as i32).collect();
        let changes = IndexBatch {
            deletes: ids.difference(&present).map(|id| i64::from(*id)).collect(),
            upserts: docs,
            sequence: last,
        };
        // A full batch may have more behind it: a backlog is committed every so often.
        let commit = (rows.len() as u64) < batch || staged >= commit_every;
        let index = index.clone();
        if commit {
            tokio::task::spawn_blocking(move || index.apply(changes)).await??;
            staged = 0;
        } else {
            tokio::task::spawn_blocking(move || index.stage(changes)).await??;
        }
        after = last;
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
            tags.insert(p.document_id, procedure_tags(&p.code, p.audience.as_deref().unwrap_or_default(), &p.levels));
            levels.insert(p.document_id, procedure_levels(&p.levels));
            if let Some(topic) = p.field.filter(|f| !f.trim().is_empty()) {
                topics.insert(p.document_id, topic);
            }
            codes.insert(p.document_id, p.code);
        }
    }
    let mut added_keywords = crate::storage::search_keywords::of_documents(db, &procedure_ids).await?;
    let relations = Relations::with_edits(&crate::storage::companions::edits(db).await?);
    let companion_titles = crate::storage::procedures::titles_by_code(
        db,
        codes.values().flat_map(|code| relations.companion_of(code)).map(String::as_str),
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|(d, a)| {
            // A procedure's levels are where it is carried out; anything else's, the level of
            // the agency that published it.
            let levels = levels.remove(&d.id).unwrap_or_else(|| a.iter().map(|a| a.level.clone()).collect());
            let (agency, agency_name) = a.map(|a| (a.slug, a.name)).unwrap_or_default();
            // A procedure's curated keywords and companions (or the companion lists
            // administrators set), by its code, and the keywords administrators added.
            let code = codes.remove(&d.id);
            let mut keywords = code.as_deref().map(|c| KEYWORDS.of(c)).unwrap_or_default();
            for added in added_keywords.remove(&d.id).unwrap_or_default() {
                if !keywords.contains(&added) {
                    keywords.push(added);
                }
            }
            let companion_of =
                code.as_deref().map_or_else(Vec::new, |own| relations.companion_of_for_index(own, &companion_titles));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::agencies::{self, AgencyInput};
    use crate::storage::documents::{self, DocumentInput};
    use motcua_search::SearchRequest;

    /// Publishes an announcement; returns its document id.
    async fn publish(db: &DatabaseConnection, agency_id: i32, key: &str, title: &str) -> i32 {
        let input = DocumentInput {
            kind: "announcement".into(),
            agency_id,
            title: title.into(),
            summary: String::new(),
            body_html: "<p>Nội dung</p>".into(),
            body_text: "Nội dung".into(),
            path: format!("/tin-tuc/{key}"),
            origin_key: format!("test:{key}"),
            origin_url: None,
            published_at: None,
            state: "published".into(),
            procedure: None,
        };
        match documents::upsert(db, &input, chrono::Utc::now()).await.expect("upsert") {
            documents::Upserted::Created(id)
            | documents::Upserted::Updated(id)
            | documents::Upserted::Unchanged(id) => id,
        }
    }

    #[tokio::test]
    async fn a_backlog_is_staged_and_committed_whole_at_its_end() {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::storage::connect(&url).await.expect("connect");
        crate::storage::migrate(&db).await.expect("migrate");
        let agency = AgencyInput {
            slug: "ubnd-xa-a".into(),
            name: "UBND xã A".into(),
            level: AgencyLevel::Commune,
            parent_id: None,
            admin_code: None,
            website: None,
        };
        let agency_id = agencies::ensure(&db, &agency, chrono::Utc::now()).await.expect("agency");
        // Six rows read two at a time, committed every three: stage, commit, stage, and the
        // last full batch is committed when an empty read ends the backlog.
        let mut ids = Vec::new();
        for i in 0..5 {
            ids.push(publish(&db, agency_id, &format!("n{i}"), &format!("Thông báo số {i}")).await);
        }
        publish(&db, agency_id, "n0", "Thông báo số 0 đã sửa").await;
        let index = Arc::new(SearchIndex::in_memory().expect("index"));
        assert_eq!(catch_up_in(&db, &index, 2, 3).await.expect("catch up"), 6);
        let last = change_log::Entity::find().order_by_desc(change_log::Column::Seq).one(&db).await.expect("log");
        assert_eq!(index.applied_sequence().expect("sequence"), last.map(|r| r.seq));
        assert_eq!(index.num_docs(), 5, "one document per id, its last version");
        let found = index.search(&SearchRequest { text: "đã sửa".into(), limit: 10, ..Default::default() });
        assert_eq!(found.expect("search").hits.iter().map(|h| h.id).collect::<Vec<_>>(), [i64::from(ids[0])]);
        assert_eq!(catch_up_in(&db, &index, 2, 3).await.expect("again"), 0, "nothing left to read");
    }
}
