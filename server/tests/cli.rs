//! The command line as an operator meets it. (Also makes cargo build the `motcua` binary
//! that the end-to-end tests in `tests/` run.)

use std::process::Command;

#[test]
fn help_lists_every_subcommand() {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua")).arg("--help").output().expect("run motcua");
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for sub in ["serve", "import", "reindex"] {
        assert!(help.contains(sub), "--help lacks {sub}: {help}");
    }
}

#[test]
fn unknown_subcommand_fails_with_usage() {
    let out = Command::new(env!("CARGO_BIN_EXE_motcua")).arg("frobnicate").output().expect("run motcua");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage"));
}

#[test]
fn invalid_config_file_is_reported() {
    let dir = tempfile::tempdir().expect("tmp");
    let cfg = dir.path().join("motcua.toml");
    std::fs::write(&cfg, "[http]\nbnid = 1\n").expect("write");
    let out = Command::new(env!("CARGO_BIN_EXE_motcua")).arg("--config").arg(&cfg).arg("reindex").output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid configuration"), "{}", String::from_utf8_lossy(&out.stderr));
}
