//! Agencies' staff: who may draft, publish and grant for which agency, and the audit trail of
//! what was done. The roles are checked by `storage::roles::allows`; the editor pages and the
//! push API build on them.

pub mod attachments;
pub mod commands;
pub mod publishing;
