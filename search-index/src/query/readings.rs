//! Every reading of one query over one set of word scorers.
//!
//! A long question has up to seven readings (the words as typed, and each with a span
//! rewritten: an abbreviation spelt out, an everyday phrase as its administrative term).
//! The readings share most of their words. Built as one "at least k of n" query per
//! reading, every shared word's postings were walked once per reading, and at a million
//! documents the long questions were the slow tail. Here each distinct word is one scorer:
//! a document is a candidate once as many words sit at it as the least demanding reading
//! needs, then each reading is checked and scored from the same word scores.

use std::sync::Arc;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

use super::at_least::Parts;

/// What one reading asks of the shared words.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadingPlan {
    /// Words that must all be present (the syllables of a rewritten phrase).
    pub anchor: Vec<usize>,
    /// Words of which at least `at_least` must be present; the others still score.
    pub required: Vec<usize>,
    /// How many of `required` a match needs (0: they only score).
    pub at_least: usize,
    /// What each anchor word's score counts for: a long rewritten phrase is one need, and
    /// counted syllable by syllable it would outweigh the rest of the question.
    pub anchor_weight: f32,
}

impl ReadingPlan {
    /// Whether the words at `doc` (each word's position in `docs`) satisfy this reading.
    fn matches(&self, docs: &[DocId], doc: DocId) -> bool {
        self.anchor.iter().all(|&i| docs[i] == doc)
            && self.required.iter().filter(|&&i| docs[i] == doc).count() >= self.at_least
    }

    /// The fewest words a document matching this reading holds.
    fn fewest_words(&self) -> usize {
        self.anchor.len() + self.at_least
    }
}

/// Matches documents that satisfy at least one reading; scores each document by the sum,
/// over the readings it satisfies, of that reading's words present and its bonus (as a
/// union of one query per reading would).
#[derive(Debug)]
pub struct ReadingsQuery {
    words: Vec<Box<dyn Query>>,
    readings: Vec<(ReadingPlan, Option<Box<dyn Query>>)>,
}

impl Clone for ReadingsQuery {
    fn clone(&self) -> Self {
        Self {
            words: self.words.iter().map(|w| w.box_clone()).collect(),
            readings: self.readings.iter().map(|(p, b)| (p.clone(), b.as_ref().map(|b| b.box_clone()))).collect(),
        }
    }
}

impl ReadingsQuery {
    /// Readings over `words`, each with an optional bonus query (probed, never matching
    /// alone: a [`super::BonusQuery`]).
    pub fn new(words: Vec<Box<dyn Query>>, readings: Vec<(ReadingPlan, Option<Box<dyn Query>>)>) -> Self {
        Self { words, readings }
    }
}

impl Query for ReadingsQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let words = self.words.iter().map(|w| w.weight(scoring)).collect::<tantivy::Result<Vec<_>>>()?;
        let mut plans = Vec::with_capacity(self.readings.len());
        let mut bonuses = Vec::with_capacity(self.readings.len());
        for (plan, bonus) in &self.readings {
            plans.push(plan.clone());
            bonuses.push(bonus.as_ref().map(|b| b.weight(scoring)).transpose()?);
        }
        Ok(Box::new(ReadingsWeight { words, plans: Arc::new(plans), bonuses }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            word.query_terms(visitor);
        }
        for bonus in self.readings.iter().filter_map(|(_, b)| b.as_ref()) {
            bonus.query_terms(visitor);
        }
    }
}

struct ReadingsWeight {
    words: Vec<Box<dyn Weight>>,
    plans: Arc<Vec<ReadingPlan>>,
    bonuses: Vec<Option<Box<dyn Weight>>>,
}

impl Weight for ReadingsWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let words = self.words.iter().map(|w| w.scorer(reader, boost)).collect::<tantivy::Result<Vec<_>>>()?;
        let bonuses = self
            .bonuses
            .iter()
            .map(|b| b.as_ref().map(|b| b.scorer(reader, boost)).transpose())
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(ReadingsScorer::new(words, Arc::clone(&self.plans), bonuses)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!("document {doc} does not match")));
        }
        Ok(Explanation::new_with_string(format!("{} readings", self.plans.len()), scorer.score()))
    }
}

/// Walks the documents some reading matches.
struct ReadingsScorer {
    words: Parts,
    plans: Arc<Vec<ReadingPlan>>,
    bonuses: Vec<Option<Box<dyn Scorer>>>,
    /// Words present at the least a match can have.
    fewest: usize,
    doc: DocId,
    /// Each word's score at `doc`, computed once however many readings use it.
    scores: Vec<Option<Score>>,
}

impl ReadingsScorer {
    fn new(words: Vec<Box<dyn Scorer>>, plans: Arc<Vec<ReadingPlan>>, bonuses: Vec<Option<Box<dyn Scorer>>>) -> Self {
        let fewest = plans.iter().map(ReadingPlan::fewest_words).min().unwrap_or(usize::MAX).max(1);
        let mut scorer =
            Self { scores: vec![None; words.len()], words: Parts::new(words), plans, bonuses, fewest, doc: 0 };
        scorer.doc = if fewest > scorer.words.len() { TERMINATED } else { scorer.settle(0) };
        scorer
    }

    /// The first document at or after `target` that some reading matches, every word
    /// already at or after `target`.
    fn settle(&mut self, mut target: DocId) -> DocId {
        loop {
            if self.words.catch_up(target) >= self.fewest {
                if self.plans.iter().any(|p| p.matches(self.words.docs(), target)) {
                    return target;
                }
                target += 1;
                continue;
            }
            // Fewer words than any reading needs sit at the target: no document before the
            // `fewest`-th nearest word can match.
            target = self.words.kth_nearest(self.fewest);
            if target == TERMINATED {
                return TERMINATED;
            }
        }
    }
}

impl DocSet for ReadingsScorer {
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
        self.words.size_hint()
    }

    fn cost(&self) -> u64 {
        self.words.cost()
    }
}

impl Scorer for ReadingsScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.scores.iter_mut().for_each(|s| *s = None);
        let mut total = 0.0;
        for (plan, bonus) in self.plans.iter().zip(self.bonuses.iter_mut()) {
            if !plan.matches(self.words.docs(), doc) {
                continue;
            }
            for (k, &i) in plan.anchor.iter().chain(&plan.required).enumerate() {
                if self.words.docs()[i] == doc {
                    let scale = if k < plan.anchor.len() { plan.anchor_weight } else { 1.0 };
                    total += scale
                        * match self.scores[i] {
                            Some(score) => score,
                            None => *self.scores[i].insert(self.words.score(i)),
                        };
                }
            }
            if let Some(bonus) = bonus
                && bonus.seek(doc) == doc
            {
                total += bonus.score();
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, BoostQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{DocAddress, Index, TantivyDocument};

    use crate::query::{AtLeastQuery, BonusQuery};

    /// Matches and scores exactly as a union of one query per reading, over every
    /// combination of four words.
    #[test]
    fn equals_a_union_of_one_query_per_reading() {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("t", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).expect("writer");
        let vocabulary = ["a", "b", "c", "d", "e"];
        for i in 0u32..320 {
            let words: Vec<&str> =
                vocabulary.iter().enumerate().filter(|(bit, _)| (i % 32) & (1 << bit) != 0).map(|(_, w)| *w).collect();
            let mut doc = TantivyDocument::new();
            doc.add_text(text, format!("{} x", words.join(" ")));
            writer.add_document(doc).expect("add");
        }
        writer.commit().expect("commit");
        let searcher = index.reader().expect("reader").searcher();
        let word = |w: &str| {
            Box::new(TermQuery::new(Term::from_field_text(text, w), IndexRecordOption::WithFreqs)) as Box<dyn Query>
        };
        let words = || vec![word("a"), word("b"), word("c"), word("d")];
        // Reading 1: 2 of a, b, c with an "e" bonus. Reading 2: d present and 1 of a, b.
        // Reading 3: d present, a and b only scoring; d counts half (a rewritten phrase's
        // syllable).
        let plans = [
            (ReadingPlan { anchor: vec![], required: vec![0, 1, 2], at_least: 2, anchor_weight: 1.0 }, Some(vec!["e"])),
            (ReadingPlan { anchor: vec![3], required: vec![0, 1], at_least: 1, anchor_weight: 1.0 }, None),
            (ReadingPlan { anchor: vec![3], required: vec![0, 1], at_least: 0, anchor_weight: 0.5 }, Some(vec!["c"])),
        ];
        let names = ["a", "b", "c", "d"];
        let bonus = |b: &Option<Vec<&str>>| {
            b.as_ref().map(|ws| Box::new(BonusQuery::new(ws.iter().map(|w| word(w)).collect())) as Box<dyn Query>)
        };
        let shared = ReadingsQuery::new(words(), plans.iter().map(|(p, b)| (p.clone(), bonus(b))).collect());
        let separate: Vec<Box<dyn Query>> = plans
            .iter()
            .map(|(p, b)| {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = p
                    .anchor
                    .iter()
                    .map(|&i| {
                        (Occur::Must, Box::new(BoostQuery::new(word(names[i]), p.anchor_weight)) as Box<dyn Query>)
                    })
                    .collect();
                let parts: Vec<Box<dyn Query>> = p.required.iter().map(|&i| word(names[i])).collect();
                let mut bonuses: Vec<Box<dyn Query>> = Vec::new();
                if p.at_least == 0 {
                    bonuses.extend(parts);
                } else {
                    clauses.push((Occur::Must, Box::new(AtLeastQuery::new(parts, p.at_least))));
                }
                bonuses.extend(b.iter().flatten().map(|w| word(w)));
                if !bonuses.is_empty() {
                    clauses.push((Occur::Should, Box::new(BonusQuery::new(bonuses))));
                }
                Box::new(BooleanQuery::new(clauses)) as Box<dyn Query>
            })
            .collect();
        let union = AtLeastQuery::new(separate, 1);
        let all = |q: &dyn Query| {
            let mut hits: Vec<(DocAddress, u32)> = searcher
                .search(q, &TopDocs::with_limit(400).order_by_score())
                .expect("search")
                .into_iter()
                .map(|(s, a)| (a, (s * 1000.0).round() as u32))
                .collect();
            hits.sort();
            hits
        };
        let expected = all(&union);
        assert!(!expected.is_empty() && expected.len() < 320);
        assert_eq!(all(&shared), expected);
    }
}
