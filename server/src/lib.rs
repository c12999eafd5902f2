//! What the `motcua` binary shares with the tools beside it: the curated search lists, so that
//! the search benchmark indexes procedures with exactly the keywords and companions the
//! server gives them, rather than with a copy that drifts.

pub mod curated;
