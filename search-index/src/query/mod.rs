//! Turns what a citizen typed into a Tantivy query.
//!
//! Tantivy's own `QueryParser` splits on spaces before analysis and knows nothing of
//! diacritics, so we build the query ourselves:
//!
//! 1. the text is cut by the same analysers as the documents (exact and folded);
//! 2. a syllable that is Telex or VNI residue ("ddawng", "ky1") also matches what it stands
//!    for, unless the lexicon knows it as typed ("visa" is not Telex for "vía");
//! 3. abbreviations (both ways) and everyday phrases ([`LEXICON`]) give extra readings of the
//!    query: "cap lai cccd" is also read "cap lai can cuoc cong dan", "ba toi mat" also
//!    "ba toi khai tu";
//! 4. in each reading the telling syllables must match in the title or the content — all of
//!    two, all but one of up to five, half of more (if that finds nothing, half of any);
//!    question words ("tôi", "gì", "cần") and words in most documents are optional;
//! 5. an accented syllable also scores its exact spelling, so "kỳ" ranks "kỳ" above "ký";
//!    a word found in no document (a typo) also matches the most frequent title word one
//!    edit away ("chiue" → "chieu") almost as strongly, and anything one or two edits away
//!    at a low weight;
//! 6. the reading as a title phrase, and the query as the entire title, score far above;
//! 7. a procedure code ("1.001193") goes straight to its procedure, a legal document number
//!    ("12/2023/NĐ-CP") to the documents that are or cite it, an editor's best bet first;
//! 8. filters (kind, agency, level, field, year) restrict without scoring; each is a facet.

mod at_least;
mod bonus;
mod lexicon;
mod readings;

pub use at_least::AtLeastQuery;
pub use bonus::BonusQuery;
pub use lexicon::{LEXICON, Lexicon, Rewrite};
pub use readings::{ReadingPlan, ReadingsQuery};

use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, FuzzyTermQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use crate::analysis;
use crate::normalize::{canonical, decode_input_residue, has_diacritics};
use crate::schema::{self, Fields};
use crate::suggest::{RARE_WORD_MIN_TITLES, nearest_known};

/// A search as asked: the text and its filters.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SearchRequest {
    /// What the citizen typed; may be empty to browse.
    pub text: String,
    /// Only this kind ("procedure", "announcement", "page").
    pub kind: Option<String>,
    /// Only this agency (slug).
    pub agency: Option<String>,
    /// Only documents carried out or published at this level ("commune", "province", …).
    pub level: Option<String>,
    /// Only this field of administration (lĩnh vực, as indexed: "Hộ tịch").
    pub topic: Option<String>,
    /// Only documents published in this year.
    pub year: Option<i32>,
    /// Documents an editor pinned to this query (best bets), best first: they lead the
    /// results whenever they pass the filters.
    pub pinned: Vec<i64>,
    /// Hits to skip (paging).
    pub offset: usize,
    /// Hits to return.
    pub limit: usize,
}

/// The filters a search can combine; each is also a facet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Facet {
    /// Document kind.
    Kind,
    /// Agency slug.
    Agency,
    /// Level.
    Level,
    /// Field of administration.
    Topic,
    /// Year of publication.
    Year,
}

impl Facet {
    /// Every facet, in the order results show them.
    pub const ALL: [Facet; 5] = [Facet::Kind, Facet::Level, Facet::Topic, Facet::Agency, Facet::Year];

    /// The index field behind it.
    pub fn field_name(self) -> &'static str {
        match self {
            Facet::Kind => "kind",
            Facet::Agency => "agency",
            Facet::Level => "level",
            Facet::Topic => "topic",
            Facet::Year => "year",
        }
    }
}

/// The least score of a best bet (its bonus alone, for the last pinned): no text scores
/// near it, so a score this high is an editor's order, which the ranking keeps as it is.
pub(crate) const PINNED_SCORE: f32 = weight::PINNED;

/// Weights of each way a syllable can match, from strongest to weakest. Tuned on the judged
/// queries (`tests/relevance/`); change them only with the relevance figures side by side.
mod weight {
    pub const CODE: f32 = 1000.0;
    pub const TITLE_KEY: f32 = 60.0;
    pub const TITLE_PHRASE: f32 = 12.0;
    pub const REWRITE_TITLE_PHRASE: f32 = 10.0;
    pub const TITLE_PAIR: f32 = 4.0;
    pub const TITLE: f32 = 3.0;
    pub const TITLE_EXACT: f32 = 2.5;
    pub const CITIZEN_PRIOR: f32 = 2.0;
    pub const CONTENT: f32 = 1.0;
    /// A word in a title's long parenthesised aside: more than body text, less than the title.
    pub const TITLE_ASIDE: f32 = 1.5;
    /// A word of an editor's search keywords for the document: above the title, since the
    /// keywords are the words people search with. The field is long (several phrases), so
    /// its matches score low before the weight: 1.5 gave nDCG@10 0.863 / 0.816 / 0.758 /
    /// 0.809 on the judged and the three held-out sets, 6 gives 0.888 / 0.836 / 0.852 /
    /// 0.861, 9 gave 0.895 / 0.842 / 0.868 / 0.855 (BENCHMARKS.md, session 15).
    pub const KEYWORDS: f32 = 6.0;
    pub const LOCAL_PRIOR: f32 = 1.0;
    pub const DECODED: f32 = 0.9;
    pub const CORRECTED: f32 = 0.8;
    pub const CONTENT_PAIR: f32 = 0.8;
    pub const FUZZY_TITLE: f32 = 0.4;
    pub const FILLER: f32 = 0.2;
    /// How many words a rewritten phrase counts for at most: each of its syllables scores
    /// min(1, 3 / syllables). An abbreviation or everyday phrase is one need; spelt out in
    /// five or eight syllables and counted in full, it outweighed the rest of the question
    /// ("rơi ví mất căn cước": locking the electronic ID now ranks 8th, not 11th). Against
    /// counting in full: Recall@10 0.926 → 0.927 judged (nDCG@10 0.927 → 0.925); held out
    /// 0.911 → 0.915, 0.925 → 0.931, 0.914 → 0.916 and 0.934 → 0.934, no nDCG@10 lower. The
    /// typed span's length in place of 3 lowered held-out 2's nDCG (BENCHMARKS.md, session 20).
    pub const REWRITE_WORDS: f32 = 3.0;
    /// Above any text score: an editor's best bet leads.
    pub const PINNED: f32 = 100_000.0;
    /// A document whose title is the legal document number asked for.
    pub const NUMBER_TITLE: f32 = 600.0;
    /// A document citing the number asked for.
    pub const NUMBER: f32 = 300.0;
}

/// Rewrites (abbreviations, synonyms) tried per query.
const MAX_REWRITES: usize = 6;
/// Folded syllables shorter than this are never matched approximately: "ky" and "ki" are
/// different words, "giay phep" and "giay phepp" are not. Only words found in no document
/// are matched approximately at all.
const FUZZY_MIN_CHARS: usize = 4;

/// How often terms occur, so the builder can tell telling words from common ones and known
/// words from typos. The index passes its searcher; tests may pass anything.
pub trait TermStats {
    /// Documents containing the term.
    fn doc_freq(&self, term: &Term) -> u64;
    /// Documents in all.
    fn num_docs(&self) -> u64;
}

impl TermStats for tantivy::Searcher {
    fn doc_freq(&self, term: &Term) -> u64 {
        tantivy::Searcher::doc_freq(self, term).unwrap_or(0)
    }
    fn num_docs(&self) -> u64 {
        tantivy::Searcher::num_docs(self)
    }
}

/// How many of `n` required parts a document must match: all of two, all but one of three
/// to five, half of more. Long questions rarely have most of their words in one procedure
/// (half instead of two thirds took the long judged questions from 0.52 to 0.63 nDCG@10
/// and moved no other type down).
fn required_of(n: usize) -> usize {
    match n {
        0..=2 => n,
        3..=5 => n - 1,
        _ => n.div_ceil(2),
    }
}

/// Words that carry the question, not the need ("tôi muốn … thì cần gì"): they may match,
/// but are not required to.
const FILLERS: &[&str] = &[
    "toi", "minh", "em", "anh", "chi", "ong", "ba", "bo", "me", "lam", "gi", "nao", "o", "dau", "can", "muon", "thi", "the",
    "va", "cua", "cho", "de", "duoc", "bi", "phai", "nhu", "sao", "khong", "co", "nhung", "nhe", "a", "oi", "voi", "tai",
    "ve", "la", "nay", "do", "ai", "khi", "roi", "xin", "hoi", "giup", "cach",
];

/// A filter value as asked, kept beside its query so documents can also be checked against
/// fast fields (inside WAND, which takes no filter query).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterValue {
    /// A string field's value.
    Text(String),
    /// An integer field's value (the year).
    Number(i64),
}

/// The terms of a query, for finding candidates when it matches too many documents to
/// score every match.
#[derive(Clone, Debug, Default)]
pub struct CandidateTerms {
    /// Terms of the text fields, each with the weight of its field.
    pub scored: Vec<(Term, f32)>,
    /// Terms that name documents outright: codes, document numbers, whole titles, best bets.
    pub exact: Vec<Term>,
}

impl CandidateTerms {
    fn of(fields: &Fields, query: &dyn Query) -> Self {
        let mut out = CandidateTerms::default();
        let weighted = [
            (fields.title, weight::TITLE),
            (fields.title_exact, weight::TITLE_EXACT),
            (fields.title_pairs, weight::TITLE_PAIR),
            (fields.content, weight::CONTENT),
            (fields.content_pairs, weight::CONTENT_PAIR),
            (fields.keywords, weight::KEYWORDS),
        ];
        let naming = [fields.code, fields.numbers, fields.title_key, fields.id];
        query.query_terms(&mut |term, _| {
            let field = term.field();
            if let Some((_, w)) = weighted.iter().find(|(f, _)| *f == field) {
                if !out.scored.iter().any(|(t, _)| t == term) {
                    out.scored.push((term.clone(), *w));
                }
            } else if naming.contains(&field) && !out.exact.contains(term) {
                out.exact.push(term.clone());
            }
        });
        out
    }
}

/// A request turned into queries: the scored text query (without filters) and the filters,
/// kept apart so facets can drop one filter at a time.
pub struct BuiltQuery {
    /// The text part, scored.
    pub text: Box<dyn Query>,
    /// The same with "at least half the syllables" instead of "all", when that differs.
    pub relaxed: Option<Box<dyn Query>>,
    /// The filters asked for, each with the facet it belongs to.
    pub filters: Vec<(Facet, Box<dyn Query>)>,
    /// The same filters as values.
    pub filter_values: Vec<(Facet, FilterValue)>,
    /// The terms of the text query, for finding candidates.
    pub terms: CandidateTerms,
    /// No text was given: list everything the filters allow, in a useful order.
    pub browsing: bool,
    /// The query asks how to get something done ("làm", "đăng ký", an everyday need the
    /// lexicon maps to a procedure, a code): procedures rank above announcements.
    pub task_like: bool,
    /// The query as typed (canonical form).
    pub typed: String,
    /// "Did you mean": words of `typed` found in no title, not known to the lexicon and no
    /// part of a code or number, where they lie in `typed`, each with the title word to
    /// offer instead.
    pub corrections: Vec<(std::ops::Range<usize>, String)>,
}

impl BuiltQuery {
    /// The text query (strict or relaxed) with every filter applied except `except`'s.
    pub fn with_filters(&self, relaxed: bool, except: Option<Facet>) -> Box<dyn Query> {
        let text = match (&self.relaxed, relaxed) {
            (Some(r), true) => r.box_clone(),
            _ => self.text.box_clone(),
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        for (facet, q) in &self.filters {
            if Some(*facet) != except {
                clauses.push((Occur::Must, q.box_clone()));
            }
        }
        if clauses.len() == 1 {
            clauses.remove(0).1
        } else {
            Box::new(BooleanQuery::new(clauses))
        }
    }

    /// The filters alone (every document, when none were asked for): what a document shown
    /// beside the matches must pass.
    pub fn filters_only(&self) -> Box<dyn Query> {
        let clauses: Vec<(Occur, Box<dyn Query>)> =
            self.filters.iter().map(|(_, q)| (Occur::Must, q.box_clone())).collect();
        if clauses.is_empty() { Box::new(AllQuery) } else { Box::new(BooleanQuery::new(clauses)) }
    }

    /// Whether a filter of this facet was asked for.
    pub fn filters_on(&self, facet: Facet) -> bool {
        self.filters.iter().any(|(f, _)| *f == facet)
    }
}

fn term_query(term: Term, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)), boost))
}

/// A term that lets a document match without adding to its score.
fn matched_only(term: Term) -> Box<dyn Query> {
    Box::new(ConstScoreQuery::new(Box::new(TermQuery::new(term, IndexRecordOption::Basic)), 0.0))
}

fn phrase(field: tantivy::schema::Field, words: &[String], boost: f32) -> Option<Box<dyn Query>> {
    if words.len() < 2 {
        return None;
    }
    let terms = words.iter().map(|w| Term::from_field_text(field, w)).collect();
    Some(Box::new(BoostQuery::new(Box::new(PhraseQuery::new(terms)), boost)))
}

/// Documents matching any of `parts`, scored by the sum of those that match. Through
/// [`AtLeastQuery`] rather than Tantivy's union, which scores windows of 4,096 documents at
/// a time and so makes every jump (a re-scored candidate, a sampled stripe) cost a window.
fn any_of(mut parts: Vec<Box<dyn Query>>) -> Box<dyn Query> {
    if parts.len() == 1 {
        return parts.remove(0);
    }
    Box::new(AtLeastQuery::new(parts, 1))
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

/// One syllable of the query: how it was typed, folded, what input-method residue it may
/// stand for, and how telling it is.
struct Word {
    folded: String,
    exact: String,
    decoded: Option<(String, String)>,
    /// In no document: probably a typo, matched approximately.
    unknown: bool,
    /// In no title (and not input-method residue): "did you mean" may offer a title word.
    untitled: bool,
    /// For a word in no document, the most frequent title word one edit away ("chiue" →
    /// "chieu"): the likeliest thing meant, matched almost as strongly.
    corrected: Option<String>,
}

impl Word {
    fn new(folded: String, exact: String, decoded: Option<(String, String)>, fields: &Fields, stats: &dyn TermStats) -> Word {
        let df = |field, s: &str| stats.doc_freq(&Term::from_field_text(field, s));
        let in_title = df(fields.title, &folded);
        let freq = decoded.as_ref().map_or_else(
            || in_title.max(df(fields.content, &folded)),
            |(f, _)| df(fields.title, f).max(df(fields.content, f)).max(in_title).max(df(fields.content, &folded)),
        );
        let unknown = freq == 0;
        let corrected = if unknown && Self::correctable(&folded) { nearest_known(stats, fields, &folded, 1) } else { None };
        Word { unknown, untitled: in_title == 0 && decoded.is_none(), corrected, folded, exact, decoded }
    }

    /// Whether a word in no document is matched through its likeliest correction: long
    /// enough to be a typo of something, and no number.
    fn correctable(folded: &str) -> bool {
        folded.len() >= FUZZY_MIN_CHARS - 1 && !folded.bytes().any(|b| b.is_ascii_digit())
    }

    /// The word "did you mean" offers instead of this one (a word in no title): for a word
    /// in no document, the correction already looked up for matching; for a word some text
    /// uses, only a much more common title word.
    fn did_you_mean(&self, fields: &Fields, stats: &dyn TermStats) -> Option<String> {
        match (self.unknown, Self::correctable(&self.folded)) {
            (true, true) => self.corrected.clone(),
            (true, false) => nearest_known(stats, fields, &self.folded, 1),
            (false, _) => nearest_known(stats, fields, &self.folded, RARE_WORD_MIN_TITLES),
        }
    }

    /// A syllable that came from a rewrite: always telling.
    fn rewritten(folded: &str) -> Word {
        Word {
            folded: folded.to_string(),
            exact: folded.to_string(),
            decoded: None,
            unknown: false,
            untitled: false,
            corrected: None,
        }
    }
}

impl Word {
    /// Every way this syllable can match a document.
    fn query(&self, fields: &Fields) -> Box<dyn Query> {
        let mut alternatives = vec![
            term_query(Term::from_field_text(fields.title, &self.folded), weight::TITLE),
            term_query(Term::from_field_text(fields.content, &self.folded), weight::CONTENT),
            term_query(Term::from_field_text(fields.title_asides, &self.folded), weight::TITLE_ASIDE),
            term_query(Term::from_field_text(fields.keywords, &self.folded), weight::KEYWORDS),
            // In the title of a procedure this one goes with: the word counts as matched, so the
            // companion meets the same bar as the procedures it goes with, but it scores only
            // by its own words. Any weight above nothing ranked companions above documents
            // that hold the words themselves and cost nDCG@10 (BENCHMARKS.md, session 16).
            matched_only(Term::from_field_text(fields.companion_of, &self.folded)),
        ];
        if has_diacritics(&self.exact) {
            alternatives.push(term_query(Term::from_field_text(fields.title_exact, &self.exact), weight::TITLE_EXACT));
        }
        if let Some((folded, exact)) = &self.decoded {
            alternatives.push(term_query(Term::from_field_text(fields.title, folded), weight::TITLE * weight::DECODED));
            alternatives.push(term_query(Term::from_field_text(fields.content, folded), weight::CONTENT * weight::DECODED));
            alternatives.push(term_query(Term::from_field_text(fields.title_asides, folded), weight::TITLE_ASIDE * weight::DECODED));
            alternatives.push(term_query(Term::from_field_text(fields.keywords, folded), weight::KEYWORDS * weight::DECODED));
            alternatives.push(matched_only(Term::from_field_text(fields.companion_of, folded)));
            alternatives.push(term_query(Term::from_field_text(fields.title_exact, exact), weight::TITLE_EXACT * weight::DECODED));
        }
        if let Some(corrected) = &self.corrected {
            alternatives.push(term_query(Term::from_field_text(fields.title, corrected), weight::TITLE * weight::CORRECTED));
            alternatives.push(term_query(Term::from_field_text(fields.content, corrected), weight::CONTENT * weight::CORRECTED));
        }
        let chars = self.folded.chars().count();
        if self.unknown && chars >= FUZZY_MIN_CHARS - 1 && !self.folded.bytes().any(|b| b.is_ascii_digit()) {
            // One edit (a swap counts as one); a word found nowhere may be further off.
            let distance = if self.unknown && chars >= 6 { 2 } else { 1 };
            for (field, w) in [(fields.title, weight::FUZZY_TITLE), (fields.content, weight::FUZZY_TITLE / 3.0)] {
                let fuzzy = FuzzyTermQuery::new(Term::from_field_text(field, &self.folded), distance, true);
                alternatives.push(Box::new(BoostQuery::new(Box::new(fuzzy), w)));
            }
        }
        any_of(alternatives)
    }

    /// Whether a document may lack it: question words.
    fn is_optional(&self) -> bool {
        self.decoded.is_none() && FILLERS.contains(&self.folded.as_str())
    }

    /// The syllable to look for: decoded residue or the likeliest correction when there is
    /// one, else as typed.
    fn syllable(&self) -> &str {
        match (&self.decoded, &self.corrected) {
            (Some((f, _)), _) => f,
            (None, Some(c)) => c,
            (None, None) => &self.folded,
        }
    }
}

/// The distinct word queries of every reading, each built once and shared by the readings
/// that use it ([`ReadingsQuery`]).
#[derive(Default)]
struct WordTable {
    queries: Vec<Box<dyn Query>>,
    /// What each query stands for: a word of the query by position, or a rewritten syllable.
    keys: Vec<WordKey>,
}

#[derive(PartialEq)]
enum WordKey {
    Typed(usize),
    Rewritten(String),
    /// A syllable in titles only (for title coverage).
    InTitle(String),
}

impl WordTable {
    /// The index of the word `key`, its query made by `make` the first time.
    fn index(&mut self, key: WordKey, make: impl FnOnce() -> Box<dyn Query>) -> usize {
        if let Some(i) = self.keys.iter().position(|k| *k == key) {
            return i;
        }
        self.keys.push(key);
        self.queries.push(make());
        self.queries.len() - 1
    }
}

/// One reading of the query: the original words, with a span possibly replaced by a
/// rewrite (an abbreviation's full form, an everyday phrase's administrative term).
struct Reading {
    /// Required parts (words of the [`WordTable`]), scored.
    required: Vec<usize>,
    /// Optional parts (filler words).
    optional: Vec<Box<dyn Query>>,
    /// Folded syllables of the whole reading, for phrase bonuses.
    syllables: Vec<String>,
    /// The syllables that carry the need (all but question words), for title coverage.
    telling: Vec<String>,
    /// Extra bonus for the rewritten phrase appearing in a title.
    rewrite_bonus: Option<Box<dyn Query>>,
    /// The syllables of the rewritten phrase (words of the [`WordTable`]), which a document
    /// of this reading must all contain; empty without a rewrite.
    anchor: Vec<usize>,
}

impl Reading {
    fn build(fields: &Fields, table: &mut WordTable, words: &[Word], rewrite: Option<&lexicon::Rewrite>) -> Reading {
        let mut required = Vec::new();
        let mut optional = Vec::new();
        let mut syllables = Vec::new();
        let mut telling = Vec::new();
        let mut rewrite_bonus = None;
        let mut anchor = Vec::new();
        let mut i = 0;
        while i < words.len() {
            if let Some(r) = rewrite.filter(|r| r.span.0 == i) {
                anchor = r
                    .replacement
                    .iter()
                    .map(|s| table.index(WordKey::Rewritten(s.clone()), || Word::rewritten(s).query(fields)))
                    .collect();
                rewrite_bonus = phrase(fields.title, &r.replacement, weight::REWRITE_TITLE_PHRASE)
                    .or_else(|| Some(term_query(Term::from_field_text(fields.title, &r.replacement[0]), weight::REWRITE_TITLE_PHRASE)));
                syllables.extend(r.replacement.iter().cloned());
                telling.extend(r.replacement.iter().cloned());
                i = r.span.1;
                continue;
            }
            let w = &words[i];
            if w.is_optional() {
                optional.push(Box::new(BoostQuery::new(w.query(fields), weight::FILLER)) as Box<dyn Query>);
            } else {
                required.push(table.index(WordKey::Typed(i), || w.query(fields)));
                telling.push(w.syllable().to_string());
            }
            syllables.push(w.syllable().to_string());
            i += 1;
        }
        if required.is_empty() && anchor.is_empty() {
            // Only filler words: then they are what was asked.
            required = words.iter().enumerate().map(|(i, w)| table.index(WordKey::Typed(i), || w.query(fields))).collect();
            optional.clear();
            telling = syllables.clone();
        }
        Reading { required, optional, syllables, telling, rewrite_bonus, anchor }
    }

    /// How many of the other parts a document must match, strictly or relaxed. Beside a
    /// rewritten phrase the rest of an everyday question is mostly context ("muốn mở quán
    /// ăn" → hộ kinh doanh): one word of two may be missing.
    fn required(&self, strict: bool) -> usize {
        let n = self.required.len();
        match (strict, !self.anchor.is_empty()) {
            (true, false) => required_of(n),
            (true, true) if n <= 2 => n.saturating_sub(1),
            (true, true) => required_of(n),
            (false, _) => n.div_ceil(2),
        }
    }

    /// The reading requiring `required` of its required parts, with what only adds to the
    /// score of a matching document.
    fn plan(&self, fields: &Fields, required: usize) -> (ReadingPlan, Option<Box<dyn Query>>) {
        let plan = ReadingPlan {
            anchor: self.anchor.clone(),
            required: self.required.clone(),
            at_least: required,
            // One syllable of the rewritten phrase each (empty without a rewrite).
            anchor_weight: (weight::REWRITE_WORDS / self.anchor.len().max(1) as f32).min(1.0),
        };
        let mut bonuses: Vec<Box<dyn Query>> = self.optional.iter().map(|q| q.box_clone()).collect();
        bonuses.extend(phrase(fields.title, &self.syllables, weight::TITLE_PHRASE));
        bonuses.extend(self.rewrite_bonus.as_ref().map(|q| q.box_clone()));
        (plan, (!bonuses.is_empty()).then(|| Box::new(BonusQuery::new(bonuses)) as Box<dyn Query>))
    }

    /// Adjacent syllables as pair terms: most Vietnamese words have two syllables ("hành
    /// lý", "nhập cảnh"), so a pair in a title is a word matched, not two syllables by
    /// chance. One posting list each, no positions. Scored once per query, however many
    /// readings share a pair (a long question's readings share most of them).
    fn pairs(&self, fields: &Fields) -> Vec<(Term, f32)> {
        if self.syllables.len() < 3 {
            return Vec::new();
        }
        self.syllables
            .windows(2)
            .flat_map(|pair| {
                let pair = pair.join(" ");
                [
                    (Term::from_field_text(fields.title_pairs, &pair), weight::TITLE_PAIR),
                    (Term::from_field_text(fields.content_pairs, &pair), weight::CONTENT_PAIR),
                ]
            })
            .collect()
    }

    /// Documents whose title holds at least half the syllables that carry the need are
    /// candidates even when the rest of the question is nowhere in them: titles name the
    /// need. Question words do not count ("muốn", "cho" would raise the bar without telling
    /// anything). Readings share their syllables, so the title terms are shared words too.
    fn title_coverage(&self, fields: &Fields, table: &mut WordTable) -> Option<ReadingPlan> {
        let n = self.telling.len();
        if n < 3 {
            return None;
        }
        let required = self
            .telling
            .iter()
            .map(|s| table.index(WordKey::InTitle(s.clone()), || term_query(Term::from_field_text(fields.title, s), weight::TITLE)))
            .collect();
        Some(ReadingPlan { anchor: Vec::new(), required, at_least: n.div_ceil(2).max(2), anchor_weight: 1.0 })
    }
}

/// Words that ask how to get something done: with one of them, procedures rank above
/// announcements. Folded syllables or pairs.
const TASK_WORDS: &[&str] = &[
    "dang ki", "thu tuc", "ho so", "cap", "xin", "lam", "nop", "gia han", "chung thuc", "giay phep", "to khai",
    "le phi", "chung nhan", "dieu chinh", "thay doi", "bo sung", "cap lai", "cap doi", "huong", "tro cap",
];

/// The values filtered on in a request, each with its facet.
fn filter_values(request: &SearchRequest) -> Vec<(Facet, FilterValue)> {
    let text = [(Facet::Kind, &request.kind), (Facet::Agency, &request.agency), (Facet::Level, &request.level), (Facet::Topic, &request.topic)];
    let mut values: Vec<(Facet, FilterValue)> =
        text.into_iter().filter_map(|(facet, v)| Some((facet, FilterValue::Text(v.clone()?)))).collect();
    values.extend(request.year.map(|y| (Facet::Year, FilterValue::Number(i64::from(y)))));
    values
}

/// The filters of a request as queries, each with its facet.
fn filters(fields: &Fields, values: &[(Facet, FilterValue)]) -> Vec<(Facet, Box<dyn Query>)> {
    values
        .iter()
        .map(|(facet, value)| {
            let field = fields.of_facet(*facet);
            let term = match value {
                FilterValue::Text(v) => Term::from_field_text(field, v),
                FilterValue::Number(n) => Term::from_field_i64(field, *n),
            };
            let q = TermQuery::new(term, IndexRecordOption::Basic);
            (*facet, Box::new(ConstScoreQuery::new(Box::new(q), 0.0)) as Box<dyn Query>)
        })
        .collect()
}

/// Builds the queries for a request.
pub fn build(fields: &Fields, request: &SearchRequest, stats: &dyn TermStats) -> BuiltQuery {
    let filter_values = filter_values(request);
    let filters = filters(fields, &filter_values);
    // The same repairs as stored text: legacy encodings, tone placement, look-alike letters.
    let text = canonical(&request.text);
    let folded = analysis::tokens(&mut analysis::folded_analyzer(), &text);
    let (exact, spans): (Vec<String>, Vec<std::ops::Range<usize>>) =
        analysis::tokens_with_offsets(&mut analysis::exact_analyzer(), &text).into_iter().unzip();
    if folded.is_empty() {
        return BuiltQuery {
            text: Box::new(AllQuery),
            relaxed: None,
            filters,
            filter_values,
            terms: CandidateTerms::default(),
            browsing: true,
            task_like: false,
            typed: text,
            corrections: Vec::new(),
        };
    }
    // A word the lexicon knows as typed ("visa") is not keyboard residue ("vía").
    let typed_rewrites = lexicon::LEXICON.rewrites(&folded, usize::MAX);
    let mut known_as_typed = vec![false; folded.len()];
    for r in &typed_rewrites {
        known_as_typed[r.span.0..r.span.1].iter_mut().for_each(|k| *k = true);
    }
    let words: Vec<Word> = folded
        .iter()
        .zip(exact.iter())
        .zip(known_as_typed)
        .map(|((f, e), known)| {
            let decoded = (!known).then(|| decode_input_residue(e)).flatten().map(|d| {
                let folded = analysis::tokens(&mut analysis::folded_analyzer(), &d).join("");
                (folded, d)
            });
            Word::new(f.clone(), e.clone(), decoded.filter(|(f2, _)| f2 != f), fields, stats)
        })
        .collect();
    let query_syllables: Vec<String> =
        words.iter().map(|w| w.decoded.as_ref().map_or_else(|| w.folded.clone(), |(f, _)| f.clone())).collect();
    // Nothing decoded (most queries): the syllables are the typed ones, already looked up.
    let rewrites = if query_syllables == folded {
        typed_rewrites.into_iter().take(MAX_REWRITES).collect()
    } else {
        lexicon::LEXICON.rewrites(&query_syllables, MAX_REWRITES)
    };
    // A word the lexicon knows ("mst", an abbreviation no text spells out) is not a typo.
    let mut words = words;
    for r in &rewrites {
        for w in &mut words[r.span.0..r.span.1] {
            w.corrected = None;
        }
    }
    let mut table = WordTable::default();
    let mut readings = vec![Reading::build(fields, &mut table, &words, None)];
    readings.extend(rewrites.iter().map(|r| Reading::build(fields, &mut table, &words, Some(r))));

    let mut bonuses: Vec<Box<dyn Query>> = vec![term_query(
        Term::from_field_text(fields.title_key, &schema::title_key(&text)),
        weight::TITLE_KEY,
    )];
    // Priors of a citizens' portal: among equally matching procedures, the ones citizens
    // use, carried out where they live, come first. They score; they never match alone.
    let priors: Vec<Box<dyn Query>> = [("citizen", weight::CITIZEN_PRIOR), ("local", weight::LOCAL_PRIOR)]
        .into_iter()
        .map(|(tag, w)| {
            let q = TermQuery::new(Term::from_field_text(fields.tags, tag), IndexRecordOption::Basic);
            Box::new(ConstScoreQuery::new(Box::new(q), w)) as Box<dyn Query>
        })
        .collect();
    let raw_tokens: Vec<&str> = text.split_whitespace().collect();
    let codes: Vec<&str> = raw_tokens.iter().copied().filter(|t| looks_like_code(t)).collect();
    for code in &codes {
        bonuses.push(term_query(Term::from_field_text(fields.code, &code.to_lowercase()), weight::CODE));
    }
    // A legal document number goes to the document that is it, then to those citing it.
    let numbers = analysis::document_numbers(&text);
    for number in &numbers {
        bonuses.push(term_query(Term::from_field_text(fields.numbers, &format!("title:{number}")), weight::NUMBER_TITLE));
        bonuses.push(term_query(Term::from_field_text(fields.numbers, number), weight::NUMBER));
    }
    // Best bets lead, in the editor's order.
    let pinned = request.pinned.len();
    for (rank, id) in request.pinned.iter().enumerate() {
        let q = TermQuery::new(Term::from_field_i64(fields.id, *id), IndexRecordOption::Basic);
        let score = weight::PINNED * (pinned - rank) as f32;
        bonuses.push(Box::new(ConstScoreQuery::new(Box::new(q), score)));
    }

    let coverage: Vec<ReadingPlan> = readings.iter().filter_map(|r| r.title_coverage(fields, &mut table)).collect();
    let mut pairs: Vec<(Term, f32)> = Vec::new();
    for pair in readings.iter().flat_map(|r| r.pairs(fields)) {
        if !pairs.contains(&pair) {
            pairs.push(pair);
        }
    }
    let combine = |strict: bool| -> Box<dyn Query> {
        let mut plans: Vec<_> = readings.iter().map(|r| r.plan(fields, r.required(strict))).collect();
        plans.extend(coverage.iter().map(|c| (c.clone(), None)));
        let words = table.queries.iter().map(|q| q.box_clone()).collect();
        let mut clauses: Vec<Box<dyn Query>> = vec![Box::new(ReadingsQuery::new(words, plans))];
        clauses.extend(bonuses.iter().map(|b| b.box_clone()));
        // At least one reading matches, or a code, number or best bet on its own; then
        // priors and syllable pairs add to the score.
        let mut extra: Vec<Box<dyn Query>> = priors.iter().map(|p| p.box_clone()).collect();
        extra.extend(pairs.iter().map(|(t, w)| term_query(t.clone(), *w)));
        Box::new(BooleanQuery::new(vec![(Occur::Must, any_of(clauses)), (Occur::Should, Box::new(BonusQuery::new(extra)))]))
    };
    let can_relax = readings.iter().any(|r| r.required(false) < r.required(true));
    let joined = format!(" {} ", query_syllables.join(" "));
    let task_like = !codes.is_empty()
        || rewrites.iter().any(|r| r.reason == "synonym")
        || TASK_WORDS.iter().any(|w| joined.contains(&format!(" {w} ")));
    // Pieces of a code or document number, words the lexicon knows, and question words
    // ("ba" of "ba tôi mất" is in no title, yet no typo of "va") are never "corrected".
    let protected: Vec<String> = raw_tokens
        .iter()
        .filter(|t| looks_like_code(t) || analysis::is_document_number(t))
        .flat_map(|t| analysis::tokens(&mut analysis::folded_analyzer(), t))
        .collect();
    let rewritten = |i: usize| rewrites.iter().any(|r| r.span.0 <= i && i < r.span.1);
    let corrections = words
        .iter()
        .zip(spans)
        .enumerate()
        .filter(|(i, (w, _))| {
            w.untitled
                && !w.is_optional()
                && !rewritten(*i)
                && !w.folded.bytes().any(|b| b.is_ascii_digit())
                && !protected.contains(&w.folded)
        })
        .filter_map(|(_, (w, span))| Some((span, w.did_you_mean(fields, stats)?)))
        .collect();
    let strict = combine(true);
    BuiltQuery {
        terms: CandidateTerms::of(fields, &*strict),
        text: strict,
        relaxed: can_relax.then(|| combine(false)),
        filters,
        filter_values,
        browsing: false,
        task_like,
        typed: text,
        corrections,
    }
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
