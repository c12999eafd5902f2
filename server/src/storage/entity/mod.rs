//! One sea-orm entity per table.

pub mod account;
pub mod agency;
pub mod best_bet;
pub mod change_log;
pub mod crawl_item;
pub mod document;
pub mod legacy_redirect;
pub mod login_attempt;
pub mod procedure_details;
pub mod session;
pub mod source;
pub mod used_logout_token;
