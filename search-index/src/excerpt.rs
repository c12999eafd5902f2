//! The excerpt under a hit: the stretch of its text, up to a length, that holds the most
//! weight of the query's words, with those words marked.
//!
//! It chooses what Tantivy's `SnippetGenerator` chooses (the same stretches, weights and
//! ties), but that copies every word of the text into a new lowercased string to look it
//! up, and at a million documents the ten excerpts of a page took a sixth of a search's time
//! (BENCHMARKS.md, session 28). Our analyzers already fold and lowercase, so each word is
//! looked up as the analyzer gives it, and one analyzer serves every hit of a page.

use std::collections::{BTreeSet, HashMap};
use std::ops::Range;

use tantivy::query::Query;
use tantivy::schema::Field;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Score, Searcher, Term};

/// Finds the excerpts of one field for one query.
pub(crate) struct Excerpter {
    /// The query's words in the field, each weighing 1 / (1 + the documents holding it):
    /// a rare word marks the better stretch. Every word of ten hits' texts is looked up
    /// here: with the standard library's hasher that was a quarter of the excerpts' time,
    /// and a handful of the query's own words needs no defence against crafted collisions.
    words: HashMap<String, Score, foldhash::fast::FixedState>,
    analyzer: TextAnalyzer,
    max_bytes: usize,
}

/// A stretch of a text and the words marked in it, as byte ranges of the text.
#[derive(Debug, Default)]
pub(crate) struct Excerpt {
    pub(crate) range: Range<usize>,
    pub(crate) marked: Vec<Range<usize>>,
}

impl Excerpter {
    /// The excerpts of `field` for `query`, each at most `max_bytes` long (the stretch ends
    /// at the last word that fits).
    pub(crate) fn new(searcher: &Searcher, query: &dyn Query, field: Field, max_bytes: usize) -> tantivy::Result<Self> {
        let mut terms: BTreeSet<&Term> = BTreeSet::new();
        query.query_terms(&mut |term, _| {
            if term.field() == field {
                terms.insert(term);
            }
        });
        let mut words = HashMap::with_hasher(foldhash::fast::FixedState::default());
        for term in terms {
            let value = term.value();
            let Some(text) = value.as_str() else { continue };
            let documents = searcher.doc_freq(term)?;
            if documents > 0 {
                words.insert(text.to_string(), 1.0 / (1.0 + documents as Score));
            }
        }
        let analyzer = searcher.index().tokenizer_for_field(field)?;
        Ok(Self { words, analyzer, max_bytes })
    }

    /// The stretch of `text` holding the most weight of the query's words (the first of
    /// equals); when it holds none, its opening stretch, with nothing marked.
    pub(crate) fn excerpt(&mut self, text: &str) -> Excerpt {
        let mut best: Option<(Score, Excerpt)> = None;
        let mut opening: Option<Range<usize>> = None;
        let mut current = (0.0, Excerpt::default());
        let mut stream = self.analyzer.token_stream(text);
        while let Some(token) = stream.next() {
            if token.offset_to - current.1.range.start > self.max_bytes {
                let done = std::mem::replace(&mut current, (0.0, Excerpt::at(token.offset_from)));
                opening.get_or_insert_with(|| done.1.range.clone());
                keep_better(&mut best, done);
            }
            current.1.range.end = token.offset_to;
            if let Some(weight) = self.words.get(token.text.as_str()) {
                current.0 += weight;
                current.1.marked.push(token.offset_from..token.offset_to);
            }
        }
        let opening = opening.unwrap_or_else(|| current.1.range.clone());
        keep_better(&mut best, current);
        match best {
            Some((_, excerpt)) => excerpt,
            // A first word longer than the limit, or no word at all: as many whole
            // characters as fit.
            None if opening.is_empty() => Excerpt::at(0).until(text.floor_char_boundary(self.max_bytes)),
            None => Excerpt::at(0).until(opening.end),
        }
    }
}

/// Keeps `candidate` if it weighs more than the best so far (the earlier wins a tie) and
/// holds a word at all.
fn keep_better(best: &mut Option<(Score, Excerpt)>, candidate: (Score, Excerpt)) {
    if candidate.0 > 0.0 && best.as_ref().is_none_or(|(weight, _)| candidate.0 > *weight) {
        *best = Some(candidate);
    }
}

impl Excerpt {
    fn at(start: usize) -> Self {
        Self { range: start..start, marked: Vec::new() }
    }

    fn until(mut self, end: usize) -> Self {
        self.range.end = end;
        self
    }

    /// Whether no word of the query is in it.
    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.marked.is_empty()
    }

    /// The marked ranges in order, overlapping ones merged.
    pub(crate) fn merged(&self) -> Vec<Range<usize>> {
        let mut sorted = self.marked.clone();
        sorted.sort_by_key(|r| (r.start, r.end));
        let mut out: Vec<Range<usize>> = Vec::with_capacity(sorted.len());
        for range in sorted {
            match out.last_mut() {
                Some(last) if range.start < last.end => last.end = last.end.max(range.end),
                _ => out.push(range),
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis;

    fn excerpter(words: &[(&str, Score)], max_bytes: usize) -> Excerpter {
        Excerpter {
            words: words.iter().map(|(w, s)| (w.to_string(), *s)).collect(),
            analyzer: analysis::folded_analyzer(),
            max_bytes,
        }
    }

    #[test]
    fn the_stretch_with_the_most_weight_wins_and_the_first_of_equals() {
        // Windows of 20 bytes: "khai sinh aaaa bbbb", "cccc dddd khai sinh", "đăng ký".
        let text = "khai sinh aaaa bbbb cccc dddd khai sinh đăng ký";
        let mut e = excerpter(&[("khai", 0.5), ("sinh", 0.25)], 20);
        let x = e.excerpt(text);
        assert_eq!(&text[x.range.clone()], "khai sinh aaaa bbbb", "the first of two equal stretches");
        assert_eq!(x.merged().iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(), ["khai", "sinh"]);
        let mut rarer = excerpter(&[("khai", 0.5), ("sinh", 0.25), ("dang", 1.0)], 20);
        let x = rarer.excerpt(text);
        assert_eq!(&text[x.range.clone()], "đăng ký", "the rarer word's stretch, marks in the original text");
        assert_eq!(x.merged().iter().map(|r| &text[r.clone()]).collect::<Vec<_>>(), ["đăng"]);
    }

    #[test]
    fn a_text_without_the_words_shows_its_opening_unmarked() {
        let mut e = excerpter(&[("ket", 1.0)], 20);
        let opening = |e: &mut Excerpter, text: &'static str| {
            let x = e.excerpt(text);
            assert!(x.is_empty(), "nothing marked in {text:?}");
            &text[x.range]
        };
        assert_eq!(opening(&mut e, "Đăng ký khai sinh"), "Đăng ký khai sinh");
        assert_eq!(opening(&mut e, "khai sinh aaaa bbbb cccc dddd"), "khai sinh aaaa bbbb", "whole words only");
        assert_eq!(opening(&mut e, ""), "");
        // A first word longer than the limit is cut between characters (đ is two bytes).
        assert_eq!(opening(&mut e, "đđđđđđđđđđđđđđđđđđđđđđ"), "đđđđđđđđđđ");
        assert_eq!(opening(&mut e, "…… ——"), "…… ——", "no word at all");
    }

    /// The same stretches and marks as Tantivy's snippets, on real procedure text in every
    /// window from a few words to longer than the text.
    #[test]
    fn chooses_what_tantivys_snippets_choose() {
        use tantivy::query::{BooleanQuery, Occur, TermQuery};
        use tantivy::schema::{IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
        use tantivy::snippet::SnippetGenerator;
        use tantivy::{Index, TantivyDocument};

        let texts = [
            "Bước 1: Người có yêu cầu đăng ký khai sinh nộp hồ sơ tại Bộ phận một cửa của Ủy ban nhân dân cấp xã. \
             Bước 2: Công chức tư pháp - hộ tịch kiểm tra hồ sơ; nếu hồ sơ đầy đủ thì ghi vào Sổ đăng ký khai sinh.",
            "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh.",
            "Tờ khai thuế thu nhập cá nhân (mẫu 02/TNCN); bản chụp chứng từ khấu trừ thuế (nếu có).",
        ];
        let mut schema = Schema::builder();
        let indexing = TextFieldIndexing::default()
            .set_tokenizer(analysis::VI_FOLDED)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let body = schema.add_text_field("body", TextOptions::default().set_indexing_options(indexing).set_stored());
        let index = Index::create_in_ram(schema.build());
        analysis::register(index.tokenizers());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        for text in texts {
            let mut doc = TantivyDocument::default();
            doc.add_text(body, text);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        for words in [&["khai", "sinh", "ho", "so"][..], &["sinh"], &["thue", "thu", "nhap", "tncn"], &["ket", "hon"]] {
            let query = BooleanQuery::new(
                words
                    .iter()
                    .map(|w| {
                        let term = TermQuery::new(Term::from_field_text(body, w), IndexRecordOption::Basic);
                        (Occur::Should, Box::new(term) as Box<dyn Query>)
                    })
                    .collect(),
            );
            for window in [10, 40, 90, 150, 400] {
                let mut ours = Excerpter::new(&searcher, &query, body, window).expect("excerpter");
                let mut theirs = SnippetGenerator::create(&searcher, &query, body).expect("generator");
                theirs.set_max_num_chars(window);
                for text in texts {
                    let (x, snippet) = (ours.excerpt(text), theirs.snippet(text));
                    let start = snippet.fragment_range().start;
                    let marks: Vec<Range<usize>> =
                        snippet.highlighted().iter().map(|r| start + r.start..start + r.end).collect();
                    assert_eq!(x.is_empty(), snippet.is_empty(), "{words:?} {window} {text}");
                    if !x.is_empty() {
                        assert_eq!(x.range, snippet.fragment_range(), "{words:?} {window} {text}");
                        assert_eq!(x.merged(), marks, "{words:?} {window} {text}");
                    }
                }
            }
        }
    }

    #[test]
    fn overlapping_marks_merge() {
        let x = Excerpt { range: 0..10, marked: vec![4..6, 0..3, 2..5, 8..9] };
        assert_eq!(x.merged(), vec![0..6, 8..9]);
    }
}
