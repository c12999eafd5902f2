//! Search keywords of national procedures (`server/data/procedure_keywords.tsv`): the words
//! citizens use for a procedure that its name does not hold, indexed with that procedure
//! only. Curated like the lexicon and built into the binary; an index built from another
//! version of the list is rebuilt at start, as for a new analysis.

use std::collections::HashMap;
use std::path::Path;
use std::sync::LazyLock;

use motcua_search::normalize::canonical;

const LIST: &str = include_str!("../data/procedure_keywords.tsv");

/// The list built into this binary.
pub static KEYWORDS: LazyLock<Keywords> = LazyLock::new(|| Keywords::parse(LIST));

/// The file in an index directory naming the list its procedures were indexed with.
const MARKER: &str = "procedure-keywords.version";

/// Keywords by procedure code, and a fingerprint of the list they came from.
#[derive(Debug, Default)]
pub struct Keywords {
    by_code: HashMap<String, Vec<String>>,
    fingerprint: u64,
}

impl Keywords {
    /// Parses `code<TAB>keyword; keyword…` lines; `#` lines and blank lines are comments. A
    /// line without a tab or without keywords adds nothing (the test of the shipped list
    /// holds that it has none).
    pub fn parse(text: &str) -> Keywords {
        let mut by_code: HashMap<String, Vec<String>> = HashMap::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let Some((code, keywords)) = line.split_once('\t') else { continue };
            let entry = by_code.entry(code.trim().to_string()).or_default();
            for keyword in keywords.split(';').map(|k| canonical(k.trim())).filter(|k| !k.is_empty()) {
                if !entry.contains(&keyword) {
                    entry.push(keyword);
                }
            }
        }
        by_code.retain(|_, keywords| !keywords.is_empty());
        Keywords { by_code, fingerprint: fnv1a(text.as_bytes()) }
    }

    /// The keywords of the procedure with this national code (none for most).
    pub fn of(&self, code: &str) -> Vec<String> {
        self.by_code.get(code).cloned().unwrap_or_default()
    }

    /// Codes with keywords.
    #[cfg(test)]
    fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }

    /// Whether the index in `dir` was built with this list (a missing or other marker: no).
    pub fn indexed_in(&self, dir: &Path) -> bool {
        std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|v| v.trim() == self.fingerprint.to_string())
    }

    /// Records that the index in `dir` now holds this list's keywords.
    pub fn mark_indexed(&self, dir: &Path) -> std::io::Result<()> {
        std::fs::write(dir.join(MARKER), self.fingerprint.to_string())
    }
}

/// FNV-1a, 64 bits: a stable fingerprint across builds and platforms (the standard hasher's
/// output may change between Rust releases).
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_lines_and_skips_comments_and_empty_keywords() {
        let list = Keywords::parse(
            "# comment\n1.001193\tgiấy chứng sinh; ; con mới sinh; giấy chứng sinh\nno tab here\n2.0\t ; \n",
        );
        assert_eq!(list.of("1.001193"), ["giấy chứng sinh", "con mới sinh"]);
        assert!(list.of("2.0").is_empty());
        assert!(list.of("no tab here").is_empty());
        assert_eq!(list.codes().count(), 1);
    }

    #[test]
    fn keywords_are_stored_in_canonical_form() {
        // Old tone placement and decomposed marks, as a hand-edited file may hold them.
        let list = Keywords::parse("1.0\tho\u{300}a gia\u{309}i; thuỷ sản\n");
        assert_eq!(list.of("1.0"), ["hòa giải", "thủy sản"]);
    }

    #[test]
    fn the_marker_follows_the_list() {
        let dir = tempfile::tempdir().expect("temp dir");
        let (a, b) = (Keywords::parse("1.0\tx\n"), Keywords::parse("1.0\ty\n"));
        assert!(!a.indexed_in(dir.path()));
        a.mark_indexed(dir.path()).expect("write marker");
        assert!(a.indexed_in(dir.path()));
        assert!(!b.indexed_in(dir.path()), "another list must rebuild the index");
    }

    /// Keywords are attached by national code: a code the national data does not hold is a
    /// typo that attaches them to nothing. Codes are read as the importer reads them.
    #[test]
    fn every_code_of_the_shipped_list_is_a_national_procedure() {
        let export = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/procedures.jsonl.gz");
        if !export.is_file() {
            eprintln!("SKIPPED every_code_of_the_shipped_list_is_a_national_procedure: ../shared/data is absent");
            return;
        }
        let bytes = crate::import::read_maybe_gzip(&export).expect("read the procedure export");
        let codes: std::collections::HashSet<String> = String::from_utf8_lossy(&bytes)
            .lines()
            .filter_map(|line| serde_json::from_str::<crate::import::procedure_record::RawProcedure>(line).ok())
            .map(|raw| raw.ma_thu_tuc.trim().to_string())
            .collect();
        assert!(KEYWORDS.codes().count() >= 300, "{} procedures with keywords", KEYWORDS.codes().count());
        let unknown: Vec<&str> = KEYWORDS.codes().filter(|code| !codes.contains(*code)).collect();
        assert!(unknown.is_empty(), "keywords for codes in no procedure: {unknown:?}");
    }

    #[test]
    fn the_shipped_list_has_no_line_that_adds_nothing() {
        let lines = LIST.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count();
        assert_eq!(KEYWORDS.codes().count(), lines, "every line is code<TAB>keywords, one line per code");
    }
}
