//! A learned re-ranking of the first procedure hits.
//!
//! The ranking before it holds many hand-set rules (title above body, companions raised to
//! half their hit's score, the first hit's companions below the fifth), each tuned alone. A
//! citizen's page mixes what they asked for with its close variants and what is commonly
//! needed with it, and which of those belong on the first page depends on several signals
//! at once: how high the engine ranked the hit, how many of the query's words its name
//! holds, whether it goes with the first hit in the curated list and at which place,
//! whether it is in the first hit's field of administration, whether it is another
//! level's copy of a hit above. A linear model over those signals, trained on judged
//! queries, weighs them together, as learning-to-rank does on GOV.UK's search.
//!
//! The weights are trained by `cargo run --release -p motcua-tests --bin train-ranker`:
//! pairwise logistic regression, every judged procedure against every less relevant one
//! among the first [`DEPTH`]. The shipped ones were trained on the judged set alone
//! (`tests/relevance/queries.jsonl`); adding the training set (`training.jsonl`, session
//! 21) found a little more but ordered it worse on the held-out sets, which judge the
//! result (BENCHMARKS.md, session 21). Only the order of the first [`DEPTH`] procedure
//! hits changes; every other hit keeps its place, and each place keeps its score, so
//! scores still fall down the page.

use std::collections::{HashMap, HashSet};

use tantivy::{DocAddress, Score, Searcher};

use crate::error::SearchError;
use crate::execute::Ranking;
use crate::normalize::{fold, folded_words};
use crate::schema::Fields;

/// How many signals describe a hit.
pub const FEATURES: usize = 15;

/// The signals, in the order of a hit's [`crate::SearchHit::ranking_features`] and of the
/// weights:
///
/// - `inverse_rank`, `log_rank`, `first_ten`: its rank among the procedure hits before
///   re-ranking (1/(r+1), ln(r+1), r < 10, r from 0);
/// - `query_words_in_title`: the share of the query's folded words its name holds;
/// - `companion_of_first`, `place_with_first`: it goes with the first hit in the curated
///   list, and 1/(place+1) for its place in that list;
/// - `companion_of_first_three`: it goes with one of the first three hits;
/// - `first_goes_with_it`: the first hit is one of its own companions;
/// - `level_copy_of_first`: the first hit's name, but for the level in brackets;
/// - `level_copy_of_one_above`: the same for any hit above it;
/// - `field_of_first`: the first hit's field of administration (lĩnh vực);
/// - `log_title_words`: ln(1 + distinct words of its name);
/// - `log_lists_holding_it`: ln(1 + how many procedures list it as a companion);
/// - `query_words_in_keywords`: the share of the query's folded words its curated search
///   keywords hold (the words citizens use for it);
/// - `score_share`: its score before re-ranking over the first hit's (how sure the text
///   match is, where the rank says only what came before).
pub const FEATURE_NAMES: [&str; FEATURES] = [
    "inverse_rank",
    "log_rank",
    "first_ten",
    "query_words_in_title",
    "companion_of_first",
    "place_with_first",
    "companion_of_first_three",
    "first_goes_with_it",
    "level_copy_of_first",
    "level_copy_of_one_above",
    "field_of_first",
    "log_title_words",
    "log_lists_holding_it",
    "query_words_in_keywords",
    "score_share",
];

/// The weights of [`FEATURE_NAMES`], as `train-ranker` printed them (see the module's doc).
const WEIGHTS: [f32; FEATURES] = [
    2.0764,  // inverse_rank
    -0.5793, // log_rank
    0.3451,  // first_ten
    2.0762,  // query_words_in_title
    -1.3356, // companion_of_first
    1.1343,  // place_with_first
    1.2944,  // companion_of_first_three
    0.7863,  // first_goes_with_it
    0.1799,  // level_copy_of_first
    0.4966,  // level_copy_of_one_above
    1.3430,  // field_of_first
    -0.3474, // log_title_words
    0.1841,  // log_lists_holding_it
    1.9481,  // query_words_in_keywords
    3.6415,  // score_share
];

/// How many procedure hits are re-ranked: a perfect order of the first 30 would reach
/// Recall@10 0.962–0.982 on the five judged sets, of the first 50 only 0.972–0.982
/// (BENCHMARKS.md, session 19), at a third more signals to read.
pub const DEPTH: usize = 30;

/// How many hits are ranked before re-ranking, whatever the page's size, so that a page of
/// ten and the first ten of a page of fifty hold the same hits.
pub(crate) const POOL: usize = 50;

/// What the signals of one procedure hit are computed from.
#[derive(Debug, Default)]
pub struct Candidate {
    /// National procedure code.
    pub code: String,
    /// Field of administration, empty when none.
    pub topic: String,
    /// Distinct folded words of the name.
    pub words: HashSet<String>,
    /// The folded name without a bracketed level ("(thực hiện tại cấp tỉnh)"), so that
    /// each level's copy of one procedure has the same one.
    pub base: String,
    /// The codes of the procedures it is a companion of, with its place in each list.
    pub companion_of: Vec<(String, u64)>,
    /// Distinct folded words of its search keywords.
    pub keywords: HashSet<String>,
}

impl Candidate {
    /// A candidate from a published name, its search keywords and its curated links.
    pub fn new(code: &str, topic: &str, title: &str, keywords: &str, companion_of: Vec<(String, u64)>) -> Candidate {
        Candidate::from_folded(code, topic, &fold(title), &fold(keywords), companion_of)
    }

    /// [`Candidate::new`] from a name and keywords already folded.
    pub(crate) fn from_folded(
        code: &str,
        topic: &str,
        title: &str,
        keywords: &str,
        companion_of: Vec<(String, u64)>,
    ) -> Candidate {
        Candidate {
            code: code.to_string(),
            topic: topic.to_string(),
            words: folded_words(title).map(str::to_string).collect(),
            base: without_level(title),
            companion_of,
            keywords: folded_words(keywords).map(str::to_string).collect(),
        }
    }

    /// Its place in the companion list of the procedure `code`, if that list names it (the
    /// raise and the signals both read it).
    pub(crate) fn place_with(&self, code: &str) -> Option<u64> {
        self.companion_of.iter().find(|(c, _)| c == code).map(|(_, place)| *place)
    }
}

/// The folded name without its bracketed levels: "(thực hiện tại cấp tỉnh)", "(tại cấp
/// xã)", "(cấp xã)".
fn without_level(folded: &str) -> String {
    let mut out = String::with_capacity(folded.len());
    let mut rest = folded;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')').map(|c| open + c) else { break };
        let inner = &rest[open + 1..close];
        let is_level = ["thuc hien tai cap", "tai cap", "cap "].iter().any(|p| inner.starts_with(p));
        if is_level {
            out.push_str(rest[..open].trim_end());
        } else {
            out.push_str(&rest[..=close]);
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// The signals of each candidate with its score before re-ranking, in rank order (see
/// [`FEATURE_NAMES`]).
pub fn features(query: &str, candidates: &[(&Candidate, Score)]) -> Vec<[f32; FEATURES]> {
    let folded = fold(query);
    let query_words: HashSet<&str> = folded_words(&folded).collect();
    let Some(&(first, first_score)) = candidates.first() else { return Vec::new() };
    let first_three: Vec<&str> = candidates.iter().take(3).map(|(c, _)| c.code.as_str()).collect();
    let flag = |b: bool| if b { 1.0 } else { 0.0 };
    candidates
        .iter()
        .enumerate()
        .map(|(rank, &(c, score))| {
            let r = rank as f32;
            let shared =
                |words: &HashSet<String>| words.iter().filter(|w| query_words.contains(String::as_str(w))).count();
            let share = |words: &HashSet<String>| shared(words) as f32 / query_words.len().max(1) as f32;
            let place_with_first = if rank > 0 { c.place_with(&first.code) } else { None };
            let with_first_three = first_three.iter().any(|code| *code != c.code && c.place_with(code).is_some());
            [
                1.0 / (r + 1.0),
                (r + 1.0).ln(),
                flag(rank < 10),
                share(&c.words),
                flag(place_with_first.is_some()),
                place_with_first.map_or(0.0, |p| 1.0 / (p as f32 + 1.0)),
                flag(with_first_three),
                flag(first.place_with(&c.code).is_some()),
                flag(rank > 0 && c.base == first.base),
                flag(candidates[..rank].iter().any(|(above, _)| above.base == c.base)),
                flag(rank > 0 && c.topic == first.topic),
                (1.0 + c.words.len() as f32).ln(),
                (1.0 + c.companion_of.len() as f32).ln(),
                share(&c.keywords),
                score / first_score.max(f32::MIN_POSITIVE),
            ]
        })
        .collect()
}

/// The order [`WEIGHTS`] give candidates with these signals: indices into them, best first
/// (the earlier rank first on a tie).
pub fn order(features: &[[f32; FEATURES]]) -> Vec<usize> {
    let score = |f: &[f32; FEATURES]| f.iter().zip(WEIGHTS).map(|(x, w)| x * w).sum::<f32>();
    let scores: Vec<f32> = features.iter().map(score).collect();
    let mut order: Vec<usize> = (0..features.len()).collect();
    order.sort_by(|a, b| scores[*b].total_cmp(&scores[*a]));
    order
}

#[cfg(test)]
thread_local! {
    static OFF: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Turns re-ranking off for the searches of this thread (each test has its own), so that a
/// test can check the ranking it starts from, which the weights would otherwise reorder.
#[cfg(test)]
pub(crate) fn off_on_this_thread() {
    OFF.with(|off| off.set(true));
}

/// Re-ranks the first [`DEPTH`] procedure hits of `top` (pinned ones keep their places) in
/// the places they hold; returns each one's signals by address, for evaluation.
pub(crate) fn rerank(
    searcher: &Searcher,
    fields: &Fields,
    query: &str,
    top: &mut [(Score, DocAddress)],
    pinned: &[i64],
    ranking: &Ranking,
) -> Result<HashMap<DocAddress, [f32; FEATURES]>, SearchError> {
    #[cfg(test)]
    if OFF.with(std::cell::Cell::get) {
        return Ok(HashMap::new());
    }
    let mut places: Vec<usize> = Vec::new();
    let mut hits = Vec::new();
    for (at, (score, address)) in top.iter().enumerate() {
        if hits.len() == DEPTH {
            break;
        }
        let Some(facts) = ranking.procedure(searcher, fields, *address)? else { continue };
        if pinned.contains(&facts.id) {
            continue;
        }
        hits.push((facts, *score));
        places.push(at);
    }
    let candidates: Vec<(&Candidate, Score)> = hits.iter().map(|(facts, score)| (&facts.candidate, *score)).collect();
    let signals = features(query, &candidates);
    let before: Vec<(Score, DocAddress)> = places.iter().map(|at| top[*at]).collect();
    for (place, from) in places.iter().zip(order(&signals)) {
        // The place keeps its score; the hit moves.
        top[*place].1 = before[from].1;
    }
    Ok(before.iter().zip(signals).map(|((_, address), s)| (*address, s)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bracketed_level_is_not_part_of_the_base_name() {
        let base = |t: &str| without_level(&fold(t));
        assert_eq!(base("Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)"), "cap lai the can cuoc");
        assert_eq!(base("Cấp lại thẻ căn cước"), "cap lai the can cuoc");
        assert_eq!(base("Đăng ký (tại cấp xã) lưu động"), "dang ky luu dong");
        assert_eq!(base("Cấp tài khoản (cấp xã)"), "cap tai khoan");
        assert_eq!(base("Thủ tục (có yếu tố nước ngoài)"), "thu tuc (co yeu to nuoc ngoai)", "other brackets stay");
        assert_eq!(base("Tên (không đóng"), "ten (khong dong");
    }

    #[test]
    fn signals_follow_ranks_names_and_lists() {
        let hits = [
            Candidate::new("1", "Hộ tịch", "Đăng ký khai sinh", "giấy khai sinh; sinh con", vec![]),
            Candidate::new("2", "Hộ tịch", "Đăng ký khai sinh (thực hiện tại cấp tỉnh)", "", vec![]),
            Candidate::new("3", "Cư trú", "Đăng ký thường trú", "", vec![("1".into(), 1), ("9".into(), 0)]),
        ];
        let scored = [(&hits[0], 10.0), (&hits[1], 5.0), (&hits[2], 0.0)];
        let f = features("dang ky khai sinh cho con", &scored);
        let named = |hit: usize, name: &str| f[hit][FEATURE_NAMES.iter().position(|n| *n == name).expect("a name")];
        assert_eq!(named(0, "inverse_rank"), 1.0);
        assert_eq!(named(2, "inverse_rank"), 1.0 / 3.0);
        assert_eq!(named(0, "query_words_in_title"), 4.0 / 6.0, "four of the six words typed");
        assert_eq!(named(1, "level_copy_of_first"), 1.0);
        assert_eq!(named(1, "level_copy_of_one_above"), 1.0);
        assert_eq!(named(2, "level_copy_of_first"), 0.0);
        assert_eq!(named(1, "field_of_first"), 1.0);
        assert_eq!(named(2, "field_of_first"), 0.0);
        assert_eq!(named(2, "companion_of_first"), 1.0);
        assert_eq!(named(2, "place_with_first"), 0.5, "second in the first hit's list");
        assert_eq!(named(2, "companion_of_first_three"), 1.0);
        assert_eq!(named(1, "companion_of_first"), 0.0);
        assert_eq!(named(2, "log_lists_holding_it"), 3f32.ln());
        assert_eq!(named(0, "first_goes_with_it"), 0.0);
        assert_eq!(named(0, "query_words_in_keywords"), 3.0 / 6.0, "khai, sinh, con");
        assert_eq!(named(1, "query_words_in_keywords"), 0.0);
        assert_eq!(named(1, "score_share"), 0.5);
        assert_eq!(named(2, "score_share"), 0.0, "no score given");
    }

    /// What the weights learnt, in one case a clerk would agree with: what is commonly
    /// needed with the first hit, in its field, beats a hit sharing a word of the query
    /// but nothing else with it, even from below the first page.
    #[test]
    fn a_companion_in_the_first_hits_field_rises_above_a_stray_match() {
        let mut hits = vec![Candidate::new("1", "Hộ tịch", "Đăng ký khai sinh", "", vec![])];
        for n in 2..=11 {
            hits.push(Candidate::new(
                &n.to_string(),
                "Đất đai",
                &format!("Đăng ký biến động đất đai số {n}"),
                "",
                vec![],
            ));
        }
        hits.push(Candidate::new("12", "Hộ tịch", "Cấp bản sao trích lục hộ tịch", "", vec![("1".into(), 0)]));
        let unscored: Vec<(&Candidate, Score)> = hits.iter().map(|c| (c, 0.0)).collect();
        let order = order(&features("đăng ký khai sinh", &unscored));
        assert_eq!(order[0], 0, "the first hit stays first");
        let rank = order.iter().position(|i| *i == 11).expect("ranked");
        assert!(rank < 10, "the companion reaches the first page: rank {rank}, order {order:?}");
    }

    #[test]
    fn no_candidates_no_signals() {
        assert!(features("khai sinh", &[]).is_empty());
        assert!(order(&[]).is_empty());
    }
}
