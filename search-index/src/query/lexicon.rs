//! What citizens' words mean in administrative language: abbreviations (both ways) and
//! everyday phrases. The lists live in `search-index/data/*.tsv`, curated by hand and built
//! into the binary; here they become rewrites of a query's folded syllables.
//!
//! ```text
//! "cap lai cccd"        → also "cap lai can cuoc cong dan"
//! "ba toi mat"          → also "ba toi khai tu"
//! "uy ban nhan dan xa"  → also "ubnd xa"
//! ```

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use crate::analysis;

const ABBREVIATIONS: &str = include_str!("../../data/abbreviations.tsv");
const SYNONYMS: &str = include_str!("../../data/synonyms.tsv");

/// A way to read part of a query differently.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rewrite {
    /// The query syllables it replaces (start, end exclusive).
    pub span: (usize, usize),
    /// The folded syllables it puts there.
    pub replacement: Vec<String>,
    /// Why: "abbreviation", "full form" or "synonym".
    pub reason: &'static str,
}

/// Light words citizens slip into a phrase ("bị trừ *hết* điểm", "tai nạn *lúc* làm việc",
/// "mở *một* tiệm"): a phrase still matches with a few of them between its syllables (folded
/// forms). Not the question words of `FILLERS` in `query/mod.rs`: those include words that
/// carry meaning inside a phrase ("làm lại", "bố mẹ"), and these include words a question
/// needs ("đã", "hết").
const GAP_WORDS: &[&str] = &[
    "bi", "het", "dang", "luc", "da", "roi", "cua", "minh", "toi", "thi", "la", "ma", "duoc", "o", "khi", "cho",
    "nhung", "cac", "nhieu", "moi", "mot",
];
/// Gap words one phrase may step over.
const MAX_GAPS: usize = 2;

/// The parsed lists, folded the way the index folds.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Phrase (folded syllables) → replacements, with the reason.
    entries: HashMap<Vec<String>, Vec<(Vec<String>, &'static str)>>,
    /// Every proper prefix of a phrase, so matching stops as soon as no phrase can follow.
    prefixes: HashSet<Vec<String>>,
    /// Longest phrase, to bound matching.
    longest: usize,
}

fn folded(text: &str) -> Vec<String> {
    analysis::tokens(&mut analysis::folded_analyzer(), text)
}

impl Lexicon {
    /// Builds the lexicon from the two TSV texts (`#` comments, tab-separated columns).
    pub fn parse(abbreviations: &str, synonyms: &str) -> Lexicon {
        let mut lexicon = Lexicon::default();
        for (short, fulls) in rows(abbreviations) {
            let short = folded(&short);
            for full in fulls {
                let full = folded(&full);
                if short.is_empty() || full.is_empty() || short == full {
                    continue;
                }
                lexicon.add(short.clone(), full.clone(), "abbreviation");
                lexicon.add(full, short.clone(), "full form");
            }
        }
        for (everyday, administrative) in rows(synonyms) {
            for everyday in said_alike(&everyday) {
                let everyday = folded(&everyday);
                for admin in &administrative {
                    let admin = folded(admin);
                    if !everyday.is_empty() && !admin.is_empty() && everyday != admin {
                        lexicon.add(everyday.clone(), admin, "synonym");
                    }
                }
            }
        }
        lexicon
    }

    fn add(&mut self, from: Vec<String>, to: Vec<String>, reason: &'static str) {
        self.longest = self.longest.max(from.len());
        for len in 1..from.len() {
            self.prefixes.insert(from[..len].to_vec());
        }
        let list = self.entries.entry(from).or_default();
        if !list.iter().any(|(t, _)| *t == to) {
            list.push((to, reason));
        }
    }

    /// Number of phrases known.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no phrase is known.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every rewrite of a folded query, longest phrases first; at most `limit`, the first
    /// `limit` of all of them. A phrase matches across up to [`MAX_GAPS`] gap words, which
    /// its span then covers.
    pub fn rewrites(&self, tokens: &[String], limit: usize) -> Vec<Rewrite> {
        let mut found: Vec<(Vec<String>, usize, usize)> = Vec::new();
        for start in 0..tokens.len() {
            self.walk(tokens, start, start, &mut Vec::new(), 0, &mut found);
        }
        // Longest phrase first, then leftmost, then the tightest span.
        found.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
        found.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
        let mut out: Vec<Rewrite> = Vec::new();
        for (phrase, start, end) in found {
            // A phrase inside a longer one already rewritten adds nothing.
            if out.iter().any(|r| r.span.0 <= start && end <= r.span.1 && r.span.1 - r.span.0 > end - start) {
                continue;
            }
            for (replacement, reason) in &self.entries[&phrase] {
                out.push(Rewrite { span: (start, end), replacement: replacement.clone(), reason });
                if out.len() == limit {
                    return out;
                }
            }
        }
        out
    }

    /// The full forms of the acronyms a text writes in capitals ("thẻ BHYT" → "bảo hiểm y
    /// tế", folded), so a document that abbreviates matches a query that spells out, as a
    /// query that abbreviates already matches a document that spells out.
    pub fn spelt_out(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for word in text.split(|c: char| !c.is_alphanumeric()) {
            let acronym = word.chars().count() >= 2 && word.chars().all(|c| c.is_uppercase() || c.is_ascii_digit());
            if !acronym {
                continue;
            }
            let Some(list) = self.entries.get(&folded(word)) else { continue };
            for (full, _) in list.iter().filter(|(_, reason)| *reason == "abbreviation") {
                let full = full.join(" ");
                if !out.contains(&full) {
                    out.push(full);
                }
            }
        }
        out
    }

    /// Extends `phrase` (begun at `start`) with the token at `at`, or steps over it if it
    /// is a gap word inside the phrase, collecting every known phrase found.
    fn walk(
        &self,
        tokens: &[String],
        start: usize,
        at: usize,
        phrase: &mut Vec<String>,
        gaps: usize,
        found: &mut Vec<(Vec<String>, usize, usize)>,
    ) {
        let Some(token) = tokens.get(at) else { return };
        phrase.push(token.clone());
        if self.entries.contains_key(phrase.as_slice()) {
            found.push((phrase.clone(), start, at + 1));
        }
        if phrase.len() < self.longest && self.prefixes.contains(phrase.as_slice()) {
            self.walk(tokens, start, at + 1, phrase, gaps, found);
        }
        phrase.pop();
        if !phrase.is_empty() && gaps < MAX_GAPS && GAP_WORDS.contains(&token.as_str()) {
            self.walk(tokens, start, at + 1, phrase, gaps + 1, found);
        }
    }
}

/// Words citizens use alike, one for the other, in any everyday phrase (marked, so that
/// "mang" is not "mạng" nor "lợn" "lớn"): the list need not spell each phrase both ways.
const SAID_ALIKE: &[(&str, &str)] = &[("mang", "đem"), ("lợn", "heo"), ("heo", "lợn")];

/// An everyday phrase as written, and as said with each word of [`SAID_ALIKE`] swapped.
fn said_alike(phrase: &str) -> Vec<String> {
    let mut out = vec![phrase.to_string()];
    for (word, alike) in SAID_ALIKE {
        if phrase.split_whitespace().any(|w| w.to_lowercase() == *word) {
            let swapped = phrase.split_whitespace().map(|w| if w.to_lowercase() == *word { alike } else { w });
            out.push(swapped.collect::<Vec<_>>().join(" "));
        }
    }
    out
}

fn rows(tsv: &str) -> impl Iterator<Item = (String, Vec<String>)> + '_ {
    tsv.lines().filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#')).filter_map(|l| {
        let mut cols = l.split('\t').map(str::trim).filter(|c| !c.is_empty());
        let key = cols.next()?.to_string();
        let values: Vec<String> = cols.map(str::to_string).collect();
        (!values.is_empty()).then_some((key, values))
    })
}

/// The lexicon built into the binary.
pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::parse(ABBREVIATIONS, SYNONYMS));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_in_capitals_are_spelt_out() {
        let spelt = LEXICON.spelt_out("Đăng ký đóng, cấp thẻ BHYT đối với người chỉ tham gia BHYT");
        assert_eq!(spelt, vec!["bao hiem y te".to_string()]);
        assert!(LEXICON.spelt_out("Cấp giấy phép xây dựng").is_empty(), "no capitals, nothing");
    }

    fn t(s: &str) -> Vec<String> {
        folded(s)
    }

    #[test]
    fn expands_both_ways_and_maps_everyday_words() {
        let lex =
            Lexicon::parse("UBND\tủy ban nhân dân\nCCCD\tcăn cước công dân\n", "qua đời\tkhai tử\nmất\tkhai tử\n");
        let r = lex.rewrites(&t("cap lai cccd"), 10);
        assert_eq!(r, vec![Rewrite { span: (2, 3), replacement: t("căn cước công dân"), reason: "abbreviation" }]);
        let r = lex.rewrites(&t("uỷ ban nhân dân xã"), 10);
        assert_eq!(r[0].replacement, t("ubnd"));
        let r = lex.rewrites(&t("ba tôi mất"), 10);
        assert_eq!(r[0], Rewrite { span: (2, 3), replacement: t("khai tử"), reason: "synonym" });
        assert!(lex.rewrites(&t("khai sinh"), 10).is_empty());
    }

    #[test]
    fn phrases_match_across_gap_words_but_not_other_words() {
        let lex =
            Lexicon::parse("", "trừ điểm\tkiểm tra kiến thức pháp luật\nqua đời\tkhai tử\nmở tiệm\thộ kinh doanh\n");
        let r = lex.rewrites(&t("bị trừ hết điểm bằng lái"), 10);
        assert_eq!(
            r,
            vec![Rewrite { span: (1, 4), replacement: t("kiểm tra kiến thức pháp luật"), reason: "synonym" }]
        );
        assert_eq!(lex.rewrites(&t("mở một tiệm tạp hóa"), 10)[0].span, (0, 3));
        // A word that carries meaning breaks a phrase; a gap word before it stays outside.
        assert!(lex.rewrites(&t("trừ tiền điểm"), 10).is_empty());
        assert_eq!(lex.rewrites(&t("bị qua đời"), 10)[0].span, (1, 3));
        // Too many gap words in a row.
        assert!(lex.rewrites(&t("trừ hết rồi đã điểm"), 10).is_empty());
    }

    #[test]
    fn a_phrase_is_found_as_said_with_a_word_citizens_use_alike() {
        let lex = Lexicon::parse("", "mang ô tô về nước\tnhập khẩu xe ô tô\nbán hàng qua mạng\tthương mại điện tử\n");
        assert_eq!(lex.rewrites(&t("đem ô tô về nước"), 10)[0].replacement, t("nhập khẩu xe ô tô"));
        assert!(lex.rewrites(&t("bán hàng qua đêm"), 10).is_empty(), "mạng is not mang");
        let lex = Lexicon::parse("", "chở lợn sang tỉnh khác\tkiểm dịch động vật\n");
        assert_eq!(lex.rewrites(&t("chở heo sang tỉnh khác"), 10).len(), 1);
    }

    /// `query::build` takes the first rewrites of the unbounded list instead of walking again.
    #[test]
    fn a_bounded_list_of_rewrites_is_the_first_of_all_of_them() {
        let all = LEXICON.rewrites(&t("lam lai cccd bi mat o nhat"), usize::MAX);
        assert_eq!(all.len(), 4, "{all:?}");
        for limit in 1..all.len() {
            assert_eq!(LEXICON.rewrites(&t("lam lai cccd bi mat o nhat"), limit), all[..limit], "limit {limit}");
        }
    }

    #[test]
    fn a_lost_paper_is_not_a_death() {
        let readings = |q: &str| LEXICON.rewrites(&t(q), 10).into_iter().map(|r| r.replacement).collect::<Vec<_>>();
        assert!(readings("ba tôi mất").contains(&t("khai tử")));
        for q in ["cấp lại thẻ căn cước bị mất", "làm mất giấy phép lái xe", "đánh mất sổ hộ khẩu"]
        {
            let readings = readings(q);
            assert!(!readings.contains(&t("khai tử")), "{q}: {readings:?}");
            assert!(readings.contains(&t("cấp lại")), "{q}: {readings:?}");
        }
    }

    #[test]
    fn built_in_lists_are_large_enough() {
        let abbreviations = rows(ABBREVIATIONS).count();
        assert!(abbreviations >= 150, "{abbreviations} abbreviations");
        assert!(LEXICON.len() > abbreviations);
    }
}
