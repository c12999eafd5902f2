//! What a search gives back: hits with snippets, totals and facet counts.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::schema::Value;
use tantivy::{DocAddress, Order, Searcher, SegmentReader, TantivyDocument, Term};

use crate::error::SearchError;
use crate::excerpt::Excerpter;
use crate::execute::{self, ColumnCache, Ranking, ScoredQuery, SearchBudget};
use crate::query::{BuiltQuery, Facet, SearchRequest};
use crate::schema::Fields;

/// Bytes of body text around the matches shown under each hit (about 150 Vietnamese
/// letters; the excerpt ends at the last word that fits, as Tantivy's snippets did); a text
/// holding no word of the query shows as much from its start instead.
const SNIPPET_BYTES: usize = 220;
/// Longest title highlighted whole.
const TITLE_BYTES: usize = 2_000;
/// Values listed per facet (agencies and fields are many; the rest are few).
const FACET_SIZE: usize = 15;
/// Years listed in the year facet.
const YEAR_FACET_SIZE: usize = 30;

/// One search hit, ready to show.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SearchHit {
    /// Database id.
    pub id: i64,
    /// Document kind.
    pub kind: String,
    /// Title as published.
    pub title: String,
    /// The title HTML-escaped, with what matched in `<b>` (through folding, abbreviations
    /// and synonyms alike).
    pub title_html: String,
    /// Path on the portal.
    pub url: String,
    /// Agency slug.
    pub agency: String,
    /// Agency display name.
    pub agency_name: String,
    /// Procedure code, if any.
    pub code: Option<String>,
    /// Field of administration (lĩnh vực), if any.
    pub topic: Option<String>,
    /// Text around the matches, HTML-escaped, with matches in `<b>`.
    pub snippet_html: String,
    /// An editor pinned it to this query (best bet).
    pub pinned: bool,
    /// Relevance score (for debugging and evaluation).
    pub score: f32,
    /// The title of the procedure it is commonly needed with (the first hit), when it is
    /// shown for that alone, matching no word of the query: the page says why it is there.
    pub goes_with: Option<String>,
    /// The signals the re-ranker weighed, for one of the first procedure hits
    /// ([`crate::rerank::FEATURE_NAMES`]): what `train-ranker` learns its weights from.
    pub ranking_features: Option<Vec<f32>>,
}

/// A facet value and how many hits it would give.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct FacetCount {
    /// The value (kind name or agency slug).
    pub value: String,
    /// Number of matching documents.
    pub count: u64,
}

/// Counts per facet; each facet counts with every filter except its own, so choosing a
/// value never hides the alternatives.
#[derive(Clone, Debug, Default, Serialize, PartialEq, Eq)]
pub struct Facets {
    /// Counts per document kind.
    pub kind: Vec<FacetCount>,
    /// Counts per agency, largest first.
    pub agency: Vec<FacetCount>,
    /// Counts per level ("commune", "province", …).
    pub level: Vec<FacetCount>,
    /// Counts per field of administration, largest first.
    pub topic: Vec<FacetCount>,
    /// Counts per year, newest first.
    pub year: Vec<FacetCount>,
    /// The counts are estimated from a sample of the index (the query matched too many
    /// documents to count them all quickly).
    pub estimated: bool,
}

impl Facets {
    fn slot(&mut self, facet: Facet) -> &mut Vec<FacetCount> {
        match facet {
            Facet::Kind => &mut self.kind,
            Facet::Agency => &mut self.agency,
            Facet::Level => &mut self.level,
            Facet::Topic => &mut self.topic,
            Facet::Year => &mut self.year,
        }
    }
}

/// A page of results.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SearchResults {
    /// Number of matching documents (all pages).
    pub total: usize,
    /// `total` is estimated from a sample of the index, not counted.
    pub total_estimated: bool,
    /// The hits of the requested page.
    pub hits: Vec<SearchHit>,
    /// Facet counts.
    pub facets: Facets,
    /// Whether not every word could be matched and the search was relaxed.
    pub relaxed: bool,
    /// "Did you mean": the query with words found nowhere replaced by the nearest known
    /// words, when that is likely to find more. Never touches codes or numbers.
    pub suggestion: Option<String>,
}

/// Runs a built query: hits, total, snippets, facets.
pub(crate) fn run(
    searcher: &Searcher,
    fields: &Fields,
    built: &BuiltQuery,
    request: &SearchRequest,
    budget: SearchBudget,
    columns: &Arc<ColumnCache>,
) -> Result<SearchResults, SearchError> {
    let limit = request.limit.clamp(1, 100);
    let keep = request.offset.saturating_add(limit);
    let ranking = Ranking::new(built.task_like, Arc::clone(columns));
    let unfiltered: Vec<Facet> = Facet::ALL.into_iter().filter(|f| !built.filters_on(*f)).collect();
    // Ranked beyond the page, so that the re-ranker orders the same hits whatever its size.
    let pool = keep.max(crate::rerank::POOL);
    let scored = if built.browsing { 0 } else { pool };
    // Matches counted, tallied by facet and (while few) ranked in one pass.
    let mut relaxed = false;
    let strict = built.with_filters(false, None);
    let loose;
    let mut query = ScoredQuery::new(searcher, &*strict);
    let mut tally = execute::tally(searcher, &query, &unfiltered, scored, &ranking, budget)?;
    if tally.total == 0 && built.relaxed.is_some() {
        relaxed = true;
        loose = built.with_filters(true, None);
        query = ScoredQuery::new(searcher, &*loose);
        tally = execute::tally(searcher, &query, &unfiltered, scored, &ranking, budget)?;
    }
    let mut total_estimated = !tally.exact;
    let mut signals = HashMap::new();
    let mut shown_with = execute::ShownWith::default();
    let top: Vec<(f32, DocAddress)> = if built.browsing {
        // Browsing counts exactly (cheap without text) and lists in a useful order.
        tally.total = searcher.search(query.query(), &Count)? as u64;
        total_estimated = false;
        let top_docs = TopDocs::with_limit(limit).and_offset(request.offset);
        if request.kind.as_deref() == Some("procedure") {
            // Procedures: alphabetical, as in a printed list.
            let sorted =
                searcher.search(query.query(), &top_docs.order_by_string_fast_field("title_key", Order::Asc))?;
            sorted.into_iter().map(|(_, a)| (0.0, a)).collect()
        } else {
            // Anything else: newest first.
            let sorted =
                searcher.search(query.query(), &top_docs.order_by_fast_field::<i64>("published", Order::Desc))?;
            sorted.into_iter().map(|(_, a)| (0.0, a)).collect()
        }
    } else {
        let mut ranked = if tally.exact {
            std::mem::take(&mut tally.top)
        } else {
            ranked(searcher, fields, built, &query, keep, pool, &ranking, budget)?
        };
        let filters = built.filters_only();
        shown_with = execute::raise_companions(
            searcher,
            fields,
            query.weight()?,
            &*filters,
            &mut ranked,
            &request.pinned,
            &ranking,
        )?;
        let unmatched = &shown_with.companions;
        tally.total += unmatched.len() as u64;
        // The re-ranker weighs how hits match: the companions shown without matching keep
        // the places the raise gave them, out of its reach (it would put them above a code's
        // own procedure, the only match).
        let mut held = Vec::new();
        for at in (0..ranked.len()).rev() {
            if unmatched.contains(&ranked[at].1) {
                held.push((at, ranked.remove(at)));
            }
        }
        signals = crate::rerank::rerank(searcher, fields, &request.text, &mut ranked, &request.pinned, &ranking)?;
        for (at, hit) in held.into_iter().rev() {
            ranked.insert(at, hit);
        }
        ranked.into_iter().skip(request.offset).take(limit).collect()
    };
    let mut facets = Facets { estimated: !tally.exact, ..Facets::default() };
    // The companions shown without matching are counted in the total, and so by facet.
    let shown = execute::tally_documents(searcher, &shown_with.companions, &Facet::ALL, &ranking);
    let with_shown = |facet: Facet, mut counts: Vec<(String, u64)>| {
        for (value, n) in shown.iter().filter(|(f, _)| *f == facet).flat_map(|(_, values)| values) {
            match counts.iter_mut().find(|(v, _)| v == value) {
                Some((_, count)) => *count += n,
                None => counts.push((value.clone(), *n)),
            }
        }
        counts
    };
    for (facet, counts) in std::mem::take(&mut tally.facets) {
        *facets.slot(facet) = facet_counts(facet, with_shown(facet, counts));
    }
    // Each filtered facet counts without its own filter, so choosing a value never hides
    // the alternatives.
    for (facet, _) in &built.filters {
        let others = built.with_filters(relaxed, Some(*facet));
        let without = execute::tally(searcher, &ScoredQuery::new(searcher, &*others), &[*facet], 0, &ranking, budget)?;
        facets.estimated |= !without.exact;
        for (facet, counts) in without.facets {
            *facets.slot(facet) = facet_counts(facet, with_shown(facet, counts));
        }
    }

    let mut snippets = Excerpter::new(searcher, query.query(), fields.content, SNIPPET_BYTES)?;
    let mut titles = Excerpter::new(searcher, query.query(), fields.title, TITLE_BYTES)?;

    let mut hits = Vec::with_capacity(top.len());
    let addresses: Vec<DocAddress> = top.iter().map(|(_, address)| *address).collect();
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |f| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let optional = |f| doc.get_first(f).and_then(|v| v.as_str()).map(str::to_string);
        let content = text(fields.content);
        let body = content.trim();
        let excerpt = snippets.excerpt(body);
        // Say when the excerpt starts or stops mid-text.
        let before = if excerpt.range.start > 0 { "… " } else { "" };
        let after = if excerpt.range.end < body.len() { " …" } else { "" };
        let snippet_html = format!("{before}{}{after}", marked(body, excerpt.range.clone(), &excerpt.merged()));
        let id = doc.get_first(fields.id).and_then(|v| v.as_i64()).unwrap_or_default();
        let title = text(fields.title_text);
        // The published title only, not the acronyms spelt out beside it in the index.
        let title_html = marked(&title, 0..title.len(), &titles.excerpt(&title).merged());
        hits.push(SearchHit {
            id,
            kind: text(fields.kind),
            title,
            title_html,
            url: text(fields.url),
            agency: text(fields.agency),
            agency_name: text(fields.agency_name),
            code: optional(fields.code),
            topic: optional(fields.topic),
            snippet_html,
            pinned: !built.browsing && request.pinned.contains(&id),
            goes_with: None,
            score,
            ranking_features: signals.get(&address).map(|s| s.to_vec()),
        });
    }
    if let Some(lead) = shown_with.lead {
        // The lead is most often on the page already.
        let lead_title = match addresses.iter().position(|a| *a == lead) {
            Some(at) => Some(hits[at].title.clone()),
            None => searcher
                .doc::<TantivyDocument>(lead)?
                .get_first(fields.title_text)
                .and_then(|v| v.as_str())
                .map(str::to_string),
        };
        for (hit, address) in hits.iter_mut().zip(&addresses) {
            if shown_with.companions.contains(address) {
                hit.goes_with.clone_from(&lead_title);
            }
        }
    }
    let suggestion = crate::suggest::did_you_mean(built);
    let total = usize::try_from(tally.total).unwrap_or(usize::MAX);
    Ok(SearchResults { total, total_estimated, hits, facets, relaxed, suggestion })
}

/// A facet's values as shown: the most frequent first (years newest first), cut to a
/// length a page can list.
fn facet_counts(facet: Facet, counts: Vec<(String, u64)>) -> Vec<FacetCount> {
    let mut counts: Vec<FacetCount> =
        counts.into_iter().filter(|(_, n)| *n > 0).map(|(value, count)| FacetCount { value, count }).collect();
    counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
    counts.truncate(if facet == Facet::Year { YEAR_FACET_SIZE } else { FACET_SIZE });
    if facet == Facet::Year {
        counts.sort_by(|a, b| b.value.cmp(&a.value));
    }
    counts
}

/// `range` of `text`, escaped, with the marked words (sorted, apart, within it) in `<b>`.
/// A title is shown whole with its excerpt's marks: an excerpt may cut a text, not a title.
fn marked(text: &str, range: std::ops::Range<usize>, marks: &[std::ops::Range<usize>]) -> String {
    let mut out = String::with_capacity(range.len() + 16 * marks.len());
    let mut last = range.start;
    for mark in marks {
        let (Some(before), Some(word)) = (text.get(last..mark.start), text.get(mark.start..mark.end)) else { continue };
        out.push_str(&escape_html(before));
        out.push_str("<b>");
        out.push_str(&escape_html(word));
        out.push_str("</b>");
        last = mark.end;
    }
    out.push_str(&escape_html(text.get(last..range.end).unwrap_or_default()));
    out
}

fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The best matches (up to `keep`, at least the `needed` of the page when there are) of a
/// query too common to score every match: candidates by their weighted terms, scored in
/// full, with the best procedures beside them for a task.
#[allow(clippy::too_many_arguments)]
fn ranked(
    searcher: &Searcher,
    fields: &Fields,
    built: &BuiltQuery,
    query: &ScoredQuery,
    needed: usize,
    keep: usize,
    ranking: &Ranking,
    budget: SearchBudget,
) -> Result<Vec<(f32, DocAddress)>, SearchError> {
    let terms = &built.terms;
    let weight = query.weight()?;
    let candidates =
        execute::top_by_candidates(searcher, weight, terms, &built.filter_values, needed, keep, ranking, budget)?;
    let mut top = match candidates {
        Some(top) => top,
        None => {
            // Too few candidates matched the full query: score every match.
            let ranking = ranking.clone();
            let ranked = TopDocs::with_limit(keep).tweak_score(move |s: &SegmentReader| ranking.for_segment(s));
            searcher.search(query.query(), &ranked)?
        }
    };
    if built.task_like && !built.filters_on(Facet::Kind) {
        // Candidates are chosen on text alone, where announcements (which a task-like
        // query then halves) crowd out procedures: the best procedures join them, scored
        // by the query alone as the candidates are (the kind only picks them).
        let procedures = TermQuery::new(Term::from_field_text(fields.kind, "procedure"), IndexRecordOption::Basic);
        execute::merge_best_of(searcher, weight, &procedures, &mut top, keep, ranking)?;
    }
    Ok(top)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Companion, Completion, IndexBatch, IndexDocument, SearchBudget, SearchIndex};

    fn doc(id: i64, kind: &str, title: &str, content: &str) -> IndexDocument {
        IndexDocument {
            id,
            kind: kind.into(),
            agency: "bo-tu-phap".into(),
            agency_name: "Bộ Tư pháp".into(),
            title: title.into(),
            content: content.into(),
            code: Some(format!("1.{id:06}")),
            url: format!("/thu-tuc/1.{id:06}"),
            year: Some(2026),
            published: Some(1_700_000_000 + id),
            tags: vec![],
            levels: vec![if id % 2 == 0 { "commune" } else { "province" }.into()],
            topic: Some(if kind == "procedure" { "Hộ tịch" } else { "Tin tức" }.into()),
            keywords: vec![],
            companion_of: vec![],
        }
    }

    fn index() -> SearchIndex {
        let index = SearchIndex::in_memory().expect("index");
        index
            .apply(IndexBatch {
                upserts: vec![
                    doc(1, "procedure", "Đăng ký khai sinh có yếu tố nước ngoài", "Hồ sơ gồm tờ khai."),
                    doc(2, "procedure", "Đăng ký khai sinh", "Giấy chứng sinh; tờ khai đăng ký khai sinh."),
                    doc(3, "procedure", "Đăng ký khai tử", "Giấy báo tử."),
                    doc(4, "announcement", "Kỳ họp thứ nhất", "Thông báo kỳ họp."),
                    doc(5, "procedure", "Cấp bản sao trích lục", "Ký tên theo Nghị định 23/2015/NĐ-CP."),
                    IndexDocument {
                        title: "Nghị định 23/2015/NĐ-CP về cấp bản sao".into(),
                        year: Some(2015),
                        ..doc(6, "announcement", "", "Quy định cấp bản sao từ sổ gốc, chứng thực.")
                    },
                ],
                deletes: vec![],
                sequence: 7,
            })
            .expect("apply");
        index
    }

    fn search(index: &SearchIndex, text: &str) -> SearchResults {
        index.search(&SearchRequest { text: text.into(), limit: 10, ..Default::default() }).expect("search")
    }

    #[test]
    fn unaccented_query_puts_the_exact_title_first() {
        let index = index();
        let r = search(&index, "dang ky khai sinh");
        assert_eq!(r.hits[0].title, "Đăng ký khai sinh");
        assert_eq!(r.hits[1].title, "Đăng ký khai sinh có yếu tố nước ngoài");
        // Three of four words is enough for a four-word query: "Đăng ký khai tử" comes last.
        assert_eq!(r.total, 3);
        assert_eq!(r.hits[2].id, 3);
        assert!(r.hits[0].snippet_html.contains("<b>"), "{}", r.hits[0].snippet_html);
    }

    #[test]
    fn a_budget_counting_no_match_exactly_estimates_instead_of_failing() {
        let index = index();
        let request = SearchRequest { text: "khai sinh".into(), limit: 5, ..Default::default() };
        let none = SearchBudget { exact_matches: 0, candidates: 10, sampled_matches: 1_000 };
        let r = index.search_within(&request, none).expect("search");
        assert!(r.total_estimated);
        assert!(r.hits.iter().any(|h| h.id == 2), "{:?}", r.hits.iter().map(|h| h.id).collect::<Vec<_>>());
    }

    #[test]
    fn accented_query_prefers_exact_spelling() {
        let index = index();
        let r = search(&index, "kỳ");
        assert_eq!(r.hits[0].id, 4);
        assert!(r.hits.iter().any(|h| h.id == 5), "unaccented forms still found");
    }

    #[test]
    fn code_goes_straight_to_its_procedure() {
        let index = index();
        let r = search(&index, "1.000003");
        assert_eq!(r.hits[0].id, 3);
    }

    #[test]
    fn relaxes_when_not_every_word_matches() {
        let index = index();
        let r = search(&index, "khai lưu");
        assert!(r.relaxed, "no document has both words");
        assert!(r.hits.iter().any(|h| h.id == 3));
        // A title holding half the words is a candidate without relaxing.
        let r = search(&index, "khai tử lưu động");
        assert!(!r.relaxed);
        assert_eq!(r.hits[0].id, 3);
        // Question words are optional, so this needs no relaxing.
        let r = search(&index, "khai tử ở đâu");
        assert!(!r.relaxed);
        assert_eq!(r.hits[0].id, 3);
        // Nor do they count in the half of the words a title must hold: two of "khai tử kỳ
        // họp" is half, whatever question words surround them.
        let r = search(&index, "tôi muốn hỏi khai tử kỳ họp thì sao");
        assert!(!r.relaxed);
        assert!([3, 4].iter().all(|id| r.hits.iter().any(|h| h.id == *id)));
    }

    #[test]
    fn a_word_the_lexicon_knows_is_not_read_as_keyboard_residue() {
        let index = index();
        let batch = vec![
            doc(8, "procedure", "Cấp thị thực cho người nước ngoài", "Tờ khai đề nghị cấp thị thực."),
            doc(10, "procedure", "Cấp phép sử dụng tạm thời lòng đường, vỉa hè", "Đơn đề nghị."),
        ];
        index.apply(IndexBatch { upserts: batch, deletes: vec![], sequence: 8 }).expect("apply");
        // As Telex, "visa" would be "vía", folded like "vỉa"; the lexicon reads it as "thị thực".
        let r = search(&index, "visa");
        assert_eq!(r.hits.first().map(|h| h.id), Some(8), "{:?}", r.hits);
    }

    #[test]
    fn search_keywords_find_a_document_by_the_words_people_use() {
        let index = index();
        let certificate = |keywords: Vec<String>| IndexDocument {
            keywords,
            ..doc(8, "procedure", "Cấp phiếu lý lịch tư pháp", "Tờ khai yêu cầu cấp phiếu.")
        };
        // No title says "tiền án"; the body of an announcement does.
        let mention = doc(9, "announcement", "Tin địa phương", "Đối tượng có tiền án về tội trộm cắp.");
        let batch = vec![certificate(vec!["không có tiền án".into(), "xin việc".into()]), mention];
        index.apply(IndexBatch { upserts: batch, deletes: vec![], sequence: 8 }).expect("apply");
        let r = search(&index, "tien an");
        assert_eq!(r.hits[0].id, 8, "keywords rank above a passing mention in a body");
        assert_eq!(r.hits[0].title, "Cấp phiếu lý lịch tư pháp", "keywords are never shown");
        // Without keywords the procedure is not found at all.
        index.apply(IndexBatch { upserts: vec![certificate(vec![])], deletes: vec![], sequence: 9 }).expect("apply");
        assert!(search(&index, "tien an").hits.iter().all(|h| h.id != 8));
    }

    #[test]
    fn a_companion_is_found_by_the_procedure_it_goes_with_and_ranked_just_below_it() {
        // The raise itself, before the learned re-ranking reorders it.
        crate::rerank::off_on_this_thread();
        let index = index();
        let copy = |companion_of: Vec<Companion>| IndexDocument {
            companion_of,
            ..doc(10, "procedure", "Cấp bản sao trích lục hộ tịch", "Tờ khai yêu cầu cấp bản sao.")
        };
        index.apply(IndexBatch { upserts: vec![copy(vec![])], deletes: vec![], sequence: 8 }).expect("apply");
        assert!(search(&index, "đăng ký khai sinh").hits.iter().all(|h| h.id != 10), "its own words are not enough");
        // Doc 2 is "Đăng ký khai sinh", code 1.000002.
        let birth = Companion { code: "1.000002".into(), title: "Đăng ký khai sinh".into(), place: 0 };
        index.apply(IndexBatch { upserts: vec![copy(vec![birth])], deletes: vec![], sequence: 9 }).expect("apply");
        let r = search(&index, "đăng ký khai sinh");
        let rank = |r: &SearchResults, id: i64| r.hits.iter().position(|h| h.id == id).unwrap_or(usize::MAX);
        assert_eq!(rank(&r, 2), 0);
        assert!(rank(&r, 10) < rank(&r, 3), "raised above a procedure sharing words by chance: {r:?}");
        assert!(rank(&r, 1) < rank(&r, 10), "below the hit's variant, \"… có yếu tố nước ngoài\": {r:?}");
        assert_eq!(
            r.hits[rank(&r, 10)].title,
            "Cấp bản sao trích lục hộ tịch",
            "the titles it goes with are never shown"
        );
        // Page two holds what follows page one, however many hits a page has.
        let page = |offset, limit| {
            let request = SearchRequest { text: "đăng ký khai sinh".into(), offset, limit, ..Default::default() };
            index.search(&request).expect("search").hits.into_iter().map(|h| h.id).collect::<Vec<_>>()
        };
        assert_eq!([page(0, 2), page(2, 2)].concat(), page(0, 4));
        // A pinned hit's score is an editor's order, not relevance: it raises nothing.
        let request =
            SearchRequest { text: "đăng ký khai sinh".into(), pinned: vec![2], limit: 10, ..Default::default() };
        let pinned = index.search(&request).expect("search");
        assert!(rank(&pinned, 10) > rank(&pinned, 3), "{pinned:?}");
    }

    /// The first hit's variants fill a page; three of its companions still make the page,
    /// just below the fifth hit, and the ranks above stay as they were.
    #[test]
    fn the_first_hits_companions_keep_a_place_below_the_fifth_hit() {
        // The raise itself, before the learned re-ranking reorders it.
        crate::rerank::off_on_this_thread();
        let index = SearchIndex::in_memory().expect("index");
        let birth = || vec![Companion { code: "1.000001".into(), title: "Đăng ký khai sinh".into(), place: 0 }];
        let mut docs = vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh.")];
        for (id, tail) in
            [(2, "lưu động"), (3, "có yếu tố nước ngoài"), (4, "cho người đã có hồ sơ"), (5, "tại cấp xã")]
        {
            docs.push(doc(id, "procedure", &format!("Đăng ký khai sinh {tail}"), "Tờ khai."));
        }
        for (id, tail) in [(6, "kết hợp nhận cha, mẹ, con"), (7, "tại khu vực biên giới"), (8, "ở nước ngoài")]
        {
            docs.push(doc(
                id,
                "procedure",
                &format!("Đăng ký khai sinh {tail} cho trẻ em dưới sáu tuổi ở vùng sâu"),
                "Tờ khai.",
            ));
        }
        for (id, title) in [(11, "Đăng ký thường trú"), (12, "Cấp thẻ bảo hiểm y tế"), (13, "Cấp bản sao trích lục")]
        {
            docs.push(IndexDocument { companion_of: birth(), ..doc(id, "procedure", title, "Tờ khai.") });
        }
        docs.push(IndexDocument {
            companion_of: birth(), ..doc(14, "procedure", "Cấp thẻ căn cước", "Tờ khai.")
        });
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let page = |offset, limit, pinned: Vec<i64>| {
            let request =
                SearchRequest { text: "dang ky khai sinh".into(), offset, limit, pinned, ..Default::default() };
            index.search(&request).expect("search").hits.into_iter().map(|h| h.id).collect::<Vec<_>>()
        };
        let all = page(0, 20, vec![]);
        assert_eq!(all[0], 1, "{all:?}");
        assert!(all[1..5].iter().all(|id| (2..=8).contains(id)), "variants first: {all:?}");
        let companions: Vec<i64> = all[5..8].to_vec();
        assert!(companions.iter().all(|id| (11..=14).contains(id)), "three companions next: {all:?}");
        assert!(all[8..].iter().filter(|id| (11..=14).contains(*id)).count() == 1, "the fourth waits: {all:?}");
        // Page two holds what follows page one, whatever the page size.
        assert_eq!([page(0, 3, vec![]), page(3, 3, vec![]), page(6, 3, vec![])].concat(), all[..9].to_vec());
        assert_eq!([page(0, 5, vec![]), page(5, 5, vec![])].concat(), all[..10].to_vec());
        // An editor's pin is not the first hit: the first one not pinned leads.
        let pinned = page(0, 20, vec![14]);
        assert_eq!(pinned[..2], [14, 1], "{pinned:?}");
        assert!(pinned[5..8].iter().all(|id| (11..=13).contains(id)), "{pinned:?}");
    }

    /// The companions that keep a place are the ones the curated list puts first, not the
    /// ones whose own words match best.
    #[test]
    fn the_first_hits_companions_keep_the_lists_order() {
        // The raise itself, before the learned re-ranking reorders it.
        crate::rerank::off_on_this_thread();
        let index = SearchIndex::in_memory().expect("index");
        let birth = |place| vec![Companion { code: "1.000001".into(), title: "Đăng ký khai sinh".into(), place }];
        let mut docs = vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh.")];
        for (id, tail) in
            [(2, "lưu động"), (3, "có yếu tố nước ngoài"), (4, "cho người đã có hồ sơ"), (5, "tại cấp xã")]
        {
            docs.push(doc(id, "procedure", &format!("Đăng ký khai sinh {tail}"), "Tờ khai."));
        }
        // "Đăng ký thường trú" shares two words with the query, the others none: it is the
        // best by its own score, and the last in the list.
        for (id, title, place) in [
            (11, "Đăng ký thường trú", 3),
            (12, "Cấp thẻ bảo hiểm y tế", 0),
            (13, "Cấp bản sao trích lục", 2),
            (14, "Cấp thẻ căn cước", 1),
        ] {
            docs.push(IndexDocument { companion_of: birth(place), ..doc(id, "procedure", title, "Tờ khai.") });
        }
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let request = SearchRequest { text: "dang ky khai sinh".into(), limit: 20, ..Default::default() };
        let all: Vec<i64> = index.search(&request).expect("search").hits.into_iter().map(|h| h.id).collect();
        let mut variants = all[1..5].to_vec();
        variants.sort_unstable();
        assert_eq!((all[0], variants), (1, vec![2, 3, 4, 5]), "{all:?}");
        assert_eq!(all[5..8], [12, 14, 13], "the first three of the list, in its order: {all:?}");
        assert_eq!(all[8], 11, "{all:?}");
    }

    /// What the curators list first for the answer is shown below it even when it shares no
    /// word with the question, as long as it passes the filters, and the total counts it.
    #[test]
    fn the_first_hits_first_companions_are_shown_though_they_match_no_word() {
        // The raise itself, before the learned re-ranking reorders it.
        crate::rerank::off_on_this_thread();
        let index = SearchIndex::in_memory().expect("index");
        let death = |place| vec![Companion { code: "1.000001".into(), title: "Đăng ký khai tử".into(), place }];
        // The lead is found by its keywords; the others hold no "giấy" nor "chứng", not even
        // in the title they go with (which the index holds with them).
        let pension = IndexDocument {
            agency: "bhxh".into(),
            agency_name: "Bảo hiểm xã hội Việt Nam".into(),
            companion_of: death(0),
            ..doc(11, "procedure", "Truy lĩnh lương hưu còn chưa nhận", "Hồ sơ.")
        };
        let residence = IndexDocument {
            companion_of: death(1),
            ..doc(12, "procedure", "Xóa đăng ký thường trú", "Hồ sơ.")
        };
        let unrelated = doc(13, "procedure", "Cấp giấy phép lái xe", "Hồ sơ.");
        let lead = IndexDocument {
            keywords: vec!["giấy chứng tử".into()],
            ..doc(1, "procedure", "Đăng ký khai tử", "Tờ khai đăng ký khai tử.")
        };
        let docs = vec![lead, pension, residence, unrelated];
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let search = |agency: Option<&str>, offset, limit| {
            let request = SearchRequest {
                text: "giay chung tu".into(),
                agency: agency.map(str::to_string),
                offset,
                limit,
                ..Default::default()
            };
            let r = index.search(&request).expect("search");
            (r.total, r.hits.into_iter().map(|h| h.id).collect::<Vec<_>>())
        };
        assert_eq!(search(None, 0, 10), (3, vec![1, 11, 12]), "in the list's order, counted");
        let request = SearchRequest { text: "giay chung tu".into(), limit: 10, ..Default::default() };
        let goes_with: Vec<Option<String>> =
            index.search(&request).expect("search").hits.into_iter().map(|h| h.goes_with).collect();
        let lead = Some("Đăng ký khai tử".to_string());
        assert_eq!(goes_with, [None, lead.clone(), lead], "the page says why they are there");
        let facets = index.search(&request).expect("search").facets;
        let agencies: Vec<(String, u64)> = facets.agency.into_iter().map(|f| (f.value, f.count)).collect();
        assert_eq!(agencies, [("bo-tu-phap".to_string(), 2), ("bhxh".to_string(), 1)], "counted by facet too");
        assert_eq!(search(Some("bo-tu-phap"), 0, 10), (2, vec![1, 12]), "another agency's is filtered out");
        // Page two holds what follows page one.
        assert_eq!([search(None, 0, 1).1, search(None, 1, 2).1].concat(), vec![1, 11, 12]);
    }

    /// The re-ranker weighs how hits match, so it never sees the companions shown without
    /// matching: a code's own procedure, its only match, stays first above them.
    #[test]
    fn a_codes_procedure_stays_first_above_its_companions() {
        let index = SearchIndex::in_memory().expect("index");
        let birth = |place| vec![Companion { code: "1.000001".into(), title: "Đăng ký khai sinh".into(), place }];
        let mut docs = vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai.")];
        for (id, title, place) in
            [(11, "Liên thông đăng ký khai sinh, thường trú", 0), (12, "Cấp thẻ bảo hiểm y tế", 1)]
        {
            docs.push(IndexDocument { companion_of: birth(place), ..doc(id, "procedure", title, "Hồ sơ.") });
        }
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let request = SearchRequest { text: "1.000001".into(), limit: 10, ..Default::default() };
        let r = index.search(&request).expect("search");
        assert_eq!((r.total, r.hits.iter().map(|h| h.id).collect::<Vec<_>>()), (3, vec![1, 11, 12]), "{r:?}");
    }

    /// Companions sharing a place in the list (the reverses of "instead" pairs, which come
    /// in code order) follow their own scores, wherever they sit in the index.
    #[test]
    fn companions_sharing_a_place_follow_their_own_scores() {
        // The raise itself, before the learned re-ranking reorders it.
        crate::rerank::off_on_this_thread();
        for better_first in [false, true] {
            let index = SearchIndex::in_memory().expect("index");
            let birth =
                |place| vec![Companion { code: "1.000001".into(), title: "Đăng ký khai sinh".into(), place }];
            let companion = |id, title, place| IndexDocument {
                companion_of: birth(place),
                ..doc(id, "procedure", title, "Tờ khai.")
            };
            // "Đăng ký thường trú" shares two words with the query, "Cấp thẻ bảo hiểm y tế"
            // none; both share the place after "Cấp bản sao trích lục".
            let mut shared = vec![companion(11, "Đăng ký thường trú", 1), companion(12, "Cấp thẻ bảo hiểm y tế", 1)];
            if !better_first {
                shared.reverse();
            }
            let mut docs = vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh.")];
            docs.extend(shared);
            docs.push(companion(13, "Cấp bản sao trích lục", 0));
            index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
            let request = SearchRequest { text: "dang ky khai sinh".into(), limit: 20, ..Default::default() };
            let all: Vec<i64> = index.search(&request).expect("search").hits.into_iter().map(|h| h.id).collect();
            assert_eq!(all, [1, 13, 11, 12], "the list's order first, then their own: {all:?}");
        }
    }

    /// Every hit is ranked from the same pool whatever the page size, so changing it or
    /// turning the page never shows a hit twice or skips one; and the re-ranker orders only
    /// the first procedure hits, keeping each place's score, so scores still fall.
    #[test]
    fn pages_of_any_size_agree_and_scores_fall() {
        let index = SearchIndex::in_memory().expect("index");
        let mut docs = vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh.")];
        for id in 2..70 {
            // Variants of the first hit, companions of it from another field at several
            // places, and announcements between them.
            let kind = if id % 3 == 0 { "announcement" } else { "procedure" };
            let title = format!("Đăng ký khai sinh {} số {id}", if id % 2 == 0 { "kết hợp" } else { "lưu động" });
            let mut d = doc(id, kind, &title, "Tờ khai.");
            if id % 5 == 0 && kind == "procedure" {
                let place = u32::try_from(id % 4).expect("small");
                d.companion_of =
                    vec![Companion { code: "1.000001".into(), title: "Đăng ký khai sinh".into(), place }];
                d.topic = Some("Cư trú".into());
            }
            docs.push(d);
        }
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let page = |offset, limit| {
            let request = SearchRequest { text: "đăng ký khai sinh".into(), offset, limit, ..Default::default() };
            index.search(&request).expect("search").hits
        };
        let ids = |hits: &[SearchHit]| hits.iter().map(|h| h.id).collect::<Vec<_>>();
        let fifty = page(0, 50);
        assert_eq!(ids(&page(0, 10)), ids(&fifty[..10]));
        assert_eq!(ids(&page(10, 10)), ids(&fifty[10..20]));
        assert_eq!(ids(&page(40, 10)), ids(&fifty[40..50]));
        assert!(fifty.windows(2).all(|w| w[0].score >= w[1].score), "scores fall down the page");
        let signals = fifty.iter().filter(|h| h.ranking_features.is_some());
        assert!(signals.clone().all(|h| h.kind == "procedure"), "only procedures are re-ranked");
        assert_eq!(signals.count(), crate::rerank::DEPTH, "the first {} procedure hits", crate::rerank::DEPTH);
    }

    /// On an index far larger than the budget, whether a hit's companions are raised does
    /// not depend on where they sit: a companion at the first document, where the thin
    /// sample of a count starts, is raised as one anywhere else is.
    #[test]
    fn companions_are_raised_wherever_they_sit_in_a_large_index() {
        for companion_first in [false, true] {
            let index = SearchIndex::in_memory().expect("index");
            let birth = vec![Companion { code: "1.000002".into(), title: "Đăng ký khai sinh".into(), place: 0 }];
            let companion = IndexDocument {
                companion_of: birth,
                ..doc(1, "procedure", "Cấp thẻ bảo hiểm y tế cho trẻ em", "Tờ khai.")
            };
            // The hit, and announcements mentioning it in their text: too many matches for
            // the budget, so counts are sampled.
            let mut docs = vec![doc(2, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh.")];
            for id in 3..400 {
                let text = "Hướng dẫn đăng ký khai sinh trực tuyến.";
                docs.push(doc(id, "announcement", &format!("Thông báo số {id}"), text));
            }
            if companion_first {
                docs.insert(0, companion);
            } else {
                docs.push(companion);
            }
            index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
            let budget = SearchBudget { exact_matches: 20, candidates: 40, sampled_matches: 10 };
            let request = SearchRequest { text: "đăng ký khai sinh".into(), limit: 10, ..Default::default() };
            let r = index.search_within(&request, budget).expect("search");
            let ids: Vec<i64> = r.hits.iter().map(|h| h.id).collect();
            assert!(r.total_estimated, "the budget is exceeded: {} matches", r.total);
            assert_eq!(ids[0], 2, "{ids:?}");
            assert!(ids[..5].contains(&1), "the companion is raised (first: {companion_first}): {ids:?}");
        }
    }

    #[test]
    fn facets_ignore_their_own_filter() {
        let index = index();
        let r = index
            .search(&SearchRequest {
                text: "ky".into(),
                kind: Some("announcement".into()),
                limit: 10,
                ..Default::default()
            })
            .expect("search");
        assert!(r.hits.iter().all(|h| h.kind == "announcement"));
        let procedures = r.facets.kind.iter().find(|f| f.value == "procedure").map(|f| f.count);
        assert!(procedures.unwrap_or(0) >= 3, "{:?}", r.facets);
    }

    #[test]
    fn browsing_lists_procedures_alphabetically_and_the_rest_newest_first() {
        let index = index();
        let all = |kind: &str| {
            index
                .search(&SearchRequest { kind: Some(kind.into()), limit: 10, ..Default::default() })
                .expect("search")
                .hits
                .into_iter()
                .map(|h| h.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(all("procedure"), vec![5, 2, 1, 3], "cấp < đăng ký khai sinh < … có yếu tố < khai tử");
        assert_eq!(all("announcement"), vec![6, 4]);
        let newest = index.search(&SearchRequest { limit: 10, ..Default::default() }).expect("search");
        assert_eq!(newest.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![6, 5, 4, 3, 2, 1]);
    }

    #[test]
    fn legacy_encoded_and_decomposed_queries_find_the_same() {
        let index = index();
        for q in ["Ky\u{300} ho\u{323}p", "Ky` ho.p thu+' nha^'t", "kỳ họp", "Kú häp thø nhÊt"] {
            let r = search(&index, q);
            assert_eq!(r.hits.first().map(|h| h.id), Some(4), "{q}");
        }
    }

    #[test]
    fn sequence_survives_and_deletes_apply() {
        let index = index();
        assert_eq!(index.applied_sequence().expect("seq"), Some(7));
        index.apply(IndexBatch { upserts: vec![], deletes: vec![2], sequence: 8 }).expect("apply");
        assert_eq!(index.all_ids().expect("ids"), vec![1, 3, 4, 5, 6]);
        assert_eq!(index.applied_sequence().expect("seq"), Some(8));
    }

    #[test]
    fn level_field_and_year_facets_count_without_their_own_filter() {
        let index = index();
        let r = index
            .search(&SearchRequest {
                text: "khai".into(),
                level: Some("commune".into()),
                limit: 10,
                ..Default::default()
            })
            .expect("search");
        assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![2], "only the even (commune) one");
        let count = |v: &[FacetCount], name: &str| v.iter().find(|f| f.value == name).map_or(0, |f| f.count);
        assert_eq!((count(&r.facets.level, "commune"), count(&r.facets.level, "province")), (1, 2));
        assert_eq!(count(&r.facets.topic, "Hộ tịch"), 1);
        assert_eq!(count(&r.facets.year, "2026"), 1);
        let r = index
            .search(&SearchRequest { text: "bản sao".into(), year: Some(2015), limit: 10, ..Default::default() })
            .expect("search");
        assert_eq!(r.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![6]);
        let years: Vec<&str> = r.facets.year.iter().map(|f| f.value.as_str()).collect();
        assert_eq!(years, ["2026", "2015"], "newest first");
    }

    #[test]
    fn document_number_goes_to_the_document_that_is_it_then_to_those_citing_it() {
        let index = index();
        for q in ["23/2015/NĐ-CP", "nghi dinh 23/2015/nd-cp"] {
            let r = search(&index, q);
            assert_eq!(r.hits.iter().map(|h| h.id).take(2).collect::<Vec<_>>(), vec![6, 5], "{q}");
        }
    }

    #[test]
    fn best_bets_lead_in_the_editors_order() {
        let index = index();
        let r = index
            .search(&SearchRequest { text: "khai sinh".into(), pinned: vec![5, 3], limit: 10, ..Default::default() })
            .expect("search");
        assert_eq!(r.hits.iter().map(|h| h.id).take(3).collect::<Vec<_>>(), vec![5, 3, 2]);
        assert!(r.hits[0].pinned && r.hits[1].pinned && !r.hits[2].pinned);
        // An old announcement pinned before a procedure, to a query asking how to get
        // something done: neither its kind nor its age moves it below the editor's place.
        let r = index
            .search(&SearchRequest {
                text: "đăng ký khai sinh".into(),
                pinned: vec![4, 2],
                limit: 10,
                ..Default::default()
            })
            .expect("search");
        assert_eq!(r.hits.iter().map(|h| h.id).take(3).collect::<Vec<_>>(), vec![4, 2, 1]);
    }

    #[test]
    fn did_you_mean_corrects_words_found_nowhere_but_never_numbers() {
        let index = index();
        let r = search(&index, "dang ky khia sinh");
        assert_eq!(r.suggestion.as_deref(), Some("dang ky khai sinh"), "the other words as typed");
        assert_eq!(search(&index, "Đăng ký khia sinh").suggestion.as_deref(), Some("Đăng ký khai sinh"));
        assert_eq!(search(&index, "dang ky khai sinh").suggestion, None);
        let r = search(&index, "23/2015/nd-cx khia");
        assert_eq!(r.suggestion.as_deref(), Some("23/2015/nd-cx khai"), "the number is kept as typed");
    }

    #[test]
    fn completes_half_typed_titles_starting_ones_first() {
        let index = index();
        let titles: Vec<String> =
            index.complete("dang ky kh", 5).expect("complete").into_iter().map(|c| c.title).collect();
        assert_eq!(titles.len(), 3, "{titles:?}");
        assert!(titles.iter().all(|t| t.starts_with("Đăng ký kh")), "{titles:?}");
        let titles: Vec<String> = index.complete("sao", 5).expect("complete").into_iter().map(|c| c.title).collect();
        assert_eq!(titles[0], "Cấp bản sao trích lục", "procedures before announcements: {titles:?}");
        assert!(index.complete("  ", 5).expect("complete").is_empty());
    }

    /// A title starting with the typed words outranks a citizens' procedure that holds them
    /// further in; without such a title, the procedure's bonuses decide.
    #[test]
    fn a_title_starting_with_the_typed_words_leads_its_completions() {
        let index = SearchIndex::in_memory().expect("index");
        let mut procedure = doc(1, "procedure", "Thủ tục đăng ký khai sinh", "Tờ khai.");
        procedure.tags = vec!["citizen".into()];
        let starting = doc(2, "announcement", "Đăng ký khai sinh trực tuyến", "Nội dung.");
        index.apply(IndexBatch { upserts: vec![procedure, starting], deletes: vec![], sequence: 1 }).expect("apply");
        let ids =
            |prefix: &str| index.complete(prefix, 5).expect("complete").into_iter().map(|c| c.url).collect::<Vec<_>>();
        assert_eq!(ids("dang ky kh"), ["/thu-tuc/1.000002", "/thu-tuc/1.000001"], "the starting title first");
        assert_eq!(
            ids("khai si"),
            ["/thu-tuc/1.000001", "/thu-tuc/1.000002"],
            "no title starts with it: the procedure's bonuses decide"
        );
    }

    /// Of the titles starting with the typed words, the procedures citizens commonly need
    /// come first, then the other procedures citizens use.
    #[test]
    fn commonly_needed_procedures_lead_their_completions() {
        let index = SearchIndex::in_memory().expect("index");
        let tagged = |id, title, tags: &[&str]| {
            let mut d = doc(id, "procedure", title, "Tờ khai.");
            d.tags = tags.iter().map(|t| t.to_string()).collect();
            d
        };
        let docs = vec![
            tagged(1, "Đăng ký tàu biển đang đóng", &[]),
            tagged(2, "Đăng ký đòi nợ", &["citizen"]),
            tagged(3, "Đăng ký khai sinh cho trẻ em bị bỏ rơi", &["citizen", "common"]),
        ];
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        for prefix in ["d", "dang k"] {
            let urls: Vec<String> = index.complete(prefix, 3).expect("complete").into_iter().map(|c| c.url).collect();
            assert_eq!(urls, ["/thu-tuc/1.000003", "/thu-tuc/1.000002", "/thu-tuc/1.000001"], "{prefix}");
        }
    }

    /// One or two typed letters are completed from titles with a bonus first; the answer is
    /// the one scoring every title gives, whether those titles suffice or not.
    #[test]
    fn short_prefixes_complete_as_scoring_every_title_would() {
        let index = SearchIndex::in_memory().expect("index");
        let announcements = [
            "Thông báo lịch tiếp công dân",
            "Thành phố tổ chức lễ hội",
            "Thời tiết tuần tới",
            "Phòng chống dịch bệnh",
            "Giá lúa tăng",
            "Khai mạc hội chợ",
            "Tháng hành động vì trẻ em",
        ];
        let procedures = [
            ("Thành lập hộ kinh doanh", true),
            ("Thay đổi nội dung đăng ký hộ kinh doanh", true),
            ("Thẩm định dự án đầu tư", false),
            ("Phê duyệt kế hoạch", false),
            ("Giải quyết chế độ trợ cấp", true),
            ("Đăng ký khai sinh", true),
            ("Cấp bản sao trích lục", false),
        ];
        // Two batches, so two segments: announcements first, with the lower ids.
        let first: Vec<_> = (1..).zip(announcements).map(|(id, t)| doc(id, "announcement", t, "Nội dung.")).collect();
        let second: Vec<_> = (20..)
            .zip(procedures)
            .map(|(id, (t, citizen))| {
                let mut d = doc(id, "procedure", t, "Tờ khai.");
                d.tags = if citizen { vec!["citizen".into()] } else { vec![] };
                d
            })
            .collect();
        index.apply(IndexBatch { upserts: first, deletes: vec![], sequence: 1 }).expect("apply");
        index.apply(IndexBatch { upserts: second, deletes: vec![], sequence: 2 }).expect("apply");
        let urls = |found: Vec<Completion>| found.into_iter().map(|c| c.url).collect::<Vec<_>>();
        for prefix in ["t", "th", "p", "ph", "g", "gi", "k", "c", "d", "x"] {
            for limit in [1, 2, 3, 5, 10] {
                let ours = urls(index.complete(prefix, limit).expect("complete"));
                let every = urls(index.complete_scoring_every_title(prefix, limit).expect("complete"));
                assert_eq!(ours, every, "{prefix} {limit}");
            }
        }
        let th = urls(index.complete("th", 4).expect("complete"));
        assert_eq!(&th[..2], ["/thu-tuc/1.000020", "/thu-tuc/1.000021"], "citizens' procedures first: {th:?}");
        assert_eq!(th[2], "/thu-tuc/1.000022", "then another procedure");
    }

    /// Typed words complete titles where they stand together, in order, the last one
    /// half-typed, punctuation aside; not titles holding them apart. A leading "thủ tục",
    /// which published titles leave out, may be left out.
    #[test]
    fn completions_hold_the_typed_words_together() {
        let index = SearchIndex::in_memory().expect("index");
        let docs = vec![
            doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai."),
            doc(2, "procedure", "Khai báo sinh hoạt phí", "Tờ khai."),
            doc(3, "procedure", "Khai thác; sinh thái rừng", "Tờ khai."),
            doc(4, "procedure", "Đăng ký kết hôn, khai sinh cho con", "Tờ khai."),
            doc(5, "procedure", "Hướng dẫn đăng ký khai sinh lưu động", "Tờ khai."),
            doc(6, "procedure", "Đăng ký, cấp biển số xe lần đầu", "Tờ khai."),
        ];
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let urls = |prefix: &str| {
            let mut urls: Vec<String> =
                index.complete(prefix, 9).expect("complete").into_iter().map(|c| c.url).collect();
            urls.sort();
            urls
        };
        let all = |ids: &[u32]| ids.iter().map(|i| format!("/thu-tuc/1.{i:06}")).collect::<Vec<_>>();
        assert_eq!(urls("khai si"), all(&[1, 4, 5]), "not \"khai báo sinh\" nor \"khai thác; sinh\"");
        assert_eq!(urls("dang ky khai s"), all(&[1, 5]), "every word in order, together");
        assert_eq!(urls("Đăng ký kết h"), all(&[4]), "accents fold as in titles");
        assert_eq!(urls("kha"), all(&[1, 2, 3, 4, 5]), "one word: any title word it starts");
        assert_eq!(urls("dang ky cap bi"), all(&[6]), "across the comma");
        assert_eq!(urls("thac sinh th"), all(&[3]), "across the semicolon");
        assert_eq!(urls("thủ tục đăng ký khai s"), all(&[1, 5]), "\"thủ tục\" left out");
        assert!(urls("thu tuc").is_empty(), "nothing but \"thủ tục\" is not left out");
    }

    /// Columns are kept per segment between searches: a later commit's segment, a
    /// replaced document and a deleted one show in the next search's facets and ranking.
    #[test]
    fn facets_follow_commits_after_the_columns_are_kept() {
        let index = SearchIndex::in_memory().expect("index");
        let topics = |index: &SearchIndex| {
            let r = search(index, "khai sinh");
            r.facets.topic.iter().map(|f| (f.value.clone(), f.count)).collect::<Vec<_>>()
        };
        let batch = |upserts, deletes, sequence| IndexBatch { upserts, deletes, sequence };
        let first =
            vec![doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai."), doc(2, "announcement", "Khai sinh", "…")];
        index.apply(batch(first, vec![], 1)).expect("apply");
        assert_eq!(topics(&index), [("Hộ tịch".to_string(), 1), ("Tin tức".to_string(), 1)]);
        let mut moved = doc(3, "procedure", "Khai sinh lưu động", "Tờ khai.");
        moved.topic = Some("Cư trú".into());
        index.apply(batch(vec![moved], vec![2], 2)).expect("apply");
        assert_eq!(topics(&index), [("Cư trú".to_string(), 1), ("Hộ tịch".to_string(), 1)], "new segment, one deleted");
        let mut replaced = doc(1, "announcement", "Đăng ký khai sinh", "Tờ khai.");
        replaced.topic = Some("Tin tức".into());
        index.apply(batch(vec![replaced], vec![], 3)).expect("apply");
        assert_eq!(topics(&index), [("Cư trú".to_string(), 1), ("Tin tức".to_string(), 1)], "a replaced document");
        let r = search(&index, "khai sinh");
        assert_eq!(r.hits.iter().find(|h| h.id == 1).map(|h| h.kind.as_str()), Some("announcement"));
    }

    /// A half-typed second word completes to a pair that sorts after many others: 70 pairs
    /// start "thu t", and "thủ tục" is among the last.
    #[test]
    fn a_half_typed_pair_reaches_past_the_first_pairs_in_alphabetical_order() {
        let index = SearchIndex::in_memory().expect("index");
        let mut docs: Vec<IndexDocument> =
            (0..70).map(|i| doc(i + 1, "announcement", &format!("Thu ta{i:02} mùa vụ"), "Nội dung.")).collect();
        docs.push(doc(100, "procedure", "Thủ tục đăng ký khai sinh", "Tờ khai."));
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let titles: Vec<String> = index.complete("thu t", 7).expect("complete").into_iter().map(|c| c.title).collect();
        assert_eq!(titles.first().map(String::as_str), Some("Thủ tục đăng ký khai sinh"), "{titles:?}");
    }

    #[test]
    fn task_like_queries_put_procedures_above_announcements() {
        let index = index();
        let r = search(&index, "nghị định bản sao");
        let first_is = |r: &SearchResults| r.hits.first().map(|h| h.id);
        assert_eq!(first_is(&r), Some(6), "a topic query: the announcement whose title matches");
        let r = search(&index, "xin cấp bản sao");
        assert_eq!(first_is(&r), Some(5), "a task: the procedure");
    }

    #[test]
    fn ranking_priors_never_match_on_their_own() {
        let index = SearchIndex::in_memory().expect("index");
        let mut tagged = doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai.");
        tagged.tags = vec!["citizen".into(), "local".into()];
        let marker = doc(2, "announcement", "Thông báo zyxwv", "Nội dung.");
        index.apply(IndexBatch { upserts: vec![tagged, marker], deletes: vec![], sequence: 1 }).expect("apply");
        let r = search(&index, "zyxwv");
        assert_eq!((r.total, r.hits[0].id), (1, 2), "a citizen procedure is not a match for every query");
    }

    #[test]
    fn titles_highlight_what_matched_through_folding_and_abbreviations() {
        let index = SearchIndex::in_memory().expect("index");
        let d = doc(1, "procedure", "Cấp thẻ Căn cước công dân <mới>", "Hồ sơ.");
        index.apply(IndexBatch { upserts: vec![d], deletes: vec![], sequence: 1 }).expect("apply");
        let r = search(&index, "cap lai cccd");
        assert_eq!(
            r.hits[0].title_html, "<b>Cấp</b> thẻ <b>Căn</b> <b>cước</b> <b>công</b> <b>dân</b> &lt;mới&gt;",
            "the abbreviation's full form and the unaccented word are marked; the rest escaped"
        );
    }

    /// On an index far larger than the budget, a thin sample first: a common word is
    /// estimated from it (near the truth, facets scaled alike), a word in fewer documents
    /// than the budget is still counted exactly, and the hits are the same either way.
    #[test]
    fn a_large_index_is_sampled_before_counting() {
        let index = SearchIndex::in_memory().expect("index");
        for batch in 0..4i64 {
            let docs: Vec<IndexDocument> = (0..2_000i64)
                .map(|n| {
                    let i = batch * 2_000 + n;
                    let rare = if i % 97 == 0 { " cư trú" } else { "" };
                    IndexDocument {
                        year: Some(2020 + (i % 2) as i32),
                        ..doc(
                            i + 1,
                            "announcement",
                            &format!("Thông báo {i}"),
                            &format!("Lịch tiếp dân của phường{rare}."),
                        )
                    }
                })
                .collect();
            index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: batch + 1 }).expect("apply");
        }
        let budget = SearchBudget { exact_matches: 500, candidates: 100, sampled_matches: 250 };
        let search = |text: &str, budget| {
            index
                .search_within(&SearchRequest { text: text.into(), limit: 5, ..Default::default() }, budget)
                .expect("search")
        };
        let common = search("lịch tiếp dân", budget);
        assert!(common.total_estimated && common.facets.estimated);
        assert!((6_000..=10_000).contains(&common.total), "estimate {}", common.total);
        let years: u64 = common.facets.year.iter().map(|f| f.count).sum();
        assert!((6_000..=10_000).contains(&years), "year counts scaled like the total: {years}");
        let rare = search("cư trú", budget);
        assert_eq!((rare.total, rare.total_estimated), (83, false), "fewer than the budget: counted");
        let ids = |r: &SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(ids(&rare), ids(&search("cư trú", SearchBudget::EXHAUSTIVE)));
    }

    /// A query matching more than the budget: estimated counts near the true ones, the
    /// same first hits as scoring everything, filters still applied.
    #[test]
    fn large_result_sets_are_estimated_and_ranked_from_candidates() {
        let index = SearchIndex::in_memory().expect("index");
        let mut docs: Vec<IndexDocument> = (0..600)
            .map(|i| IndexDocument {
                year: Some(2020 + (i % 3) as i32),
                ..doc(
                    i + 10,
                    "announcement",
                    &format!("Thông báo số {i} của phường"),
                    "Hướng dẫn khai sinh cho trẻ em tại phường.",
                )
            })
            .collect();
        docs.push(doc(1, "procedure", "Đăng ký khai sinh", "Tờ khai đăng ký khai sinh."));
        docs.push(doc(2, "procedure", "Đăng ký khai sinh lưu động", "Tờ khai."));
        index.apply(IndexBatch { upserts: docs, deletes: vec![], sequence: 1 }).expect("apply");
        let request = SearchRequest { text: "khai sinh".into(), limit: 5, ..Default::default() };
        let small = SearchBudget { exact_matches: 50, candidates: 20, sampled_matches: 25 };
        let exhaustive = index.search_within(&request, SearchBudget::EXHAUSTIVE).expect("search");
        let bounded = index.search_within(&request, small).expect("search");
        assert_eq!((exhaustive.total, exhaustive.total_estimated), (602, false));
        assert!(bounded.total_estimated && bounded.facets.estimated);
        assert!((400..=800).contains(&bounded.total), "estimate {}", bounded.total);
        let ids = |r: &SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!(ids(&bounded)[..2], ids(&exhaustive)[..2], "the two procedures lead either way");
        let years: u64 = bounded.facets.year.iter().map(|f| f.count).sum();
        assert!((400..=800).contains(&years), "year counts scaled like the total: {years}");
        let filtered =
            index.search_within(&SearchRequest { year: Some(2021), ..request.clone() }, small).expect("search");
        assert!(
            filtered.hits.len() == 5 && filtered.hits.iter().all(|h| h.id >= 10 && (h.id - 10) % 3 == 1),
            "{:?}",
            ids(&filtered)
        );
        // The year facet counts without its own filter: every year is still offered.
        assert_eq!(filtered.facets.year.len(), 3);
    }
}
