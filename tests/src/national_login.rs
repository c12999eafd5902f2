//! The stand-in national login: the certified `oidc-provider` package from npm
//! (`tests/oidc/`, installed by `npm ci --prefix tests/oidc`, which `.ci/run` does), run by
//! Node on a free loopback port with the clients and citizens a test gives it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// A running provider; stopped when dropped.
pub struct NationalLogin {
    /// Its issuer, `http://127.0.0.1:PORT`.
    pub issuer: String,
    child: Child,
    _dir: tempfile::TempDir,
}

fn peers_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("oidc")
}

impl NationalLogin {
    /// Starts a provider with this configuration (see the head of `tests/oidc/provider.mjs`:
    /// `clients`, `accounts`, `acr`, `features`); `port` is chosen here.
    pub fn start(config: &serde_json::Value) -> Result<NationalLogin> {
        let dir = peers_dir();
        if !dir.join("node_modules/oidc-provider").is_dir() {
            bail!("oidc-provider is not installed: run `npm ci --prefix tests/oidc` (.ci/run does)");
        }
        let tmp = tempfile::tempdir()?;
        let mut config = config.clone();
        config["port"] = 0.into();
        let file = tmp.path().join("provider.json");
        std::fs::write(&file, serde_json::to_vec_pretty(&config)?)?;
        let mut child = Command::new("node")
            .arg(dir.join("provider.mjs"))
            .arg(&file)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("cannot run node (install Node.js 20 or later)")?;
        let stdout = child.stdout.take().context("provider stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(issuer) = line.strip_prefix("READY ") {
                    let _ = tx.send(issuer.to_string());
                }
            }
        });
        match rx.recv_timeout(Duration::from_secs(30)) {
            Ok(issuer) => Ok(NationalLogin { issuer, child, _dir: tmp }),
            Err(_) => {
                let _ = child.kill();
                bail!("oidc-provider did not start within 30 s (its messages are above)")
            }
        }
    }
}

impl Drop for NationalLogin {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
