//! The relevance harness: judged queries (`tests/relevance/queries.jsonl`), the metrics, our
//! engine through the real JSON API, and an SQLite FTS5 baseline on the same procedures.
//!
//! Metrics over the top 10, with graded judgments (3 exactly right, 2 close variant,
//! 1 related): Recall@10 counts every judged procedure found; MRR@10 the rank of the first
//! judged one; nDCG@10 uses gains 2^grade − 1 against the ideal order of all judgments.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use crate::Server;

/// One judged query.
#[derive(Clone, Debug, Deserialize)]
pub struct Judged {
    /// What the citizen typed.
    pub q: String,
    /// accented, unaccented, telex, abbreviation, everyday, typo, code, tone, long.
    #[serde(rename = "type")]
    pub kind: String,
    /// Procedure code → grade (1–3).
    pub relevant: HashMap<String, u32>,
}

/// A judged query set: its name in reports, its file in `tests/relevance/`, and the flag of
/// `--bin relevance` that scores it.
#[derive(Clone, Copy, Debug)]
pub struct QuerySet {
    /// "judged", "held-out", "held-out 2", …
    pub name: &'static str,
    /// File name in `tests/relevance/`.
    pub file: &'static str,
    /// The `relevance` flag that picks it (empty for the judged set, the default).
    pub flag: &'static str,
    /// Kept out of tuning and training: measured in aggregate, its failures never read.
    pub held_out: bool,
}

impl QuerySet {
    /// The set's queries with their judgments.
    pub fn queries(&self) -> Vec<Judged> {
        queries_in(self.file)
    }
}

/// Every set, the judged one first. The re-ranker is trained on the judged and training
/// sets. Each held-out set was written and judged blind (by someone who saw no other set,
/// the lexicon nor the engine), and each was added when the one before it had been read or
/// used to choose while tuning, so that tuning which fits the training sets shows there as
/// no gain (`tests/relevance/README.md`).
pub const SETS: [QuerySet; 7] = [
    QuerySet { name: "judged", file: "queries.jsonl", flag: "", held_out: false },
    QuerySet { name: "training", file: "training.jsonl", flag: "--training", held_out: false },
    QuerySet { name: "held-out", file: "heldout.jsonl", flag: "--held-out", held_out: true },
    QuerySet { name: "held-out 2", file: "heldout2.jsonl", flag: "--held-out-2", held_out: true },
    QuerySet { name: "held-out 3", file: "heldout3.jsonl", flag: "--held-out-3", held_out: true },
    QuerySet { name: "held-out 4", file: "heldout4.jsonl", flag: "--held-out-4", held_out: true },
    QuerySet { name: "held-out 5", file: "heldout5.jsonl", flag: "--held-out-5", held_out: true },
];

/// The judged queries shipped with the project.
pub fn queries() -> Vec<Judged> {
    SETS[0].queries()
}

/// Judged queries, each paired with a second assessor's judgments of the same query
/// (`tests/relevance/second_assessor.jsonl`: every third judged query but the codes, judged
/// blind to the first assessor's). How far two careful assessors agree bounds what any
/// engine can score against one of them: see [`agreement`].
pub fn second_assessor() -> Vec<(Judged, Judged)> {
    let first: HashMap<String, Judged> = queries().into_iter().map(|j| (j.q.clone(), j)).collect();
    queries_in("second_assessor.jsonl")
        .into_iter()
        .map(|second| {
            let first = first.get(&second.q).unwrap_or_else(|| panic!("{}: not a judged query", second.q)).clone();
            (first, second)
        })
        .collect()
}

/// An assessor's own best page: the judged codes by grade, the higher first (by code on a
/// tie).
pub fn ideal_order(judged: &Judged) -> Vec<String> {
    let mut codes: Vec<(&String, &u32)> = judged.relevant.iter().collect();
    codes.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    codes.into_iter().map(|(code, _)| code.clone()).collect()
}

/// Each assessor's best page scored by the other, beside our engine and FTS5 scored by
/// each, over the queries both judged (a Markdown table). The second assessor's best page
/// scored by the first is what a perfect engine of another expert's mind reaches: a
/// target above it asks for agreement with one assessor that two assessors do not have.
pub fn agreement(server: &Server, baseline: &Fts5Baseline) -> String {
    let pairs = second_assessor();
    let mut rows: Vec<(&str, &str, Vec<Metrics>)> = vec![
        ("the second assessor's best page", "first", Vec::new()),
        ("the first assessor's best page", "second", Vec::new()),
        ("ours", "first", Vec::new()),
        ("ours", "second", Vec::new()),
        ("FTS5", "first", Vec::new()),
        ("FTS5", "second", Vec::new()),
    ];
    for (first, second) in &pairs {
        let (engine, fts5) = (ours(server, &first.q), baseline.search(&first.q));
        let scores = [
            score(first, &ideal_order(second)),
            score(second, &ideal_order(first)),
            score(first, &engine),
            score(second, &engine),
            score(first, &fts5),
            score(second, &fts5),
        ];
        for (row, m) in rows.iter_mut().zip(scores) {
            row.2.push(m);
        }
    }
    let mut s = format!(
        "{} queries judged by two assessors\n\n| ranking | scored by the | Recall@10 | MRR@10 | nDCG@10 |\n| --- | --- | --- | --- | --- |\n",
        pairs.len()
    );
    for (ranking, by, all) in rows {
        let m = mean(&all);
        s.push_str(&format!("| {ranking} | {by} assessor | {:.3} | {:.3} | {:.3} |\n", m.recall, m.mrr, m.ndcg));
    }
    s
}

fn queries_in(file: &str) -> Vec<Judged> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("relevance").join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| serde_json::from_str(l).unwrap_or_else(|e| panic!("{}:{}: {e}", path.display(), i + 1)))
        .collect()
}

/// Recall@10, MRR@10 and nDCG@10, averaged over queries.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Metrics {
    /// Share of judged procedures in the top 10.
    pub recall: f64,
    /// Mean reciprocal rank of the first judged procedure.
    pub mrr: f64,
    /// Normalised discounted cumulative gain.
    pub ndcg: f64,
    /// Queries averaged.
    pub queries: usize,
}

/// Scores one ranked list against its judgments.
pub fn score(judged: &Judged, ranked: &[String]) -> Metrics {
    let top: Vec<&String> = ranked.iter().take(10).collect();
    let found = judged.relevant.keys().filter(|c| top.contains(c)).count();
    let recall = found as f64 / judged.relevant.len().max(1) as f64;
    let mrr = top.iter().position(|c| judged.relevant.contains_key(*c)).map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    let gain = |g: u32| f64::from((1u32 << g) - 1);
    let dcg: f64 = top
        .iter()
        .enumerate()
        .map(|(i, c)| judged.relevant.get(*c).map_or(0.0, |g| gain(*g) / (i as f64 + 2.0).log2()))
        .sum();
    let mut ideal: Vec<u32> = judged.relevant.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal.iter().take(10).enumerate().map(|(i, g)| gain(*g) / (i as f64 + 2.0).log2()).sum();
    Metrics { recall, mrr, ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 }, queries: 1 }
}

/// Averages per-query metrics.
pub fn mean(all: &[Metrics]) -> Metrics {
    let n = all.len().max(1) as f64;
    Metrics {
        recall: all.iter().map(|m| m.recall).sum::<f64>() / n,
        mrr: all.iter().map(|m| m.mrr).sum::<f64>() / n,
        ndcg: all.iter().map(|m| m.ndcg).sum::<f64>() / n,
        queries: all.len(),
    }
}

/// Our engine: the top 10 procedure codes from the JSON API.
pub fn ours(server: &Server, q: &str) -> Vec<String> {
    let (status, body) = server.json(&format!("/api/v1/search?kind=procedure&per_page=10&q={}", crate::url_encode(q)));
    assert_eq!(status, 200, "{q}: {body}");
    body["hits"]
        .as_array()
        .map(|hits| hits.iter().filter_map(|h| h["code"].as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

/// SQLite FTS5 over procedure names (unicode61 tokenizer, remove_diacritics 2, BM25): what a
/// team would get from the database it already has.
pub struct Fts5Baseline {
    runtime: tokio::runtime::Runtime,
    pool: sqlx::SqlitePool,
}

/// The records of a procedure export (JSON lines, gzip); lines that are not JSON are skipped.
fn procedure_records(file: &Path) -> impl Iterator<Item = serde_json::Value> {
    use std::io::{BufRead, BufReader};
    let f = std::fs::File::open(file).unwrap_or_else(|e| panic!("open {}: {e}", file.display()));
    BufReader::new(flate2::read::GzDecoder::new(f))
        .lines()
        .map_while(Result::ok)
        .filter_map(|line| serde_json::from_str(&line).ok())
}

impl Fts5Baseline {
    /// Loads the names of a procedure export (JSON lines, gzip) into an in-memory FTS5 table.
    pub fn load(file: &Path) -> Fts5Baseline {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let pool = runtime.block_on(async {
            let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect("sqlite::memory:").await.expect("sqlite");
            sqlx::query("CREATE VIRTUAL TABLE p USING fts5(code UNINDEXED, name, tokenize = 'unicode61 remove_diacritics 2')")
                .execute(&pool)
                .await
                .expect("fts5");
            for v in procedure_records(file) {
                let (Some(code), Some(name)) = (v["ma_thu_tuc"].as_str(), v["ten_thu_tuc"].as_str()) else { continue };
                let name: String = name.nfc().collect();
                sqlx::query("INSERT INTO p (code, name) VALUES (?, ?)").bind(code).bind(name).execute(&pool).await.expect("insert");
            }
            pool
        });
        Fts5Baseline { runtime, pool }
    }

    /// The top 10 codes for a query: its words OR-ed, ranked by BM25.
    pub fn search(&self, q: &str) -> Vec<String> {
        let words = fts5_words(&q.nfc().collect::<String>());
        if words.is_empty() {
            return Vec::new();
        }
        self.best(&words.join(" OR "), 10)
    }

    /// The first [`OFFERED`] codes completing a half-typed name: the whole words before the
    /// last, and the last as a prefix, ranked by BM25 (what FTS5 offers for autocomplete).
    pub fn complete(&self, typed: &str) -> Vec<String> {
        let mut words = fts5_words(typed);
        let Some(last) = words.last_mut() else { return Vec::new() };
        last.push('*');
        self.best(&words.join(" "), OFFERED)
    }

    /// The `limit` codes best matching an FTS5 expression, by BM25.
    fn best(&self, expr: &str, limit: usize) -> Vec<String> {
        self.runtime.block_on(async {
            sqlx::query_scalar::<_, String>("SELECT code FROM p WHERE p MATCH ? ORDER BY bm25(p) LIMIT ?")
                .bind(expr)
                .bind(limit as i64)
                .fetch_all(&self.pool)
                .await
                .unwrap_or_default()
        })
    }
}

/// The words of a text as FTS5 strings (`"word"`), so that no word is read as an operator
/// or a column name; split as unicode61 splits.
pub fn fts5_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(|w| format!("\"{w}\"")).collect()
}

/// Completions a citizen reads: a procedure further down is as good as not offered.
pub const OFFERED: usize = 5;
/// Characters typed at most before a procedure counts as never offered.
pub const TYPED_AT_MOST: usize = 40;

/// How far a citizen types a procedure's published name, without marks, before the
/// autocomplete offers it among the first [`OFFERED`]: the completion's counterpart of
/// Recall, measured over the procedures that answer the judged queries (grade 3).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Typing {
    /// Procedures typed.
    pub procedures: usize,
    /// Median characters typed; a procedure never offered counts as one past
    /// [`TYPED_AT_MOST`].
    pub median: f64,
    /// Share offered within 10 characters.
    pub within_10: f64,
    /// Share offered within 20 characters.
    pub within_20: f64,
    /// Share not offered within [`TYPED_AT_MOST`] characters.
    pub never: f64,
}

/// Both engines' [`typing`] over the procedures answering these queries: (ours, FTS5).
pub fn evaluate_typing(server: &Server, baseline: &Fts5Baseline, judged: &[Judged]) -> (Typing, Typing) {
    let procedures = answers(server, judged);
    let ours = typing(&procedures, |typed| our_completions(server, typed));
    (ours, typing(&procedures, |typed| baseline.complete(typed)))
}

/// The procedures answering these queries (grade 3), each with its name as the portal
/// publishes it.
fn answers(server: &Server, judged: &[Judged]) -> Vec<(String, String)> {
    let mut codes: Vec<&String> =
        judged.iter().flat_map(|j| j.relevant.iter().filter(|(_, g)| **g == 3)).map(|(c, _)| c).collect();
    codes.sort();
    codes.dedup();
    codes
        .into_iter()
        .filter_map(|code| {
            let (status, body) = server.json(&format!("/api/v1/procedures/{}", crate::url_encode(code)));
            assert_eq!(status, 200, "{code}: {body}");
            Some((code.clone(), body["title"].as_str()?.to_string()))
        })
        .collect()
}

/// Types each procedure's name without marks, one character at a time, until `complete`
/// offers its code among the first [`OFFERED`].
pub fn typing(procedures: &[(String, String)], complete: impl Fn(&str) -> Vec<String>) -> Typing {
    let mut typed: Vec<usize> = procedures
        .iter()
        .map(|(code, name)| {
            let folded = motcua_search::normalize::fold(name);
            let words: Vec<&str> = folded.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
            let bare: Vec<char> = words.join(" ").chars().collect();
            (1..=bare.len().min(TYPED_AT_MOST))
                .filter(|&n| bare[n - 1] != ' ')
                .find(|&n| complete(&bare[..n].iter().collect::<String>()).iter().take(OFFERED).any(|c| c == code))
                .unwrap_or(TYPED_AT_MOST + 1)
        })
        .collect();
    typed.sort_unstable();
    let n = typed.len().max(1) as f64;
    let share = |keep: &dyn Fn(usize) -> bool| typed.iter().filter(|&&t| keep(t)).count() as f64 / n;
    let median = match typed.len() {
        0 => 0.0,
        len if len % 2 == 1 => typed[len / 2] as f64,
        len => (typed[len / 2 - 1] + typed[len / 2]) as f64 / 2.0,
    };
    Typing {
        procedures: typed.len(),
        median,
        within_10: share(&|t| t <= 10),
        within_20: share(&|t| t <= 20),
        never: share(&|t| t > TYPED_AT_MOST),
    }
}

/// Our completions in the JSON API's order: each one's procedure code, empty for an
/// announcement.
fn our_completions(server: &Server, typed: &str) -> Vec<String> {
    let (status, body) = server.json(&format!("/api/v1/suggest?q={}", crate::url_encode(typed)));
    assert_eq!(status, 200, "{typed}: {body}");
    body["documents"]
        .as_array()
        .map(|docs| docs.iter().map(|d| d["code"].as_str().unwrap_or_default().to_string()).collect())
        .unwrap_or_default()
}

/// Both engines' typing as a Markdown table.
pub fn typing_table(ours: &Typing, fts5: &Typing) -> String {
    let mut s = format!(
        "| completion | procedures | median characters | within 10 | within 20 | not within {TYPED_AT_MOST} |\n"
    );
    s.push_str("| --- | --- | --- | --- | --- | --- |\n");
    for (name, t) in [("ours", ours), ("FTS5", fts5)] {
        s.push_str(&format!(
            "| {name} | {} | {:.1} | {:.3} | {:.3} | {:.3} |\n",
            t.procedures, t.median, t.within_10, t.within_20, t.never
        ));
    }
    s
}

/// Evaluates every judged query with both engines; returns (ours, baseline) per query type
/// and overall ("all").
pub fn evaluate(server: &Server, baseline: &Fts5Baseline, judged: &[Judged]) -> Vec<(String, Metrics, Metrics)> {
    let mut by_type: HashMap<String, (Vec<Metrics>, Vec<Metrics>)> = HashMap::new();
    for j in judged {
        let a = score(j, &ours(server, &j.q));
        let b = score(j, &baseline.search(&j.q));
        for key in [j.kind.clone(), "all".to_string()] {
            let e = by_type.entry(key).or_default();
            e.0.push(a);
            e.1.push(b);
        }
        if j.kind == "accented" {
            // The same need typed without marks, to compare with its accented form.
            let bare = motcua_search::normalize::fold(&j.q);
            let e = by_type.entry("accented, typed without marks".to_string()).or_default();
            e.0.push(score(j, &ours(server, &bare)));
            e.1.push(score(j, &baseline.search(&bare)));
        }
    }
    let mut out: Vec<(String, Metrics, Metrics)> =
        by_type.into_iter().map(|(k, (a, b))| (k, mean(&a), mean(&b))).collect();
    out.sort_by(|a, b| (a.0 == "all").cmp(&(b.0 == "all")).then(a.0.cmp(&b.0)));
    out
}

/// One query's outcome: (query, type, our nDCG, FTS5 nDCG, our top 5, grade-3 codes).
pub type QueryDetail = (String, String, f64, f64, Vec<String>, Vec<String>);

/// Per-query detail, worst first.
pub fn details(server: &Server, baseline: &Fts5Baseline, judged: &[Judged]) -> Vec<QueryDetail> {
    let mut out: Vec<_> = judged
        .iter()
        .map(|j| {
            let ranked = ours(server, &j.q);
            let a = score(j, &ranked).ndcg;
            let b = score(j, &baseline.search(&j.q)).ndcg;
            let best: Vec<String> = j.relevant.iter().filter(|(_, g)| **g == 3).map(|(c, _)| c.clone()).collect();
            (j.q.clone(), j.kind.clone(), a, b, ranked.into_iter().take(5).collect(), best)
        })
        .collect();
    out.sort_by(|a, b| a.2.total_cmp(&b.2));
    out
}

/// The evaluation as a Markdown table.
pub fn table(rows: &[(String, Metrics, Metrics)]) -> String {
    let mut s = String::from(
        "| queries | n | Recall@10 ours | FTS5 | MRR@10 ours | FTS5 | nDCG@10 ours | FTS5 |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n",
    );
    for (k, a, b) in rows {
        s.push_str(&format!(
            "| {k} | {} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} | {:.3} |\n",
            a.queries, a.recall, b.recall, a.mrr, b.mrr, a.ndcg, b.ndcg
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typing_counts_characters_until_the_procedure_is_offered() {
        let procedures = [
            ("a".to_string(), "Đăng ký khai sinh".to_string()),
            ("b".to_string(), "Cấp, cấp lại thẻ".to_string()),
            ("c".to_string(), "Gia hạn".to_string()),
        ];
        // "a" once its second word starts, "b" once "cap c" is typed, "c" never.
        let typed = std::cell::RefCell::new(Vec::new());
        let t = typing(&procedures, |prefix| {
            typed.borrow_mut().push(prefix.to_string());
            match prefix {
                "dang k" => vec!["x".into(), "a".into()],
                "cap c" => vec!["b".into()],
                "gia" => vec!["x".into(); OFFERED].into_iter().chain(["c".into()]).collect(),
                _ => Vec::new(),
            }
        });
        assert_eq!(t.procedures, 3);
        assert_eq!(t.median, 6.0, "5, 6 and never");
        assert!((t.within_10 - 2.0 / 3.0).abs() < 1e-9 && (t.never - 1.0 / 3.0).abs() < 1e-9, "{t:?}");
        let typed = typed.into_inner();
        assert!(typed.contains(&"cap c".to_string()), "typed without marks or commas: {typed:?}");
        assert!(!typed.iter().any(|p| p.ends_with(' ')), "a space is not a prefix of its own");
    }

    #[test]
    fn perfect_and_empty_rankings() {
        let j = Judged { q: "x".into(), kind: "t".into(), relevant: HashMap::from([("a".into(), 3), ("b".into(), 1)]) };
        let perfect = score(&j, &["a".into(), "b".into()]);
        assert!((perfect.ndcg - 1.0).abs() < 1e-9 && perfect.recall == 1.0 && perfect.mrr == 1.0);
        let none = score(&j, &["z".into()]);
        assert_eq!((none.ndcg, none.recall, none.mrr), (0.0, 0.0, 0.0));
        let swapped = score(&j, &["b".into(), "a".into()]);
        assert!(swapped.ndcg < 1.0 && swapped.mrr == 1.0);
    }

    /// The synonym list's promise (its header): every administrative phrase it maps to is
    /// wording of the national procedure data, so a rewrite always has something to find.
    #[test]
    fn every_administrative_phrase_occurs_in_the_procedures() {
        let Some(data) = crate::shared_data() else {
            eprintln!("SKIPPED every_administrative_phrase_occurs_in_the_procedures: ../shared/data is absent");
            return;
        };
        let mut folded = motcua_search::analysis::folded_analyzer();
        let mut fold = |text: &str| format!(" {}", motcua_search::analysis::tokens(&mut folded, text).join(" "));
        let mut corpus = String::new();
        for record in procedure_records(&data.join("procedures.jsonl.gz")) {
            let serde_json::Value::Object(record) = record else { continue };
            for text in record.values().filter_map(|v| v.as_str()) {
                corpus.push_str(&fold(text));
                corpus.push_str(" |");
            }
        }
        let list = Path::new(env!("CARGO_MANIFEST_DIR")).join("../search-index/data/synonyms.tsv");
        let list = std::fs::read_to_string(&list).expect("synonyms.tsv");
        let missing: Vec<&str> = list
            .lines()
            .filter(|l| !l.starts_with('#'))
            .filter_map(|l| l.split('\t').nth(1))
            // A leading word boundary only: the export glues some words to the next field.
            .filter(|phrase| !corpus.contains(&fold(phrase)))
            .collect();
        assert!(missing.is_empty(), "administrative phrases in no procedure: {missing:?}");
    }

    #[test]
    fn the_second_assessors_judgments_pair_with_judged_queries() {
        let pairs = second_assessor();
        assert!(pairs.len() >= 50, "{} queries judged twice", pairs.len());
        for (first, second) in &pairs {
            assert_eq!(first.kind, second.kind, "{}", first.q);
            assert!(second.relevant.values().any(|g| *g == 3), "{}: no grade-3 procedure", second.q);
            assert!(second.relevant.len() <= 10, "{}: more than a page", second.q);
            // An assessor's own best page is perfect by their own judgments.
            let own = score(second, &ideal_order(second));
            assert!(own.recall == 1.0 && (own.ndcg - 1.0).abs() < 1e-9, "{}", second.q);
        }
    }

    #[test]
    fn judged_sets_are_well_formed() {
        let all = queries();
        assert!(all.len() >= 150, "{} judged queries", all.len());
        let held_out: Vec<Judged> = SETS.iter().filter(|s| s.held_out).flat_map(QuerySet::queries).collect();
        assert!(held_out.len() >= 180, "{} held-out queries", held_out.len());
        let training: Vec<Judged> = SETS.iter().filter(|s| s.name == "training").flat_map(QuerySet::queries).collect();
        assert!(training.len() >= 100, "{} training queries", training.len());
        for j in all.iter().chain(&training).chain(&held_out) {
            assert!(j.relevant.values().any(|g| *g == 3), "{}: no grade-3 procedure", j.q);
            assert!(j.relevant.values().all(|g| (1..=3).contains(g)), "{}: grades 1–3", j.q);
        }
    }
}
