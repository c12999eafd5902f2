//! The crawl door: merging agency websites into the portal without asking them to change.
//!
//! A source (a feed, a sitemap or listing pages of one agency) is read with a conditional
//! GET; each item it names is fetched only when the listing says something new about it,
//! decoded to canonical Vietnamese, its main content extracted and sanitised, and handed to
//! [`documents::upsert`], the one path in shared with imports and editors. Items that vanish
//! from a sitemap or answer 404/410 are withdrawn with a note, never silently deleted; the
//! same article syndicated by two sites is kept once. Health is recorded on the source.

pub mod decode;
pub mod extract;
pub mod fetch;
pub mod listing;
pub mod schedule;

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use motcua_search::normalize::{fold, slugify};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tokio::sync::Notify;
use url::Url;

pub use extract::Selectors;
use fetch::{FetchError, FetchPolicy, Fetched, Fetcher, Validators};
use listing::{Entry, Sitemap};

use crate::config::CrawlerConfig;
use crate::storage::StorageError;
use crate::storage::documents::{self, DocumentInput, Upserted};
use crate::storage::entity::{agency, crawl_item, document, source};
use crate::storage::sources::{self, CrawlOutcome, ItemRecord, SourceDefinition};
use crate::text::paragraphs_to_html;

/// What a source is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceKind {
    /// RSS 2.0, RSS 1.0 or Atom.
    Feed,
    /// A sitemap or sitemap index.
    Sitemap,
    /// Listing pages read with CSS selectors.
    Html,
}

impl SourceKind {
    /// Parses the stored or configured name.
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "feed" => Some(Self::Feed),
            "sitemap" => Some(Self::Sitemap),
            "html" => Some(Self::Html),
            _ => None,
        }
    }
}

/// Errors that stop a crawl command as a whole (a failing site does not).
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// A source definition is wrong.
    #[error("source {id}: {reason}")]
    Definition {
        /// The source.
        id: String,
        /// What is wrong.
        reason: String,
    },
    /// The HTTP client could not be built.
    #[error("cannot start the crawler: {0}")]
    Client(#[from] FetchError),
}

impl From<sea_orm::DbErr> for CrawlError {
    fn from(e: sea_orm::DbErr) -> Self {
        CrawlError::Storage(e.into())
    }
}

/// A source as `motcua sources add` or the configuration file states it, not yet checked.
pub struct SourceSpec<'a> {
    /// Id ("so-tu-phap-tin-tuc").
    pub id: &'a str,
    /// Slug of its agency.
    pub agency_slug: &'a str,
    /// "feed", "sitemap" or "html".
    pub kind: &'a str,
    /// The feed, sitemap or listing page.
    pub url: &'a str,
    /// Seconds between crawls.
    pub interval_secs: u64,
    /// CSS selectors of an HTML source.
    pub selectors: &'a Selectors,
    /// Stated in the configuration file, which then owns it.
    pub from_config: bool,
}

/// A source as `motcua sources add` or the configuration file defines it, checked.
pub async fn define_source(db: &DatabaseConnection, spec: &SourceSpec<'_>) -> Result<SourceDefinition, CrawlError> {
    let SourceSpec { id, agency_slug, kind, url, interval_secs, selectors, from_config } = *spec;
    let bad = |reason: String| CrawlError::Definition { id: id.to_string(), reason };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(bad("the id may hold only ASCII letters, digits, '-' and '_'".into()));
    }
    if SourceKind::parse(kind).is_none() {
        return Err(bad(format!("kind {kind:?} is not one of \"feed\", \"sitemap\", \"html\"")));
    }
    let parsed = Url::parse(url).map_err(|e| bad(format!("url {url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(bad(format!("url {url:?} is not http(s)")));
    }
    selectors.validate().map_err(|e| bad(e.to_string()))?;
    if interval_secs < 10 {
        return Err(bad("interval_secs must be at least 10".into()));
    }
    let agency = crate::storage::agencies::by_slug(db, agency_slug).await?;
    let Some(agency) = agency else {
        return Err(bad(format!("no agency with slug {agency_slug:?} (agencies are listed at /co-quan)")));
    };
    Ok(SourceDefinition {
        id: id.to_string(),
        agency_id: agency.id,
        kind: kind.to_string(),
        url: parsed.to_string(),
        selectors: serde_json::to_string(selectors).map_err(StorageError::from)?,
        interval_secs: i64::try_from(interval_secs).unwrap_or(i64::MAX),
        from_config,
    })
}

/// Brings the sources of the configuration file into the database: new ones added, changed
/// ones updated, removed ones disabled.
pub async fn sync_config_sources(db: &DatabaseConnection, config: &CrawlerConfig) -> Result<(), CrawlError> {
    let now = Utc::now();
    let mut ids = Vec::new();
    for s in &config.sources {
        let spec = SourceSpec {
            id: &s.id,
            agency_slug: &s.agency,
            kind: &s.kind,
            url: &s.url,
            interval_secs: s.interval_secs.unwrap_or(config.interval_secs),
            selectors: &s.selectors,
            from_config: true,
        };
        let def = define_source(db, &spec).await?;
        sources::put(db, &def, now).await?;
        ids.push(s.id.clone());
    }
    sources::disable_config_sources_except(db, &ids).await?;
    Ok(())
}

/// What one crawl of a source did.
#[derive(Clone, Debug, Default)]
pub struct SourceReport {
    /// The source.
    pub source: String,
    /// Items the listing named.
    pub items_seen: usize,
    /// New documents.
    pub created: usize,
    /// Changed documents.
    pub updated: usize,
    /// Items with nothing new (not fetched, 304, or same content).
    pub unchanged: usize,
    /// Documents withdrawn because their origin has gone.
    pub withdrawn: usize,
    /// Items kept once because another site published them first.
    pub duplicates: usize,
    /// Items that failed: (URL, reason).
    pub failed: Vec<(String, String)>,
    /// Pages read despite a fault of the site, such as a charset declaration their bytes
    /// contradict: (URL, what was wrong).
    pub repaired: Vec<(String, String)>,
    /// Why the listing itself could not be read.
    pub error: Option<String>,
}

impl std::fmt::Display for SourceReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.error {
            Some(e) => write!(f, "{}: failed: {e}", self.source),
            None => write!(
                f,
                "{}: {} items, {} created, {} updated, {} unchanged, {} withdrawn, {} duplicates, {} failed",
                self.source,
                self.items_seen,
                self.created,
                self.updated,
                self.unchanged,
                self.withdrawn,
                self.duplicates,
                self.failed.len()
            ),
        }
    }
}

/// Child sitemaps read from one sitemap index.
const MAX_CHILD_SITEMAPS: usize = 200;

/// The crawler: one polite HTTP client shared by every source.
pub struct Crawler {
    db: DatabaseConnection,
    fetcher: Fetcher,
    /// Woken after a change so the index picks it up at once.
    wake: Option<Arc<Notify>>,
    /// Set when the server stops: a crawl ends after the item in hand.
    stop: Option<crate::shutdown::Shutdown>,
}

impl Crawler {
    /// A crawler with the configured politeness.
    pub fn new(
        db: DatabaseConnection,
        config: &CrawlerConfig,
        wake: Option<Arc<Notify>>,
        stop: Option<crate::shutdown::Shutdown>,
    ) -> Result<Self, CrawlError> {
        let fetcher = Fetcher::new(FetchPolicy {
            user_agent: config.user_agent.clone(),
            host_delay: Duration::from_millis(config.host_delay_ms),
            timeout: Duration::from_millis(config.timeout_ms.max(1)),
            max_body_bytes: config.max_body_bytes,
            max_redirects: config.max_redirects,
            retries: config.retries,
            backoff: Duration::from_millis(config.backoff_ms),
        })?;
        Ok(Self { db, fetcher, wake, stop })
    }

    fn stopping(&self) -> bool {
        self.stop.as_ref().is_some_and(|s| *s.0.borrow())
    }

    /// Crawls one source and records its health and next run. Errors of the site are in
    /// the report; only a database failure is an `Err`.
    pub async fn crawl(&self, source: &source::Model) -> Result<SourceReport, CrawlError> {
        let started = Utc::now();
        let mut report = SourceReport { source: source.id.clone(), ..Default::default() };
        let outcome = match self.crawl_listing(source, &mut report).await {
            Ok(validators) => {
                // With an item failing, the listing is read whole next time so the item is
                // retried even if the listing itself has not changed.
                let validators = if report.failed.is_empty() { validators } else { Some((None, None)) };
                let failed = report.failed.first().map(|(url, reason)| {
                    format!("{} of {} items failed; first: {url}: {reason}", report.failed.len(), report.items_seen)
                });
                let repaired = report.repaired.first().map(|(url, reason)| {
                    format!("pages read despite a fault: {}; first: {url}: {reason}", report.repaired.len())
                });
                let problems: Vec<String> = [failed, repaired].into_iter().flatten().collect();
                let item_errors = (!problems.is_empty()).then(|| problems.join("; "));
                CrawlOutcome::Success { items_seen: report.items_seen as i64, validators, item_errors }
            }
            Err(ListingFailure::Site(reason)) => {
                report.error = Some(reason.clone());
                CrawlOutcome::Failure { reason }
            }
            Err(ListingFailure::Storage(e)) => return Err(e.into()),
        };
        let interval = source.interval_secs.max(10) as f64;
        let jittered = interval * (0.9 + fastrand::f64() * 0.2);
        let next = started + chrono::Duration::milliseconds((jittered * 1000.0) as i64);
        sources::record_run(&self.db, &source.id, &outcome, next, Utc::now()).await?;
        Ok(report)
    }

    async fn crawl_listing(
        &self,
        source: &source::Model,
        report: &mut SourceReport,
    ) -> Result<Option<(Option<String>, Option<String>)>, ListingFailure> {
        let kind = SourceKind::parse(&source.kind)
            .ok_or_else(|| ListingFailure::Site(format!("unknown kind {:?}", source.kind)))?;
        let selectors: Selectors = serde_json::from_str(&source.selectors).unwrap_or_default();
        let url = Url::parse(&source.url).map_err(|e| ListingFailure::Site(format!("bad url: {e}")))?;
        let validators =
            Validators { etag: source.listing_etag.clone(), last_modified: source.listing_last_modified.clone() };
        let page = match self.fetcher.get(&url, &validators).await {
            Ok(Fetched::NotModified) => {
                report.items_seen = usize::try_from(source.items_seen).unwrap_or(0);
                report.unchanged = report.items_seen;
                return Ok(None);
            }
            Ok(Fetched::Body(page)) => page,
            Err(e) => return Err(ListingFailure::Site(format!("{url}: {e}"))),
        };
        let (text, decoded) = decode::decode(&page.body, page.content_type.as_deref());
        if let Some(fault) = decoded.fault() {
            report.repaired.push((url.to_string(), fault));
        }
        let mut complete = true;
        let mut forget_validators = false;
        let entries = match kind {
            SourceKind::Feed => {
                listing::feed_entries(&text, &page.url).map_err(|e| ListingFailure::Site(format!("{url}: {e}")))?
            }
            SourceKind::Html => extract::listing_links(&text, &page.url, selectors.links.as_deref())
                .map_err(|e| ListingFailure::Site(e.to_string()))?
                .into_iter()
                .map(listing::link_entry)
                .collect(),
            SourceKind::Sitemap => {
                match listing::sitemap(&text, &page.url).map_err(|e| ListingFailure::Site(format!("{url}: {e}")))? {
                    Sitemap::Pages(p) => p,
                    Sitemap::Index(children) => {
                        // An unchanged index says nothing of its children: read it every time.
                        forget_validators = true;
                        let mut all = Vec::new();
                        for child in children.into_iter().take(MAX_CHILD_SITEMAPS) {
                            match self.child_sitemap(&child).await {
                                Ok(p) => all.extend(p),
                                Err(reason) => {
                                    complete = false;
                                    report.failed.push((child.to_string(), reason));
                                }
                            }
                        }
                        all
                    }
                }
            }
        };
        let mut listed = HashSet::new();
        let entries: Vec<Entry> = entries.into_iter().filter(|e| listed.insert(e.url.to_string())).collect();
        report.items_seen = entries.len();
        let agency = agency::Entity::find_by_id(source.agency_id)
            .one(&self.db)
            .await
            .map_err(|e| ListingFailure::Storage(e.into()))?;
        let agency_name = agency.map(|a| a.name).unwrap_or_default();
        for entry in entries {
            if self.stopping() {
                complete = false;
                break;
            }
            self.visit(source, &selectors, entry, report).await.map_err(ListingFailure::Storage)?;
        }
        // A sitemap lists everything a site has: what it no longer lists has gone.
        if kind == SourceKind::Sitemap && complete {
            for item in sources::items(&self.db, &source.id).await.map_err(ListingFailure::Storage)? {
                if item.state == "stored" && !listed.contains(&item.url) {
                    let note = format!(
                        "{agency_name} đã gỡ trang gốc khỏi sơ đồ trang web ngày {}.",
                        Utc::now()
                            .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).expect("valid offset"))
                            .format("%d/%m/%Y")
                    );
                    self.withdraw(item, &note, report).await.map_err(ListingFailure::Storage)?;
                }
            }
        }
        Ok(Some(if forget_validators { (None, None) } else { (page.etag, page.last_modified) }))
    }

    async fn child_sitemap(&self, url: &Url) -> Result<Vec<Entry>, String> {
        let page = match self.fetcher.get(url, &Validators::default()).await {
            Ok(Fetched::Body(p)) => p,
            Ok(Fetched::NotModified) => return Err("unexpected 304".into()),
            Err(e) => return Err(e.to_string()),
        };
        let (text, _) = decode::decode(&page.body, page.content_type.as_deref());
        match listing::sitemap(&text, &page.url).map_err(|e| e.to_string())? {
            Sitemap::Pages(p) => Ok(p),
            Sitemap::Index(_) => Err("a sitemap index inside a sitemap index".into()),
        }
    }

    async fn withdraw(
        &self,
        item: crawl_item::Model,
        note: &str,
        report: &mut SourceReport,
    ) -> Result<(), StorageError> {
        let now = Utc::now();
        if let Some(id) = item.document_id
            && documents::withdraw(&self.db, id, note, now).await?
        {
            report.withdrawn += 1;
            self.woke();
        }
        let record = ItemRecord { state: "withdrawn".into(), ..record_of(&item) };
        sources::save_item(&self.db, &record, Some(item), now).await
    }

    fn woke(&self) {
        if let Some(w) = &self.wake {
            w.notify_one();
        }
    }

    /// Visits one listed item: skipped when the listing says nothing new, otherwise fetched
    /// (conditionally), extracted and upserted.
    async fn visit(
        &self,
        source: &source::Model,
        selectors: &Selectors,
        entry: Entry,
        report: &mut SourceReport,
    ) -> Result<(), StorageError> {
        let url_string = entry.url.to_string();
        let existing = sources::item(&self.db, &source.id, &url_string).await?;
        if let Some(item) = &existing
            && item.entry_hash.as_deref() == Some(entry.entry_hash.as_str())
            && matches!(item.state.as_str(), "stored" | "duplicate")
        {
            report.unchanged += 1;
            return Ok(());
        }
        let stored_before = existing.as_ref().filter(|i| i.state == "stored");
        let validators = stored_before
            .map(|i| Validators { etag: i.etag.clone(), last_modified: i.last_modified.clone() })
            .unwrap_or_default();
        let base = ItemRecord {
            source_id: source.id.clone(),
            url: url_string.clone(),
            entry_hash: Some(entry.entry_hash.clone()),
            etag: None,
            last_modified: None,
            fingerprint: existing.as_ref().and_then(|i| i.fingerprint.clone()),
            document_id: existing.as_ref().and_then(|i| i.document_id),
            state: "stored".into(),
        };
        let now = Utc::now();
        let page = match self.fetcher.get(&entry.url, &validators).await {
            Ok(Fetched::NotModified) => {
                report.unchanged += 1;
                let record = ItemRecord { etag: validators.etag, last_modified: validators.last_modified, ..base };
                return sources::save_item(&self.db, &record, existing, now).await;
            }
            Ok(Fetched::Body(page)) => page,
            Err(e) if e.is_gone() => {
                match existing {
                    Some(item) if item.state == "stored" => {
                        let note = format!("Trang gốc đã bị gỡ ({e}).");
                        self.withdraw(item, &note, report).await?;
                    }
                    _ => report.failed.push((url_string, e.to_string())),
                }
                return Ok(());
            }
            Err(e) => {
                // Keep what was stored; remember the failure so the next crawl retries.
                report.failed.push((url_string.clone(), e.to_string()));
                let record = match &existing {
                    Some(item) if item.state == "stored" => ItemRecord { entry_hash: None, ..record_of(item) },
                    _ => ItemRecord { entry_hash: None, state: "failed".into(), ..base },
                };
                return sources::save_item(&self.db, &record, existing, now).await;
            }
        };
        let (html, decoded) = decode::decode(&page.body, page.content_type.as_deref());
        if let Some(fault) = decoded.fault() {
            report.repaired.push((url_string.clone(), fault));
        }
        let article = match extract::article(&html, &page.url, selectors) {
            Ok(a) => a,
            Err(e) => {
                report.failed.push((url_string, e.to_string()));
                return Ok(());
            }
        };
        let feed_text = |t: &Option<String>| t.as_deref().map(motcua_search::normalize::canonical);
        // A feed's title is the article's own; a page's <title> often carries the site's
        // name. An operator's title selector beats both.
        let page_title = Some(article.title.clone()).filter(|t| !t.is_empty());
        let feed_title = feed_text(&entry.title).filter(|t| !t.is_empty());
        let title = if selectors.title.is_some() { page_title.or(feed_title) } else { feed_title.or(page_title) };
        let title = title.unwrap_or_default();
        // A feed's full content beats a page whose body could not be found.
        let (body_html, body_text) = match &entry.content_html {
            Some(content) if article.body_text.chars().count() < 200 => {
                let html = motcua_search::normalize::canonical(content);
                let text = extract::html_to_text(&html);
                (html, text)
            }
            _ => (article.body_html.clone(), article.body_text.clone()),
        };
        if title.is_empty() || (body_text.is_empty() && entry.summary.is_none()) {
            report.failed.push((url_string.clone(), "no title or body found on the page".into()));
            let record = ItemRecord { entry_hash: None, state: "failed".into(), ..base };
            return sources::save_item(&self.db, &record, existing, now).await;
        }
        let summary = feed_text(&entry.summary).filter(|s| !s.is_empty()).unwrap_or_else(|| article.summary.clone());
        let body_html = if body_html.trim().is_empty() { paragraphs_to_html(&summary) } else { body_html };
        let fingerprint = fingerprint(&title, &body_text);
        let mut record = ItemRecord {
            etag: page.etag.clone(),
            last_modified: page.last_modified.clone(),
            fingerprint: Some(fingerprint.clone()),
            ..base
        };

        // The same article elsewhere. A page naming its original on another site (rel=canonical)
        // is stored under the original's URL, so whichever is crawled first, the original's
        // own crawl later finds its document and takes it over, crediting its agency. Without
        // that link, the same text already stored by another source makes this a duplicate.
        let own_key = origin_key(&entry.url);
        let original_url = article.canonical.as_ref().filter(|c| c.origin() != page.url.origin());
        let key = original_url.map(origin_key).unwrap_or_else(|| own_key.clone());
        let stored = document::Entity::find().filter(document::Column::OriginKey.eq(&key)).one(&self.db).await?;
        let ours = existing.as_ref().is_some_and(|i| i.state == "stored");
        let original = match &stored {
            Some(d) if key != own_key && !ours => Some(d.id),
            Some(_) => None,
            None if ours => None,
            None => {
                sources::item_with_fingerprint(&self.db, &fingerprint, &source.id).await?.and_then(|i| i.document_id)
            }
        };
        if let Some(id) = original {
            report.duplicates += 1;
            record.document_id = Some(id);
            record.state = "duplicate".into();
            return sources::save_item(&self.db, &record, existing, now).await;
        }
        let path = match stored {
            Some(d) => d.path,
            None => portal_path(&title, &key),
        };
        let origin_url = original_url.map_or(url_string, Url::to_string);
        let input = DocumentInput {
            kind: "announcement".into(),
            agency_id: source.agency_id,
            title,
            summary,
            body_html,
            body_text,
            path,
            origin_key: key,
            origin_url: Some(origin_url),
            published_at: article.published.or(entry.published),
            state: "published".into(),
            procedure: None,
        };
        let outcome = documents::upsert(&self.db, &input, now).await?;
        match outcome {
            Upserted::Created(id) => {
                report.created += 1;
                record.document_id = Some(id);
                self.woke();
            }
            Upserted::Updated(id) => {
                report.updated += 1;
                record.document_id = Some(id);
                self.woke();
            }
            Upserted::Unchanged(id) => {
                report.unchanged += 1;
                record.document_id = Some(id);
            }
        }
        sources::save_item(&self.db, &record, existing, now).await
    }
}

enum ListingFailure {
    Site(String),
    Storage(StorageError),
}

fn record_of(item: &crawl_item::Model) -> ItemRecord {
    ItemRecord {
        source_id: item.source_id.clone(),
        url: item.url.clone(),
        entry_hash: item.entry_hash.clone(),
        etag: item.etag.clone(),
        last_modified: item.last_modified.clone(),
        fingerprint: item.fingerprint.clone(),
        document_id: item.document_id,
        state: item.state.clone(),
    }
}

/// The upsert key of a crawled page.
fn origin_key(url: &Url) -> String {
    format!("crawl:{url}")
}

/// `/tin-tuc/{title slug}-{six hex of the origin}`: readable, and unique across sites that
/// reuse titles.
fn portal_path(title: &str, key: &str) -> String {
    let mut slug = slugify(title);
    if let Some((cut, _)) = slug.char_indices().nth(80) {
        slug.truncate(cut);
    }
    let slug = slug.trim_end_matches('-');
    let tag = &hex::encode(Sha256::digest(key.as_bytes()))[..6];
    if slug.is_empty() { format!("/tin-tuc/{tag}") } else { format!("/tin-tuc/{slug}-{tag}") }
}

/// Folded title and the first 300 folded characters of the body: the same article however
/// its site decorates it.
fn fingerprint(title: &str, body_text: &str) -> String {
    let body: String = fold(body_text).split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect();
    let title = fold(title).split_whitespace().collect::<Vec<_>>().join(" ");
    hex::encode(Sha256::digest(format!("{title}\0{body}").as_bytes()))
}

/// When a source's health should alarm an operator: failing for a day or more.
pub fn is_flagged(source: &source::Model, now: DateTime<Utc>) -> bool {
    source.failing_since.is_some_and(|since| now - since >= chrono::Duration::days(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_readable_and_distinct() {
        let a = portal_path("Thông báo lịch tiếp công dân", "crawl:http://a/1");
        let b = portal_path("Thông báo lịch tiếp công dân", "crawl:http://b/1");
        assert!(a.starts_with("/tin-tuc/thong-bao-lich-tiep-cong-dan-"), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn fingerprints_ignore_decoration() {
        assert_eq!(fingerprint("Thông báo  mới", "Nội dung\n\nbài"), fingerprint("THÔNG BÁO MỚI", "Nội dung bài"));
        assert_ne!(fingerprint("Thông báo", "A"), fingerprint("Thông báo", "B"));
    }
}
