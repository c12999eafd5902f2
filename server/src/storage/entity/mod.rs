//! One sea-orm entity per table.

#[allow(dead_code)] // the login flow (issue 5) is not wired in yet
pub mod account;
pub mod agency;
pub mod best_bet;
pub mod change_log;
pub mod crawl_item;
pub mod document;
pub mod legacy_redirect;
#[allow(dead_code)] // the login flow (issue 5) is not wired in yet
pub mod login_attempt;
pub mod procedure_details;
#[allow(dead_code)] // the login flow (issue 5) is not wired in yet
pub mod session;
pub mod source;
#[allow(dead_code)] // the login flow (issue 5) is not wired in yet
pub mod used_logout_token;
