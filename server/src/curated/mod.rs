//! Curated search data built into the binary, reviewed like code: the words citizens use for
//! a procedure ([`keywords`]) and the procedures commonly needed with it ([`related`]). Both
//! shape what the index holds, so an index built from other versions of the lists (or by
//! another rule for what the index makes of them) is rebuilt at start, as for a new analysis.

pub mod keywords;
pub mod related;

use std::path::Path;

/// The file in an index directory naming the lists its procedures were indexed with.
const MARKER: &str = "curated-lists.version";

/// Whether the index in `dir` was built with this binary's lists (a missing or other
/// marker: no).
pub fn indexed_in(dir: &Path) -> bool {
    std::fs::read_to_string(dir.join(MARKER)).is_ok_and(|v| v.trim() == fingerprint(LISTS).to_string())
}

/// Records that the index in `dir` now holds this binary's lists.
pub fn mark_indexed(dir: &Path) -> std::io::Result<()> {
    std::fs::write(dir.join(MARKER), fingerprint(LISTS).to_string())
}

/// How the index is given what the lists say, named so that a change to it rebuilds indexes
/// built from the same lists by the old rule: change the text whenever the rule changes.
const RULES: &str = "companion places: the reverses of instead pairs share the place after a list's own (session 26)";

const LISTS: [&str; 3] = [keywords::LIST, related::LIST, RULES];

/// FNV-1a, 64 bits, over the lists in order: a stable fingerprint across builds and
/// platforms (the standard hasher's output may change between Rust releases).
fn fingerprint(lists: [&str; 3]) -> u64 {
    lists
        .iter()
        .flat_map(|list| list.bytes().chain([0]))
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_marker_follows_the_lists() {
        let dir = tempfile::tempdir().expect("temp dir");
        assert!(!indexed_in(dir.path()));
        mark_indexed(dir.path()).expect("write marker");
        assert!(indexed_in(dir.path()));
        std::fs::write(dir.path().join(MARKER), fingerprint(["1.0\tx\n", "", RULES]).to_string())
            .expect("write marker");
        assert!(!indexed_in(dir.path()), "other lists must rebuild the index");
    }

    #[test]
    fn a_change_to_either_list_or_the_rule_changes_the_fingerprint() {
        let base = fingerprint(["1.0\tx\n", "1.0\t2.0\twith\n", RULES]);
        assert_ne!(base, fingerprint(["1.0\ty\n", "1.0\t2.0\twith\n", RULES]));
        assert_ne!(base, fingerprint(["1.0\tx\n", "1.0\t2.0\tafter\n", RULES]));
        // A line moved from the end of one list to the start of the next is a change too.
        assert_ne!(fingerprint(["a\nb\n", "", RULES]), fingerprint(["a\n", "b\n", RULES]));
        // So is a new rule for what the index makes of the same lists.
        assert_ne!(base, fingerprint(["1.0\tx\n", "1.0\t2.0\twith\n", "another rule"]));
    }
}
