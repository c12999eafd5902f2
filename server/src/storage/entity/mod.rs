//! One sea-orm entity per table.

pub mod account;
pub mod agency;
pub mod audit_entry;
pub mod best_bet;
pub mod change_log;
pub mod crawl_item;
pub mod document;
pub mod edition;
pub mod hub_code;
pub mod hub_consent;
pub mod hub_key;
pub mod hub_logout_delivery;
pub mod hub_pending;
pub mod hub_session_service;
pub mod hub_setting;
pub mod hub_token;
pub mod hub_used_assertion;
pub mod legacy_redirect;
pub mod login_attempt;
pub mod procedure_details;
pub mod publication;
pub mod service;
pub mod session;
pub mod source;
pub mod staff_role;
pub mod used_logout_token;
