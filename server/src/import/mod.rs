//! The import door: the national procedure export, administrative units, and the demo set.
//! Everything goes through [`crate::storage::documents::upsert`], the same path as every
//! other door, so a second run changes nothing.

pub mod admin_units;
pub mod demo;
pub mod procedure_record;

use std::collections::HashMap;
use std::io::Read;

use chrono::Utc;
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::DatabaseConnection;

use crate::storage::documents::{self, Upserted};
use crate::storage::{StorageError, agencies};

/// What an import did, line by line.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// New documents.
    pub created: usize,
    /// Changed documents.
    pub updated: usize,
    /// Documents already up to date.
    pub unchanged: usize,
    /// Lines that could not be imported: (line number from 1, reason).
    pub failed: Vec<(usize, String)>,
}

impl ImportReport {
    /// Counts what one upsert did.
    pub fn count(&mut self, outcome: Upserted) {
        match outcome {
            Upserted::Created(_) => self.created += 1,
            Upserted::Updated(_) => self.updated += 1,
            Upserted::Unchanged(_) => self.unchanged += 1,
        }
    }

    /// Created plus updated.
    pub fn changes(&self) -> usize {
        self.created + self.updated
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} created, {} updated, {} unchanged, {} failed ({} changes)",
            self.created,
            self.updated,
            self.unchanged,
            self.failed.len(),
            self.changes()
        )
    }
}

/// Errors that stop an import as a whole (a bad line does not).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file could not be read or decompressed.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
    /// The file is not what it should be.
    #[error("{0}")]
    Format(String),
}

/// Reads a file, decompressing it when it starts with the gzip magic bytes.
pub fn read_maybe_gzip(path: &std::path::Path) -> Result<Vec<u8>, ImportError> {
    let err = |source| ImportError::Read { path: path.display().to_string(), source };
    let bytes = std::fs::read(path).map_err(err)?;
    gunzip_if_needed(bytes).map_err(err)
}

/// The codes of the national procedure export in `../shared/data`, read as the importer reads
/// them, for tests of the curated lists that name procedures by code; `None` (the test says
/// it skips) where the shared data is absent.
#[cfg(test)]
pub fn national_codes() -> Option<std::collections::HashSet<String>> {
    let export = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/procedures.jsonl.gz");
    if !export.is_file() {
        return None;
    }
    let bytes = read_maybe_gzip(&export).expect("read the procedure export");
    Some(
        String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| serde_json::from_str::<procedure_record::RawProcedure>(line).ok())
            .map(|raw| raw.ma_thu_tuc.trim().to_string())
            .collect(),
    )
}

/// Decompresses gzip data (by its magic bytes); other data is returned as is.
pub fn gunzip_if_needed(bytes: Vec<u8>) -> Result<Vec<u8>, std::io::Error> {
    if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::with_capacity(bytes.len() * 6);
        flate2::read::MultiGzDecoder::new(&bytes[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(bytes)
    }
}

/// Imports the procedure export (JSON lines). Bad lines are reported and skipped; each
/// good line is upserted in its own transaction, so an interrupted import resumes cleanly.
pub async fn import_procedures(
    db: &DatabaseConnection,
    data: &[u8],
    progress: bool,
) -> Result<ImportReport, ImportError> {
    let text = String::from_utf8_lossy(data);
    let lines: Vec<&str> = text.lines().collect();
    let bar = if progress { ProgressBar::new(lines.len() as u64) } else { ProgressBar::hidden() };
    bar.set_style(
        ProgressStyle::with_template("{spinner} [{bar:40}] {pos}/{len} thủ tục ({per_sec}, còn {eta})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut report = ImportReport::default();
    let mut agency_ids: HashMap<String, i32> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        bar.inc(1);
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = match procedure_record::parse_line(line) {
            Ok(p) => p,
            Err(e) => {
                bar.suspend(|| tracing::warn!(line = line_no, "skipped: {e}"));
                report.failed.push((line_no, e.to_string()));
                continue;
            }
        };
        let now = Utc::now();
        let agency_id = match agency_ids.get(&parsed.agency.slug) {
            Some(id) => *id,
            None => {
                let id = agencies::ensure(db, &parsed.agency, now).await?;
                agency_ids.insert(parsed.agency.slug.clone(), id);
                id
            }
        };
        let mut document = parsed.document;
        document.agency_id = agency_id;
        match documents::upsert(db, &document, now).await {
            Ok(outcome) => report.count(outcome),
            Err(StorageError::Db(e)) if is_constraint_violation(&e) => {
                report.failed.push((line_no, format!("conflicts with another document: {e}")));
            }
            Err(e) => return Err(e.into()),
        }
    }
    bar.finish_and_clear();
    Ok(report)
}

fn is_constraint_violation(e: &sea_orm::DbErr) -> bool {
    let s = e.to_string().to_lowercase();
    s.contains("unique") || s.contains("duplicate key") || s.contains("constraint")
}

#[cfg(test)]
mod tests {
    use motcua_server::curated::{keywords::KEYWORDS, related::RELATIONS};

    /// The curated lists name procedures by national code: a code the national data does not
    /// hold is a typo that attaches keywords, or links companions, to nothing.
    #[test]
    fn every_code_of_the_curated_lists_is_a_national_procedure() {
        let Some(codes) = super::national_codes() else {
            eprintln!("SKIPPED every_code_of_the_curated_lists_is_a_national_procedure: ../shared/data is absent");
            return;
        };
        let unknown: Vec<&str> = KEYWORDS.codes().filter(|code| !codes.contains(*code)).collect();
        assert!(unknown.is_empty(), "keywords for codes of no procedure: {unknown:?}");
        let unknown: Vec<&str> = RELATIONS.codes().filter(|code| !codes.contains(*code)).collect();
        assert!(unknown.is_empty(), "companions named by codes of no procedure: {unknown:?}");
    }
}
