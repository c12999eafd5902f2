//! `motcua import procedures`: complete, idempotent, resumable, and honest about bad lines,
//! on SQLite and on PostgreSQL; the index follows the change log (imports and companion
//! lists set in the portal).

use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use motcua_tests::{Database, Site, demo_procedures, eventually, import_counts, shared_data};

/// The full national export when the shared data is present, else the committed demo set.
fn procedures_file() -> (PathBuf, usize) {
    match shared_data() {
        Some(dir) => (dir.join("procedures.jsonl.gz"), 2642),
        None => {
            eprintln!("note: ../shared/data absent; importing the 300 demo procedures instead of all 2,642");
            (demo_procedures(), 300)
        }
    }
}

fn full_import_is_idempotent_and_indexed(db: Database) {
    let (file, expected) = procedures_file();
    let site = Site::new(db);
    let first = site.import_procedures(&file);
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    assert_eq!(import_counts(&first), (expected, 0, 0, 0));

    let second = site.import_procedures(&file);
    assert!(second.status.success());
    assert_eq!(import_counts(&second), (0, 0, expected, 0), "a second run changes nothing");

    // The index is built from the database at start, and agrees after a restart.
    let server = site.serve(&[]).expect("serve");
    assert_eq!(server.indexed_procedures(), expected as u64);
    let (_, body) = server.json("/api/v1/search?q=dang%20ky%20khai%20sinh");
    assert_eq!(body["hits"][0]["title"], "Đăng ký khai sinh", "{body}");
    server.stop();
    let server = site.serve(&[]).expect("restart");
    assert_eq!(server.indexed_procedures(), expected as u64);
}

#[test]
fn full_import_sqlite() {
    full_import_is_idempotent_and_indexed(Database::Sqlite);
}

#[test]
fn full_import_postgres() {
    if let Some(db) = Database::postgres("full_import_postgres") {
        full_import_is_idempotent_and_indexed(db);
    }
}

fn broken_line_is_named_and_the_rest_imported(db: Database) {
    let data = motcua_tests_read_lines(&demo_procedures(), 4);
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("broken.jsonl");
    let mut f = std::fs::File::create(&file).expect("create");
    writeln!(f, "{}", data[0]).expect("write");
    writeln!(f, "{{\"ma_thu_tuc\": \"1.000001\", \"ten_thu_tuc\": ").expect("write");
    writeln!(f, "{}", data[1]).expect("write");
    writeln!(f, "{}", data[2].replacen("\"ma_thu_tuc\"", "\"ma_cu\"", 1)).expect("write");
    writeln!(f, "{}", data[3]).expect("write");
    drop(f);
    let site = Site::new(db);
    let out = site.import_procedures(&file);
    assert!(!out.status.success(), "a failed line makes the exit code non-zero");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("broken.jsonl:2: invalid JSON"), "{stderr}");
    assert!(stderr.contains("broken.jsonl:4: invalid JSON: missing field `ma_thu_tuc`"), "{stderr}");
    assert_eq!(import_counts(&out), (3, 0, 0, 2));
}

#[test]
fn broken_line_sqlite() {
    broken_line_is_named_and_the_rest_imported(Database::Sqlite);
}

#[test]
fn broken_line_postgres() {
    if let Some(db) = Database::postgres("broken_line_postgres") {
        broken_line_is_named_and_the_rest_imported(db);
    }
}

fn motcua_tests_read_lines(path: &std::path::Path, n: usize) -> Vec<String> {
    use std::io::{BufRead, BufReader};
    let f = std::fs::File::open(path).expect("open demo");
    BufReader::new(flate2::read::GzDecoder::new(f)).lines().take(n).map(|l| l.expect("line")).collect()
}

fn killed_import_resumes_to_the_same_counts(db: Database) {
    let (file, expected) = procedures_file();
    let site = Site::new(db);
    let mut child = site
        .command()
        .args(["import", "procedures"])
        .arg(&file)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn import");
    // Kill it part-way: after the schema exists and some records are in.
    let started = Instant::now();
    std::thread::sleep(Duration::from_millis(2500));
    let finished_early = child.try_wait().expect("wait").is_some();
    let _ = child.kill();
    let _ = child.wait();
    eprintln!("import killed after {:?} (had it finished already: {finished_early})", started.elapsed());

    let rerun = site.import_procedures(&file);
    assert!(rerun.status.success(), "{}", String::from_utf8_lossy(&rerun.stderr));
    let (created, updated, unchanged, failed) = import_counts(&rerun);
    assert_eq!(failed, 0);
    assert_eq!(updated, 0, "records written before the kill are complete");
    assert_eq!(created + unchanged, expected);
    if !finished_early {
        assert!(created > 0 && unchanged > 0, "the kill landed mid-import: {created} created, {unchanged} unchanged");
    }
    let server = site.serve(&[]).expect("serve");
    assert_eq!(server.indexed_procedures(), expected as u64, "index agrees with the database");
}

#[test]
fn killed_import_resumes_sqlite() {
    killed_import_resumes_to_the_same_counts(Database::Sqlite);
}

#[test]
fn killed_import_resumes_postgres() {
    if let Some(db) = Database::postgres("killed_import_resumes_postgres") {
        killed_import_resumes_to_the_same_counts(db);
    }
}

/// A running server picks up an import made by another process through the change log.
fn running_server_follows_the_change_log(db: Database) {
    let site = Site::new(db);
    let server = site.serve(&["--demo"]).expect("serve");
    let before = server.indexed_procedures();
    assert_eq!(before, 300, "the demo set is loaded on an empty database");
    let (file, expected) = procedures_file();
    let out = site.import_procedures(&file);
    assert!(out.status.success());
    let followed = eventually(Duration::from_secs(60), || server.indexed_procedures() == expected as u64);
    assert!(followed, "index did not follow the change log: {} of {expected}", server.indexed_procedures());

    // A companion list set in the portal goes the same way, on either database: the
    // procedure's page shows it at once, search within the sync's poll, and a reset gives
    // the shipped list back.
    let run = |args: &[&str]| {
        let out = site.command().args(args).output().expect("run motcua");
        assert!(out.status.success(), "motcua {args:?}: {out:?}");
    };
    let page = || server.page("/thu-tuc/1.000656").1;
    let on_first_page = || {
        // "ba tôi mất làm giấy tờ gì": a question whose first page has room for companions.
        let (_, body) = server.json(
            "/api/v1/search?kind=procedure&q=ba%20t%C3%B4i%20m%E1%BA%A5t%20l%C3%A0m%20gi%E1%BA%A5y%20t%E1%BB%9D%20g%C3%AC",
        );
        body["hits"].as_array().into_iter().flatten().any(|h| h["url"] == "/thu-tuc/2.001016")
    };
    assert!(page().contains(r#"href="/thu-tuc/2.000821""#) && !on_first_page(), "as shipped");
    run(&["companions", "set", "1.000656", "2.001016:after"]);
    assert!(page().contains(r#"href="/thu-tuc/2.001016""#) && !page().contains(r#"href="/thu-tuc/2.000821""#));
    assert!(eventually(Duration::from_secs(10), on_first_page), "search follows the list set");
    run(&["companions", "reset", "1.000656"]);
    assert!(page().contains(r#"href="/thu-tuc/2.000821""#) && !page().contains(r#"href="/thu-tuc/2.001016""#));
    assert!(eventually(Duration::from_secs(10), || !on_first_page()), "search follows the reset");
}

#[test]
fn change_log_feeds_running_server_sqlite() {
    running_server_follows_the_change_log(Database::Sqlite);
}

#[test]
fn change_log_feeds_running_server_postgres() {
    if let Some(db) = Database::postgres("change_log_feeds_running_server_postgres") {
        running_server_follows_the_change_log(db);
    }
}
