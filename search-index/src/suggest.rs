//! Help while and after typing: completions of a half-typed query from titles, and "did you
//! mean" for a word found nowhere.

use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::TopDocs;
use tantivy::columnar::TermOrdHit;
use tantivy::query::{BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhrasePrefixQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentReader, TantivyDocument, Term};

use crate::analysis;
use crate::error::SearchError;
use crate::execute::ColumnCache;
use crate::normalize::canonical;
use crate::query::{BuiltQuery, TermStats};
use crate::schema::Fields;

/// Letters of folded text, from which corrections are made.
const FOLDED_ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz";
/// Most terms a half-typed last syllable expands to, in alphabetical order.
const PREFIX_EXPANSIONS: u32 = 64;
/// Most syllable pairs a half-typed pair expands to, in alphabetical order: a pair's
/// postings are fewer than a syllable's, and a million titles hold 70 pairs starting "thu t"
/// ("thủ tục" and "thủ tướng" among the last).
const PAIR_PREFIX_EXPANSIONS: u32 = 256;
/// Titles a word must be in to replace a query word that is in no title but in some text
/// ("khia" of "khía cạnh" typed for "khai").
pub(crate) const RARE_WORD_MIN_TITLES: u64 = 10;
/// Score of a title starting with what was typed: above the other bonuses together (7) and
/// any title's word score (scaled by 0.01), so those titles lead.
const STARTS_WITH: f32 = 10.0;
/// Bonus of a procedure citizens commonly need (tagged "common"), the largest: of the many
/// titles the first letters complete, the ones most people look for come first.
const COMMON: f32 = 4.0;
/// Bonus of a title citizens use (tagged "citizen").
const FOR_CITIZENS: f32 = 2.0;
/// Bonus of a procedure's title, the smaller bonus: a title with either scores at least this
/// above one with neither.
const PROCEDURE: f32 = 1.0;
/// Scale of the typed words' score beside the bonuses.
const WORDS: f32 = 0.01;
/// Longest word "did you mean" tries to correct: beyond it, it is not a Vietnamese syllable.
const LONGEST_SYLLABLE: usize = 12;

/// One completion: a title a citizen can go to directly.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Completion {
    /// Title as published.
    pub title: String,
    /// Path on the portal.
    pub url: String,
    /// Document kind.
    pub kind: String,
    /// Procedure code, if any.
    pub code: Option<String>,
}

/// Titles that hold the typed words, the last one possibly half-typed ("dang ky kh" →
/// "Đăng ký khai sinh", "Đăng ký khai tử", …): titles that start with them first, then
/// procedures citizens commonly need, other procedures citizens use, then the rest. Titles
/// holding them across punctuation, and procedure titles without a leading "thủ tục" typed,
/// fill a list the others leave short.
pub(crate) fn complete(
    searcher: &Searcher,
    fields: &Fields,
    columns: &Arc<ColumnCache>,
    prefix: &str,
    limit: usize,
) -> Result<Vec<Completion>, SearchError> {
    complete_looking(searcher, fields, columns, prefix, limit, Look::BonusesFirst)
}

/// Which titles a completion scores.
#[derive(Clone, Copy, PartialEq)]
pub(crate) enum Look {
    /// Titles with a bonus first, every title only if those cannot decide the answer.
    BonusesFirst,
    /// Every title holding the typed words, to check the shortcut against.
    #[cfg_attr(not(test), allow(dead_code))]
    EveryTitle,
}

/// [`complete`], looking at titles as `look` says.
pub(crate) fn complete_looking(
    searcher: &Searcher,
    fields: &Fields,
    columns: &Arc<ColumnCache>,
    prefix: &str,
    limit: usize,
    look: Look,
) -> Result<Vec<Completion>, SearchError> {
    let folded = analysis::tokens(&mut analysis::folded_analyzer(), &canonical(prefix));
    let limit = limit.clamp(1, 20);
    let mut found = best_titles(searcher, fields, columns, &folded, limit, look)?;
    // The portal drops "Thủ tục" from the front of procedure titles ("Thủ tục đăng ký khai
    // sinh" is published as "Đăng ký khai sinh"), and citizens often type it first.
    if let [first, second, rest @ ..] = folded.as_slice()
        && first == "thu"
        && second == "tuc"
        && !rest.is_empty()
        && found.len() < limit
    {
        let more = best_titles(searcher, fields, columns, rest, limit, look)?;
        fill(&mut found, more, limit);
    }
    titles(searcher, fields, found)
}

/// The best `limit` titles holding the typed words (see [`complete`]).
fn best_titles(
    searcher: &Searcher,
    fields: &Fields,
    columns: &Arc<ColumnCache>,
    folded: &[String],
    limit: usize,
    look: Look,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    if folded.is_empty() {
        return Ok(Vec::new());
    }
    let bonus = |field: Field, value: &str, score: f32| -> (Occur, Box<dyn Query>) {
        let tag = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
        (Occur::Should, Box::new(ConstScoreQuery::new(Box::new(tag), score)))
    };
    // The typed words, and the bonuses: matching titles with at least one, scored by their sum.
    let words = || Box::new(BoostQuery::new(typed_words(fields, folded), WORDS)) as Box<dyn Query>;
    let bonuses = || -> Box<dyn Query> {
        let common = bonus(fields.tags, "common", COMMON);
        let citizens = bonus(fields.tags, "citizen", FOR_CITIZENS);
        Box::new(BooleanQuery::new(vec![common, citizens, bonus(fields.kind, "procedure", PROCEDURE)]))
    };
    // A title that starts with what was typed leads: read from the sorted column of whole
    // folded titles (one range of its ordinals per segment), not a range query, which at a
    // million documents unions every title under a short prefix.
    let start = folded.join(" ");
    let cache = Arc::clone(columns);
    let starts_with = TopDocs::with_limit(limit).tweak_score(move |segment: &SegmentReader| {
        let columns = cache.of(segment);
        let ords = columns.title_key.as_ref().and_then(|c| {
            // The first title at or after a key; the ones from `start` up to past its last
            // continuation start with it.
            let first = |key: &str| match c.dictionary().term_ord_or_next(key).ok()? {
                TermOrdHit::Exact(ord) | TermOrdHit::Next(ord) => Some(ord),
            };
            Some(first(&start)?..first(&format!("{start}\u{10FFFF}"))?)
        });
        move |doc: DocId, score: Score| match (&columns.title_key, &ords) {
            (Some(c), Some(ords)) if c.ords().first(doc).is_some_and(|o| ords.contains(&o)) => score + STARTS_WITH,
            _ => score,
        }
    });
    // One typed word scores every title it completes alike (WORDS), so when enough titles
    // starting with it carry a bonus, no title without one can come before them: look among
    // titles with a bonus first. One or two letters complete most of a million titles,
    // which took all of a completion's time to score one by one.
    if let ([_], Look::BonusesFirst) = (folded, look) {
        let with_bonus = BooleanQuery::new(vec![(Occur::Must, words()), (Occur::Must, bonuses())]);
        let top = searcher.search(&with_bonus, &starts_with)?;
        // Any title without a bonus scores at most STARTS_WITH + WORDS.
        if top.len() == limit && top.iter().all(|(score, _)| *score >= STARTS_WITH + PROCEDURE) {
            return Ok(top);
        }
    }
    let every = BooleanQuery::new(vec![(Occur::Must, words()), (Occur::Should, bonuses())]);
    let mut top = searcher.search(&every, &starts_with)?;
    // Syllable pairs stop at punctuation, so the words typed of "Đăng ký, cấp biển số xe"
    // ("dang ky cap bien") are no chain of pairs: when too few titles hold the words as one,
    // those holding them in order across punctuation (by position) come after.
    if top.len() < limit && folded.len() > 1 {
        let across = Box::new(BoostQuery::new(phrase_prefix(fields.title, folded), WORDS));
        let across = BooleanQuery::new(vec![(Occur::Must, across), (Occur::Should, bonuses())]);
        fill(&mut top, searcher.search(&across, &starts_with)?, limit);
    }
    Ok(top)
}

/// Adds the titles of `more` not yet in `found`, in their order, up to `limit`.
fn fill(found: &mut Vec<(Score, DocAddress)>, more: Vec<(Score, DocAddress)>, limit: usize) {
    for hit in more {
        if found.len() >= limit {
            break;
        }
        if !found.iter().any(|(_, address)| *address == hit.1) {
            found.push(hit);
        }
    }
}

/// Documents whose `field` holds the words in order, the last one half-typed (at most
/// [`PREFIX_EXPANSIONS`] words it could become).
fn phrase_prefix(field: Field, folded: &[String]) -> Box<dyn Query> {
    prefix_of(folded.iter().map(|w| Term::from_field_text(field, w)).collect(), PREFIX_EXPANSIONS)
}

/// Documents holding `terms` in order, the last one a prefix of at most `expansions` terms.
fn prefix_of(terms: Vec<Term>, expansions: u32) -> Box<dyn Query> {
    let mut query = PhrasePrefixQuery::new(terms);
    query.set_max_expansions(expansions);
    Box::new(query)
}

/// The completions of the documents found.
fn titles(searcher: &Searcher, fields: &Fields, top: Vec<(Score, DocAddress)>) -> Result<Vec<Completion>, SearchError> {
    let mut out = Vec::with_capacity(top.len());
    for (_, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |f| doc.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
        out.push(Completion {
            title: text(fields.title_text).unwrap_or_default(),
            url: text(fields.url).unwrap_or_default(),
            kind: text(fields.kind).unwrap_or_default(),
            code: text(fields.code),
        });
    }
    Ok(out)
}

/// Titles holding the typed words in order, the last one half-typed, scored by the full
/// words.
///
/// One word is a prefix of title words. Two or more end in a prefix of the title's
/// syllable pairs ("thu tu" → "thu tuc", "thu tuong", …), with the pairs before it whole:
/// a phrase-prefix query over positions intersected the titles holding the first words
/// with the union of every word the last one could become, which at a million documents
/// made two-word prefixes the slowest completions. Pairs chain the words without
/// positions; the full words, each a title term counted once however often the title
/// repeats it, rank shorter titles first ("Đăng ký khai tử" before "Đăng ký thay đổi nội
/// dung đăng ký hộ kinh doanh" for "dang k").
fn typed_words(fields: &Fields, folded: &[String]) -> Box<dyn Query> {
    let [full @ .., last] = folded else { return Box::new(BooleanQuery::new(Vec::new())) };
    let Some(before) = full.last() else { return phrase_prefix(fields.title, folded) };
    let pair = Term::from_field_text(fields.title_pairs, &format!("{before} {last}"));
    let mut must = vec![prefix_of(vec![pair], PAIR_PREFIX_EXPANSIONS)];
    for pair in full.windows(2) {
        let term = Term::from_field_text(fields.title_pairs, &format!("{} {}", pair[0], pair[1]));
        must.push(Box::new(ConstScoreQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), 0.0)));
    }
    for word in full {
        let term = Term::from_field_text(fields.title, word);
        must.push(Box::new(TermQuery::new(term, IndexRecordOption::Basic)));
    }
    Box::new(BooleanQuery::new(must.into_iter().map(|q| (Occur::Must, q)).collect()))
}

/// The query with the words that have a correction replaced by it, the rest as typed, or
/// `None` when no word has one. Codes, numbers and anything with digits are left as typed.
pub(crate) fn did_you_mean(built: &BuiltQuery) -> Option<String> {
    let mut out = String::with_capacity(built.typed.len());
    let mut last = 0;
    for (span, better) in &built.corrections {
        if let Some(before) = built.typed.get(last..span.start) {
            out.push_str(before);
            out.push_str(better);
            last = span.end;
        }
    }
    if last == 0 {
        return None;
    }
    out.push_str(built.typed.get(last..).unwrap_or_default());
    Some(out)
}

/// The known word one edit (insert, delete, replace, swap) from `word` that most titles
/// hold, in at least `min_titles` of them; content counts only to break ties.
pub(crate) fn nearest_known(stats: &dyn TermStats, fields: &Fields, word: &str, min_titles: u64) -> Option<String> {
    if !word.is_ascii() || word.len() > LONGEST_SYLLABLE || word.len() < 2 {
        return None;
    }
    // Titles first; content only breaks ties between title words.
    let titles = |c: &str| stats.doc_freq(&Term::from_field_text(fields.title, c));
    edits(word)
        .into_iter()
        .filter_map(|c| {
            let in_titles = titles(&c);
            (in_titles >= min_titles).then_some((in_titles, c))
        })
        .map(|(in_titles, c)| ((in_titles, stats.doc_freq(&Term::from_field_text(fields.content, &c))), c))
        .max()
        .map(|(_, c)| c)
}

/// Every string one edit from an ASCII word.
fn edits(word: &str) -> Vec<String> {
    let bytes = word.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 54 + 26);
    let mut push = |v: Vec<u8>| {
        if let Ok(s) = String::from_utf8(v)
            && s != word
        {
            out.push(s);
        }
    };
    for i in 0..bytes.len() {
        let mut v = bytes.to_vec();
        v.remove(i);
        push(v);
        if i + 1 < bytes.len() {
            let mut v = bytes.to_vec();
            v.swap(i, i + 1);
            push(v);
        }
        for &c in FOLDED_ALPHABET {
            let mut v = bytes.to_vec();
            v[i] = c;
            push(v);
        }
    }
    for i in 0..=bytes.len() {
        for &c in FOLDED_ALPHABET {
            let mut v = bytes.to_vec();
            v.insert(i, c);
            push(v);
        }
    }
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_cover_the_four_kinds() {
        let e = edits("khia");
        for w in ["khai", "kia", "khiaa", "khin"] {
            assert!(e.contains(&w.to_string()), "{w}");
        }
        assert!(!e.contains(&"khia".to_string()));
    }
}
