//! Creating and updating agencies by slug.

use chrono::{DateTime, Utc};
use motcua_app::domain::AgencyLevel;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use super::StorageError;
use super::entity::agency;

/// What is known of an agency when it is first seen.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgencyInput {
    /// URL slug, the key.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Level.
    pub level: AgencyLevel,
    /// Parent agency id.
    pub parent_id: Option<i32>,
    /// Statistics-office code.
    pub admin_code: Option<String>,
    /// Website.
    pub website: Option<String>,
}

/// Returns the id of the agency with this slug, creating it or bringing its name, level,
/// parent and code up to date.
pub async fn ensure(db: &impl ConnectionTrait, input: &AgencyInput, now: DateTime<Utc>) -> Result<i32, StorageError> {
    let existing = agency::Entity::find().filter(agency::Column::Slug.eq(&input.slug)).one(db).await?;
    match existing {
        Some(row) => {
            let same = row.name == input.name
                && row.level == input.level.as_str()
                && row.parent_id == input.parent_id
                && row.admin_code == input.admin_code
                && (input.website.is_none() || row.website == input.website);
            if !same {
                let id = row.id;
                let mut active: agency::ActiveModel = row.into();
                active.name = Set(input.name.clone());
                active.level = Set(input.level.as_str().to_string());
                active.parent_id = Set(input.parent_id);
                active.admin_code = Set(input.admin_code.clone());
                if input.website.is_some() {
                    active.website = Set(input.website.clone());
                }
                active.update(db).await?;
                return Ok(id);
            }
            Ok(row.id)
        }
        None => {
            let row = agency::ActiveModel {
                slug: Set(input.slug.clone()),
                name: Set(input.name.clone()),
                level: Set(input.level.as_str().to_string()),
                parent_id: Set(input.parent_id),
                admin_code: Set(input.admin_code.clone()),
                former_names: Set("[]".into()),
                website: Set(input.website.clone()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(db)
            .await?;
            Ok(row.id)
        }
    }
}

/// The agency with this slug (the key pages, forms, the API and the command line name it by).
pub async fn by_slug(db: &impl ConnectionTrait, slug: &str) -> Result<Option<agency::Model>, StorageError> {
    Ok(agency::Entity::find().filter(agency::Column::Slug.eq(slug)).one(db).await?)
}

/// The display name of the agency with this slug.
pub async fn name_of(db: &impl ConnectionTrait, slug: &str) -> Result<Option<String>, StorageError> {
    Ok(by_slug(db, slug).await?.map(|a| a.name))
}
