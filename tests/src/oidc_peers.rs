//! The certified OpenID peers of the end-to-end tests, from npm (`tests/oidc/`, installed by
//! `npm ci --prefix tests/oidc`, which `.ci/run` does), each run by Node on a free loopback
//! port with what a test gives it: `oidc-provider` as the stand-in national login, and
//! `openid-client` as a department service of the portal's sign-on hub.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

/// A Node peer: killed when dropped.
struct Peer {
    child: Child,
    _dir: tempfile::TempDir,
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs `tests/oidc/{script}` with `config` and waits for its `READY …` line; returns the
/// rest of that line. A peer that has not said READY within a minute is killed and started
/// once more: on a loaded CI machine a Node process has been seen to hang before listening.
fn start(script: &str, package: &str, config: &serde_json::Value) -> Result<(Peer, String)> {
    let dir = peers_dir();
    if !dir.join("node_modules").join(package).is_dir() {
        bail!("{package} is not installed: run `npm ci --prefix tests/oidc` (.ci/run does)");
    }
    let tmp = tempfile::tempdir()?;
    let file = tmp.path().join("config.json");
    std::fs::write(&file, serde_json::to_vec_pretty(config)?)?;
    for attempt in 1..=2 {
        let mut child = Command::new("node")
            .arg(dir.join(script))
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot run node (install Node.js 20 or later)")?;
        let stdout = child.stdout.take().context("peer stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(ready) = line.strip_prefix("READY ") {
                    let _ = tx.send(ready.to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(ready) => return Ok((Peer { child, _dir: tmp }, ready)),
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                eprintln!("{script} did not say READY (attempt {attempt}: {e}); its messages are above");
            }
        }
    }
    bail!("{script} did not start in two attempts of 60 s (its messages are above)")
}

/// A running stand-in national login; stopped when dropped.
pub struct NationalLogin {
    /// Its issuer, `http://127.0.0.1:PORT`.
    pub issuer: String,
    _peer: Peer,
}

impl NationalLogin {
    /// Starts a provider with this configuration (see the head of `tests/oidc/provider.mjs`:
    /// `clients`, `accounts`, `acr`, `features`); `port` is chosen here unless given (with
    /// an `issuer` on another host name, say).
    pub fn start(config: &serde_json::Value) -> Result<NationalLogin> {
        let mut config = config.clone();
        if config.get("port").is_none() {
            config["port"] = 0.into();
        }
        let (peer, issuer) = start("provider.mjs", "oidc-provider", &config)?;
        Ok(NationalLogin { issuer, _peer: peer })
    }
}

/// A running department service (a relying party of the portal's hub); stopped when
/// dropped.
pub struct DepartmentService {
    /// Its address, `http://127.0.0.1:PORT`; its redirect URI is this plus `/callback`.
    pub base: String,
    /// Its public keys (for `private_key_jwt`), as a JWK Set in JSON.
    pub jwks: String,
    _peer: Peer,
}

impl DepartmentService {
    /// Starts a service with this configuration (see the head of `tests/oidc/service.mjs`:
    /// `issuer`, `client_id`, `client_secret`, `auth`, `id_token_alg`, `scope`).
    pub fn start(config: &serde_json::Value) -> Result<DepartmentService> {
        let (peer, ready) = start("service.mjs", "openid-client", config)?;
        let (base, jwks) = ready.split_once(' ').context("READY line without keys")?;
        Ok(DepartmentService { base: base.to_string(), jwks: jwks.to_string(), _peer: peer })
    }
}
