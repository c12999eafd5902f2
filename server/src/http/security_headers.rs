//! The headers that tell a browser what the portal's pages may do, on every response: a
//! government portal that holds citizens' sessions must not run a stray script, be framed
//! by another site, or pass a citizen's search words on to the sites it links to.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Only the portal's own scripts, styles, fonts and API; images also from department sites
/// over https (merged articles keep theirs) and inline `data:` ones; no plugins, no `<base>`,
/// no framing. `form-action` is left out on purpose: Chromium applies it to the redirects
/// after a form, and the sign-in and consent forms end at the national login and at
/// department services, which are other sites.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' https: data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     frame-ancestors 'none'";

/// The policy of a server-rendered page: Leptos ends each page with two small inline
/// scripts (its resource bookkeeping, inert without hydration) carrying the request's
/// nonce; allowing that nonce keeps every page free of refusals while an injected script,
/// which cannot know it, stays refused.
pub fn page_policy(nonce: &str) -> String {
    CONTENT_SECURITY_POLICY.replacen("script-src 'self'", &format!("script-src 'self' 'nonce-{nonce}'"), 1)
}

/// Search words live in the portal's addresses ("ba tôi mất"): other sites learn only that a
/// citizen came from the portal.
pub const REFERRER_POLICY: &str = "strict-origin-when-cross-origin";

/// How long a browser keeps to https once it has seen the portal over it (one year).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Adds the headers to every response of `router` that has not set its own; HSTS only when
/// the portal's public address is https (over plain http a browser ignores it, and a
/// developer's machine must stay reachable).
pub fn apply(router: Router, https: bool) -> Router {
    let router = router
        .layer(layer(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
        .layer(layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        // For browsers older than `frame-ancestors`.
        .layer(layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(layer(header::REFERRER_POLICY, REFERRER_POLICY));
    if https { router.layer(layer(header::STRICT_TRANSPORT_SECURITY, STRICT_TRANSPORT_SECURITY)) } else { router }
}

fn layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use axum::http::Request;
    use axum::routing::get;
    use tower::ServiceExt;

    async fn headers_of(router: Router) -> axum::http::HeaderMap {
        let response = router.oneshot(Request::get("/").body(Body::empty()).expect("request")).await.expect("response");
        response.headers().clone()
    }

    #[tokio::test]
    async fn every_response_gets_the_policy_and_https_adds_hsts() {
        let plain = headers_of(apply(Router::new().route("/", get(|| async { "ok" })), false)).await;
        assert_eq!(plain[header::CONTENT_SECURITY_POLICY], CONTENT_SECURITY_POLICY);
        assert_eq!(plain[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(plain[header::X_FRAME_OPTIONS], "DENY");
        assert_eq!(plain[header::REFERRER_POLICY], REFERRER_POLICY);
        assert!(!plain.contains_key(header::STRICT_TRANSPORT_SECURITY));

        let https = headers_of(apply(Router::new().route("/", get(|| async { "ok" })), true)).await;
        assert_eq!(https[header::STRICT_TRANSPORT_SECURITY], STRICT_TRANSPORT_SECURITY);
    }

    #[test]
    fn a_page_policy_adds_its_nonce_to_scripts_only() {
        let policy = page_policy("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123';"), "{policy}");
        assert_eq!(policy.matches("nonce").count(), 1, "{policy}");
        assert_eq!(policy.replace(" 'nonce-abc123'", ""), CONTENT_SECURITY_POLICY);
    }

    #[tokio::test]
    async fn a_handler_that_sets_its_own_keeps_it() {
        let own = Router::new().route("/", get(|| async { ([(header::REFERRER_POLICY, "no-referrer")], "ok") }));
        assert_eq!(headers_of(apply(own, false)).await[header::REFERRER_POLICY], "no-referrer");
    }
}
