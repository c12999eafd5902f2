//! What the `motcua` binary shares with the tools beside it: the curated search lists and
//! the ranking labels of procedures, so that the search benchmark indexes procedures with
//! exactly the keywords, companions and labels the server gives them, rather than with a
//! copy that drifts.

pub mod curated;
pub mod ranking;
