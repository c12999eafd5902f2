//! Queries citizens ask often and that found something, offered as completions beside
//! titles ("sổ đỏ" before anyone has typed "giấy chứng nhận quyền sử dụng đất").
//!
//! Kept in memory per node: losing them on restart costs a few days of warm-up, and no
//! personal data is kept (only the query text, never who asked).

use std::collections::HashMap;
use std::sync::Mutex;

/// Distinct queries remembered; beyond it the rarest are forgotten.
const CAPACITY: usize = 20_000;
/// Times a query must have been asked before it is offered: one person's typo is not.
const MIN_COUNT: u64 = 3;

/// Counts of successful queries by their folded key.
#[derive(Debug, Default)]
pub struct FrequentQueries {
    counts: Mutex<HashMap<String, (String, u64)>>,
}

impl FrequentQueries {
    /// Notes one successful query.
    pub fn record(&self, query: &str) {
        let key = crate::storage::best_bets::query_key(query);
        if key.is_empty() || query.chars().count() > 100 {
            return;
        }
        let Ok(mut counts) = self.counts.lock() else { return };
        if counts.len() >= CAPACITY && !counts.contains_key(&key) {
            // Forget the queries asked once; if all were asked more, the rarest half.
            counts.retain(|_, (_, n)| *n > 1);
            if counts.len() >= CAPACITY {
                let mut ns: Vec<u64> = counts.values().map(|(_, n)| *n).collect();
                ns.sort_unstable();
                let median = ns[ns.len() / 2];
                counts.retain(|_, (_, n)| *n > median);
            }
        }
        let entry = counts.entry(key).or_insert_with(|| (query.trim().to_string(), 0));
        entry.1 += 1;
    }

    /// The most asked queries starting with what was typed, most asked first.
    pub fn starting_with(&self, prefix: &str, limit: usize) -> Vec<String> {
        let key = crate::storage::best_bets::query_key(prefix);
        if key.is_empty() {
            return Vec::new();
        }
        let Ok(counts) = self.counts.lock() else { return Vec::new() };
        let mut found: Vec<(&String, u64)> = counts
            .iter()
            .filter(|(k, (_, n))| *n >= MIN_COUNT && k.starts_with(&key))
            .map(|(_, (text, n))| (text, *n))
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        found.into_iter().take(limit).map(|(t, _)| t.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offers_queries_asked_often_in_any_spelling() {
        let q = FrequentQueries::default();
        for text in ["sổ đỏ", "so do", "Sổ  đỏ", "sổ hộ khẩu"] {
            q.record(text);
        }
        assert_eq!(q.starting_with("so d", 5), ["sổ đỏ"], "three spellings of one query; the other asked once");
        assert!(q.starting_with("  ", 5).is_empty());
    }
}
