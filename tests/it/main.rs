//! One end-to-end test binary (one link step, shared helpers): the real `motcua` binary,
//! real SQLite and PostgreSQL, real HTTP.

mod browser;
mod crawl;
mod hub;
mod identity;
mod import;
mod pages;
mod push_api;
mod relevance;
mod search_api;
mod search_features;
mod staff;
