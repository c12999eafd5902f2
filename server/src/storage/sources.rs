//! Crawl sources and the items they list: definitions, health, and the per-item memory that
//! lets an unchanged site cost one conditional GET and no writes.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, Set,
};

use super::StorageError;
use super::entity::{crawl_item, source};

/// A source's definition, as the configuration or `motcua sources add` gives it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceDefinition {
    /// Operator-chosen id.
    pub id: String,
    /// The agency.
    pub agency_id: i32,
    /// "feed", "sitemap" or "html".
    pub kind: String,
    /// Feed, sitemap or listing page.
    pub url: String,
    /// Selectors as JSON.
    pub selectors: String,
    /// Seconds between crawls.
    pub interval_secs: i64,
    /// Owned by the configuration file.
    pub from_config: bool,
}

/// Creates a source or updates its definition, keeping its health and items. A changed URL
/// or kind forgets the listing's validators, so the next crawl fetches it whole.
pub async fn put(db: &impl ConnectionTrait, def: &SourceDefinition, now: DateTime<Utc>) -> Result<(), StorageError> {
    match source::Entity::find_by_id(def.id.clone()).one(db).await? {
        Some(row) => {
            let same = row.agency_id == def.agency_id
                && row.kind == def.kind
                && row.url == def.url
                && row.selectors == def.selectors
                && row.interval_secs == def.interval_secs
                && row.from_config == def.from_config
                && row.enabled;
            if !same {
                let moved = row.url != def.url || row.kind != def.kind;
                let mut active = row.into_active_model();
                active.agency_id = Set(def.agency_id);
                active.kind = Set(def.kind.clone());
                active.url = Set(def.url.clone());
                active.selectors = Set(def.selectors.clone());
                active.interval_secs = Set(def.interval_secs);
                active.from_config = Set(def.from_config);
                active.enabled = Set(true);
                if moved {
                    active.listing_etag = Set(None);
                    active.listing_last_modified = Set(None);
                    active.next_run_at = Set(Some(now));
                }
                active.update(db).await?;
            }
        }
        None => {
            source::ActiveModel {
                id: Set(def.id.clone()),
                agency_id: Set(def.agency_id),
                kind: Set(def.kind.clone()),
                url: Set(def.url.clone()),
                selectors: Set(def.selectors.clone()),
                interval_secs: Set(def.interval_secs),
                enabled: Set(true),
                from_config: Set(def.from_config),
                created_at: Set(now),
                listing_etag: Set(None),
                listing_last_modified: Set(None),
                last_run_at: Set(None),
                last_success_at: Set(None),
                last_error: Set(None),
                last_error_at: Set(None),
                failing_since: Set(None),
                consecutive_failures: Set(0),
                items_seen: Set(0),
                next_run_at: Set(Some(now)),
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}

/// Disables the sources the configuration owned but no longer declares (their history and
/// documents stay).
pub async fn disable_config_sources_except(db: &impl ConnectionTrait, keep: &[String]) -> Result<u64, StorageError> {
    let stale = source::Entity::find()
        .filter(source::Column::FromConfig.eq(true))
        .filter(source::Column::Enabled.eq(true))
        .filter(source::Column::Id.is_not_in(keep.iter().cloned()))
        .all(db)
        .await?;
    let n = stale.len() as u64;
    for row in stale {
        let mut active = row.into_active_model();
        active.enabled = Set(false);
        active.update(db).await?;
    }
    Ok(n)
}

/// Removes a source and what it remembers of its items; the documents it brought stay.
pub async fn remove(db: &impl ConnectionTrait, id: &str) -> Result<bool, StorageError> {
    crawl_item::Entity::delete_many().filter(crawl_item::Column::SourceId.eq(id)).exec(db).await?;
    Ok(source::Entity::delete_by_id(id.to_string()).exec(db).await?.rows_affected > 0)
}

/// Every source, by id.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<source::Model>, StorageError> {
    Ok(source::Entity::find().order_by_asc(source::Column::Id).all(db).await?)
}

/// One source.
pub async fn get(db: &impl ConnectionTrait, id: &str) -> Result<Option<source::Model>, StorageError> {
    Ok(source::Entity::find_by_id(id.to_string()).one(db).await?)
}

/// What one crawl of a source ended with, for its health.
#[derive(Clone, Debug)]
pub enum CrawlOutcome {
    /// The listing was read (even if some items failed).
    Success {
        /// Items the listing named.
        items_seen: i64,
        /// New validators of the listing, when it was fetched (not on a 304).
        validators: Option<(Option<String>, Option<String>)>,
        /// Items that failed, summarised, kept as the last error.
        item_errors: Option<String>,
    },
    /// The listing could not be read.
    Failure {
        /// Why, for the operator.
        reason: String,
    },
}

/// Records a crawl's outcome and when the source is due next. Only what changed is written.
pub async fn record_run(
    db: &impl ConnectionTrait,
    id: &str,
    outcome: &CrawlOutcome,
    next_run_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    let Some(row) = source::Entity::find_by_id(id.to_string()).one(db).await? else { return Ok(()) };
    let mut active = row.clone().into_active_model();
    active.last_run_at = Set(Some(now));
    active.next_run_at = Set(Some(next_run_at));
    match outcome {
        CrawlOutcome::Success { items_seen, validators, item_errors } => {
            if let Some(reason) = item_errors {
                active.last_error = Set(Some(reason.clone()));
                active.last_error_at = Set(Some(now));
            }
            active.last_success_at = Set(Some(now));
            active.consecutive_failures = Set(0);
            active.failing_since = Set(None);
            active.items_seen = Set(*items_seen);
            if let Some((etag, last_modified)) = validators {
                active.listing_etag = Set(etag.clone());
                active.listing_last_modified = Set(last_modified.clone());
            }
        }
        CrawlOutcome::Failure { reason } => {
            active.last_error = Set(Some(reason.clone()));
            active.last_error_at = Set(Some(now));
            active.consecutive_failures = Set(row.consecutive_failures.saturating_add(1));
            if row.failing_since.is_none() {
                active.failing_since = Set(Some(now));
            }
        }
    }
    active.update(db).await?;
    Ok(())
}

/// What the crawler remembers of one item of a source.
pub async fn item(
    db: &impl ConnectionTrait,
    source_id: &str,
    url: &str,
) -> Result<Option<crawl_item::Model>, StorageError> {
    Ok(crawl_item::Entity::find()
        .filter(crawl_item::Column::SourceId.eq(source_id))
        .filter(crawl_item::Column::Url.eq(url))
        .one(db)
        .await?)
}

/// Every item of a source.
pub async fn items(db: &impl ConnectionTrait, source_id: &str) -> Result<Vec<crawl_item::Model>, StorageError> {
    Ok(crawl_item::Entity::find().filter(crawl_item::Column::SourceId.eq(source_id)).all(db).await?)
}

/// An item stored under another source with the same fingerprint: the same article
/// syndicated elsewhere.
pub async fn item_with_fingerprint(
    db: &impl ConnectionTrait,
    fingerprint: &str,
    other_than_source: &str,
) -> Result<Option<crawl_item::Model>, StorageError> {
    Ok(crawl_item::Entity::find()
        .filter(crawl_item::Column::Fingerprint.eq(fingerprint))
        .filter(crawl_item::Column::SourceId.ne(other_than_source))
        .filter(crawl_item::Column::State.eq("stored"))
        .order_by_asc(crawl_item::Column::Id)
        .one(db)
        .await?)
}

/// The crawler's memory of an item after a visit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemRecord {
    /// Source.
    pub source_id: String,
    /// Page URL.
    pub url: String,
    /// Listing entry hash.
    pub entry_hash: Option<String>,
    /// Page ETag.
    pub etag: Option<String>,
    /// Page Last-Modified.
    pub last_modified: Option<String>,
    /// Syndication fingerprint.
    pub fingerprint: Option<String>,
    /// Document.
    pub document_id: Option<i32>,
    /// "stored", "duplicate", "withdrawn" or "failed".
    pub state: String,
}

/// Writes an item's record, only when something other than the time it was seen changed
/// (so a crawl of an unchanged site writes nothing).
pub async fn save_item(
    db: &impl ConnectionTrait,
    record: &ItemRecord,
    existing: Option<crawl_item::Model>,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    match existing {
        Some(row) => {
            let same = row.entry_hash == record.entry_hash
                && row.etag == record.etag
                && row.last_modified == record.last_modified
                && row.fingerprint == record.fingerprint
                && row.document_id == record.document_id
                && row.state == record.state;
            if !same {
                let mut active = row.into_active_model();
                active.entry_hash = Set(record.entry_hash.clone());
                active.etag = Set(record.etag.clone());
                active.last_modified = Set(record.last_modified.clone());
                active.fingerprint = Set(record.fingerprint.clone());
                active.document_id = Set(record.document_id);
                active.state = Set(record.state.clone());
                active.last_seen_at = Set(now);
                active.update(db).await?;
            }
        }
        None => {
            crawl_item::ActiveModel {
                source_id: Set(record.source_id.clone()),
                url: Set(record.url.clone()),
                entry_hash: Set(record.entry_hash.clone()),
                etag: Set(record.etag.clone()),
                last_modified: Set(record.last_modified.clone()),
                fingerprint: Set(record.fingerprint.clone()),
                document_id: Set(record.document_id),
                state: Set(record.state.clone()),
                last_seen_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
        }
    }
    Ok(())
}
