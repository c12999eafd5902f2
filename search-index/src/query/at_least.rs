//! "At least k of these n parts": the heart of every reading ("all but one of four words").
//!
//! Tantivy's own minimum-should-match scorer walks every document of every part through a
//! heap, scores each one whether it matches or not, and cannot skip ahead: reaching a
//! document far into a segment means walking to it. At a million documents that was most
//! of the search time, and it made sampling and re-scoring candidates (which jump) as
//! slow as scoring everything. This one jumps: a document can only match once at least k
//! parts have reached it, so every part behind the k-th nearest is sent straight there
//! through its skip lists, and scores are summed only for documents that match.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// Matches documents matched by at least `k` of its parts, scored by the sum of the
/// parts that match.
#[derive(Debug)]
pub struct AtLeastQuery {
    parts: Vec<Box<dyn Query>>,
    k: usize,
}

impl Clone for AtLeastQuery {
    fn clone(&self) -> Self {
        Self { parts: self.parts.iter().map(|p| p.box_clone()).collect(), k: self.k }
    }
}

impl AtLeastQuery {
    /// At least `k` of `parts`; `k` is at least 1 and at most the number of parts.
    pub fn new(parts: Vec<Box<dyn Query>>, k: usize) -> Self {
        let k = k.clamp(1, parts.len().max(1));
        Self { parts, k }
    }
}

impl Query for AtLeastQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self.parts.iter().map(|p| p.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AtLeastWeight { parts, k: self.k }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.parts {
            part.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    parts: Vec<Box<dyn Weight>>,
    k: usize,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let parts = self.parts.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AtLeastScorer::new(parts, self.k)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new_with_string(format!("at least {} of {} parts", self.k, self.parts.len()), scorer.score()))
    }
}

/// Scorers walked together, each one's position kept beside it: asking a boxed scorer
/// costs a virtual call and a block lookup, and every step looks at every scorer. Shared by
/// "at least k" and by the readings of a query ([`super::ReadingsQuery`]).
pub(super) struct Parts {
    scorers: Vec<Box<dyn Scorer>>,
    docs: Vec<DocId>,
    /// Scratch space for finding the k-th nearest part.
    scratch: Vec<DocId>,
}

impl Parts {
    pub(super) fn new(scorers: Vec<Box<dyn Scorer>>) -> Self {
        Self { docs: scorers.iter().map(|s| s.doc()).collect(), scratch: Vec::with_capacity(scorers.len()), scorers }
    }

    pub(super) fn len(&self) -> usize {
        self.scorers.len()
    }

    /// Where each part is.
    pub(super) fn docs(&self) -> &[DocId] {
        &self.docs
    }

    /// Brings every part behind `target` to it or past it; returns how many sit at it.
    pub(super) fn catch_up(&mut self, target: DocId) -> usize {
        let mut at_target = 0;
        for (scorer, doc) in self.scorers.iter_mut().zip(self.docs.iter_mut()) {
            if *doc < target {
                *doc = scorer.seek(target);
            }
            at_target += usize::from(*doc == target);
        }
        at_target
    }

    /// The document the k-th nearest part is at (the nearest for a union, the farthest when
    /// all are needed).
    pub(super) fn kth_nearest(&mut self, k: usize) -> DocId {
        if k == 1 {
            return self.docs.iter().copied().min().unwrap_or(TERMINATED);
        }
        if k >= self.docs.len() {
            return self.docs.iter().copied().max().unwrap_or(TERMINATED);
        }
        self.scratch.clear();
        self.scratch.extend_from_slice(&self.docs);
        // A few dozen parts at most: sorting them beats selection, which the profile showed.
        self.scratch.sort_unstable();
        self.scratch[k - 1]
    }

    /// The score of part `i`, which must sit at the current document.
    pub(super) fn score(&mut self, i: usize) -> Score {
        self.scorers[i].score()
    }

    /// The sum of the scores of the parts at `doc`.
    pub(super) fn score_at(&mut self, doc: DocId) -> Score {
        self.scorers.iter_mut().zip(&self.docs).filter(|(_, d)| **d == doc).map(|(s, _)| s.score()).sum()
    }

    pub(super) fn size_hint(&self) -> u32 {
        self.scorers.iter().map(|s| s.size_hint()).max().unwrap_or(0)
    }

    pub(super) fn cost(&self) -> u64 {
        self.scorers.iter().map(|s| s.cost()).sum()
    }
}

/// Walks the documents matched by at least `k` parts.
struct AtLeastScorer {
    parts: Parts,
    k: usize,
    doc: DocId,
}

impl AtLeastScorer {
    fn new(parts: Vec<Box<dyn Scorer>>, k: usize) -> Self {
        let mut scorer = Self { parts: Parts::new(parts), k, doc: 0 };
        scorer.doc = if scorer.k > scorer.parts.len() { TERMINATED } else { scorer.settle(0) };
        scorer
    }

    /// The first document at or after `target` that at least `k` parts match, every part
    /// already at or after `target`.
    fn settle(&mut self, mut target: DocId) -> DocId {
        loop {
            if self.parts.catch_up(target) >= self.k {
                return target;
            }
            // No document before the k-th nearest part can have k parts; fewer than k sit
            // at the target, so that part is beyond it.
            target = self.parts.kth_nearest(self.k);
            if target == TERMINATED {
                return TERMINATED;
            }
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc = self.settle(self.doc + 1);
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc == TERMINATED || target <= self.doc {
            return self.doc;
        }
        self.doc = self.settle(target);
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts.size_hint()
    }

    fn cost(&self) -> u64 {
        self.parts.cost()
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        self.parts.score_at(self.doc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::DocSetCollector;
    use tantivy::query::TermQuery;
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    /// Every subset of three words over eight documents: at least k of three parts matches
    /// exactly the documents holding k or more of the words.
    #[test]
    fn matches_documents_with_at_least_k_parts() {
        let mut schema = Schema::builder();
        let word = schema.add_text_field("w", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        for mask in 0u32..8 {
            let mut doc = TantivyDocument::new();
            for (bit, w) in ["a", "b", "c"].iter().enumerate() {
                if mask & (1 << bit) != 0 {
                    doc.add_text(word, w);
                }
            }
            doc.add_text(word, "any");
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let part = |w: &str| {
            Box::new(TermQuery::new(Term::from_field_text(word, w), IndexRecordOption::Basic)) as Box<dyn Query>
        };
        for k in 1..=3 {
            let query = AtLeastQuery::new(vec![part("a"), part("b"), part("c")], k);
            let found: Vec<u32> = searcher
                .search(&query, &DocSetCollector)
                .expect("search")
                .into_iter()
                .map(|a| a.doc_id)
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            let expected: Vec<u32> = (0u32..8).filter(|m| m.count_ones() as usize >= k).collect();
            assert_eq!(found, expected, "k = {k}");
        }
        // Seeking lands on the first match at or after the target.
        let weight = AtLeastQuery::new(vec![part("a"), part("b"), part("c")], 2)
            .weight(EnableScoring::disabled_from_searcher(&searcher))
            .expect("weight");
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0).expect("scorer");
        assert_eq!(scorer.doc(), 3);
        assert_eq!(scorer.seek(4), 5);
        assert_eq!(scorer.seek(7), 7);
        assert_eq!(scorer.advance(), TERMINATED);
    }
}
