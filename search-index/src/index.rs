//! The index of one node: open or create it, apply changes, remember how far it got.

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tantivy::schema::Schema;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term, doc};

use crate::analysis;
use crate::collect::{self, SearchResults};
use crate::document::IndexDocument;
use crate::error::SearchError;
use crate::execute::{ColumnCache, SearchBudget};
use crate::query::{self, SearchRequest};
use crate::schema::{self, Fields};
use crate::suggest::{self, Completion};

/// Memory the writer may buffer before it flushes a segment: larger means fewer, bigger
/// segments to merge when a whole database is reindexed.
const WRITER_HEAP_BYTES: usize = 128 * 1024 * 1024;

/// Times [`SearchIndex::compact`] tries to merge before giving up.
const COMPACT_ATTEMPTS: u64 = 5;

/// One batch of changes from the database's change log, applied and committed atomically
/// together with the sequence number it reaches.
#[derive(Debug, Default)]
pub struct IndexBatch {
    /// Documents to add or replace (matched by id).
    pub upserts: Vec<IndexDocument>,
    /// Ids of documents to remove (withdrawn, gone, deleted).
    pub deletes: Vec<i64>,
    /// The change-log sequence this batch brings the index to.
    pub sequence: i64,
}

/// A node's full-text index. Cheap to share behind an `Arc`; searches run concurrently with
/// one writer.
pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    fields: Fields,
    /// Facet, ranking and completion columns of the segments searched lately.
    columns: Arc<ColumnCache>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex").field("fields", &self.fields).finish_non_exhaustive()
    }
}

/// What a document is indexed as, versioned: bump it when a change to analysis or to the
/// fields a document fills (2: a title's acronyms spelt out; 3: syllable pairs of an
/// announcement's or page's lead only; 4: a title's long asides in a field of their own;
/// 5: editors' search keywords; 6: titles of the procedures a procedure goes with; 7: a
/// companion's place in each list it is on; 8: keywords stored, for the re-ranker; 9: the
/// "common" tag of commonly needed procedures)
/// makes older indexes stale, and every node rebuilds its index from the database at its
/// next start.
pub const ANALYSIS: u32 = 9;

impl SearchIndex {
    /// Opens the index in `dir`, creating it (and the directory) when absent.
    ///
    /// An index written by an older schema is not migrated: the caller rebuilds it
    /// (`motcua reindex`), since the database holds everything.
    pub fn open_or_create(dir: &Path) -> Result<Self, SearchError> {
        std::fs::create_dir_all(dir)?;
        let (schema, _) = schema::build();
        let directory = tantivy::directory::MmapDirectory::open(dir)?;
        let index = Index::open_or_create(directory, schema)?;
        Self::from_index(index)
    }

    /// An index in memory, for tests and benchmarks.
    pub fn in_memory() -> Result<Self, SearchError> {
        let (schema, _) = schema::build();
        Self::from_index(Index::create_in_ram(schema))
    }

    fn from_index(index: Index) -> Result<Self, SearchError> {
        analysis::register(index.tokenizers());
        let fields = fields_of(&index.schema())?;
        let reader = index.reader_builder().reload_policy(ReloadPolicy::Manual).try_into()?;
        // One indexing thread: the other core keeps serving searches, and each commit makes
        // one segment instead of one per thread, so there is less to merge and to search
        // (at 200k documents: 10% more documents per CPU-second, search p50 7.3 → 5.2 ms).
        let writer = index.writer_with_num_threads(1, WRITER_HEAP_BYTES)?;
        Ok(Self { index, reader, writer: Mutex::new(writer), fields, columns: Arc::default() })
    }

    /// The change-log sequence of the last committed batch; `None` for a new index, or one
    /// whose documents were analysed by an older [`ANALYSIS`] (the caller then rebuilds it
    /// from the database, as for a new one).
    pub fn applied_sequence(&self) -> Result<Option<i64>, SearchError> {
        let Some(payload) = self.index.load_metas()?.payload else { return Ok(None) };
        let current = format!("a{ANALYSIS}:");
        match payload.trim().strip_prefix(&current) {
            Some(sequence) => sequence.parse().map(Some).map_err(|_| SearchError::BadPayload(payload.clone())),
            // An older analysis: a bare sequence (before versions) or another version.
            None if payload.trim().parse::<i64>().is_ok() || payload.starts_with('a') => Ok(None),
            None => Err(SearchError::BadPayload(payload)),
        }
    }

    /// Applies a batch and commits it with its sequence, together with the batches staged
    /// before it, so that a crash leaves the index at the previous commit and the next start
    /// resumes from there.
    pub fn apply(&self, batch: IndexBatch) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        self.add(&writer, &batch)?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("a{ANALYSIS}:{}", batch.sequence));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Adds a batch without committing it, for a backlog: searches see it, and the index
    /// reaches its sequence, only with the next [`SearchIndex::apply`]. A crash before then
    /// loses it, and the sequence still at the last commit has it read again. Each commit
    /// makes a segment, merged again as segments add up: commits of 50,000 documents index
    /// more per CPU-second than commits of 10,000 (BENCHMARKS.md, session 25).
    pub fn stage(&self, batch: IndexBatch) -> Result<(), SearchError> {
        let writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        self.add(&writer, &batch)
    }

    /// Adds a batch's changes to the writer. A document replaces any earlier one of its id,
    /// committed or staged.
    fn add(&self, writer: &IndexWriter, batch: &IndexBatch) -> Result<(), SearchError> {
        for id in &batch.deletes {
            writer.delete_term(Term::from_field_i64(self.fields.id, *id));
        }
        for d in &batch.upserts {
            writer.delete_term(Term::from_field_i64(self.fields.id, d.id));
            writer.add_document(self.to_tantivy(d))?;
        }
        Ok(())
    }

    /// Merges every segment into one. Bulk indexing leaves many segments (one per commit,
    /// merged in the background by size); a search then looks up every term and walks every
    /// posting list once per segment. After a whole database is indexed at once, one merge
    /// makes every later search cheaper.
    ///
    /// A background merge that ends during ours takes some of its segments away and fails
    /// it; it is then tried again on the segments there are by then.
    pub fn compact(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for attempt in 1u64.. {
            let segments = self.index.searchable_segment_ids()?;
            if segments.len() <= 1 {
                break;
            }
            match writer.merge(&segments).wait() {
                Ok(_) => break,
                Err(_) if attempt < COMPACT_ATTEMPTS => std::thread::sleep(Duration::from_millis(100 * attempt)),
                Err(e) => return Err(e.into()),
            }
        }
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Removes every document (before a rebuild), keeping the index directory.
    pub fn clear(&self) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        let mut commit = writer.prepare_commit()?;
        commit.set_payload(&format!("a{ANALYSIS}:0"));
        commit.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Number of documents searchable now.
    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Runs a search within the default budget.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults, SearchError> {
        self.search_within(request, SearchBudget::default())
    }

    /// Runs a search within a given budget (benchmarks compare budgets on one index).
    pub fn search_within(&self, request: &SearchRequest, budget: SearchBudget) -> Result<SearchResults, SearchError> {
        let searcher = self.reader.searcher();
        let built = query::build(&self.fields, request, &searcher);
        collect::run(&searcher, &self.fields, &built, request, budget, &self.columns)
    }

    /// Completions of a half-typed query from titles (autocomplete).
    pub fn complete(&self, prefix: &str, limit: usize) -> Result<Vec<Completion>, SearchError> {
        suggest::complete(&self.reader.searcher(), &self.fields, &self.columns, prefix, limit)
    }

    /// Completions scoring every title that holds the typed words, without the shortcut.
    #[cfg(test)]
    pub(crate) fn complete_scoring_every_title(
        &self,
        prefix: &str,
        limit: usize,
    ) -> Result<Vec<Completion>, SearchError> {
        let look = suggest::Look::EveryTitle;
        suggest::complete_looking(&self.reader.searcher(), &self.fields, &self.columns, prefix, limit, look)
    }

    /// Ids of every indexed document, for consistency checks against the database.
    pub fn all_ids(&self) -> Result<Vec<i64>, SearchError> {
        let searcher = self.reader.searcher();
        let mut ids = Vec::new();
        for segment in searcher.segment_readers() {
            let column = segment.fast_fields().i64("id")?;
            for doc in segment.doc_ids_alive() {
                if let Some(v) = column.first(doc) {
                    ids.push(v);
                }
            }
        }
        ids.sort_unstable();
        Ok(ids)
    }

    fn to_tantivy(&self, d: &IndexDocument) -> TantivyDocument {
        let f = &self.fields;
        let (main_title, asides) = title_parts(&d.title);
        let mut doc = doc!(
            f.id => d.id,
            f.kind => d.kind.as_str(),
            f.agency => d.agency.as_str(),
            f.agency_name => d.agency_name.as_str(),
            f.title_text => d.title.as_str(),
            f.title => main_title.as_str(),
            f.title_exact => main_title.as_str(),
            f.title_pairs => main_title.as_str(),
            f.title_key => schema::title_key(&d.title),
            f.content => d.content.as_str(),
            f.content_pairs => pair_text(d),
            f.url => d.url.as_str(),
        );
        // A title's acronyms spelt out, as a second value of the title's indexed fields (the
        // title as published is stored apart, in `title_text`).
        let spelt = crate::query::LEXICON.spelt_out(&d.title).join(" ; ");
        if !spelt.is_empty() {
            for field in [f.title, f.title_pairs] {
                doc.add_text(field, &spelt);
            }
        }
        if !asides.is_empty() {
            doc.add_text(f.title_asides, &asides);
        }
        if !d.keywords.is_empty() {
            doc.add_text(f.keywords, d.keywords.join(" ; "));
        }
        if !d.companion_of.is_empty() {
            let titles: Vec<&str> = d.companion_of.iter().map(|c| c.title.as_str()).collect();
            doc.add_text(f.companion_of, titles.join(" ; "));
            for companion in &d.companion_of {
                // Lowercased as the code field is, so the two always compare.
                doc.add_text(f.companion_of_codes, companion.code.to_lowercase());
                doc.add_u64(f.companion_places, u64::from(companion.place));
            }
        }
        if let Some(code) = &d.code {
            doc.add_text(f.code, code.to_lowercase());
        }
        if let Some(year) = d.year {
            doc.add_i64(f.year, i64::from(year));
        }
        if let Some(published) = d.published {
            doc.add_i64(f.published, published);
        }
        for tag in &d.tags {
            doc.add_text(f.tags, tag);
        }
        for level in &d.levels {
            doc.add_text(f.level, level);
        }
        if let Some(topic) = &d.topic {
            doc.add_text(f.topic, topic);
        }
        let in_title = analysis::document_numbers(&d.title);
        for number in &in_title {
            doc.add_text(f.numbers, format!("title:{number}"));
        }
        for number in in_title.into_iter().chain(analysis::document_numbers(&d.content)) {
            doc.add_text(f.numbers, number);
        }
        doc
    }
}

/// Words past which a title's parenthesised aside is a list of cases, not part of its name.
/// From 6 to 12 the judged and held-out sets score the same; 5 cuts names such as "(đăng ký
/// sang tên xe)" and "(thực hiện tại cấp tỉnh)" out of titles and loses them.
const LONG_ASIDE_WORDS: usize = 8;

/// A title without its long parenthesised asides, and those asides joined by " ; ". A long
/// aside lists cases ("(Công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn
/// giáo/…)"); scored as title words it makes the title long and so lowers every match in
/// it, below shorter titles naming something else. Short asides stay: they are often the
/// name people use ("(đăng ký sang tên xe)") or tell levels apart. A title that is all aside
/// stays whole.
fn title_parts(title: &str) -> (String, String) {
    let mut main = String::with_capacity(title.len());
    let mut asides: Vec<String> = Vec::new();
    // The aside being read, the brackets of asides nested in it included.
    let mut open = String::new();
    let mut depth = 0usize;
    for c in title.chars() {
        match (c, depth) {
            ('(', 0) => depth = 1,
            (')', 1) => {
                depth = 0;
                let aside = std::mem::take(&mut open);
                if aside.split_whitespace().count() <= LONG_ASIDE_WORDS {
                    // A short aside is part of the name ("(đăng ký sang tên xe)").
                    main.push('(');
                    main.push_str(&aside);
                    main.push(')');
                } else {
                    main.push(' ');
                    asides.push(aside.trim().to_string());
                }
            }
            (_, 0) => main.push(c),
            _ => {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                open.push(c);
            }
        }
    }
    if depth > 0 {
        // Never closed: not an aside, and nothing is lost.
        main.push('(');
        main.push_str(&open);
    }
    let main = main.split_whitespace().collect::<Vec<_>>().join(" ");
    if main.is_empty() {
        return (title.to_string(), String::new());
    }
    (main, asides.join(" ; "))
}

/// Words of an announcement's or page's text that are also indexed as syllable pairs.
const LEAD_WORDS: usize = 80;

/// The text indexed as syllable pairs: a procedure's whole text (where citizens' phrases
/// meet administrative wording), the lead of anything else. Pairs are what indexing costs
/// most: news bodies hold many distinct pairs (names, places), and without body pairs
/// 200,000 news-like documents indexed 3.4 times faster; their titles and leads keep pairs.
fn pair_text(d: &IndexDocument) -> &str {
    if d.kind == "procedure" {
        return &d.content;
    }
    match d.content.split_whitespace().nth(LEAD_WORDS) {
        // The offset of the first word past the lead, within the same string.
        Some(past) => d.content.get(..past.as_ptr() as usize - d.content.as_ptr() as usize).unwrap_or(&d.content),
        None => &d.content,
    }
}

fn fields_of(schema: &Schema) -> Result<Fields, SearchError> {
    let (expected, fields) = schema::build();
    if expected != *schema {
        return Err(SearchError::Tantivy(tantivy::TantivyError::SchemaError(
            "the index on disk was built with another schema; run `motcua reindex`".into(),
        )));
    }
    Ok(fields)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_asides_leave_the_title_and_short_ones_stay() {
        let (main, asides) = title_parts(
            "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV (Công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo (trừ nhà ở))",
        );
        assert_eq!(main, "Cấp giấy phép xây dựng mới đối với công trình cấp III, cấp IV");
        assert_eq!(asides, "Công trình không theo tuyến/Theo tuyến trong đô thị/Tín ngưỡng, tôn giáo (trừ nhà ở)");
        let short = "Cấp lại thẻ căn cước (thực hiện tại cấp tỉnh)";
        assert_eq!(title_parts(short), (short.to_string(), String::new()));
        let all_aside = "(một danh sách rất dài gồm nhiều trường hợp khác nhau nữa)";
        assert_eq!(title_parts(all_aside), (all_aside.to_string(), String::new()));
        assert_eq!(title_parts("Tên (chưa đóng").0, "Tên (chưa đóng");
    }

    #[test]
    fn pairs_cover_a_procedure_whole_and_the_lead_of_anything_else() {
        let words: Vec<String> = (0..100).map(|i| format!("w{i}")).collect();
        let long = words.join(" ");
        let procedure = IndexDocument { kind: "procedure".into(), content: long.clone(), ..Default::default() };
        assert_eq!(pair_text(&procedure), long);
        let news = IndexDocument { kind: "announcement".into(), content: long.clone(), ..Default::default() };
        assert_eq!(pair_text(&news).split_whitespace().collect::<Vec<_>>(), words[..LEAD_WORDS]);
        let short =
            IndexDocument { kind: "page".into(), content: "Hồ sơ gồm tờ khai.".into(), ..Default::default() };
        assert_eq!(pair_text(&short), "Hồ sơ gồm tờ khai.");
    }

    fn commit_payload(index: &SearchIndex, payload: &str) {
        let mut writer = index.writer.lock().expect("writer");
        let mut commit = writer.prepare_commit().expect("prepare");
        commit.set_payload(payload);
        commit.commit().expect("commit");
    }

    #[test]
    fn an_index_of_an_older_analysis_reads_as_new_so_it_is_rebuilt() {
        let index = SearchIndex::in_memory().expect("index");
        assert_eq!(index.applied_sequence().expect("new"), None);
        index.apply(IndexBatch { upserts: vec![], deletes: vec![], sequence: 42 }).expect("apply");
        assert_eq!(index.applied_sequence().expect("current"), Some(42));
        for older in ["42", "a1:42"] {
            commit_payload(&index, older);
            assert_eq!(index.applied_sequence().expect("older"), None, "{older}");
        }
        commit_payload(&index, "garbage");
        assert!(index.applied_sequence().is_err(), "a payload of no version is an error, not a silent rebuild");
    }

    #[test]
    fn compacting_leaves_one_segment_and_the_same_answers() {
        let index = SearchIndex::in_memory().expect("index");
        for sequence in 1..=3i64 {
            let upserts = (0..5i64)
                .map(|i| IndexDocument {
                    id: sequence * 10 + i,
                    kind: "announcement".into(),
                    title: format!("Thông báo đăng ký khai sinh số {i}"),
                    content: "Hướng dẫn đăng ký khai sinh.".into(),
                    ..Default::default()
                })
                .collect();
            index.apply(IndexBatch { upserts, deletes: vec![11], sequence }).expect("apply");
        }
        let request = SearchRequest { text: "khai sinh".into(), limit: 20, ..Default::default() };
        let before = index.search(&request).expect("search");
        assert!(index.reader.searcher().segment_readers().len() > 1);
        index.compact().expect("compact");
        assert_eq!(index.reader.searcher().segment_readers().len(), 1);
        let after = index.search(&request).expect("search");
        let ids = |r: &SearchResults| r.hits.iter().map(|h| h.id).collect::<Vec<_>>();
        assert_eq!((after.total, ids(&after)), (before.total, ids(&before)));
        assert_eq!(after.total, 14, "the deleted document stays deleted");
        assert_eq!(index.applied_sequence().expect("sequence"), Some(3), "the commit payload survives the merge");
    }

    #[test]
    fn staged_batches_are_searched_and_counted_only_once_committed() {
        let index = SearchIndex::in_memory().expect("index");
        let notice = |id: i64, title: &str| IndexDocument { id, title: title.into(), ..Default::default() };
        let batch = |upserts, deletes, sequence| IndexBatch { upserts, deletes, sequence };
        index
            .apply(batch(vec![notice(1, "Thông báo tuyển dụng"), notice(2, "Thông báo nghỉ lễ")], vec![], 1))
            .expect("apply");
        // A backlog read again after a failed catch-up stages the same documents twice.
        for _ in 0..2 {
            index.stage(batch(vec![notice(1, "Thông báo tuyển dụng viên chức")], vec![2], 2)).expect("stage");
        }
        let search = |q: &str| {
            let r = index.search(&SearchRequest { text: q.into(), limit: 10, ..Default::default() }).expect("search");
            r.hits.iter().map(|h| h.id).collect::<Vec<_>>()
        };
        assert_eq!((search("viên chức"), search("nghỉ lễ")), (vec![], vec![2]), "nothing staged is searched yet");
        assert_eq!(index.applied_sequence().expect("sequence"), Some(1));
        index.apply(batch(vec![notice(3, "Thông báo lịch tiếp dân")], vec![], 3)).expect("apply");
        assert_eq!((search("viên chức"), search("nghỉ lễ"), search("thông báo").len()), (vec![1], vec![], 2));
        assert_eq!(index.applied_sequence().expect("sequence"), Some(3));
    }
}
