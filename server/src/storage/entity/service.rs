//! `services`: department services registered as clients of the hub, from the config file
//! or `motcua services add`.

use sea_orm::entity::prelude::*;

/// A `services` row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "services")]
pub struct Model {
    /// OAuth client id.
    #[sea_orm(primary_key, auto_increment = false)]
    pub client_id: String,
    /// Name citizens see.
    pub name: String,
    /// Agency slug.
    pub agency: Option<String>,
    /// JSON array, matched exactly.
    #[sea_orm(column_type = "Text")]
    pub redirect_uris: String,
    /// JSON array, matched exactly.
    #[sea_orm(column_type = "Text")]
    pub post_logout_redirect_uris: String,
    /// `client_secret_basic`, `client_secret_post` or `private_key_jwt`.
    pub client_auth: String,
    /// `salt$sha256(salt+secret)`, hex.
    pub secret_hash: Option<String>,
    /// Inline JWK Set.
    #[sea_orm(column_type = "Text", nullable)]
    pub jwks: Option<String>,
    /// Where its JWK Set lives.
    pub jwks_uri: Option<String>,
    /// Space-separated scopes it may ask for.
    #[sea_orm(column_type = "Text")]
    pub scopes: String,
    /// Where logout tokens go.
    pub backchannel_logout_uri: Option<String>,
    /// Third-party-initiated login address.
    pub initiate_login_uri: Option<String>,
    /// Sector of its pairwise identifiers.
    pub sector: String,
    /// `pairwise` or `public`.
    pub subject_type: String,
    /// `ES256` or `RS256`.
    pub id_token_alg: String,
    /// Codes of the procedures it takes applications for, JSON array.
    #[sea_orm(column_type = "Text")]
    pub procedures: String,
    /// Where a citizen handed off from a procedure page lands.
    pub start_url: Option<String>,
    /// The assurance level it needs (the hub steps up to it).
    pub assurance_level: i32,
    /// `editor` or `publisher` for a machine client of the push API (its agency is `agency`).
    pub api_role: Option<String>,
    /// `config` or `cli`: config rows follow the file.
    pub source: String,
    /// When registered.
    pub created_at: DateTimeUtc,
    /// When last changed.
    pub updated_at: DateTimeUtc,
}

/// Relations of `services`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
