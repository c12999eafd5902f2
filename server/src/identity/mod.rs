//! Signing citizens in through login providers plugged in by configuration: the portal is
//! the relying party of a national login (VNeID-like) or of any OpenID provider.
//!
//! `discovery.rs` reads what a provider offers; `check.rs` compares it with what the
//! configuration needs, for an identity team before go-live.

pub mod back_channel;
pub mod check;
pub mod client_key;
pub mod discovery;
pub mod encryption;
pub mod jws;
pub mod relying_party;
pub mod signing_key;
