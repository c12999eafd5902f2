//! Trains the weights of the search's learned re-ranking (`motcua_search::rerank`) on the
//! judged and training queries (`tests/relevance/queries.jsonl`, `training.jsonl`; the
//! held-out sets stay blind), and prints them as Rust for `search-index/src/rerank.rs`,
//! with a five-fold cross-validation beside the engine's order before re-ranking.
//!
//! `cargo run --release -p motcua-tests --bin train-ranker [-- --l2 X] [--dump DIR]` (needs
//! `../shared/data`). `--dump` also writes every set's hits with their signals to DIR.
//!
//! The index is the server's own: `motcua import procedures` then `motcua reindex` into a
//! temporary site, so the signals are those the server computes. The model is pairwise
//! logistic regression with an L2 penalty, fitted by Newton's method: fifteen weights need
//! no crate (a 15×15 solve per step), and the fit is exact and repeatable.

use anyhow::Context;
use motcua_search::rerank::{DEPTH, FEATURE_NAMES, FEATURES};
use motcua_search::{SearchHit, SearchIndex, SearchRequest};
use motcua_tests::relevance::{self, Judged, Metrics};
use motcua_tests::{Database, Site, shared_data};

/// The L2 penalty unless `--l2` says otherwise: of 0.5, 5, 50 and 500, the strongest with
/// the best five-fold Recall@10 on the judged set (BENCHMARKS.md, session 19).
const L2: f64 = 5.0;
/// Folds of the cross-validation; query i is in fold i mod FOLDS.
const FOLDS: usize = 5;

/// One judged query's first procedure hits: their signals and codes, in the engine's order
/// before re-ranking.
struct Query {
    judged: Judged,
    hits: Vec<([f64; FEATURES], String)>,
}

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let l2 = match args.iter().position(|a| a == "--l2") {
        Some(at) => args.get(at + 1).and_then(|v| v.parse::<f64>().ok()).context("--l2 needs a number")?,
        None => L2,
    };
    let dump = match args.iter().position(|a| a == "--dump") {
        Some(at) => Some(args.get(at + 1).context("--dump needs a directory")?.clone()),
        None => None,
    };
    let data = shared_data().context("../shared/data is absent: training needs the procedure export")?;
    let site = Site::new(Database::Sqlite);
    let imported = site.import_procedures(&data.join("procedures.jsonl.gz"));
    anyhow::ensure!(imported.status.success(), "import failed: {}", String::from_utf8_lossy(&imported.stderr));
    let reindexed = site.command().arg("reindex").output().context("run motcua reindex")?;
    anyhow::ensure!(reindexed.status.success(), "reindex failed: {}", String::from_utf8_lossy(&reindexed.stderr));
    let index = SearchIndex::open_or_create(&site.dir.path().join("index"))?;

    if let Some(dir) = &dump {
        write_hits(&index, std::path::Path::new(dir))?;
    }
    let mut queries = Vec::new();
    for judged in relevance::SETS.iter().filter(|s| !s.held_out).flat_map(|s| s.queries()) {
        let mut hits: Vec<([f64; FEATURES], String)> = procedure_hits(&index, &judged.q, DEPTH)?
            .into_iter()
            .filter_map(|h| {
                let signals = h.ranking_features?;
                let mut f = [0.0; FEATURES];
                for (to, from) in f.iter_mut().zip(signals) {
                    *to = f64::from(from);
                }
                Some((f, h.code?))
            })
            .collect();
        // The first signal is 1/(rank + 1): the order before re-ranking.
        hits.sort_by(|a, b| b.0[0].total_cmp(&a.0[0]));
        queries.push(Query { judged, hits });
    }

    let before = evaluate(&queries, None);
    let weights = fit(&queries.iter().collect::<Vec<_>>(), l2);
    let trained = evaluate(&queries, Some(&weights));
    let mut folds = Vec::new();
    for fold in 0..FOLDS {
        let in_fold = |i: usize| i % FOLDS == fold;
        let train: Vec<&Query> = queries.iter().enumerate().filter(|(i, _)| !in_fold(*i)).map(|(_, q)| q).collect();
        let w = fit(&train, l2);
        folds.extend(queries.iter().enumerate().filter(|(i, _)| in_fold(*i)).map(|(_, q)| metrics(q, Some(&w))));
    }
    let cross = relevance::mean(&folds);

    println!("{} judged and training queries, the first {DEPTH} procedure hits each; L2 {l2}.\n", queries.len());
    println!("| order | Recall@10 | MRR@10 | nDCG@10 |\n| --- | --- | --- | --- |");
    for (name, m) in
        [("before re-ranking", before), ("trained on all (in sample)", trained), ("five-fold cross-validation", cross)]
    {
        println!("| {name} | {:.3} | {:.3} | {:.3} |", m.recall, m.mrr, m.ndcg);
    }
    println!("\nconst WEIGHTS: [f32; FEATURES] = [");
    for (name, w) in FEATURE_NAMES.iter().zip(weights) {
        println!("    {w:.4}, // {name}");
    }
    println!("];");
    Ok(())
}

/// The first `limit` procedure hits of a query, each of the first [`DEPTH`] with its signals.
fn procedure_hits(index: &SearchIndex, q: &str, limit: usize) -> anyhow::Result<Vec<SearchHit>> {
    let request =
        SearchRequest { text: q.to_string(), kind: Some("procedure".into()), limit, ..SearchRequest::default() };
    Ok(index.search(&request)?.hits)
}

/// Writes, for every query set, each query's first 50 procedure hits with their scores and
/// signals (JSON lines, one file per set), for analysis outside Rust: trying a signal or a
/// model before writing it here. The held-out sets are written so that a trial can be
/// measured on them in aggregate; their failures are not to be read, nor trained on.
fn write_hits(index: &SearchIndex, dir: &std::path::Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("create {}", dir.display()))?;
    for set in relevance::SETS {
        let mut out = String::new();
        for judged in set.queries() {
            let hits: Vec<serde_json::Value> = procedure_hits(index, &judged.q, 50)?
                .into_iter()
                .map(|h| serde_json::json!({ "code": h.code, "score": h.score, "signals": h.ranking_features }))
                .collect();
            out.push_str(&serde_json::json!({ "q": judged.q, "relevant": judged.relevant, "hits": hits }).to_string());
            out.push('\n');
        }
        let file = dir.join(set.file);
        std::fs::write(&file, out).with_context(|| format!("write {}", file.display()))?;
    }
    Ok(())
}

fn evaluate(queries: &[Query], weights: Option<&[f64; FEATURES]>) -> Metrics {
    relevance::mean(&queries.iter().map(|q| metrics(q, weights)).collect::<Vec<_>>())
}

/// A query's metrics with its hits ordered by `weights` (none: the engine's order).
fn metrics(query: &Query, weights: Option<&[f64; FEATURES]>) -> Metrics {
    let mut order: Vec<(f64, &String)> =
        query.hits.iter().map(|(f, code)| (weights.map_or(0.0, |w| dot(w, f)), code)).collect();
    // Stable: on a tie (and without weights) the engine's order stands.
    order.sort_by(|a, b| b.0.total_cmp(&a.0));
    let ranked: Vec<String> = order.into_iter().map(|(_, code)| code.clone()).collect();
    relevance::score(&query.judged, &ranked)
}

fn dot(w: &[f64; FEATURES], f: &[f64; FEATURES]) -> f64 {
    w.iter().zip(f).map(|(a, b)| a * b).sum()
}

/// Pairwise logistic regression: for every hit judged more relevant than another of the
/// same query, the difference of their signals should score above zero. Minimises
/// Σ ln(1 + e^(−w·d)) + l2/2 ‖w‖² by Newton's method.
fn fit(queries: &[&Query], l2: f64) -> [f64; FEATURES] {
    let grade = |q: &Query, code: &str| q.judged.relevant.get(code).copied().unwrap_or(0);
    let mut pairs: Vec<[f64; FEATURES]> = Vec::new();
    for q in queries {
        for (a, code_a) in &q.hits {
            for (b, code_b) in &q.hits {
                if grade(q, code_a) > grade(q, code_b) {
                    pairs.push(std::array::from_fn(|i| a[i] - b[i]));
                }
            }
        }
    }
    let mut w = [0.0; FEATURES];
    for _ in 0..50 {
        let mut gradient: [f64; FEATURES] = std::array::from_fn(|i| l2 * w[i]);
        let mut hessian = [[0.0; FEATURES]; FEATURES];
        for (i, row) in hessian.iter_mut().enumerate() {
            row[i] = l2;
        }
        for d in &pairs {
            let p = 1.0 / (1.0 + dot(&w, d).exp()); // σ(−w·d)
            for i in 0..FEATURES {
                gradient[i] -= p * d[i];
                for j in 0..FEATURES {
                    hessian[i][j] += p * (1.0 - p) * d[i] * d[j];
                }
            }
        }
        let step = solve(hessian, gradient);
        for i in 0..FEATURES {
            w[i] -= step[i];
        }
        if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-9 {
            break;
        }
    }
    w
}

/// Solves `a x = b` by Gaussian elimination with partial pivoting (`a` is positive
/// definite here: the penalty keeps it so).
fn solve(mut a: [[f64; FEATURES]; FEATURES], mut b: [f64; FEATURES]) -> [f64; FEATURES] {
    for col in 0..FEATURES {
        let pivot = (col..FEATURES).max_by(|x, y| a[*x][col].abs().total_cmp(&a[*y][col].abs())).unwrap_or(col);
        a.swap(col, pivot);
        b.swap(col, pivot);
        let (above, below) = a.split_at_mut(col + 1);
        let pivot_row = &above[col];
        for (offset, row) in below.iter_mut().enumerate() {
            let factor = row[col] / pivot_row[col];
            for (cell, pivot_cell) in row.iter_mut().zip(pivot_row).skip(col) {
                *cell -= factor * pivot_cell;
            }
            b[col + 1 + offset] -= factor * b[col];
        }
    }
    let mut x = [0.0; FEATURES];
    for row in (0..FEATURES).rev() {
        let rest: f64 = (row + 1..FEATURES).map(|k| a[row][k] * x[k]).sum();
        x[row] = (b[row] - rest) / a[row][row];
    }
    x
}
