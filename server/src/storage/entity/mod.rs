//! One sea-orm entity per table.

pub mod agency;
pub mod best_bet;
pub mod change_log;
pub mod crawl_item;
pub mod document;
pub mod legacy_redirect;
pub mod procedure_details;
pub mod source;
