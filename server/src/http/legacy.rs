//! Old addresses kept alive: a request for a page of an old website (by its own host name,
//! now pointing at the portal, or under a configured path) is answered with a 301 to the
//! portal's copy. Citizens' bookmarks and links in old documents keep working after the
//! district level was abolished.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use url::Url;

use super::AppState;
use crate::config::LegacyConfig;
use crate::storage::redirects;

/// A configured old site that does not make sense.
#[derive(Debug, thiserror::Error)]
#[error("legacy site {origin:?}: {reason}")]
pub struct BadLegacySite {
    origin: String,
    reason: &'static str,
}

/// The old sites, checked once at start.
#[derive(Clone, Debug, Default)]
pub struct LegacySites {
    public_url: Option<String>,
    sites: Vec<Site>,
}

#[derive(Clone, Debug)]
struct Site {
    origin: String,
    host: Option<String>,
    path: Option<String>,
    agency: Option<String>,
}

impl LegacySites {
    /// Checks the configuration: absolute http(s) origins, each site reachable by a host or
    /// a path, paths outside the portal's own.
    pub fn new(config: &LegacyConfig) -> Result<Arc<Self>, BadLegacySite> {
        let mut sites = Vec::new();
        for s in &config.sites {
            let bad = |reason| BadLegacySite { origin: s.origin.clone(), reason };
            let origin = Url::parse(&s.origin).map_err(|_| bad("origin is not an absolute URL"))?;
            if !matches!(origin.scheme(), "http" | "https") || origin.host_str().is_none() {
                return Err(bad("origin is not an http(s) URL"));
            }
            if s.host.is_none() && s.path.is_none() {
                return Err(bad("give `host`, `path` or both"));
            }
            let path = s.path.as_ref().map(|p| p.trim_end_matches('/').to_string());
            if let Some(p) = &path {
                const OWN: [&str; 8] =
                    ["/tim-kiem", "/thu-tuc", "/tin-tuc", "/co-quan", "/api", "/style", "/healthz", "/dang-nhap"];
                if !p.starts_with('/') || p.is_empty() || OWN.iter().any(|o| p == o || p.starts_with(&format!("{o}/")))
                {
                    return Err(bad("path must start with '/' and lie outside the portal's own pages"));
                }
            }
            sites.push(Site {
                origin: origin.as_str().trim_end_matches('/').to_string(),
                host: s.host.as_ref().map(|h| h.to_ascii_lowercase()),
                path,
                agency: s.agency.clone(),
            });
        }
        let public_url = config.public_url.as_ref().map(|u| u.trim_end_matches('/').to_string());
        Ok(Arc::new(Self { public_url, sites }))
    }

    /// The old site a request is for, with the old path and query it asked, and whether it
    /// came by the old host name.
    fn find(&self, request: &Request) -> Option<(&Site, String, bool)> {
        let host = request
            .headers()
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .map(|h| {
                h.rsplit_once(':')
                    .filter(|(_, port)| port.chars().all(|c| c.is_ascii_digit()))
                    .map_or(h, |(name, _)| name)
            })
            .map(str::to_ascii_lowercase);
        let path = request.uri().path();
        let query = request.uri().query().map(|q| format!("?{q}")).unwrap_or_default();
        for site in &self.sites {
            if host.is_some() && site.host == host {
                return Some((site, format!("{path}{query}"), true));
            }
            if let Some(prefix) = &site.path
                && let Some(rest) = path.strip_prefix(prefix.as_str())
                && (rest.is_empty() || rest.starts_with('/'))
            {
                let rest = if rest.is_empty() { "/" } else { rest };
                return Some((site, format!("{rest}{query}"), false));
            }
        }
        None
    }
}

/// Middleware: answers requests for old sites, passes every other request on.
pub async fn redirect_old_addresses(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let Some((site, old_path, by_host)) = state.legacy.find(&request) else {
        return next.run(request).await;
    };
    let old_url = format!("{}{old_path}", site.origin);
    let target = if old_path == "/" {
        site.agency.as_ref().map(|a| format!("/co-quan/{a}"))
    } else {
        match redirects::resolve(&state.db, &old_url).await {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, %old_url, "legacy redirect lookup failed");
                return (StatusCode::SERVICE_UNAVAILABLE, "Hệ thống đang bận, xin thử lại sau.").into_response();
            }
        }
    };
    match target {
        Some(target) => {
            // Under the old host name, send the citizen to the portal's own address.
            let location = match (&state.legacy.public_url, target.starts_with('/') && by_host) {
                (Some(public), true) => format!("{public}{target}"),
                _ => target,
            };
            (StatusCode::MOVED_PERMANENTLY, [(header::LOCATION, location)]).into_response()
        }
        None => {
            let home = state.legacy.public_url.clone().unwrap_or_default();
            let page = format!(
                "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>Trang cũ không còn – Một Cửa</title>\
                 <link rel=\"stylesheet\" href=\"{home}/style/motcua.css\"></head><body><main class=\"mc-width-container\">\
                 <h1 class=\"mc-heading-l\">Trang cũ không còn</h1><p class=\"mc-body\">Trang <code>{}</code> của website cũ \
                 chưa được chuyển sang Cổng Một Cửa.</p><p class=\"mc-body\"><a class=\"mc-link\" href=\"{home}/tim-kiem\">Tìm \
                 thủ tục, thông báo trên Cổng</a></p></main></body></html>",
                escape(&old_url)
            );
            (StatusCode::NOT_FOUND, Html(page)).into_response()
        }
    }
}

/// HTML text escaping for the one value this module prints.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}
