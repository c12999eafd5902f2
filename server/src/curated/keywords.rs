//! Search keywords of national procedures (`server/data/procedure_keywords.tsv`): the words
//! citizens use for a procedure that its name does not hold, indexed with that procedure
//! only.

use std::collections::HashMap;
use std::sync::LazyLock;

use motcua_search::normalize::canonical;

pub(super) const LIST: &str = include_str!("../../data/procedure_keywords.tsv");

/// The list built into this binary.
pub static KEYWORDS: LazyLock<Keywords> = LazyLock::new(|| Keywords::parse(LIST));

/// Keywords by procedure code.
#[derive(Debug, Default)]
pub struct Keywords {
    by_code: HashMap<String, Vec<String>>,
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
        Keywords { by_code }
    }

    /// The keywords of the procedure with this national code (none for most).
    pub fn of(&self, code: &str) -> Vec<String> {
        self.by_code.get(code).cloned().unwrap_or_default()
    }

    /// Whether the procedure with this code has keywords: the list covers the procedures
    /// citizens commonly need, so this is also what tells them from the rest.
    pub fn lists(&self, code: &str) -> bool {
        self.by_code.contains_key(code)
    }

    /// Codes with keywords: what a check against the national data needs.
    pub fn codes(&self) -> impl Iterator<Item = &str> {
        self.by_code.keys().map(String::as_str)
    }
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
    fn the_shipped_list_covers_hundreds_of_procedures() {
        assert!(KEYWORDS.codes().count() >= 300, "{} procedures with keywords", KEYWORDS.codes().count());
    }

    #[test]
    fn the_shipped_list_has_no_line_that_adds_nothing() {
        let lines = LIST.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).count();
        assert_eq!(KEYWORDS.codes().count(), lines, "every line is code<TAB>keywords, one line per code");
    }
}
