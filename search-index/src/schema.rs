//! Which fields exist in the index and how each is analysed.
//!
//! Titles are indexed three ways: folded (marks removed, so unaccented queries find
//! everything), exact (marks kept, for accent-aware ranking) and as syllable pairs, each
//! without the long parenthesised lists of cases some titles carry (indexed apart, so they
//! do not lengthen the title and lower its matches: judged nDCG@10 0.823 → 0.824, held-out
//! 0.717 → 0.727). Body text is indexed folded and as pairs only: an exact body field cost
//! a quarter of the indexing time and moved no judged query (accent-aware ranking happens
//! in titles). Only the folded title keeps positions (title phrases): body positions served
//! only a body-phrase bonus that moved no judged query once body pairs existed, and cost
//! indexing time and space. Body pairs are kept for procedures only; announcements and pages
//! get them for their lead: news bodies hold so many distinct pairs that their pairs took
//! over half of indexing. Editors' search keywords have a field of their own. The folded
//! body field stores the original text, which snippets highlight; the title as published is
//! stored apart (`title_text`).

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

use crate::analysis::{VI_EXACT, VI_FOLDED, VI_PAIRS};

/// Handles to every field, resolved once.
#[derive(Clone, Copy, Debug)]
pub struct Fields {
    /// Database id of the document; the key for updates and deletes.
    pub id: Field,
    /// "procedure", "announcement" or "page".
    pub kind: Field,
    /// Agency slug, for filtering and facets.
    pub agency: Field,
    /// Agency display name, stored for result lists.
    pub agency_name: Field,
    /// The title as published, stored for result lists and highlighting.
    pub title_text: Field,
    /// Title without its long parenthesised asides, folded, with positions (title phrases).
    pub title: Field,
    /// Title, exact (no positions: only single syllables are scored on it).
    pub title_exact: Field,
    /// Title as folded syllable pairs: compound words and two-syllable phrases.
    pub title_pairs: Field,
    /// A title's long parenthesised lists of cases (more than eight words), folded: title
    /// words, scored below the title proper and without lengthening it.
    pub title_asides: Field,
    /// Search keywords an editor gave the document, folded: scored above title words, so
    /// the words citizens use find it without lengthening or changing its title. Stored
    /// (never shown) for the re-ranker, which weighs how many query words they hold.
    pub keywords: Field,
    /// Titles of the procedures this one goes with, folded: they let it match, never score.
    pub companion_of: Field,
    /// Codes of the procedures this one goes with, raw and stored: a hit among them raises
    /// it to just below that hit.
    pub companion_of_codes: Field,
    /// Each code's place in that procedure's list of companions, in the order of
    /// `companion_of_codes`, stored only: the raise orders companions by it.
    pub companion_places: Field,
    /// The whole folded title as one term: an exact-title query jumps to the top; also the
    /// alphabetical sort key when browsing.
    pub title_key: Field,
    /// Summary and body, folded; stores the original text for snippets.
    pub content: Field,
    /// Folded syllable pairs of a procedure's summary and body, and of the lead of anything
    /// else (pairs of news bodies were most of the indexing time).
    pub content_pairs: Field,
    /// Legal document numbers quoted in title or text ("12/2023/nd-cp"), raw; a number in
    /// the title is also indexed as "title:" + number, so the document that *is* the
    /// number ranks above those citing it.
    pub numbers: Field,
    /// Procedure code such as "1.001193", lowercased, as one term.
    pub code: Field,
    /// Path of the document on the portal.
    pub url: Field,
    /// Year of publication, for facets.
    pub year: Field,
    /// Levels that carry the document out or published it ("commune", "province",
    /// "ministry", "other"), for facets.
    pub level: Field,
    /// Field of administration (lĩnh vực, e.g. "Hộ tịch"), for facets.
    pub topic: Field,
    /// Publication time (Unix seconds), for newest-first browsing.
    pub published: Field,
    /// Labels that shift ranking priors, such as "citizen" (a procedure citizens use) and
    /// "local" (carried out by a province or commune, where citizens go).
    pub tags: Field,
}

impl Fields {
    /// The field a facet counts and filters on.
    pub fn of_facet(&self, facet: crate::query::Facet) -> Field {
        use crate::query::Facet;
        match facet {
            Facet::Kind => self.kind,
            Facet::Agency => self.agency,
            Facet::Level => self.level,
            Facet::Topic => self.topic,
            Facet::Year => self.year,
        }
    }
}

/// Builds the schema and returns it with its field handles.
pub fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let text = |analyzer: &str, stored: bool, positions: bool| {
        let record = if positions { IndexRecordOption::WithFreqsAndPositions } else { IndexRecordOption::WithFreqs };
        let indexing = TextFieldIndexing::default().set_tokenizer(analyzer).set_index_option(record);
        let options = TextOptions::default().set_indexing_options(indexing);
        if stored { options.set_stored() } else { options }
    };
    let fields = Fields {
        id: b.add_i64_field("id", INDEXED | STORED | FAST),
        kind: b.add_text_field("kind", STRING | STORED | FAST),
        agency: b.add_text_field("agency", STRING | STORED | FAST),
        agency_name: b.add_text_field("agency_name", STORED),
        title_text: b.add_text_field("title_text", STORED),
        title: b.add_text_field("title", text(VI_FOLDED, false, true)),
        title_exact: b.add_text_field("title_exact", text(VI_EXACT, false, false)),
        title_pairs: b.add_text_field("title_pairs", text(VI_PAIRS, false, false)),
        title_asides: b.add_text_field("title_asides", text(VI_FOLDED, false, false)),
        keywords: b.add_text_field("keywords", text(VI_FOLDED, true, false)),
        companion_of: b.add_text_field("companion_of", text(VI_FOLDED, false, false)),
        companion_of_codes: b.add_text_field("companion_of_codes", STRING | STORED),
        title_key: b.add_text_field("title_key", STRING | FAST),
        content: b.add_text_field("content", text(VI_FOLDED, true, false)),
        content_pairs: b.add_text_field("content_pairs", text(VI_PAIRS, false, false)),
        numbers: b.add_text_field("numbers", STRING),
        code: b.add_text_field("code", STRING | STORED),
        url: b.add_text_field("url", STORED),
        year: b.add_i64_field("year", INDEXED | FAST),
        level: b.add_text_field("level", STRING | FAST),
        topic: b.add_text_field("topic", STRING | STORED | FAST),
        published: b.add_i64_field("published", FAST),
        tags: b.add_text_field("tags", STRING),
        // Added last, so the fields before it keep their ids.
        companion_places: b.add_u64_field("companion_places", STORED),
    };
    (b.build(), fields)
}

/// The `title_key` term of a title or query: folded syllables joined by single spaces.
pub fn title_key(text: &str) -> String {
    let mut analyzer = crate::analysis::folded_analyzer();
    crate::analysis::tokens(&mut analyzer, text).join(" ")
}
