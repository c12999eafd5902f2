//! Fetching that an agency's server will not mind: robots.txt obeyed, one request at a time
//! per host with a delay between them, conditional GET, compression, timeouts, a size cap
//! on the decompressed body, a redirect cap, and retries with backoff for what may pass.
//!
//! Each host has its own gate, so a slow or dead site only delays its own sources.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};
use tokio::time::Instant;
use url::Url;

/// How polite and how patient to be.
#[derive(Clone, Debug)]
pub struct FetchPolicy {
    /// Sent as User-Agent; its first word is what robots.txt groups are matched against.
    pub user_agent: String,
    /// Pause between two requests to one host (robots.txt `Crawl-delay` may lengthen it).
    pub host_delay: Duration,
    /// Whole-request timeout, body included.
    pub timeout: Duration,
    /// Largest body accepted, after decompression.
    pub max_body_bytes: u64,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Further attempts after a timeout, a connection error, a 5xx or a 429.
    pub retries: u32,
    /// First backoff; doubled for each further attempt.
    pub backoff: Duration,
}

/// Why a fetch failed, worded for the operator who reads a source's health.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// robots.txt disallows the URL for us.
    #[error("robots.txt of {host} disallows {path}")]
    Disallowed {
        /// Host.
        host: String,
        /// Path.
        path: String,
    },
    /// robots.txt could not be read because the site failed: RFC 9309 says to stay away.
    #[error("robots.txt of {host} unavailable ({reason}); the site is left alone until it answers")]
    RobotsUnavailable {
        /// Host.
        host: String,
        /// Why.
        reason: String,
    },
    /// No answer within the timeout.
    #[error("no complete answer within {0:?}")]
    Timeout(Duration),
    /// The body is larger than the cap.
    #[error("body larger than the {0}-byte cap")]
    TooLarge(u64),
    /// Redirects went round or on too long.
    #[error("more than {0} redirects (a redirect loop?)")]
    TooManyRedirects(usize),
    /// An HTTP error status.
    #[error("HTTP {0}")]
    Status(u16),
    /// Not an http(s) URL.
    #[error("not an http(s) URL: {0}")]
    BadUrl(String),
    /// Connection, TLS or protocol failure.
    #[error("{0}")]
    Network(String),
}

impl FetchError {
    /// The origin says the item is gone for good.
    pub fn is_gone(&self) -> bool {
        matches!(self, FetchError::Status(404 | 410))
    }

    fn is_transient(&self) -> bool {
        match self {
            FetchError::Timeout(_) | FetchError::Network(_) => true,
            FetchError::Status(s) => *s >= 500 || *s == 429,
            _ => false,
        }
    }
}

/// A successful answer.
#[derive(Debug)]
pub enum Fetched {
    /// 304: what we have is current.
    NotModified,
    /// 200 with a body.
    Body(Page),
}

/// A fetched body with what decoding and the next conditional GET need.
#[derive(Debug)]
pub struct Page {
    /// Where the body came from after redirects.
    pub url: Url,
    /// `Content-Type`.
    pub content_type: Option<String>,
    /// `ETag`.
    pub etag: Option<String>,
    /// `Last-Modified`.
    pub last_modified: Option<String>,
    /// The decompressed body.
    pub body: Vec<u8>,
}

/// Validators of what we hold, for a conditional GET.
#[derive(Clone, Debug, Default)]
pub struct Validators {
    /// `ETag` → `If-None-Match`.
    pub etag: Option<String>,
    /// `Last-Modified` → `If-Modified-Since`.
    pub last_modified: Option<String>,
}

/// Robots.txt is read again after this long.
const ROBOTS_TTL: Duration = Duration::from_secs(3600);
/// Longest `Crawl-delay` honoured; longer ones would starve a source.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(60);

struct Host {
    /// Held for the whole of a request: one at a time per host. Holds when the last ended.
    gate: tokio::sync::Mutex<Option<Instant>>,
    robots: tokio::sync::Mutex<Option<(Instant, Robots)>>,
}

#[derive(Clone)]
enum Robots {
    AllowAll,
    Rules(Arc<texting_robots::Robot>),
    Unavailable(String),
}

/// The crawler's HTTP client, shared by every source.
pub struct Fetcher {
    client: reqwest::Client,
    policy: FetchPolicy,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl Fetcher {
    /// A client following `policy`.
    pub fn new(policy: FetchPolicy) -> Result<Self, FetchError> {
        let client = reqwest::Client::builder()
            .user_agent(policy.user_agent.clone())
            .timeout(policy.timeout)
            .connect_timeout(policy.timeout.min(Duration::from_secs(10)))
            .redirect(reqwest::redirect::Policy::limited(policy.max_redirects))
            .gzip(true)
            .brotli(true)
            .deflate(true)
            .build()
            .map_err(|e| FetchError::Network(e.to_string()))?;
        Ok(Self { client, policy, hosts: Mutex::new(HashMap::new()) })
    }

    fn host(&self, url: &Url) -> Result<(String, Arc<Host>), FetchError> {
        let name = match (url.scheme(), url.host_str()) {
            ("http" | "https", Some(h)) => {
                format!("{}://{}:{}", url.scheme(), h, url.port_or_known_default().unwrap_or(0))
            }
            _ => return Err(FetchError::BadUrl(url.to_string())),
        };
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let host = hosts
            .entry(name.clone())
            .or_insert_with(|| {
                Arc::new(Host { gate: tokio::sync::Mutex::new(None), robots: tokio::sync::Mutex::new(None) })
            })
            .clone();
        Ok((name, host))
    }

    /// GETs `url` politely: robots.txt first, then the host's turn, retrying what may pass.
    pub async fn get(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let (name, host) = self.host(url)?;
        let robots = self.robots(url, &name, &host).await?;
        let delay = match &robots {
            Robots::Rules(r) => r
                .delay
                .map(|s| Duration::from_secs_f32(s.max(0.0)).min(MAX_CRAWL_DELAY))
                .unwrap_or_default()
                .max(self.policy.host_delay),
            _ => self.policy.host_delay,
        };
        match robots {
            Robots::Rules(r) if !r.allowed(url.as_str()) => {
                return Err(FetchError::Disallowed { host: name, path: url.path().to_string() });
            }
            Robots::Unavailable(reason) => return Err(FetchError::RobotsUnavailable { host: name, reason }),
            _ => {}
        }
        let mut attempt = 0;
        loop {
            let result = self.polite_request(&host, delay, url, validators).await;
            match result {
                Err(e) if e.is_transient() && attempt < self.policy.retries => {
                    tokio::time::sleep(self.policy.backoff * 2u32.saturating_pow(attempt)).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    async fn robots(&self, url: &Url, name: &str, host: &Host) -> Result<Robots, FetchError> {
        let mut cached = host.robots.lock().await;
        if let Some((at, robots)) = cached.as_ref()
            && at.elapsed() < ROBOTS_TTL
        {
            return Ok(robots.clone());
        }
        let mut robots_url = url.clone();
        robots_url.set_path("/robots.txt");
        robots_url.set_query(None);
        robots_url.set_fragment(None);
        let robots = match self.polite_request(host, self.policy.host_delay, &robots_url, &Validators::default()).await
        {
            Ok(Fetched::Body(page)) => {
                let agent = self.policy.user_agent.split(['/', ' ']).next().unwrap_or("*");
                match texting_robots::Robot::new(agent, &page.body) {
                    Ok(r) => Robots::Rules(Arc::new(r)),
                    // Unparseable rules restrict nothing (RFC 9309 §2.2).
                    Err(_) => Robots::AllowAll,
                }
            }
            Ok(Fetched::NotModified) => Robots::AllowAll,
            // "Unavailable" (4xx): no restrictions (RFC 9309 §2.3.1.3).
            Err(FetchError::Status(s)) if (400..500).contains(&s) => Robots::AllowAll,
            Err(FetchError::TooLarge(_)) => Robots::AllowAll,
            // "Unreachable" (5xx, network): complete disallow, until it answers.
            Err(e) => Robots::Unavailable(e.to_string()),
        };
        tracing::debug!(host = name, "robots.txt read");
        *cached = Some((Instant::now(), robots.clone()));
        Ok(robots)
    }

    async fn polite_request(
        &self,
        host: &Host,
        delay: Duration,
        url: &Url,
        validators: &Validators,
    ) -> Result<Fetched, FetchError> {
        let mut last = host.gate.lock().await;
        if let Some(at) = *last {
            tokio::time::sleep_until(at + delay).await;
        }
        let result = self.request(url, validators).await;
        *last = Some(Instant::now());
        result
    }

    async fn request(&self, url: &Url, validators: &Validators) -> Result<Fetched, FetchError> {
        let mut request = self.client.get(url.clone());
        if let Some(etag) = &validators.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(lm) = &validators.last_modified {
            request = request.header(IF_MODIFIED_SINCE, lm);
        }
        let mut response = request.send().await.map_err(|e| self.classify(e))?;
        let status = response.status();
        if status == StatusCode::NOT_MODIFIED {
            return Ok(Fetched::NotModified);
        }
        if !status.is_success() {
            return Err(FetchError::Status(status.as_u16()));
        }
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|v: &reqwest::header::HeaderValue| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header(CONTENT_TYPE);
        let etag = header(ETAG);
        let last_modified = header(LAST_MODIFIED);
        let cap = self.policy.max_body_bytes;
        // A declared length over the cap is refused before reading; compressed bodies are
        // checked as they decompress.
        if let Some(len) = header(CONTENT_LENGTH).and_then(|v| v.parse::<u64>().ok())
            && len > cap
            && response.headers().get(reqwest::header::CONTENT_ENCODING).is_none()
        {
            return Err(FetchError::TooLarge(cap));
        }
        let final_url = response.url().clone();
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.classify(e))? {
            if body.len() as u64 + chunk.len() as u64 > cap {
                return Err(FetchError::TooLarge(cap));
            }
            body.extend_from_slice(&chunk);
        }
        Ok(Fetched::Body(Page { url: final_url, content_type, etag, last_modified, body }))
    }

    fn classify(&self, e: reqwest::Error) -> FetchError {
        if e.is_timeout() {
            FetchError::Timeout(self.policy.timeout)
        } else if e.is_redirect() {
            FetchError::TooManyRedirects(self.policy.max_redirects)
        } else {
            let mut reason = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                reason = format!("{reason}: {s}");
                source = s.source();
            }
            FetchError::Network(reason)
        }
    }
}
