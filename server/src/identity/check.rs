//! `motcua identity check ID`: before go-live, an identity team learns whether what the
//! configuration of a provider needs is what the provider offers — algorithms, client
//! authentication, PKCE, PAR, encryption, logout, scopes, claims and assurance levels — each
//! mismatch named, so that the first citizen to sign in is not the test.

use std::fmt;

use openidconnect::core::CoreResponseType;
use openidconnect::{JsonWebKey, JsonWebKeyAlgorithm, ResponseTypes};
use serde::Serialize;

use super::discovery::{self, Metadata};
use crate::config::{ClientAuth, ProviderConfig};

/// How a finding weighs on the verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    /// As the configuration needs.
    Ok,
    /// Works, but something is missing that a citizen or operator would miss.
    Warn,
    /// Signing in would fail, or fail a security requirement.
    Fail,
}

/// One thing checked.
#[derive(Clone, Debug)]
pub struct Finding {
    /// Its weight.
    pub level: Level,
    /// What was found, for the identity team.
    pub text: String,
}

/// Everything checked of one provider.
#[derive(Clone, Debug)]
pub struct Report {
    /// The provider's id.
    pub provider: String,
    /// The findings in the order checked.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Mismatches that make signing in fail.
    pub fn failures(&self) -> usize {
        self.findings.iter().filter(|f| f.level == Level::Fail).count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for finding in &self.findings {
            let tag = match finding.level {
                Level::Ok => "ok  ",
                Level::Warn => "warn",
                Level::Fail => "FAIL",
            };
            writeln!(f, "{tag}  {}", finding.text)?;
        }
        match self.failures() {
            0 => {
                write!(f, "verdict: {} is ready: the provider offers everything the configuration needs", self.provider)
            }
            n => write!(f, "verdict: {} is NOT ready: {n} mismatch{}", self.provider, if n == 1 { "" } else { "es" }),
        }
    }
}

/// Reads the provider's discovery document and keys, and compares them with `config`.
pub async fn check(config: &ProviderConfig) -> Report {
    let mut report = Report { provider: config.id.clone(), findings: Vec::new() };
    let http = match discovery::http_client() {
        Ok(h) => h,
        Err(e) => {
            report.push(Level::Fail, e.to_string());
            return report;
        }
    };
    match discovery::discover(&config.issuer, &http).await {
        Ok(metadata) => {
            report.push(Level::Ok, format!("discovery document of {} read; it names the same issuer", config.issuer));
            compare(config, &metadata, &mut report);
        }
        Err(e) => report.push(Level::Fail, format!("cannot read the provider at {}: {e}", config.issuer)),
    }
    report
}

impl Report {
    fn push(&mut self, level: Level, text: String) {
        self.findings.push(Finding { level, text });
    }

    /// `wanted` against `offered`; when the provider does not list the values, `unlisted`
    /// says how much that matters.
    fn offered(&mut self, what: &str, wanted: &[String], offered: Option<&[String]>, unlisted: Level) {
        match offered {
            None => self
                .push(unlisted, format!("{what}: the provider does not list its values; wanted {}", wanted.join(", "))),
            Some(offered) => {
                for value in wanted {
                    if offered.contains(value) {
                        self.push(Level::Ok, format!("{what} {value} offered"));
                    } else {
                        self.push(Level::Fail, format!("{what} {value} not offered (offered: {})", list(offered)));
                    }
                }
            }
        }
    }
}

fn compare(config: &ProviderConfig, m: &Metadata, report: &mut Report) {
    let extra = m.additional_metadata();

    // The flow: authorisation code with PKCE S256.
    let code = ResponseTypes::new(vec![CoreResponseType::Code]);
    if m.response_types_supported().contains(&code) {
        report.push(Level::Ok, "authorisation code flow offered".into());
    } else {
        report.push(Level::Fail, "authorisation code flow (response_type=code) not offered".into());
    }
    report.offered("PKCE method", &["S256".into()], extra.code_challenge_methods_supported.as_deref(), Level::Warn);

    // ID token signatures, and the keys to check them.
    let algs = names(m.id_token_signing_alg_values_supported());
    report.offered("ID token algorithm", &config.signing_algs, Some(&algs), Level::Fail);
    let keys = m.jwks().keys();
    let key_algs: Vec<String> = keys
        .iter()
        .filter_map(|k| match k.signing_alg() {
            JsonWebKeyAlgorithm::Algorithm(a) => Some(name(a)),
            _ => None,
        })
        .collect();
    if keys.is_empty() {
        report.push(Level::Fail, "the provider's JWKS has no keys: no ID token can be checked".into());
    } else {
        report.push(Level::Ok, format!("JWKS: {} keys{}", keys.len(), paren(&key_algs)));
    }

    // Client authentication at the token endpoint.
    let method = match config.client_auth {
        ClientAuth::ClientSecretBasic => "client_secret_basic",
        ClientAuth::ClientSecretPost => "client_secret_post",
        ClientAuth::PrivateKeyJwt => "private_key_jwt",
    };
    // Unlisted means client_secret_basic only (OpenID Connect Discovery 1.0, section 3).
    let methods = m
        .token_endpoint_auth_methods_supported()
        .map(|v| names(v))
        .unwrap_or_else(|| vec!["client_secret_basic".into()]);
    report.offered("client authentication", &[method.into()], Some(&methods), Level::Fail);
    match config.client_auth {
        ClientAuth::ClientSecretBasic | ClientAuth::ClientSecretPost => {
            match &config.client_secret_env {
                None => report
                    .push(Level::Fail, format!("{method} needs client_secret_env, the variable holding the secret")),
                Some(var) if std::env::var(var).map_or(true, |v| v.is_empty()) => report
                    .push(Level::Fail, format!("the environment variable {var} holding the client secret is not set")),
                Some(var) => report.push(Level::Ok, format!("client secret found in {var}")),
            }
        }
        ClientAuth::PrivateKeyJwt => match &config.private_key_file {
            None => report.push(Level::Fail, "private_key_jwt needs private_key_file".into()),
            Some(path) => match super::client_key::ClientKey::load(path, config.assertion_alg.as_deref()) {
                Ok(key) => {
                    report.push(
                        Level::Ok,
                        format!(
                            "client key {} read (kid {}), published at /.well-known/jwks.json",
                            path.display(),
                            key.kid()
                        ),
                    );
                    let offered = m.token_endpoint_auth_signing_alg_values_supported().map(|v| names(v));
                    report.offered(
                        "client assertion algorithm",
                        &[key.algorithm_name().to_string()],
                        offered.as_deref(),
                        Level::Warn,
                    );
                }
                Err(e) => report.push(Level::Fail, format!("client key: {e}")),
            },
        },
    }
    if m.token_endpoint().is_none() {
        report.push(Level::Fail, "the provider has no token endpoint".into());
    }

    // Pushed authorisation requests.
    match (&extra.pushed_authorization_request_endpoint, config.par) {
        (Some(_), true) => report.push(Level::Ok, "pushed authorisation requests offered".into()),
        (None, true) => {
            report.push(Level::Fail, "par = true but the provider has no pushed_authorization_request_endpoint".into())
        }
        (_, false) if extra.require_pushed_authorization_requests == Some(true) => {
            report.push(Level::Fail, "the provider requires pushed authorisation requests: set par = true".into())
        }
        _ => {}
    }

    // Encrypted ID tokens.
    let encryption = m.id_token_encryption_alg_values_supported().map(|v| names(v)).unwrap_or_default();
    if let Some(path) = &config.decryption_key_file {
        match super::encryption::DecryptionKey::load(path) {
            Ok(_) => report.push(
                Level::Ok,
                format!("decryption key {} read, published at /.well-known/jwks.json", path.display()),
            ),
            Err(e) => report.push(Level::Fail, format!("decryption_key_file: {e}")),
        }
        let rsa: Vec<String> = encryption.iter().filter(|a| a.starts_with("RSA-OAEP")).cloned().collect();
        if rsa.is_empty() {
            report.push(
                Level::Fail,
                format!(
                    "a decryption key is configured but the provider encrypts ID tokens with no RSA-OAEP algorithm{}",
                    paren(&encryption)
                ),
            );
        } else {
            report.push(Level::Ok, format!("encrypted ID tokens offered ({})", rsa.join(", ")));
        }
    }

    // Scopes and claims.
    if !config.scopes.iter().any(|s| s == "openid") {
        report.push(Level::Fail, "scopes must include openid".into());
    }
    let scopes = m.scopes_supported().map(|v| names(v));
    report.offered("scope", &config.scopes, scopes.as_deref(), Level::Warn);
    let claims = m.claims_supported().map(|v| names(v));
    let mapping = &config.claims;
    for (field, claim) in [
        ("name", &mapping.name),
        ("birth date", &mapping.birth_date),
        ("citizen id number", &mapping.citizen_id),
        ("phone", &mapping.phone),
        ("email", &mapping.email),
    ] {
        if claim.is_empty() {
            continue;
        }
        match &claims {
            Some(listed) if listed.contains(claim) => {
                report.push(Level::Ok, format!("claim {claim} ({field}) offered"))
            }
            Some(_) => report.push(
                Level::Warn,
                format!("claim {claim} ({field}) not listed by the provider; the account page will lack it"),
            ),
            None => {}
        }
    }

    // Assurance levels.
    let acrs = m.acr_values_supported().map(|v| names(v));
    let mut wanted: Vec<String> = config.assurance.keys().cloned().collect();
    if let Some(values) = config.extra_params.get("acr_values") {
        wanted.extend(values.split_whitespace().map(str::to_string).filter(|v| !config.assurance.contains_key(v)));
    }
    if !wanted.is_empty() {
        report.offered("acr value", &wanted, acrs.as_deref(), Level::Warn);
    }

    // Logout.
    match &extra.end_session_endpoint {
        Some(_) => report.push(Level::Ok, "RP-initiated logout offered (end_session_endpoint)".into()),
        None => report.push(Level::Warn, "no end_session_endpoint: signing out ends the portal session only".into()),
    }
    if extra.backchannel_logout_supported == Some(true) {
        report.push(Level::Ok, "back-channel logout offered".into());
    } else {
        report.push(
            Level::Warn,
            "no back-channel logout: a sign-out at the provider leaves portal sessions open until they expire".into(),
        );
    }
    if m.userinfo_endpoint().is_none() {
        report.push(Level::Warn, "no userinfo endpoint: only the ID token's claims are used".into());
    }
}

/// A metadata value as the provider spells it.
fn name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

fn names<T: Serialize>(values: &[T]) -> Vec<String> {
    values.iter().map(name).collect()
}

fn list(values: &[String]) -> String {
    if values.is_empty() { "none".into() } else { values.join(", ") }
}

fn paren(values: &[String]) -> String {
    if values.is_empty() { String::new() } else { format!(" ({})", values.join(", ")) }
}
