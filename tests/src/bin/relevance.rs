//! Prints Recall@10, MRR@10 and nDCG@10 of our engine and of an SQLite FTS5 baseline over the
//! judged queries, per query type, in one run on the same 2,642 procedures.
//!
//! `cargo run --release -p motcua-tests --bin relevance [-- --details] [--training | --held-out | … | --held-out-5 | --second-assessor]`
//! (needs `../shared/data`); `--details` adds every query, worst first; `--training` scores
//! the training set (`tests/relevance/training.jsonl`) and `--held-out` … `--held-out-5`
//! the held-out sets (`heldout.jsonl` … `heldout5.jsonl`) instead of the judged one;
//! `--second-assessor` scores the queries two assessors judged (`second_assessor.jsonl`)
//! by each of them. A second table types the names of the procedures answering the set's
//! queries into both engines' autocomplete ([`motcua_tests::relevance::typing`]).

use motcua_tests::relevance::{Fts5Baseline, SETS, agreement, details, evaluate, evaluate_typing, table, typing_table};
use motcua_tests::{Database, Site, shared_data};

fn main() {
    let Some(data) = shared_data() else {
        eprintln!("../shared/data is absent: the judged queries are over the full procedure export");
        std::process::exit(2);
    };
    let file = data.join("procedures.jsonl.gz");
    let site = Site::new(Database::Sqlite);
    let out = site.import_procedures(&file);
    assert!(out.status.success(), "import failed");
    let server = site.serve(&[]).expect("serve");
    let baseline = Fts5Baseline::load(&file);
    let asked = |flag: &str| std::env::args().any(|a| a == flag);
    if asked("--second-assessor") {
        print!("{}", agreement(&server, &baseline));
        return;
    }
    let set = SETS[1..].iter().find(|s| asked(s.flag)).unwrap_or(&SETS[0]);
    let judged = set.queries();
    print!("{}", table(&evaluate(&server, &baseline, &judged)));
    let (ours, fts5) = evaluate_typing(&server, &baseline, &judged);
    print!("\n{}", typing_table(&ours, &fts5));
    if asked("--details") {
        println!("\nPer query, worst first: nDCG ours / FTS5, our top 5, the grade-3 codes");
        for (q, kind, a, b, top, best) in details(&server, &baseline, &judged) {
            println!("{a:.2} / {b:.2}  [{kind}] {q:?}  top {top:?}  want {best:?}");
        }
    }
}
