//! What a search gives back: hits with snippets, totals and facet counts.

use serde::Serialize;
use tantivy::aggregation::agg_req::Aggregations;
use tantivy::aggregation::agg_result::{AggregationResult, AggregationResults, BucketResult};
use tantivy::aggregation::{AggContextParams, AggregationCollector, Key};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::Query;
use tantivy::schema::Value;
use tantivy::snippet::SnippetGenerator;
use tantivy::{DocAddress, Index, Order, Searcher, TantivyDocument};

use crate::error::SearchError;
use crate::query::{BuiltQuery, SearchRequest};
use crate::schema::Fields;

/// Characters of body text around the matches shown under each hit.
const SNIPPET_CHARS: usize = 220;
/// Agencies listed in the agency facet.
const AGENCY_FACET_SIZE: u32 = 15;

/// One search hit, ready to show.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct SearchHit {
    /// Database id.
    pub id: i64,
    /// Document kind.
    pub kind: String,
    /// Title as published.
    pub title: String,
    /// Path on the portal.
    pub url: String,
    /// Agency slug.
    pub agency: String,
    /// Agency display name.
    pub agency_name: String,
    /// Procedure code, if any.
    pub code: Option<String>,
    /// Text around the matches, HTML-escaped, with matches in `<b>`.
    pub snippet_html: String,
    /// Relevance score (for debugging and evaluation).
    pub score: f32,
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
}

/// A page of results.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SearchResults {
    /// Number of matching documents (all pages).
    pub total: usize,
    /// The hits of the requested page.
    pub hits: Vec<SearchHit>,
    /// Facet counts.
    pub facets: Facets,
    /// Whether not every word could be matched and the search was relaxed.
    pub relaxed: bool,
}

/// Runs a built query: hits, total, snippets, facets.
pub(crate) fn run(
    searcher: &Searcher,
    index: &Index,
    fields: &Fields,
    built: &BuiltQuery,
    request: &SearchRequest,
) -> Result<SearchResults, SearchError> {
    let mut relaxed = false;
    let mut query = built.with_filters(false, true, true);
    let limit = request.limit.clamp(1, 100);
    let top_docs = || TopDocs::with_limit(limit).and_offset(request.offset);
    // Scored searches count and rank in one pass.
    let (mut total, mut scored) = if built.browsing {
        (searcher.search(&*query, &Count)?, Vec::new())
    } else {
        searcher.search(&*query, &(Count, top_docs().order_by_score()))?
    };
    if total == 0 && built.relaxed.is_some() {
        relaxed = true;
        query = built.with_filters(true, true, true);
        (total, scored) = searcher.search(&*query, &(Count, top_docs().order_by_score()))?;
    }
    let top_docs = top_docs();
    let top: Vec<(f32, DocAddress)> = if !built.browsing {
        scored
    } else if request.kind.as_deref() == Some("procedure") {
        // Browsing procedures: alphabetical, as in a printed list.
        let sorted = searcher.search(&*query, &top_docs.order_by_string_fast_field("title_key", Order::Asc))?;
        sorted.into_iter().map(|(_, a)| (0.0, a)).collect()
    } else {
        // Browsing anything else: newest first.
        let sorted = searcher.search(&*query, &top_docs.order_by_fast_field::<i64>("published", Order::Desc))?;
        sorted.into_iter().map(|(_, a)| (0.0, a)).collect()
    };
    let mut snippets = SnippetGenerator::create(searcher, &*query, fields.content)?;
    snippets.set_max_num_chars(SNIPPET_CHARS);

    let mut hits = Vec::with_capacity(top.len());
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address)?;
        let text = |f| doc.get_first(f).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let content = text(fields.content);
        let snippet = snippets.snippet_from_doc(&doc);
        let snippet_html = if snippet.is_empty() {
            escape_html(&first_chars(&content, SNIPPET_CHARS))
        } else {
            // Say when the excerpt starts or stops mid-text.
            let range = snippet.fragment_range();
            let before = if range.start > 0 { "… " } else { "" };
            let after = if range.end < content.trim_end().len() { " …" } else { "" };
            format!("{before}{}{after}", snippet.to_html())
        };
        hits.push(SearchHit {
            id: doc.get_first(fields.id).and_then(|v| v.as_i64()).unwrap_or_default(),
            kind: text(fields.kind),
            title: text(fields.title),
            url: text(fields.url),
            agency: text(fields.agency),
            agency_name: text(fields.agency_name),
            code: doc.get_first(fields.code).and_then(|v| v.as_str()).map(str::to_string),
            snippet_html,
            score,
        });
    }

    // Each facet counts without its own filter; with no filter both come from one pass.
    let facets = if built.kind.is_none() && built.agency.is_none() {
        let (kind, agency) = terms_pair(searcher, index, &*query, AGENCY_FACET_SIZE)?;
        Facets { kind, agency }
    } else {
        Facets {
            kind: terms(searcher, index, &*built.with_filters(relaxed, false, true), "kind", 10)?,
            agency: terms(searcher, index, &*built.with_filters(relaxed, true, false), "agency", AGENCY_FACET_SIZE)?,
        }
    };
    Ok(SearchResults { total, hits, facets, relaxed })
}

fn terms(searcher: &Searcher, index: &Index, query: &dyn Query, field: &str, size: u32) -> Result<Vec<FacetCount>, SearchError> {
    let results = aggregate(searcher, index, query, serde_json::json!({ "f": { "terms": { "field": field, "size": size } } }))?;
    buckets(&results, "f")
}

/// Kind and agency counts of one query in one pass.
fn terms_pair(searcher: &Searcher, index: &Index, query: &dyn Query, agency_size: u32) -> Result<(Vec<FacetCount>, Vec<FacetCount>), SearchError> {
    let results = aggregate(
        searcher,
        index,
        query,
        serde_json::json!({
            "kind": { "terms": { "field": "kind", "size": 10 } },
            "agency": { "terms": { "field": "agency", "size": agency_size } },
        }),
    )?;
    Ok((buckets(&results, "kind")?, buckets(&results, "agency")?))
}

fn aggregate(searcher: &Searcher, index: &Index, query: &dyn Query, request: serde_json::Value) -> Result<AggregationResults, SearchError> {
    let request: Aggregations = serde_json::from_value(request).map_err(|e| SearchError::Facets(e.to_string()))?;
    let collector = AggregationCollector::from_aggs(request, AggContextParams::new(Default::default(), index.tokenizers().clone()));
    Ok(searcher.search(query, &collector)?)
}

fn buckets(results: &AggregationResults, name: &str) -> Result<Vec<FacetCount>, SearchError> {
    let Some(AggregationResult::BucketResult(BucketResult::Terms { buckets, .. })) = results.0.get(name) else {
        return Err(SearchError::Facets(format!("no terms result for {name}")));
    };
    Ok(buckets
        .iter()
        .filter_map(|b| match &b.key {
            Key::Str(s) => Some(FacetCount { value: s.clone(), count: b.doc_count }),
            _ => None,
        })
        .collect())
}

fn first_chars(text: &str, n: usize) -> String {
    match text.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{IndexBatch, IndexDocument, SearchIndex};

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
                    doc(5, "procedure", "Cấp bản sao trích lục", "Ký tên."),
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
    }

    #[test]
    fn facets_ignore_their_own_filter() {
        let index = index();
        let r = index
            .search(&SearchRequest { text: "ky".into(), kind: Some("announcement".into()), limit: 10, ..Default::default() })
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
        assert_eq!(all("announcement"), vec![4]);
        let newest = index.search(&SearchRequest { limit: 10, ..Default::default() }).expect("search");
        assert_eq!(newest.hits.iter().map(|h| h.id).collect::<Vec<_>>(), vec![5, 4, 3, 2, 1]);
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
        assert_eq!(index.all_ids().expect("ids"), vec![1, 3, 4, 5]);
        assert_eq!(index.applied_sequence().expect("seq"), Some(8));
    }
}
