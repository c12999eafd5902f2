//! Evaluates a built query at a cost bounded by what a page needs, not by the corpus.
//!
//! A query that matches few documents is evaluated exhaustively: every match scored,
//! counted and tallied by facet in one pass. One that matches more than
//! `exact_matches` (at a million documents, "đăng ký" matches most of them) is not:
//!
//! - its hits are the best `candidates` by the sum of its weighted terms, found with
//!   block-max WAND (which skips blocks of postings that cannot enter the top), then
//!   scored by the full query (readings, phrases, minimum matches, ranking);
//! - its total and facet counts are estimated from evenly spread stripes of every segment
//!   holding about half as many matches, and said to be estimates. On an index much larger
//!   than the budget a thin sample comes first and tells such a query from one to count.
//!
//! The same trade Elasticsearch makes with `track_total_hits`, here with the estimate
//! spread over the whole index so old and new documents weigh alike.

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};
use std::sync::{Arc, Mutex};

use tantivy::collector::{Count, DocSetCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::query::{BooleanQuery, BoostQuery, EnableScoring, Occur, Query, TermQuery, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, TantivyDocument, Term};

use crate::error::SearchError;
use crate::normalize::{fold, folded_words};
use crate::query::{CandidateTerms, Facet, FilterValue};
use crate::rerank::Candidate;
use crate::schema::Fields;

/// How much a search may do: past `exact_matches` matches it estimates instead of
/// counting, from a sample holding about `sampled_matches`, and re-scores `candidates`
/// documents instead of all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchBudget {
    /// Matches counted, tallied and scored one by one before estimating.
    pub exact_matches: u64,
    /// Documents taken by WAND on the query's terms and re-scored by the full query (at
    /// least four times the hits asked for).
    pub candidates: usize,
    /// Matches the sample behind an estimate aims to hold: its error shrinks as the square
    /// root of it, its cost grows with it.
    pub sampled_matches: u64,
}

impl Default for SearchBudget {
    fn default() -> Self {
        Self { exact_matches: 2_000, candidates: 100, sampled_matches: 1_000 }
    }
}

impl SearchBudget {
    /// Every match counted and scored, however many (for measuring what the budget costs
    /// in ranking quality).
    pub const EXHAUSTIVE: SearchBudget =
        SearchBudget { exact_matches: u64::MAX, candidates: usize::MAX, sampled_matches: u64::MAX };
}
/// Terms WAND walks for candidates, at most. Past the ten that weigh most, each adds a
/// posting list to walk and little to which documents lead: at a million documents, 16
/// took search p50 from 4.4 to 5.6 ms and kept one more of 822 exhaustive first-ten hits.
const CANDIDATE_TERMS: usize = 10;
/// A term in more than this share of documents finds no candidates (while rarer ones do).
const COMMON_SHARE: f32 = 0.2;
/// Stripes per segment in the sample behind an estimate.
const SAMPLE_STRIPES: u32 = 16;
/// An index this many times larger than the exact-count budget is sampled before counting.
const SAMPLE_FIRST_ABOVE: u64 = 4;
/// Documents taken per exact-match term (a code, a document number, a title, a best bet).
const EXACT_TERM_DOCS: usize = 100;

/// Announcements lose relevance with age: half of what decays is gone after this many days…
const FRESHNESS_HALF_LIFE_DAYS: f32 = 365.0;
/// …and an old announcement keeps at least this share of its score.
const FRESHNESS_FLOOR: f32 = 0.5;
/// Ages are counted in days, from the start of the current one (UTC).
const SECONDS_PER_DAY: i64 = 86_400;
/// Share of its score an announcement keeps when the query asks how to get something done.
const TASK_ANNOUNCEMENT_FACTOR: f32 = 0.5;

/// Segments whose columns are kept before the cache starts afresh (commits add segments,
/// merges retire them).
const CACHED_SEGMENTS: usize = 256;

/// The fast-field columns searches read, opened once per segment instead of at every pass
/// of every search: opening a column reads its block index, which at a million documents
/// took a twentieth of a search. Deletes leave a segment's columns as they are.
#[derive(Default)]
pub(crate) struct ColumnCache {
    segments: Mutex<HashMap<SegmentId, Arc<SegmentColumns>>>,
}

impl ColumnCache {
    /// The columns of `segment`, opened at its first search.
    pub(crate) fn of(&self, segment: &SegmentReader) -> Arc<SegmentColumns> {
        let Ok(mut segments) = self.segments.lock() else { return Arc::new(SegmentColumns::open(segment)) };
        if let Some(columns) = segments.get(&segment.segment_id()) {
            return Arc::clone(columns);
        }
        if segments.len() >= CACHED_SEGMENTS {
            segments.clear();
        }
        let columns = Arc::new(SegmentColumns::open(segment));
        segments.insert(segment.segment_id(), Arc::clone(&columns));
        columns
    }
}

/// One segment's facet, ranking and completion columns; `None` where it has none (an empty
/// segment).
pub(crate) struct SegmentColumns {
    kind: Option<StrColumn>,
    agency: Option<StrColumn>,
    level: Option<StrColumn>,
    topic: Option<StrColumn>,
    year: Option<Column<i64>>,
    published: Option<Column<i64>>,
    /// The ordinal of "procedure" among the kinds.
    procedure_ord: Option<u64>,
    /// Whole folded titles, sorted (completions tell titles starting with the typed words).
    pub(crate) title_key: Option<StrColumn>,
    /// What the steps after scoring read of its procedures, read from the store at first use.
    procedures: Mutex<HashMap<DocId, Arc<ProcedureFacts>>>,
}

/// What the raise of companions and the re-ranking read of a procedure hit, kept with its
/// segment, folded and split once: procedures are few (2,642 of a million documents) and
/// their stored documents long (every text of the procedure), so reading thirty of them at
/// every search cost more than the search (at 38,082 documents, search p50 2.7 → 4.1 ms).
#[derive(Debug)]
pub(crate) struct ProcedureFacts {
    /// Database id (pinned hits are named by it).
    pub id: i64,
    /// The title folded: the raise tells a hit's variants by its words.
    pub folded_title: String,
    /// What the re-ranker weighs of it: code, field, words, keywords, companion lists.
    pub candidate: Candidate,
}

impl ProcedureFacts {
    fn read(searcher: &Searcher, fields: &Fields, address: DocAddress) -> Result<Self, SearchError> {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default();
        // Places are stored in the order of the codes.
        let mut places = doc.get_all(fields.companion_places).filter_map(|v| v.as_u64());
        let companion_of = doc
            .get_all(fields.companion_of_codes)
            .filter_map(|v| v.as_str())
            .map(|code| (code.to_string(), places.next().unwrap_or_default()))
            .collect();
        let folded_title = fold(text(fields.title_text));
        let candidate = Candidate::from_folded(
            text(fields.code),
            text(fields.topic),
            &folded_title,
            &fold(text(fields.keywords)),
            companion_of,
        );
        Ok(Self { id: doc.get_first(fields.id).and_then(|v| v.as_i64()).unwrap_or_default(), folded_title, candidate })
    }
}

impl SegmentColumns {
    fn open(segment: &SegmentReader) -> Self {
        let fast = segment.fast_fields();
        let text = |facet: Facet| fast.str(facet.field_name()).ok().flatten();
        let kind = text(Facet::Kind);
        let procedure_ord = kind.as_ref().and_then(|k| k.dictionary().term_ord(b"procedure").ok().flatten());
        Self {
            agency: text(Facet::Agency),
            level: text(Facet::Level),
            topic: text(Facet::Topic),
            year: fast.i64(Facet::Year.field_name()).ok(),
            published: fast.i64("published").ok(),
            title_key: fast.str("title_key").ok().flatten(),
            kind,
            procedure_ord,
            procedures: Mutex::default(),
        }
    }

    fn of_facet(&self, facet: Facet) -> FacetColumn<'_> {
        let text = match facet {
            Facet::Year => return self.year.as_ref().map_or(FacetColumn::Missing, FacetColumn::Number),
            Facet::Kind => &self.kind,
            Facet::Agency => &self.agency,
            Facet::Level => &self.level,
            Facet::Topic => &self.topic,
        };
        text.as_ref().map_or(FacetColumn::Missing, FacetColumn::Text)
    }
}

/// How scores are adjusted after matching: announcements fade with age, and give way to
/// procedures when the query asks how to get something done. Factors never exceed 1, so
/// a document's adjusted score is at most its text score.
#[derive(Clone)]
pub(crate) struct Ranking {
    task_like: bool,
    now: i64,
    columns: Arc<ColumnCache>,
}

impl SegmentColumns {
    fn is_procedure(&self, doc: DocId) -> bool {
        match (&self.kind, self.procedure_ord) {
            (Some(kinds), Some(ord)) => kinds.ords().first(doc) == Some(ord),
            _ => false,
        }
    }
}

impl Ranking {
    pub(crate) fn new(task_like: bool, columns: Arc<ColumnCache>) -> Self {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        // Ages are counted from the start of the day: a second's difference moved the scores
        // of announcements a few days apart by a rounding step, enough to reorder them
        // between two requests for the same query (page two then missed a hit of page one).
        let now = now - now.rem_euclid(SECONDS_PER_DAY);
        Self { task_like, now, columns }
    }

    /// The facts of a procedure hit (`None` for any other hit), from the segment's cache.
    pub(crate) fn procedure(
        &self,
        searcher: &Searcher,
        fields: &Fields,
        address: DocAddress,
    ) -> Result<Option<Arc<ProcedureFacts>>, SearchError> {
        let columns = self.columns(searcher.segment_reader(address.segment_ord));
        if !columns.is_procedure(address.doc_id) {
            return Ok(None);
        }
        let cached = columns.procedures.lock().ok().and_then(|known| known.get(&address.doc_id).cloned());
        if let Some(facts) = cached {
            return Ok(Some(facts));
        }
        let facts = Arc::new(ProcedureFacts::read(searcher, fields, address)?);
        if let Ok(mut known) = columns.procedures.lock() {
            known.insert(address.doc_id, Arc::clone(&facts));
        }
        Ok(Some(facts))
    }

    /// The columns of a segment, from the index's cache.
    fn columns(&self, segment: &SegmentReader) -> Arc<SegmentColumns> {
        self.columns.of(segment)
    }

    /// The score function of one segment. A segment without the needed columns (an empty
    /// one) keeps scores as they are.
    pub(crate) fn for_segment(&self, segment: &SegmentReader) -> impl Fn(DocId, Score) -> Score + use<> {
        let columns = self.columns(segment);
        let (task_like, now) = (self.task_like, self.now);
        move |doc: DocId, score: Score| {
            // A best bet keeps the place the editor gave it, whatever its kind or age.
            if columns.is_procedure(doc) || score >= crate::query::PINNED_SCORE {
                return score;
            }
            let mut factor = if task_like { TASK_ANNOUNCEMENT_FACTOR } else { 1.0 };
            if let Some(at) = columns.published.as_ref().and_then(|c| c.first(doc)) {
                let age_days = (now - at).max(0) as f32 / SECONDS_PER_DAY as f32;
                let fresh = 0.5f32.powf(age_days / FRESHNESS_HALF_LIFE_DAYS);
                factor *= FRESHNESS_FLOOR + (1.0 - FRESHNESS_FLOOR) * fresh;
            }
            score * factor
        }
    }
}

/// Counts of a query: total and facet counts, exact or estimated from a sample.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    /// Matching documents (estimated when `exact` is false).
    pub total: u64,
    /// Whether every match was counted.
    pub exact: bool,
    /// Per facet, its values with their counts, in no order.
    pub facets: Vec<(Facet, Vec<(String, u64)>)>,
    /// The best hits (score, address), best first, when asked for and exact.
    pub top: Vec<(Score, DocAddress)>,
}

/// A query with its scoring weight, built on first need and then shared by every pass that
/// scores (the exact count's, the candidates', the procedures' and the companions'):
/// building it looks up every term's statistics, worth doing once per search and not at
/// all when nothing matches.
pub(crate) struct ScoredQuery<'a> {
    searcher: &'a Searcher,
    query: &'a dyn Query,
    weight: OnceCell<Box<dyn Weight>>,
}

impl<'a> ScoredQuery<'a> {
    pub(crate) fn new(searcher: &'a Searcher, query: &'a dyn Query) -> Self {
        Self { searcher, query, weight: OnceCell::new() }
    }

    /// The query itself, for the passes that only count or read its terms.
    pub(crate) fn query(&self) -> &'a dyn Query {
        self.query
    }

    /// The scoring weight, built by the first caller.
    pub(crate) fn weight(&self) -> Result<&dyn Weight, SearchError> {
        if let Some(weight) = self.weight.get() {
            return Ok(&**weight);
        }
        let weight = self.query.weight(EnableScoring::enabled_from_searcher(self.searcher))?;
        Ok(&**self.weight.get_or_init(|| weight))
    }
}

/// Counts `query` and tallies `facets` over its matches, keeping the best `keep` hits when
/// the count stays exact.
///
/// On an index much larger than the budget, a thin sample spread over the whole index
/// comes first: a query it shows to match far more than `exact_matches` documents (at a
/// million documents, most do) is estimated from that sample, widened until it holds about
/// half the budget in matches, without walking the budget's worth of matches from the
/// start first (which, with the sample after it, was most of such a query's cost).
///
/// Matches are scored only once the count is known to stay within the budget: a query
/// past it is ranked from candidates instead, and scoring its first matches (phrase
/// bonuses, freshness) was a third of its cost for nothing.
pub(crate) fn tally(
    searcher: &Searcher,
    query: &ScoredQuery,
    facets: &[Facet],
    keep: usize,
    ranking: &Ranking,
    budget: SearchBudget,
) -> Result<Tally, SearchError> {
    // Counting needs only which documents match: without scoring, optional parts (phrase
    // bonuses, priors) are left out, postings are read without frequencies and no term's
    // statistics are looked up.
    let weight = query.query().weight(EnableScoring::disabled_from_searcher(searcher))?;
    let all: u64 = searcher.segment_readers().iter().map(|s| u64::from(s.max_doc())).sum();
    let mut sample = Sample::new(facets);
    if all / SAMPLE_FIRST_ABOVE > budget.exact_matches {
        let target = budget.sampled_matches.min(budget.exact_matches).max(1) as f64;
        sample.widen(searcher, &*weight, ranking, (target / all as f64).min(1.0))?;
        let predicted = sample.matched as f64 * all as f64 / sample.sampled.max(1) as f64;
        if predicted > budget.exact_matches as f64 {
            sample.widen(searcher, &*weight, ranking, (target / predicted).min(1.0))?;
            return Ok(sample.estimate(all, 0));
        }
    }
    let mut counters = FacetCounters::new(facets);
    let mut total = 0u64;
    let mut scanned = 0u64;
    // The matches of each segment, to score when the count stays exact.
    let mut matches: Vec<Vec<DocId>> = Vec::with_capacity(searcher.segment_readers().len());
    for segment in searcher.segment_readers() {
        let mut scorer = weight.scorer(segment, 1.0)?;
        let segment_columns = ranking.columns(segment);
        let mut counting = counters.open(&segment_columns);
        let mut docs = Vec::new();
        let mut doc = scorer.doc();
        while doc != TERMINATED {
            if !segment.is_deleted(doc) {
                total += 1;
                if total > budget.exact_matches {
                    // More than the sample foresaw (or no sample was taken): estimate from
                    // stripes as large, together, as the part of the index that held the
                    // budget's worth of matches, widening the thin sample if there is one.
                    scanned += u64::from(doc);
                    let share = (scanned.max(1) as f64 / all.max(1) as f64).min(1.0);
                    sample.widen(searcher, &*weight, ranking, share)?;
                    return Ok(sample.estimate(all, budget.exact_matches));
                }
                counting.add(doc);
                if keep > 0 {
                    docs.push(doc);
                }
            }
            doc = scorer.advance();
        }
        matches.push(docs);
        scanned += u64::from(segment.max_doc());
        counting.close();
    }
    let mut top = TopHits::new(keep);
    for (ord, (segment, docs)) in searcher.segment_readers().iter().zip(matches).enumerate() {
        if docs.is_empty() {
            continue;
        }
        score_each(query.weight()?, segment, ord, docs.into_iter(), ranking, &mut top)?;
    }
    Ok(Tally { total, exact: true, facets: counters.finish(1.0), top: top.into_sorted() })
}

/// The best `keep` matches of the query (its scoring `weight`) among the documents of
/// `within`, a set small enough to score every match in (the procedures, or the companions
/// of a page's hits), best first, in one pass: counting them first, as [`tally`] does to
/// stay within a budget, walked every match twice.
fn best_matches(
    searcher: &Searcher,
    weight: &dyn Weight,
    within: &dyn Query,
    keep: usize,
    ranking: &Ranking,
) -> Result<Vec<(Score, DocAddress)>, SearchError> {
    let within = within.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut top = TopHits::new(keep);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let mut set = within.scorer(segment, 1.0)?;
        let mut doc = set.doc();
        let docs = std::iter::from_fn(|| {
            let this = doc;
            doc = set.advance();
            (this != TERMINATED).then_some(this)
        });
        score_each(weight, segment, ord, docs, ranking, &mut top)?;
    }
    Ok(top.into_sorted())
}

/// Scores the query (its scoring `weight`) at each of `docs` (ascending) in one segment it
/// matches, into `top`; returns how many it matched. The query's scorer is opened only
/// when some document is there to score, and skips to each.
fn score_each(
    weight: &dyn Weight,
    segment: &SegmentReader,
    ord: usize,
    docs: impl Iterator<Item = DocId>,
    ranking: &Ranking,
    top: &mut TopHits,
) -> Result<usize, SearchError> {
    let rank = ranking.for_segment(segment);
    let mut scorer = None;
    let mut matched = 0;
    for doc in docs {
        let scorer = match &mut scorer {
            Some(s) => s,
            None => scorer.insert(weight.scorer(segment, 1.0)?),
        };
        let at = if scorer.doc() >= doc { scorer.doc() } else { scorer.seek(doc) };
        if at == TERMINATED {
            break;
        }
        if at == doc && !segment.is_deleted(doc) {
            matched += 1;
            top.push(rank(doc, scorer.score()), DocAddress::new(ord as u32, doc));
        }
    }
    Ok(matched)
}

/// Matches counted in evenly spread stripes of every segment ([`SAMPLE_STRIPES`] each),
/// for estimating a total and its facet counts. Each stripe starts at a fixed place and
/// grows, so a sample can be widened without counting any document twice.
struct Sample {
    counters: FacetCounters,
    /// Matches seen in the stripes.
    matched: u64,
    /// Documents the stripes cover.
    sampled: u64,
    /// The share of its length each stripe covers.
    covered: f64,
}

impl Sample {
    fn new(facets: &[Facet]) -> Self {
        Self { counters: FacetCounters::new(facets), matched: 0, sampled: 0, covered: 0.0 }
    }

    /// Widens every stripe to the share `to` of its length (nothing when it covers that
    /// already).
    fn widen(
        &mut self,
        searcher: &Searcher,
        weight: &dyn Weight,
        ranking: &Ranking,
        to: f64,
    ) -> Result<(), SearchError> {
        let from = self.covered;
        if to <= from {
            return Ok(());
        }
        self.covered = to;
        for segment in searcher.segment_readers() {
            let max_doc = segment.max_doc();
            if max_doc == 0 {
                continue;
            }
            let stripes = SAMPLE_STRIPES.min(max_doc);
            let mut scorer = weight.scorer(segment, 1.0)?;
            let segment_columns = ranking.columns(segment);
            let mut counting = self.counters.open(&segment_columns);
            for stripe in 0..stripes {
                let start = (u64::from(max_doc) * u64::from(stripe) / u64::from(stripes)) as DocId;
                let next = (u64::from(max_doc) * u64::from(stripe + 1) / u64::from(stripes)) as DocId;
                let at = |share: f64| (start + (f64::from(next - start) * share).ceil() as DocId).min(next);
                let (begin, end) = (at(from), at(to));
                if begin >= end {
                    continue;
                }
                self.sampled += u64::from(end - begin);
                let mut doc = if scorer.doc() >= begin { scorer.doc() } else { scorer.seek(begin) };
                while doc < end {
                    if !segment.is_deleted(doc) {
                        self.matched += 1;
                        counting.add(doc);
                    }
                    doc = scorer.advance();
                }
            }
            counting.close();
        }
        Ok(())
    }

    /// The total and facet counts scaled up to `all` documents; never fewer than `seen + 1`
    /// when `seen` matches were already counted elsewhere.
    fn estimate(self, all: u64, seen: u64) -> Tally {
        let scale = all as f64 / self.sampled.max(1) as f64;
        let floor = if seen > 0 { seen.saturating_add(1) } else { self.matched };
        Tally {
            total: ((self.matched as f64 * scale).round() as u64).max(floor),
            exact: false,
            facets: self.counters.finish(scale),
            top: Vec::new(),
        }
    }
}

/// The best (up to `keep`) hits of a query matching too many documents to score them all:
/// the best `candidates` (or more) by the sum of its weighted terms through block-max WAND,
/// plus every document of its exact-match terms, scored by the full query. Telling terms
/// are tried first, then common ones too; `None` when neither yields the `needed` hits of
/// the page, so the caller scores every match. The candidates are as many as the page
/// needs, not as many as are kept: keeping more for the re-ranker must not turn a query
/// whose candidates fill the page into one that scores every match.
#[allow(clippy::too_many_arguments)]
pub(crate) fn top_by_candidates(
    searcher: &Searcher,
    weight: &dyn Weight,
    terms: &CandidateTerms,
    filters: &[(Facet, FilterValue)],
    needed: usize,
    keep: usize,
    ranking: &Ranking,
    budget: SearchBudget,
) -> Result<Option<Vec<(Score, DocAddress)>>, SearchError> {
    let wanted = budget.candidates.max(needed * 4);
    let mut named: Vec<DocAddress> = Vec::new();
    for term in &terms.exact {
        let weight = TermQuery::new(term.clone(), IndexRecordOption::Basic)
            .weight(EnableScoring::disabled_from_searcher(searcher))?;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let mut scorer = weight.scorer(segment, 1.0)?;
            let mut doc = scorer.doc();
            let mut taken = 0;
            while doc != TERMINATED && taken < EXACT_TERM_DOCS {
                named.push(DocAddress::new(ord as u32, doc));
                taken += 1;
                doc = scorer.advance();
            }
        }
    }
    for terms in &candidate_term_sets(searcher, &terms.scored) {
        let mut candidates = best_by_terms(searcher, terms, filters, wanted, ranking)?;
        candidates.extend_from_slice(&named);
        let (top, matched) = rescore(searcher, weight, candidates, keep.max(needed), ranking)?;
        if matched >= needed {
            return Ok(Some(top));
        }
    }
    Ok(None)
}

/// Adds the best `keep` matches of the query (its scoring `weight`) among the documents of
/// `subset` (a small part of the index, such as the procedures) to `top`, best first,
/// without repeats.
///
/// The subset is scored in full ([`best_matches`]), not within the budget: a budgeted
/// count first samples stripes of the index and, when they predict more matches than the
/// budget, keeps no hits, so whether the subset joined at all depended on where its
/// documents sat (at a million documents, on whether a stripe began among the procedures).
pub(crate) fn merge_best_of(
    searcher: &Searcher,
    weight: &dyn Weight,
    subset: &dyn Query,
    top: &mut Vec<(Score, DocAddress)>,
    keep: usize,
    ranking: &Ranking,
) -> Result<(), SearchError> {
    let best = best_matches(searcher, weight, subset, keep, ranking)?;
    let mut merged = TopHits::new(keep);
    for (score, address) in top.drain(..).chain(best) {
        if !merged.heap.iter().any(|hit| hit.1 == address) {
            merged.push(score, address);
        }
    }
    *top = merged.into_sorted();
    Ok(())
}

/// The share of a hit's score its companions are raised to: procedures commonly needed with
/// a hit then rank below it and its close variants and above documents sharing only a word
/// or two with the query. In a simulation on the four judged query sets, a half raised
/// Recall@10 by 0.002 to 0.033 and nDCG@10 by −0.001 to +0.005; 0.4 to 0.7 were alike
/// (BENCHMARKS.md, session 16).
const COMPANION_SHARE: Score = 0.5;

/// How many companions of the first hit a page keeps, and the rank they go below. The
/// first hit's own variants ("… lưu động", "… có yếu tố nước ngoài", each level's copy) can
/// fill a page, pushing off it what is commonly needed with the answer (a paper first, the
/// next step, a tax alongside). In a simulation on the five judged query sets, three below
/// the fifth raised Recall@10 by 0.003 to 0.022 and moved no nDCG@10 down (BENCHMARKS.md,
/// session 17).
const LEAD_COMPANIONS: usize = 3;
const LEAD_PLACE: usize = 5;
/// Places in a companion list that order raised companions: a list holds at most five per
/// procedure, and a few more read both ways.
const MAX_PLACE_STEPS: u64 = 16;
/// Steps between two places, for the companions sharing a place (the reverse of each
/// "instead" pair shares the place after a list's own) to follow their own scores.
const SHARED_PLACE_STEPS: u64 = 64;

/// Raises each document that matches the query (its scoring `weight`) and goes with a hit
/// of `top` (its `companion_of_codes` names the hit's code) to [`COMPANION_SHARE`] of that
/// hit's score, and below the hit's variants (the hits whose name holds the hit's words in
/// order, such as "… lưu động" or "Đăng ký lại …" of a procedure), when that is more than
/// its own; companions raised to one score keep their hit's list's order (and, sharing a
/// place, their own scores' order). Then the first hit's companions that come first in its
/// list (up to [`LEAD_COMPANIONS`]; by their own score within a place) go just below the
/// hit at rank [`LEAD_PLACE`] when they rank lower, whether or not they match the query, as
/// long as they pass `filters`: what the curators list first for the answer often shares no
/// word with the question (the pension still owed, for "bố mất"). Returns those the ranking
/// now holds without matching, for the total to count what is shown and the page to say
/// why. Pinned hits raise nothing: their score is an editor's order, not relevance. The
/// hits above a raised one never change, so page two holds what follows page one, whatever
/// the page size. The companions are scored in full, not within the budget (see
/// [`merge_best_of`]).
pub(crate) fn raise_companions(
    searcher: &Searcher,
    fields: &Fields,
    weight: &dyn Weight,
    filters: &dyn Query,
    top: &mut Vec<(Score, DocAddress)>,
    pinned: &[i64],
    ranking: &Ranking,
) -> Result<ShownWith, SearchError> {
    // The procedure hits (only procedures have companions; their kind is a column) with
    // their facts; pinned ones raise nothing.
    let mut hits: Vec<(Score, Arc<ProcedureFacts>)> = Vec::new();
    let mut lead_address = None;
    for (score, address) in top.iter() {
        let Some(facts) = ranking.procedure(searcher, fields, *address)? else { continue };
        if !facts.candidate.code.is_empty() && !pinned.contains(&facts.id) {
            lead_address = lead_address.or(Some(*address));
            hits.push((*score, facts));
        }
    }
    if hits.is_empty() {
        return Ok(ShownWith::default());
    }
    let links: Vec<(Occur, Box<dyn Query>)> = hits
        .iter()
        .map(|(_, facts)| {
            let term = Term::from_field_text(fields.companion_of_codes, &facts.candidate.code);
            (Occur::Should, Box::new(TermQuery::new(term, IndexRecordOption::Basic)) as Box<dyn Query>)
        })
        .collect();
    let links = BooleanQuery::new(links);
    // Most hits have no companions: then the query is not run a second time. Otherwise every
    // companion that matches is kept, however low its own score, so that a page of ten and
    // the first ten of a page of fifty raise the same ones.
    let linked_count = searcher.search(&links, &Count)?;
    if linked_count == 0 {
        return Ok(ShownWith::default());
    }
    // The score each hit raises its companions to, by the hit's code.
    let names: Vec<(&str, Vec<&str>)> =
        hits.iter().map(|(_, f)| (f.folded_title.as_str(), folded_words(&f.folded_title).collect())).collect();
    let mut anchors: HashMap<&str, Score> = HashMap::new();
    for ((score, facts), name) in hits.iter().zip(&names) {
        let variants = hits
            .iter()
            .zip(&names)
            .filter(|((s, ..), other)| s < score && other.0 != name.0 && holds_in_order(&other.1, &name.1))
            .fold(Score::MAX, |lowest, ((s, ..), _)| lowest.min(*s));
        let raise = (score * COMPANION_SHARE).min(variants.next_down());
        let best = anchors.entry(facts.candidate.code.as_str()).or_insert(raise);
        *best = best.max(raise);
    }
    // Scored in full: there are at most `linked_count`.
    let found = best_matches(searcher, weight, &links, linked_count, ranking)?;
    let (lead_score, lead) = (&hits[0].0, &hits[0].1.candidate.code);
    let mut raised: HashMap<DocAddress, Score> = HashMap::new();
    // The first hit's companions with their places in its list.
    let mut with_lead: Vec<(u64, DocAddress)> = Vec::new();
    // Companions already raised to each score and place: those sharing both follow their
    // own scores (best first, as `found` comes).
    let mut sharing: HashMap<(u32, u64), u64> = HashMap::new();
    for (own, address) in found {
        // Only procedures have companions.
        let Some(facts) = ranking.procedure(searcher, fields, address)? else { continue };
        // The hit raising it most, and its place in that hit's list: companions raised to
        // one score keep the list's order, a step below each other.
        let (mut anchor, mut place): (Score, u64) = (0.0, 0);
        for (code, at) in &facts.candidate.companion_of {
            if let Some(&raise) = anchors.get(code.as_str())
                && raise > anchor
            {
                (anchor, place) = (raise, *at);
            }
        }
        let step = place.min(MAX_PLACE_STEPS);
        let before = sharing.entry((anchor.to_bits(), step)).or_default();
        anchor = steps_below(anchor, step * SHARED_PLACE_STEPS + (*before).min(SHARED_PLACE_STEPS - 1));
        *before += 1;
        raised.insert(address, own.max(anchor));
        if let Some(at) = facts.candidate.place_with(lead) {
            with_lead.push((at, address));
        }
    }
    // The first hit's companions not matching the query, after those that do within a
    // place, in index order (a hash set's order would differ between two pages).
    let matching: Vec<DocAddress> = with_lead.iter().map(|(_, address)| *address).collect();
    let lead_term = Term::from_field_text(fields.companion_of_codes, lead);
    let of_lead = BooleanQuery::new(vec![
        (Occur::Must, Box::new(TermQuery::new(lead_term, IndexRecordOption::Basic)) as Box<dyn Query>),
        (Occur::Must, filters.box_clone()),
    ]);
    let mut others: Vec<DocAddress> =
        searcher.search(&of_lead, &DocSetCollector)?.into_iter().filter(|a| !matching.contains(a)).collect();
    others.sort_unstable();
    for address in others {
        let Some(facts) = ranking.procedure(searcher, fields, address)? else { continue };
        if let Some(at) = facts.candidate.place_with(lead) {
            with_lead.push((at, address));
        }
    }
    // In the list's order, the curators' most useful first; the better own score first
    // within a place (the sort is stable).
    with_lead.sort_by_key(|(place, _)| *place);
    let room = top.len();
    let mut raised_top = merge(top, raised, room);
    let head: Vec<DocAddress> = raised_top.iter().take(LEAD_PLACE).map(|(_, address)| *address).collect();
    let mut lifted: HashMap<DocAddress, Score> = HashMap::new();
    let mut unmatched = Vec::new();
    // Just below the hit at that rank (or the last, on a shorter list), and below the lead.
    if let Some(&(at, _)) = raised_top.get(head.len().saturating_sub(1)) {
        let mut place = at.min(*lead_score);
        for (_, address) in with_lead.into_iter().filter(|(_, address)| !head.contains(address)).take(LEAD_COMPANIONS) {
            place = place.next_down();
            lifted.insert(address, place);
            if !matching.contains(&address) {
                unmatched.push(address);
            }
        }
    }
    // Those not matching are more than the matches ranked: each takes a place of its own.
    let room = raised_top.len() + unmatched.len();
    *top = merge(&mut raised_top, lifted, room);
    Ok(ShownWith { lead: lead_address.filter(|_| !unmatched.is_empty()), companions: unmatched })
}

/// The first hit's companions a page shows though they match no word of the query, and
/// that hit.
#[derive(Debug, Default)]
pub(crate) struct ShownWith {
    pub(crate) lead: Option<DocAddress>,
    pub(crate) companions: Vec<DocAddress>,
}

/// `score` moved down `steps` representable values, as that many [`f32::next_down`] would,
/// at once where it can: a companion moves up to a thousand, once per companion per search.
fn steps_below(score: Score, steps: u64) -> Score {
    match u32::try_from(steps) {
        // A positive float's bits order as its values: one less is the next value down.
        Ok(steps) if score > 0.0 && score.to_bits() > steps => Score::from_bits(score.to_bits() - steps),
        _ => (0..steps).fold(score, |s, _| s.next_down()),
    }
}

/// `top` with the scores of `raised` (each the higher of the two) and the documents of
/// `raised` it lacks, the best `room` of them, best first.
fn merge(
    top: &mut Vec<(Score, DocAddress)>,
    mut raised: HashMap<DocAddress, Score>,
    room: usize,
) -> Vec<(Score, DocAddress)> {
    let mut merged = TopHits::new(room);
    for (score, address) in top.drain(..) {
        merged.push(raised.remove(&address).map_or(score, |r| r.max(score)), address);
    }
    for (address, score) in raised {
        merged.push(score, address);
    }
    merged.into_sorted()
}

/// Whether every word of `name` is in `other`, in order, with other words between them
/// allowed: "đăng ký lại khai tử" holds "đăng ký khai tử" (folded).
fn holds_in_order(other: &[&str], name: &[&str]) -> bool {
    let mut others = other.iter();
    name.iter().all(|w| others.any(|o| o == w))
}

/// The `wanted` documents passing the filters with the highest sum of these weighted
/// terms, found with block-max WAND.
fn best_by_terms(
    searcher: &Searcher,
    terms: &[(Term, f32)],
    filters: &[(Facet, FilterValue)],
    wanted: usize,
    ranking: &Ranking,
) -> Result<Vec<DocAddress>, SearchError> {
    if terms.is_empty() {
        return Ok(Vec::new());
    }
    let union = BooleanQuery::new(
        terms
            .iter()
            .map(|(term, boost)| {
                let q = TermQuery::new(term.clone(), IndexRecordOption::WithFreqs);
                (Occur::Should, Box::new(BoostQuery::new(Box::new(q), *boost)) as Box<dyn Query>)
            })
            .collect(),
    );
    let weight = union.weight(EnableScoring::enabled_from_searcher(searcher))?;
    let mut best = TopHits::new(wanted);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let columns = ranking.columns(segment);
        let passes = FilterCheck::new(&columns, filters);
        let mut threshold = best.threshold();
        weight.for_each_pruning(threshold, segment, &mut |doc, score| {
            if !segment.is_deleted(doc) && passes.check(doc) {
                best.push(score, DocAddress::new(ord as u32, doc));
                threshold = best.threshold();
            }
            threshold
        })?;
    }
    Ok(best.into_sorted().into_iter().map(|(_, a)| a).collect())
}

/// Scores candidates by the full query (its scoring `weight`, which also applies the
/// filters): the best `keep` and how many matched at all.
fn rescore(
    searcher: &Searcher,
    weight: &dyn Weight,
    mut candidates: Vec<DocAddress>,
    keep: usize,
    ranking: &Ranking,
) -> Result<(Vec<(Score, DocAddress)>, usize), SearchError> {
    candidates.sort_unstable();
    candidates.dedup();
    let mut top = TopHits::new(keep);
    let mut matched = 0;
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let docs = candidates.iter().filter(|a| a.segment_ord as usize == ord).map(|a| a.doc_id);
        matched += score_each(weight, segment, ord, docs, ranking, &mut top)?;
    }
    Ok((top.into_sorted(), matched))
}

/// The sets of terms to find candidates with, in the order to try them: at most
/// [`CANDIDATE_TERMS`], those that weigh most (field weight × inverse document frequency),
/// first without words found in more than [`COMMON_SHARE`] of documents while rarer ones
/// remain, then (when that left some out) with them. Common words add little to any
/// candidate's score and much to the work of walking them.
fn candidate_term_sets(searcher: &Searcher, terms: &[(Term, f32)]) -> Vec<Vec<(Term, f32)>> {
    let docs = searcher.num_docs().max(1) as f32;
    let mut weighed: Vec<(f32, f32, &(Term, f32))> = terms
        .iter()
        .map(|t| {
            let df = searcher.doc_freq(&t.0).unwrap_or(0) as f32;
            let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
            (t.1 * idf, df / docs, t)
        })
        .filter(|(_, share, _)| *share > 0.0)
        .collect();
    weighed.sort_by(|a, b| b.0.total_cmp(&a.0));
    let strongest = |keep: &dyn Fn(f32) -> bool| -> Vec<(Term, f32)> {
        weighed
            .iter()
            .filter(|(_, share, _)| keep(*share))
            .take(CANDIDATE_TERMS)
            .map(|(_, _, t)| (*t).clone())
            .collect()
    };
    let all = strongest(&|_| true);
    let rare = weighed.iter().filter(|(_, share, _)| *share <= COMMON_SHARE).count();
    if rare < 2 {
        return vec![all];
    }
    let telling = strongest(&|share| share <= COMMON_SHARE);
    if telling == all { vec![all] } else { vec![telling, all] }
}

/// The best hits seen so far, ties broken by address as Tantivy's own collector does.
struct TopHits {
    keep: usize,
    heap: BinaryHeap<Worst>,
}

/// A hit ordered so that the heap's top is the worst kept one.
#[derive(Clone, Copy)]
struct Worst(Score, DocAddress);

impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then_with(|| self.1.cmp(&other.1))
    }
}

impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Worst {}

impl TopHits {
    fn new(keep: usize) -> Self {
        Self { keep, heap: BinaryHeap::with_capacity(keep + 1) }
    }

    fn push(&mut self, score: Score, address: DocAddress) {
        if self.keep == 0 {
            return;
        }
        let hit = Worst(score, address);
        if self.heap.len() < self.keep {
            self.heap.push(hit);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && hit < *worst
        {
            *worst = hit;
        }
    }

    fn is_full(&self) -> bool {
        self.keep > 0 && self.heap.len() >= self.keep
    }

    /// The score a new hit must beat to be kept.
    fn threshold(&self) -> Score {
        match self.heap.peek() {
            Some(worst) if self.is_full() => worst.0,
            _ => Score::MIN,
        }
    }

    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        // Ascending in `Worst` order is best first.
        self.heap.into_sorted_vec().into_iter().map(|Worst(s, a)| (s, a)).collect()
    }
}

/// Tallies `facets` over the given documents (the companions a page shows without their
/// matching), to add to the counts of the matches: the counts then add up to the total.
pub(crate) fn tally_documents(
    searcher: &Searcher,
    documents: &[DocAddress],
    facets: &[Facet],
    ranking: &Ranking,
) -> Vec<(Facet, Vec<(String, u64)>)> {
    let mut counters = FacetCounters::new(facets);
    for (ord, segment) in searcher.segment_readers().iter().enumerate() {
        let docs: Vec<DocId> = documents.iter().filter(|a| a.segment_ord as usize == ord).map(|a| a.doc_id).collect();
        if docs.is_empty() {
            continue;
        }
        let segment_columns = ranking.columns(segment);
        let mut counting = counters.open(&segment_columns);
        for doc in docs {
            counting.add(doc);
        }
        counting.close();
    }
    counters.finish(1.0)
}

/// The counters of several facets, filled one segment at a time.
struct FacetCounters(Vec<FacetCounter>);

/// Facet counters open on one segment's columns; closing them names what they counted
/// (a segment's term ordinals mean nothing in the next).
struct OpenCounters<'a> {
    counters: &'a mut [FacetCounter],
    columns: Vec<FacetColumn<'a>>,
}

impl FacetCounters {
    fn new(facets: &[Facet]) -> Self {
        Self(facets.iter().map(|f| FacetCounter::new(*f)).collect())
    }

    fn open<'a>(&'a mut self, columns: &'a SegmentColumns) -> OpenCounters<'a> {
        let columns = self.0.iter_mut().map(|c| c.open(columns)).collect();
        OpenCounters { counters: &mut self.0, columns }
    }

    /// Counts scaled up from a sample (`scale` 1 when every match was counted).
    fn finish(self, scale: f64) -> Vec<(Facet, Vec<(String, u64)>)> {
        self.0.into_iter().map(|c| c.finish(scale)).collect()
    }
}

impl OpenCounters<'_> {
    fn add(&mut self, doc: DocId) {
        for (counter, column) in self.counters.iter_mut().zip(&self.columns) {
            counter.add(column, doc);
        }
    }

    fn close(self) {
        for (counter, column) in self.counters.iter_mut().zip(self.columns) {
            counter.close(column);
        }
    }
}

/// A facet's counts, merged across segments by value.
struct FacetCounter {
    facet: Facet,
    counts: HashMap<String, u64>,
    /// Counts by term ordinal in the open segment (string facets).
    by_ord: Vec<u64>,
    /// Counts by value (the year), named once at the end.
    by_number: HashMap<i64, u64>,
}

/// The column of a facet in one segment.
enum FacetColumn<'a> {
    Text(&'a StrColumn),
    Number(&'a Column<i64>),
    Missing,
}

impl FacetCounter {
    fn new(facet: Facet) -> Self {
        Self { facet, counts: HashMap::new(), by_ord: Vec::new(), by_number: HashMap::new() }
    }

    fn open<'a>(&mut self, columns: &'a SegmentColumns) -> FacetColumn<'a> {
        let column = columns.of_facet(self.facet);
        if let FacetColumn::Text(c) = &column {
            self.by_ord = vec![0; c.num_terms()];
        }
        column
    }

    fn add(&mut self, column: &FacetColumn, doc: DocId) {
        match column {
            FacetColumn::Text(c) => {
                for ord in c.ords().values_for_doc(doc) {
                    if let Some(n) = self.by_ord.get_mut(ord as usize) {
                        *n += 1;
                    }
                }
            }
            FacetColumn::Number(c) => {
                for value in c.values_for_doc(doc) {
                    *self.by_number.entry(value).or_default() += 1;
                }
            }
            FacetColumn::Missing => {}
        }
    }

    fn close(&mut self, column: FacetColumn) {
        if let FacetColumn::Text(c) = column {
            let mut value = String::new();
            for (ord, n) in std::mem::take(&mut self.by_ord).into_iter().enumerate() {
                if n > 0 && c.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    *self.counts.entry(value.clone()).or_default() += n;
                }
            }
        }
    }

    /// Counts scaled up from a sample (`scale` 1 when every match was counted).
    fn finish(self, scale: f64) -> (Facet, Vec<(String, u64)>) {
        let numbers = self.by_number.into_iter().map(|(v, n)| (v.to_string(), n));
        let counts =
            self.counts.into_iter().chain(numbers).map(|(v, n)| (v, (n as f64 * scale).round() as u64)).collect();
        (self.facet, counts)
    }
}

/// Whether a document passes the filters, read from fast fields (WAND takes no filter
/// query without giving up its skipping).
struct FilterCheck<'a> {
    /// `None` when no document of the segment can pass (a value or column it lacks).
    checks: Option<Vec<Check<'a>>>,
}

/// One filter in one segment: the column and the value it must hold.
enum Check<'a> {
    Text(&'a StrColumn, u64),
    Number(&'a Column<i64>, i64),
}

impl<'a> FilterCheck<'a> {
    fn new(columns: &'a SegmentColumns, filters: &[(Facet, FilterValue)]) -> Self {
        let checks = filters
            .iter()
            .map(|(facet, value)| match (columns.of_facet(*facet), value) {
                (FacetColumn::Text(column), FilterValue::Text(v)) => {
                    let ord = column.dictionary().term_ord(v.as_bytes()).ok().flatten()?;
                    Some(Check::Text(column, ord))
                }
                (FacetColumn::Number(column), FilterValue::Number(n)) => Some(Check::Number(column, *n)),
                _ => None,
            })
            .collect();
        Self { checks }
    }

    fn check(&self, doc: DocId) -> bool {
        self.checks.as_ref().is_some_and(|checks| {
            checks.iter().all(|check| match check {
                Check::Text(c, ord) => c.ords().values_for_doc(doc).any(|o| o == *ord),
                Check::Number(c, n) => c.values_for_doc(doc).any(|v| v == *n),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::normalize::folded_words;

    fn holds_in_order(other: &str, name: &str) -> bool {
        let words = |text| folded_words(text).collect::<Vec<_>>();
        super::holds_in_order(&words(other), &words(name))
    }

    /// Two requests for pages of one query, a second apart, must rank alike: announcements'
    /// ages are counted from the start of the day (a second's shift reordered near-ties).
    #[test]
    fn ages_are_counted_from_the_start_of_the_day() {
        let ranking = super::Ranking::new(false, std::sync::Arc::default());
        assert_eq!(ranking.now.rem_euclid(super::SECONDS_PER_DAY), 0);
        assert!(ranking.now > 1_700_000_000, "today, not the epoch: {}", ranking.now);
    }

    #[test]
    fn steps_below_is_so_many_next_downs() {
        for score in [1.0f32, 0.37, 1e-30, f32::MIN_POSITIVE, 1e-44, 0.0, -2.5] {
            for steps in [0u64, 1, 64, 1_087] {
                let one_by_one = (0..steps).fold(score, |s, _| s.next_down());
                assert_eq!(super::steps_below(score, steps).to_bits(), one_by_one.to_bits(), "{score} {steps}");
            }
        }
    }

    #[test]
    fn a_variant_holds_the_names_words_in_order() {
        assert!(holds_in_order("dang ky khai tu luu dong", "dang ky khai tu"));
        assert!(holds_in_order("dang ky lai khai tu co yeu to nuoc ngoai", "dang ky khai tu"));
        assert!(holds_in_order("cap lai the can cuoc (thuc hien tai cap tinh)", "cap lai the can cuoc"));
        assert!(!holds_in_order("khai tu dang ky", "dang ky khai tu"), "out of order");
        assert!(!holds_in_order("dang ky khai sinh", "dang ky khai tu"), "a word missing");
        assert!(!holds_in_order("dang ky khai tuan", "dang ky khai tu"), "whole words only");
    }
}
