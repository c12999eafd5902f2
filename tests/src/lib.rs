//! End-to-end harness: runs the real `motcua` binary against a real SQLite file or a fresh
//! PostgreSQL database, and talks to it over real HTTP.
//!
//! PostgreSQL tests read `MOTCUA_TEST_POSTGRES_URL` (for example
//! `postgres://postgres@127.0.0.1:5432/test`); when it is unset they print why and skip.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

pub mod browser;
pub mod fixture_site;
pub mod oidc_peers;
pub mod relevance;

/// The `motcua` binary of the same profile as the running executable: beside it (a bench
/// binary in `target/release/`) or one level up (a test in `target/debug/deps/`). Cargo
/// builds it for the server package's own integration test.
pub fn motcua_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("executable path");
    let name = format!("motcua{}", std::env::consts::EXE_SUFFIX);
    let candidates = [exe.parent().map(|d| d.join(&name)), exe.parent().and_then(Path::parent).map(|d| d.join(&name))];
    let found = candidates.into_iter().flatten().find(|p| p.is_file());
    found.unwrap_or_else(|| panic!("motcua binary not found near {}: build it with `cargo build -p motcua-server` (cargo test --workspace does)", exe.display()))
}

/// The shared real data folder, if present (`../shared/data` beside the checkout).
pub fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    dir.join("procedures.jsonl.gz").is_file().then_some(dir)
}

/// The demo procedures committed to the project.
pub fn demo_procedures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/procedures.jsonl.gz")
}

/// Which database a test runs on.
#[derive(Debug)]
pub enum Database {
    /// A SQLite file in the test's data directory.
    Sqlite,
    /// A database created for this test on the server of `MOTCUA_TEST_POSTGRES_URL`, dropped
    /// afterwards.
    Postgres {
        /// Its URL.
        url: String,
        /// The server's admin URL, to drop it.
        admin_url: String,
        /// Its name.
        name: String,
    },
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Database {
    /// A fresh PostgreSQL database, or `None` (with a message) when no server is configured.
    pub fn postgres(test: &str) -> Option<Database> {
        let Ok(admin_url) = std::env::var("MOTCUA_TEST_POSTGRES_URL") else {
            eprintln!("SKIPPED {test}: MOTCUA_TEST_POSTGRES_URL is not set (e.g. postgres://postgres@127.0.0.1:5432/test)");
            return None;
        };
        let name = format!("motcua_t{}_{}", std::process::id(), COUNTER.fetch_add(1, Ordering::SeqCst));
        let status = Command::new("psql")
            .args([admin_url.as_str(), "-v", "ON_ERROR_STOP=1", "-q", "-c", &format!("CREATE DATABASE {name}")])
            .status()
            .expect("psql must be installed to run the PostgreSQL tests (apt-get install postgresql-client)");
        assert!(status.success(), "cannot create database {name} on {admin_url}");
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b);
        Some(Database::Postgres { url: format!("{base}/{name}"), admin_url, name })
    }

    fn url(&self, data_dir: &Path) -> String {
        match self {
            Database::Sqlite => format!("sqlite://{}?mode=rwc", data_dir.join("motcua.db").display()),
            Database::Postgres { url, .. } => url.clone(),
        }
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        if let Database::Postgres { admin_url, name, .. } = self {
            let _ = Command::new("psql")
                .args([admin_url.as_str(), "-q", "-c", &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
        }
    }
}

/// A data directory and database for one test, and ways to run the binary on them.
pub struct Site {
    /// Temporary data directory (SQLite file and search index).
    pub dir: tempfile::TempDir,
    /// The database.
    pub db: Database,
}

impl Site {
    /// A new empty site on `db`.
    pub fn new(db: Database) -> Site {
        Site { dir: tempfile::tempdir().expect("temp dir"), db }
    }

    /// A command running `motcua` on this site, with every setting passed explicitly so the
    /// developer's own `motcua.toml` or environment cannot leak in.
    pub fn command(&self) -> Command {
        let mut c = Command::new(motcua_bin());
        c.current_dir(self.dir.path())
            .env_remove("MOTCUA_DATABASE__URL")
            .env_remove("MOTCUA_CONFIG")
            .env("RUST_LOG", "warn")
            .arg("--data-dir")
            .arg(self.dir.path())
            .arg("--database-url")
            .arg(self.db.url(self.dir.path()));
        c
    }

    /// Runs `motcua import procedures FILE`.
    pub fn import_procedures(&self, file: &Path) -> Output {
        self.command().args(["import", "procedures"]).arg(file).output().expect("run motcua import")
    }

    /// Starts `motcua serve` on a free port and waits until it answers.
    pub fn serve(&self, extra: &[&str]) -> Result<Server> {
        self.serve_at("127.0.0.1:0", extra, &[])
    }

    /// Starts `motcua serve` on this address (a test that must name the portal's address
    /// to a peer beforehand picks a free port itself), with these environment variables
    /// (secrets reach a server that way), and waits until it answers.
    pub fn serve_at(&self, bind: &str, extra: &[&str], env: &[(&str, &str)]) -> Result<Server> {
        let mut child = self
            .command()
            .envs(env.iter().copied())
            .args(["serve", "--bind", bind])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("spawn motcua serve")?;
        let stdout = child.stdout.take().context("stdout")?;
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.split("serving on ").nth(1) {
                    let _ = tx.send(rest.trim().trim_end_matches('/').to_string());
                }
            }
        });
        let base = match rx.recv_timeout(Duration::from_secs(180)) {
            Ok(b) => b,
            Err(_) => {
                let _ = child.kill();
                bail!("motcua serve did not start within 180 s");
            }
        };
        let server = Server { child, base, http: reqwest::blocking::Client::builder().timeout(Duration::from_secs(30)).build()? };
        let healthy = || server.get("/healthz").map(|r| r.status().as_u16()).ok() == Some(200);
        if !eventually(Duration::from_secs(30), healthy) {
            bail!("motcua serve does not answer /healthz");
        }
        Ok(server)
    }
}

/// How often [`poll`] asks again.
const POLL_INTERVAL: Duration = Duration::from_millis(100);

/// Asks `check` every tenth of a second until it gives something, for at most `limit`:
/// what a running server does after a request (indexing, a back-channel delivery, starting)
/// comes a moment later, and a fixed sleep would be too short on a loaded machine or
/// needlessly long on an idle one.
pub fn poll<T>(limit: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let started = Instant::now();
    loop {
        if let Some(found) = check() {
            return Some(found);
        }
        if started.elapsed() >= limit {
            return None;
        }
        std::thread::sleep(POLL_INTERVAL);
    }
}

/// Whether `check` holds within `limit`, asked as [`poll`] asks.
pub fn eventually(limit: Duration, mut check: impl FnMut() -> bool) -> bool {
    poll(limit, || check().then_some(())).is_some()
}

/// A free loopback port (free when asked; the caller binds it soon after).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A running `motcua serve`; killed when dropped.
pub struct Server {
    child: Child,
    /// `http://127.0.0.1:PORT`
    pub base: String,
    http: reqwest::blocking::Client,
}

impl Server {
    /// GET a path.
    pub fn get(&self, path: &str) -> reqwest::Result<reqwest::blocking::Response> {
        self.http.get(format!("{}{}", self.base, path)).send()
    }

    /// GET a path and parse JSON, with the status.
    pub fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let r = self.get(path).expect("request");
        let status = r.status().as_u16();
        (status, r.json().expect("JSON body"))
    }

    /// GET a page: status and HTML.
    pub fn page(&self, path: &str) -> (u16, String) {
        let r = self.get(path).expect("request");
        (r.status().as_u16(), r.text().expect("body"))
    }

    /// Number of published procedures the search index holds.
    pub fn indexed_procedures(&self) -> u64 {
        let (status, body) = self.json("/api/v1/search?kind=procedure&per_page=1");
        assert_eq!(status, 200, "{body}");
        body["total"].as_u64().expect("total")
    }

    /// Stops the server (kill) and waits for it to exit.
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Percent-encodes a query parameter value (everything but ASCII letters, digits and '.').
pub fn url_encode(value: &str) -> String {
    value
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b == b'.' { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

/// Parses the summary line of `motcua import`: (created, updated, unchanged, failed).
pub fn import_counts(output: &Output) -> (usize, usize, usize, usize) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    let nums: Vec<usize> = line.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse().ok()).collect();
    assert!(nums.len() >= 4, "unexpected import output: {stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    (nums[0], nums[1], nums[2], nums[3])
}
