//! Parts that only add to the score of a document something else matched: phrase and pair
//! bonuses, question words, ranking priors.
//!
//! Tantivy asks an optional part for its score by seeking it to the matched document; a
//! phrase that is not there then walks on, checking positions document by document, to
//! the next place the phrase occurs. Over every match that walk is paid once; when only a
//! few far-apart candidates are scored, it is paid across the whole index. A bonus is
//! only ever probed ("is this part at that document?"), with `seek_danger`, which answers
//! without walking on.

use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, TERMINATED, Term};

/// The sum of those of its parts at a document, for use only as the optional side of a
/// Boolean query (which probes it at each document its required side matched).
#[derive(Debug)]
pub struct BonusQuery {
    parts: Vec<Box<dyn Query>>,
}

impl Clone for BonusQuery {
    fn clone(&self) -> Self {
        Self { parts: self.parts.iter().map(|p| p.box_clone()).collect() }
    }
}

impl BonusQuery {
    /// Bonuses from these parts.
    pub fn new(parts: Vec<Box<dyn Query>>) -> Self {
        Self { parts }
    }
}

impl Query for BonusQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self.parts.iter().map(|p| p.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(BonusWeight { parts: Arc::new(parts) }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.parts {
            part.query_terms(visitor);
        }
    }
}

struct BonusWeight {
    parts: Arc<Vec<Box<dyn Weight>>>,
}

impl Weight for BonusWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(Box::new(BonusScorer {
            weights: Arc::clone(&self.parts),
            reader: reader.clone(),
            boost,
            parts: (0..self.parts.len()).map(|_| None).collect(),
            states: vec![PartState::Valid; self.parts.len()],
            probed: None,
            doc: 0,
        }))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        let score = if scorer.seek(doc) == doc { scorer.score() } else { 0.0 };
        Ok(Explanation::new("bonuses", score))
    }
}

/// What is known of a part between probes.
#[derive(Clone, Copy)]
enum PartState {
    /// At its `doc()`, as any scorer.
    Valid,
    /// Left by `seek_danger` between documents: none of its documents lies before this one.
    Before(DocId),
}

/// Probes its parts at increasing documents. Each part's scorer is made at the first
/// document probed (`scorer_danger`): a phrase scorer made the usual way first walks to
/// the phrase's first occurrence, through the whole segment when it has none.
struct BonusScorer {
    weights: Arc<Vec<Box<dyn Weight>>>,
    reader: SegmentReader,
    boost: Score,
    parts: Vec<Option<Box<dyn Scorer>>>,
    states: Vec<PartState>,
    /// The last document probed and whether any part was there.
    probed: Option<(DocId, bool)>,
    /// What `doc` reports: the probed document when a part is there, else the next one
    /// (never past a document that may still be probed).
    doc: DocId,
}

impl BonusScorer {
    fn probe(&mut self, target: DocId) -> DocId {
        if let Some((at, _)) = self.probed
            && at == target
        {
            return self.doc;
        }
        let mut any = false;
        for (i, (part, state)) in self.parts.iter_mut().zip(&mut self.states).enumerate() {
            let Some(part) = part else {
                let made = self.weights[i].scorer_danger(&self.reader, target, self.boost);
                let Ok((result, scorer)) = made else {
                    // Unreadable postings: this part adds nothing (the required side has
                    // already read the same index without error).
                    *state = PartState::Before(TERMINATED);
                    *part = Some(Box::new(tantivy::query::EmptyScorer));
                    continue;
                };
                *part = Some(scorer);
                match result {
                    SeekDangerResult::Found => any = true,
                    SeekDangerResult::SeekLowerBound(lower) => *state = PartState::Before(lower),
                }
                continue;
            };
            let due = match *state {
                PartState::Valid => part.doc() <= target,
                PartState::Before(lower) => lower <= target,
            };
            if !due {
                continue;
            }
            let here = match *state {
                PartState::Valid if part.doc() == target => true,
                _ => match part.seek_danger(target) {
                    SeekDangerResult::Found => true,
                    SeekDangerResult::SeekLowerBound(lower) => {
                        *state = PartState::Before(lower);
                        false
                    }
                },
            };
            if here {
                *state = PartState::Valid;
                any = true;
            }
        }
        self.probed = Some((target, any));
        self.doc = if any { target } else { target.saturating_add(1) };
        self.doc
    }
}

impl DocSet for BonusScorer {
    /// Bonuses never drive a walk; advancing is probing the next document.
    fn advance(&mut self) -> DocId {
        let next = self.probed.map_or(0, |(at, _)| at.saturating_add(1));
        if next >= TERMINATED {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        self.probe(next)
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if target >= TERMINATED {
            self.doc = TERMINATED;
            return TERMINATED;
        }
        self.probe(target)
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts.iter().flatten().map(|p| p.size_hint()).max().unwrap_or(0)
    }
}

impl Scorer for BonusScorer {
    fn score(&mut self) -> Score {
        let Some((at, true)) = self.probed else { return 0.0 };
        self.parts
            .iter_mut()
            .zip(&self.states)
            .filter_map(|(p, s)| p.as_mut().filter(|p| matches!(s, PartState::Valid) && p.doc() == at))
            .map(|p| p.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, PhraseQuery, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{DocAddress, Index, TantivyDocument};

    /// Scores as a plain optional union does, over every match and when probed far apart.
    #[test]
    fn adds_what_a_union_would_without_matching_alone() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("t", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let texts = ["a b", "a x b", "b a", "c", "a c", "x", "a b c", "a"];
        for i in 0..400 {
            let mut doc = TantivyDocument::new();
            doc.add_text(text, texts[i % texts.len()]);
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let term = |w: &str| Term::from_field_text(text, w);
        let parts = || -> Vec<Box<dyn Query>> {
            vec![
                Box::new(PhraseQuery::new(vec![term("a"), term("b")])),
                Box::new(TermQuery::new(term("c"), IndexRecordOption::WithFreqs)),
            ]
        };
        let required = || Box::new(TermQuery::new(term("a"), IndexRecordOption::WithFreqs)) as Box<dyn Query>;
        let union = BooleanQuery::new(vec![
            (Occur::Must, required()),
            (Occur::Should, Box::new(BooleanQuery::new(parts().into_iter().map(|p| (Occur::Should, p)).collect()))),
        ]);
        let bonus =
            BooleanQuery::new(vec![(Occur::Must, required()), (Occur::Should, Box::new(BonusQuery::new(parts())))]);
        let all = |q: &dyn Query| searcher.search(q, &TopDocs::with_limit(400).order_by_score()).expect("search");
        let mut expected: Vec<(DocAddress, u32)> =
            all(&union).into_iter().map(|(s, a)| (a, (s * 1000.0) as u32)).collect();
        let mut got: Vec<(DocAddress, u32)> = all(&bonus).into_iter().map(|(s, a)| (a, (s * 1000.0) as u32)).collect();
        expected.sort();
        got.sort();
        assert_eq!(got, expected);
        // Probed far apart, it scores the same.
        let weight = bonus.weight(EnableScoring::enabled_from_searcher(&searcher)).expect("weight");
        let mut scorer = weight.scorer(searcher.segment_reader(0), 1.0).expect("scorer");
        for doc in [6u32, 150, 398] {
            assert_eq!(scorer.seek(doc), doc);
            let score = (scorer.score() * 1000.0) as u32;
            assert!(expected.contains(&(DocAddress::new(0, doc), score)), "doc {doc}");
        }
    }
}
