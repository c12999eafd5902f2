//! Relevance floors on the judged and held-out queries (`tests/relevance/`) over the 2,642
//! real procedures; the figures themselves come from `--bin relevance` (BENCHMARKS.md).

use motcua_tests::relevance::{Fts5Baseline, evaluate, held_out, queries, table};
use motcua_tests::{Database, Site, shared_data};

/// Floors a change must not fall below (set a little under the measured figures).
const NDCG_FLOOR: f64 = 0.81;
const RECALL_FLOOR: f64 = 0.79;
/// The held-out set's floors (it is harder: more everyday questions).
const HELD_OUT_NDCG_FLOOR: f64 = 0.70;
const HELD_OUT_RECALL_FLOOR: f64 = 0.72;

#[test]
fn judged_queries_meet_the_floors_and_beat_fts5() {
    let Some(data) = shared_data() else {
        eprintln!("SKIPPED judged_queries_meet_the_floors_and_beat_fts5: ../shared/data is absent");
        return;
    };
    let file = data.join("procedures.jsonl.gz");
    let site = Site::new(Database::Sqlite);
    assert!(site.import_procedures(&file).status.success());
    let server = site.serve(&[]).expect("serve");
    let baseline = Fts5Baseline::load(&file);
    let rows = evaluate(&server, &baseline, &queries());
    eprintln!("{}", table(&rows));
    let (_, ours, fts5) = rows.iter().find(|r| r.0 == "all").expect("overall row");
    assert!(ours.ndcg >= NDCG_FLOOR, "nDCG@10 {:.3} below {NDCG_FLOOR}", ours.ndcg);
    assert!(ours.recall >= RECALL_FLOOR, "Recall@10 {:.3} below {RECALL_FLOOR}", ours.recall);
    assert!(ours.ndcg > fts5.ndcg, "ours {:.3} vs FTS5 {:.3}", ours.ndcg, fts5.ndcg);

    let rows = evaluate(&server, &baseline, &held_out());
    eprintln!("held out:\n{}", table(&rows));
    let (_, ours, fts5) = rows.iter().find(|r| r.0 == "all").expect("overall row");
    assert!(ours.ndcg >= HELD_OUT_NDCG_FLOOR, "held-out nDCG@10 {:.3} below {HELD_OUT_NDCG_FLOOR}", ours.ndcg);
    assert!(ours.recall >= HELD_OUT_RECALL_FLOOR, "held-out Recall@10 {:.3} below {HELD_OUT_RECALL_FLOOR}", ours.recall);
    assert!(ours.ndcg > fts5.ndcg, "held out: ours {:.3} vs FTS5 {:.3}", ours.ndcg, fts5.ndcg);
}
