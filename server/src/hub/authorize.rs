//! Authorisation requests from department services: read, checked in the order the
//! specifications give (a request that cannot be trusted to name its redirect URI is never
//! redirected), and judged against the citizen's session and consent.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::services::{SCOPES, Service};

/// A checked authorisation request: what the service asked for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthRequest {
    /// The service.
    pub client_id: String,
    /// Where the answer goes (registered, exactly).
    pub redirect_uri: String,
    /// Scopes asked for, `openid` first, each allowed to the service.
    pub scopes: Vec<String>,
    /// The service's state, returned as is.
    pub state: Option<String>,
    /// The service's nonce, put into the ID token.
    pub nonce: Option<String>,
    /// PKCE S256 challenge (required).
    pub code_challenge: String,
    /// `prompt` values.
    pub prompt: Vec<String>,
    /// `max_age`, seconds.
    pub max_age: Option<i64>,
    /// The lowest assurance level the service accepts (its registered level, or more from
    /// `acr_values`).
    pub min_level: Option<i32>,
    /// `login_hint`, passed on to the national login.
    pub login_hint: Option<String>,
    /// When the hub sent the citizen to sign in again for this request: a session opened
    /// after this counts as the fresh sign-in `prompt=login`, `max_age` or a step-up asked.
    pub login_after: Option<i64>,
}

/// Why a request is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AuthorizeError {
    /// The client or redirect URI cannot be trusted: shown to the citizen, not redirected.
    NotRedirectable(String),
    /// An OAuth error sent back to the service's redirect URI.
    Redirect {
        /// The registered redirect URI.
        redirect_uri: String,
        /// The error code the specification names.
        error: &'static str,
        /// A sentence for the service's developers.
        description: String,
        /// The service's state.
        state: Option<String>,
    },
}

/// The parameter the hub adds to its own authorisation URL when it sends the citizen to sign
/// in again (see [`AuthRequest::login_after`]).
pub const LOGIN_AFTER: &str = "motcua_login_after";

/// Reads an authorisation request; `find` gives the registered service of a client id.
pub fn read(params: &HashMap<String, String>, service: Option<&Service>) -> Result<AuthRequest, AuthorizeError> {
    let Some(client_id) = params.get("client_id") else {
        return Err(AuthorizeError::NotRedirectable("Yêu cầu thiếu client_id.".into()));
    };
    let Some(service) = service else {
        return Err(AuthorizeError::NotRedirectable(format!("Dịch vụ “{client_id}” chưa được đăng ký với cổng.")));
    };
    let redirect_uri = match params.get("redirect_uri") {
        Some(uri) if service.redirect_uris.contains(uri) => uri.clone(),
        Some(_) => {
            return Err(AuthorizeError::NotRedirectable(format!(
                "Địa chỉ chuyển về không được đăng ký cho dịch vụ “{}”.",
                service.name
            )));
        }
        None if service.redirect_uris.len() == 1 && !params.contains_key("request_uri") => {
            service.redirect_uris[0].clone()
        }
        None => return Err(AuthorizeError::NotRedirectable("Yêu cầu thiếu redirect_uri.".into())),
    };
    let state = params.get("state").cloned();
    let refuse = |error: &'static str, description: &str| AuthorizeError::Redirect {
        redirect_uri: redirect_uri.clone(),
        error,
        description: description.to_string(),
        state: state.clone(),
    };
    for unsupported in ["request", "request_uri"] {
        if params.contains_key(unsupported) {
            let error = if unsupported == "request" { "request_not_supported" } else { "request_uri_not_supported" };
            return Err(refuse(error, &format!("{unsupported} is not supported")));
        }
    }
    match params.get("response_type").map(String::as_str) {
        Some("code") => {}
        Some(_) => {
            return Err(refuse("unsupported_response_type", "only the code flow (response_type=code) is offered"));
        }
        None => return Err(refuse("invalid_request", "response_type is missing")),
    }
    if params.get("response_mode").is_some_and(|m| m != "query") {
        return Err(refuse("invalid_request", "only response_mode=query is offered"));
    }
    let asked: Vec<&str> = params.get("scope").map(|s| s.split_whitespace().collect()).unwrap_or_default();
    if !asked.contains(&"openid") {
        return Err(refuse("invalid_scope", "scope must include openid"));
    }
    // Unknown scopes are ignored, as the specification allows; known ones the service may
    // not ask for are refused, so its developers learn of it.
    let mut scopes = vec!["openid".to_string()];
    for scope in asked.into_iter().filter(|s| *s != "openid" && SCOPES.iter().any(|(k, _)| k == s)) {
        if !service.scopes.iter().any(|s| s == scope) {
            return Err(refuse("invalid_scope", &format!("this service may not ask for the {scope} scope")));
        }
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_string());
        }
    }
    let code_challenge = match (params.get("code_challenge"), params.get("code_challenge_method").map(String::as_str)) {
        (Some(c), Some("S256")) if (43..=128).contains(&c.len()) => c.clone(),
        (Some(_), Some("S256")) => {
            return Err(refuse("invalid_request", "code_challenge must be 43 to 128 characters"));
        }
        (Some(_), _) => return Err(refuse("invalid_request", "code_challenge_method must be S256")),
        (None, _) => return Err(refuse("invalid_request", "PKCE is required: code_challenge with method S256")),
    };
    let prompt: Vec<String> =
        params.get("prompt").map(|p| p.split_whitespace().map(str::to_string).collect()).unwrap_or_default();
    if prompt.iter().any(|p| p == "none") && prompt.len() > 1 {
        return Err(refuse("invalid_request", "prompt=none cannot be combined with other values"));
    }
    let max_age = match params.get("max_age") {
        Some(v) => Some(
            v.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| refuse("invalid_request", "max_age must be a number of seconds"))?,
        ),
        None => None,
    };
    // The service's registered level is a floor; acr_values may ask for more.
    let asked = params.get("acr_values").and_then(|v| v.split_whitespace().filter_map(super::level_of).min());
    let min_level = Some(asked.unwrap_or(0).max(service.assurance_level));
    Ok(AuthRequest {
        client_id: client_id.clone(),
        redirect_uri: redirect_uri.clone(),
        scopes,
        state: state.clone(),
        nonce: params.get("nonce").cloned(),
        code_challenge,
        prompt,
        max_age,
        min_level,
        login_hint: params.get("login_hint").cloned(),
        login_after: params.get(LOGIN_AFTER).and_then(|v| v.parse().ok()),
    })
}

/// What the hub does with a request, given the session the citizen has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Sign in (again) at the national login first, asking for at least this level.
    SignIn {
        /// Whether the national login must ask again even if it has a session.
        fresh: bool,
        /// The level the service asked for.
        level: Option<i32>,
    },
    /// Ask the citizen's consent.
    AskConsent,
    /// Issue a code.
    Issue,
}

/// The portal session as the hub judges it.
#[derive(Clone, Copy, Debug)]
pub struct SessionFacts {
    /// When the citizen signed in.
    pub auth_time: DateTime<Utc>,
    /// At which level.
    pub level: i32,
}

impl AuthRequest {
    /// Judges the request: `session` is the citizen's, if signed in; `consented` whether
    /// they have agreed to every scope asked for. Refusals are the errors `prompt=none`
    /// and an unreachable assurance level call for.
    pub fn decide(
        &self,
        session: Option<SessionFacts>,
        consented: bool,
        now: DateTime<Utc>,
    ) -> Result<Decision, (&'static str, String)> {
        let silent = self.prompt.iter().any(|p| p == "none");
        let Some(session) = session else {
            return if silent {
                Err(("login_required", "the citizen is not signed in at the portal".into()))
            } else {
                Ok(Decision::SignIn { fresh: false, level: self.min_level })
            };
        };
        let refreshed = self.login_after.is_some_and(|t| session.auth_time.timestamp() >= t);
        let too_old = self.max_age.is_some_and(|age| (now - session.auth_time).num_seconds() > age);
        let too_weak = self.min_level.is_some_and(|l| session.level < l);
        if too_weak && refreshed {
            return Err(("access_denied", "the national login did not reach the assurance level asked for".into()));
        }
        if (self.prompt.iter().any(|p| p == "login") || too_old || too_weak) && !refreshed {
            return if silent {
                Err(("login_required", "a fresh sign-in is needed".into()))
            } else {
                Ok(Decision::SignIn { fresh: true, level: self.min_level })
            };
        }
        if !consented || self.prompt.iter().any(|p| p == "consent") {
            return if silent {
                Err(("consent_required", "the citizen has not agreed to share this with the service".into()))
            } else {
                Ok(Decision::AskConsent)
            };
        }
        Ok(Decision::Issue)
    }
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

    use super::*;

    fn service() -> Service {
        Service::example()
    }

    fn params(extra: &[(&str, &str)]) -> HashMap<String, String> {
        let mut p: HashMap<String, String> = [
            ("client_id", "ho-tich"),
            ("redirect_uri", "https://hotich.example/cb"),
            ("response_type", "code"),
            ("scope", "openid profile"),
            ("state", "s1"),
            ("code_challenge", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"),
            ("code_challenge_method", "S256"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        for (k, v) in extra {
            if v.is_empty() {
                p.remove(*k);
            } else {
                p.insert(k.to_string(), v.to_string());
            }
        }
        p
    }

    fn error_of(r: Result<AuthRequest, AuthorizeError>) -> String {
        match r {
            Err(AuthorizeError::Redirect { error, .. }) => error.to_string(),
            Err(AuthorizeError::NotRedirectable(m)) => format!("page: {m}"),
            Ok(_) => "ok".into(),
        }
    }

    #[test]
    fn requests_are_refused_as_the_specifications_say() {
        let s = service();
        assert_eq!(error_of(read(&params(&[]), Some(&s))), "ok");
        assert!(error_of(read(&params(&[]), None)).starts_with("page:"));
        assert!(error_of(read(&params(&[("redirect_uri", "https://evil.example/cb")]), Some(&s))).starts_with("page:"));
        assert_eq!(error_of(read(&params(&[("code_challenge", "")]), Some(&s))), "invalid_request");
        assert_eq!(error_of(read(&params(&[("code_challenge_method", "plain")]), Some(&s))), "invalid_request");
        assert_eq!(error_of(read(&params(&[("response_type", "token")]), Some(&s))), "unsupported_response_type");
        assert_eq!(error_of(read(&params(&[("scope", "profile")]), Some(&s))), "invalid_scope");
        assert_eq!(error_of(read(&params(&[("scope", "openid citizen")]), Some(&s))), "invalid_scope");
        assert_eq!(error_of(read(&params(&[("request", "eyJ")]), Some(&s))), "request_not_supported");
        let ok = read(&params(&[("scope", "openid profile unknown profile")]), Some(&s)).expect("ok");
        assert_eq!(ok.scopes, ["openid", "profile"]);
    }

    #[test]
    fn sessions_consent_and_prompts_decide() {
        let now = Utc::now();
        let s = service();
        let fresh = SessionFacts { auth_time: now - Duration::seconds(30), level: 2 };
        let decide = |extra: &[(&str, &str)], session, consented| {
            read(&params(extra), Some(&s)).expect("valid").decide(session, consented, now)
        };
        assert_eq!(decide(&[], None, false), Ok(Decision::SignIn { fresh: false, level: Some(2) }));
        assert_eq!(decide(&[("prompt", "none")], None, false).map_err(|e| e.0), Err("login_required"));
        assert_eq!(decide(&[], Some(fresh), false), Ok(Decision::AskConsent));
        assert_eq!(decide(&[], Some(fresh), true), Ok(Decision::Issue));
        assert_eq!(decide(&[("prompt", "none")], Some(fresh), false).map_err(|e| e.0), Err("consent_required"));
        assert_eq!(
            decide(&[("max_age", "10")], Some(fresh), true),
            Ok(Decision::SignIn { fresh: true, level: Some(2) })
        );
        assert_eq!(decide(&[("max_age", "60")], Some(fresh), true), Ok(Decision::Issue));
        assert_eq!(
            decide(&[("prompt", "login")], Some(fresh), true),
            Ok(Decision::SignIn { fresh: true, level: Some(2) })
        );
        let after = (now - Duration::seconds(60)).timestamp().to_string();
        assert_eq!(decide(&[("prompt", "login"), (LOGIN_AFTER, &after)], Some(fresh), true), Ok(Decision::Issue));
        assert_eq!(
            decide(&[("acr_values", "loa-3")], Some(fresh), true),
            Ok(Decision::SignIn { fresh: true, level: Some(3) })
        );
        assert_eq!(
            decide(&[("acr_values", "loa-3"), (LOGIN_AFTER, &after)], Some(fresh), true).map_err(|e| e.0),
            Err("access_denied")
        );
    }
}
