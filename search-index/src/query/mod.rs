//! Turns what a citizen typed into a Tantivy query.
//!
//! Tantivy's own `QueryParser` splits on spaces before analysis and knows nothing of
//! diacritics, so we build the query ourselves:
//!
//! 1. the text is cut by the same analysers as the documents (exact and folded);
//! 2. every folded syllable must appear in the title or the content (all of them when
//!    possible; if that finds nothing, at least half of them);
//! 3. an accented syllable also scores its exact spelling, so "kỳ" ranks "kỳ" above "ký";
//! 4. the whole query as a title phrase, and as the entire title, scores far above;
//! 5. a procedure code ("1.001193") goes straight to its procedure;
//! 6. kind and agency filters restrict without scoring.

use tantivy::query::{AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::analysis;
use crate::normalize::has_diacritics;
use crate::schema::{self, Fields};

/// A search as asked: the text and its filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the citizen typed; may be empty to browse.
    pub text: String,
    /// Only this kind ("procedure", "announcement", "page").
    pub kind: Option<String>,
    /// Only this agency (slug).
    pub agency: Option<String>,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

/// Weights of each way a syllable can match, from strongest to weakest.
mod weight {
    pub const CODE: f32 = 1000.0;
    pub const TITLE_KEY: f32 = 60.0;
    pub const TITLE_PHRASE: f32 = 12.0;
    pub const TITLE_EXACT: f32 = 2.5;
    pub const TITLE: f32 = 3.0;
    pub const CONTENT_PHRASE: f32 = 2.0;
    pub const CONTENT_EXACT: f32 = 0.6;
    pub const CONTENT: f32 = 1.0;
}

/// A request turned into queries: the scored text query (without filters) and the filters,
/// kept apart so facets can drop one filter at a time.
pub struct BuiltQuery {
    /// The text part, scored.
    pub text: Box<dyn Query>,
    /// The same with "at least half the syllables" instead of "all", when that differs.
    pub relaxed: Option<Box<dyn Query>>,
    /// Kind filter, if any.
    pub kind: Option<Box<dyn Query>>,
    /// Agency filter, if any.
    pub agency: Option<Box<dyn Query>>,
    /// No text was given: list everything the filters allow, in a useful order.
    pub browsing: bool,
}

impl BuiltQuery {
    /// The text query (strict or relaxed) with the chosen filters applied.
    pub fn with_filters(&self, relaxed: bool, kind: bool, agency: bool) -> Box<dyn Query> {
        let text = match (&self.relaxed, relaxed) {
            (Some(r), true) => r.box_clone(),
            _ => self.text.box_clone(),
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        if kind && let Some(k) = &self.kind {
            clauses.push((Occur::Must, k.box_clone()));
        }
        if agency && let Some(a) = &self.agency {
            clauses.push((Occur::Must, a.box_clone()));
        }
        if clauses.len() == 1 {
            clauses.remove(0).1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }
}

fn term_query(term: Term, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqsAndPositions)), boost))
}

fn filter(field: tantivy::schema::Field, value: &str) -> Box<dyn Query> {
    let q = TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic);
    Box::new(ConstScoreQuery::new(Box::new(q), 0.0))
}

fn phrase(field: tantivy::schema::Field, words: &[String], boost: f32) -> Option<Box<dyn Query>> {
    if words.len() < 2 {
        return None;
    }
    let terms = words.iter().map(|w| Term::from_field_text(field, w)).collect();
    Some(Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost)))
}

/// Whether the text looks like a procedure code: digits, a dot, digits ("1.001193").
pub fn looks_like_code(text: &str) -> bool {
    let t = text.trim();
    match t.split_once('.') {
        Some((a, b)) => {
            !a.is_empty() && !b.is_empty() && a.bytes().all(|c| c.is_ascii_digit()) && b.bytes().all(|c| c.is_ascii_digit())
        }
        None => false,
    }
}

/// Builds the queries for a request.
pub fn build(fields: &Fields, request: &SearchRequest) -> BuiltQuery {
    let kind = request.kind.as_deref().map(|k| filter(fields.kind, k));
    let agency = request.agency.as_deref().map(|a| filter(fields.agency, a));
    let folded = analysis::tokens(&mut analysis::folded_analyzer(), &request.text);
    let exact = analysis::tokens(&mut analysis::exact_analyzer(), &request.text);
    if folded.is_empty() {
        return BuiltQuery { text: Box::new(AllQuery), relaxed: None, kind, agency, browsing: true };
    }

    let per_word: Vec<Box<dyn Query>> = folded
        .iter()
        .zip(exact.iter())
        .map(|(f, e)| {
            let mut alternatives = vec![
                (Occur::Should, term_query(Term::from_field_text(fields.title, f), weight::TITLE)),
                (Occur::Should, term_query(Term::from_field_text(fields.content, f), weight::CONTENT)),
            ];
            if has_diacritics(e) {
                alternatives.push((Occur::Should, term_query(Term::from_field_text(fields.title_exact, e), weight::TITLE_EXACT)));
                alternatives.push((Occur::Should, term_query(Term::from_field_text(fields.content_exact, e), weight::CONTENT_EXACT)));
            }
            Box::new(BooleanQuery::new(alternatives)) as Box<dyn Query>
        })
        .collect();

    let mut bonuses: Vec<Box<dyn Query>> = Vec::new();
    bonuses.push(term_query(Term::from_field_text(fields.title_key, &schema::title_key(&request.text)), weight::TITLE_KEY));
    bonuses.extend(phrase(fields.title, &folded, weight::TITLE_PHRASE));
    bonuses.extend(phrase(fields.content, &folded, weight::CONTENT_PHRASE));
    if looks_like_code(&request.text) {
        bonuses.push(term_query(Term::from_field_text(fields.code, &request.text.trim().to_lowercase()), weight::CODE));
    }

    let combine = |required: usize| -> Box<dyn Query> {
        let words: Vec<(Occur, Box<dyn Query>)> = per_word.iter().map(|q| (Occur::Should, q.box_clone())).collect();
        let matching = BooleanQuery::with_minimum_required_clauses(words, required);
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Should, Box::new(matching))];
        clauses.extend(bonuses.iter().map(|b| (Occur::Should, b.box_clone())));
        // At least one clause: the words, or a code/title match on its own.
        Box::new(BooleanQuery::with_minimum_required_clauses(clauses, 1))
    };
    let n = per_word.len();
    let text = combine(n);
    let half = n.div_ceil(2);
    let relaxed = (half < n).then(|| combine(half));
    BuiltQuery { text, relaxed, kind, agency, browsing: false }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_codes() {
        assert!(looks_like_code("1.001193"));
        assert!(looks_like_code(" 2.000123 "));
        assert!(!looks_like_code("1."));
        assert!(!looks_like_code("khai sinh"));
        assert!(!looks_like_code("12/2023/NĐ-CP"));
    }
}
