//! Relevance floors on the judged and held-out queries (`tests/relevance/`) over the 2,642
//! real procedures, and the autocomplete's on the judged queries' answers; the figures
//! themselves come from `--bin relevance` (BENCHMARKS.md).

use motcua_tests::relevance::{Fts5Baseline, SETS, evaluate, evaluate_typing, table, typing_table};
use motcua_tests::{Database, Site, shared_data};

/// Floors a change must not fall below, per query set: (name, nDCG@10, Recall@10), set a
/// little under the measured figures. The held-out sets are harder: more everyday questions.
const FLOORS: [(&str, f64, f64); 7] = [
    ("judged", 0.92, 0.935),
    ("training", 0.865, 0.915),
    ("held-out", 0.87, 0.92),
    ("held-out 2", 0.89, 0.93),
    ("held-out 3", 0.89, 0.945),
    ("held-out 4", 0.905, 0.93),
    ("held-out 5", 0.90, 0.91),
];

/// Floors of the autocomplete over the names of the judged queries' answers, typed without
/// marks: the share offered within 10 characters, and the share never offered within 40
/// (measured 0.800 and 0; BENCHMARKS.md, session 24).
const TYPING_FLOORS: (f64, f64) = (0.75, 0.02);

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
    assert_eq!(FLOORS.map(|f| f.0), SETS.map(|s| s.name), "a floor for every query set");
    for ((set, ndcg_floor, recall_floor), query_set) in FLOORS.into_iter().zip(SETS) {
        let rows = evaluate(&server, &baseline, &query_set.queries());
        eprintln!("{set}:\n{}", table(&rows));
        let (_, ours, fts5) = rows.iter().find(|r| r.0 == "all").expect("overall row");
        assert!(ours.ndcg >= ndcg_floor, "{set}: nDCG@10 {:.3} below {ndcg_floor}", ours.ndcg);
        assert!(ours.recall >= recall_floor, "{set}: Recall@10 {:.3} below {recall_floor}", ours.recall);
        assert!(ours.ndcg > fts5.ndcg, "{set}: ours {:.3} vs FTS5 {:.3}", ours.ndcg, fts5.ndcg);
    }
    let (ours, fts5) = evaluate_typing(&server, &baseline, &SETS[0].queries());
    eprintln!("completion:\n{}", typing_table(&ours, &fts5));
    let (within_10, never) = TYPING_FLOORS;
    assert!(ours.within_10 >= within_10, "completion: {:.3} offered within 10 characters", ours.within_10);
    assert!(ours.never <= never, "completion: {:.3} never offered", ours.never);
    assert!(ours.median < fts5.median, "completion: median {} characters vs FTS5 {}", ours.median, fts5.median);
}
