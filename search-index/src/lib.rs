//! Vietnamese text analysis and the full-text index of Một Cửa.
//!
//! This crate owns everything between "a citizen typed some words" and "these documents match,
//! in this order": how Vietnamese text is normalised ([`normalize`]), cut into tokens
//! ([`analysis`]), laid out in fields ([`schema`]), queried ([`query`]), evaluated at a cost
//! bounded by the page rather than the corpus (`execute`), its first procedures re-ranked by
//! a learned model ([`rerank`]) and collected into hits, snippets and facets ([`collect`]),
//! and how it helps while typing (completions, "did you mean"). It knows nothing of HTTP or
//! SQL: callers hand it [`IndexDocument`]s and [`SearchRequest`]s.
//!
//! ```text
//! "Đăng ký khai sinh"  --vi_exact-->  [đăng] [ký] [khai] [sinh]
//!                      --vi_folded--> [dang] [ky] [khai] [sinh]
//! ```

pub mod analysis;
pub mod collect;
mod document;
mod error;
mod excerpt;
mod execute;
mod index;
pub mod normalize;
pub mod query;
pub mod rerank;
pub mod schema;
mod suggest;

pub use collect::{FacetCount, Facets, SearchHit, SearchResults};
pub use document::{Companion, IndexDocument};
pub use error::SearchError;
pub use execute::SearchBudget;
pub use index::{IndexBatch, SearchIndex};
pub use query::{Facet, SearchRequest};
pub use suggest::Completion;
