//! Crawling inside `motcua serve`: each source on its own interval (with jitter, so sources
//! added together do not fetch together), several at once, never blocking page serving, and
//! stopped cleanly on shutdown.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::Crawler;
use crate::shutdown::Shutdown;
use crate::storage::sources;

/// Longest sleep between two looks at the sources (to see sources added by command); a
/// source due sooner is started when it is due.
const TICK: Duration = Duration::from_secs(1);
/// How long a crawl in hand may take to finish its item once shutdown starts.
const GRACE: Duration = Duration::from_secs(10);

/// Runs until `shutdown`: starts every enabled source whose next run is due.
pub async fn run(crawler: Arc<Crawler>, concurrency: usize, shutdown: Shutdown) {
    let slots = Arc::new(Semaphore::new(concurrency.max(1)));
    let running: Arc<Mutex<HashSet<String>>> = Arc::default();
    let mut tasks = JoinSet::new();
    loop {
        let mut sleep = TICK;
        match sources::list(&crawler.db).await {
            Ok(all) => {
                let now = Utc::now();
                let running_now = running.lock().unwrap_or_else(|p| p.into_inner()).clone();
                if let Some(next) = all
                    .iter()
                    .filter(|s| s.enabled && !running_now.contains(&s.id))
                    .filter_map(|s| s.next_run_at)
                    .filter(|t| *t > now)
                    .min()
                {
                    sleep = (next - now).to_std().unwrap_or_default().clamp(Duration::from_millis(20), TICK);
                }
                for source in all.into_iter().filter(|s| s.enabled && s.next_run_at.is_none_or(|t| t <= now)) {
                    if !running.lock().unwrap_or_else(|p| p.into_inner()).insert(source.id.clone()) {
                        continue;
                    }
                    let (crawler, slots, running) = (crawler.clone(), slots.clone(), running.clone());
                    tasks.spawn(async move {
                        if let Ok(_slot) = slots.acquire().await {
                            match crawler.crawl(&source).await {
                                Ok(report) if report.error.is_some() => tracing::warn!("crawl {report}"),
                                Ok(report) => tracing::info!("crawl {report}"),
                                Err(e) => tracing::error!(source = source.id, "crawl failed: {e}"),
                            }
                        }
                        running.lock().unwrap_or_else(|p| p.into_inner()).remove(&source.id);
                    });
                }
            }
            Err(e) => tracing::error!("cannot read the sources, will retry: {e}"),
        }
        while tasks.try_join_next().is_some() {}
        tokio::select! {
            _ = tokio::time::sleep(sleep) => {}
            _ = shutdown.wait() => break,
        }
    }
    // Crawls stop after the item in hand (each item is its own transaction); past the
    // grace period they are cancelled, which loses nothing either.
    if tokio::time::timeout(GRACE, async { while tasks.join_next().await.is_some() {} }).await.is_err() {
        tasks.abort_all();
    }
}
