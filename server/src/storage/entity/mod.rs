//! One sea-orm entity per table.

pub mod agency;
pub mod change_log;
pub mod document;
pub mod procedure_details;
