//! `login_attempts`: a sign-in sent to a provider and not yet back, keyed by its `state`;
//! taken exactly once by the callback, so a replayed callback finds nothing.

use sea_orm::entity::prelude::*;

/// A login attempt row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "login_attempts")]
pub struct Model {
    /// The `state` sent to the provider.
    #[sea_orm(primary_key, auto_increment = false)]
    pub state: String,
    /// The configured provider.
    pub provider_id: String,
    /// The `nonce` the ID token must carry.
    pub nonce: String,
    /// The PKCE verifier of the code challenge sent.
    pub pkce_verifier: String,
    /// Portal path to return to after signing in.
    #[sea_orm(column_type = "Text")]
    pub return_to: String,
    /// When it was sent; old attempts are refused and swept.
    pub created_at: DateTimeUtc,
}

/// Relations of `login_attempts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
