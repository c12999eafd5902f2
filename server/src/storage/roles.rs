//! Staff roles: administrator, publisher and editor, each granted for an agency and reaching
//! its sub-agencies (a province's editor may edit for its communes; a commune's editor for
//! that commune only).

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, Set};

use super::StorageError;
use super::entity::{agency, staff_role};

/// What a staff member may do, from least to most.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// Drafts content.
    Editor,
    /// Drafts and publishes.
    Publisher,
    /// Publishes and grants roles.
    Administrator,
}

impl Role {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            Role::Editor => "editor",
            Role::Publisher => "publisher",
            Role::Administrator => "administrator",
        }
    }

    /// From the stored name.
    pub fn parse(name: &str) -> Option<Role> {
        Some(match name {
            "editor" => Role::Editor,
            "publisher" => Role::Publisher,
            "administrator" => Role::Administrator,
            _ => return None,
        })
    }
}

/// Grants a role; granting one already held changes nothing. True when it was new.
pub async fn grant(
    db: &impl ConnectionTrait,
    account_id: i32,
    agency_id: i32,
    role: Role,
    granted_by: &str,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    let inserted = staff_role::Entity::insert(staff_role::ActiveModel {
        account_id: Set(account_id),
        agency_id: Set(agency_id),
        role: Set(role.name().to_string()),
        granted_by: Set(granted_by.to_string()),
        granted_at: Set(now),
        ..Default::default()
    })
    .on_conflict(
        OnConflict::columns([staff_role::Column::AccountId, staff_role::Column::AgencyId, staff_role::Column::Role])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Revokes a role; true when it was held.
pub async fn revoke(
    db: &impl ConnectionTrait,
    account_id: i32,
    agency_id: i32,
    role: Role,
) -> Result<bool, StorageError> {
    let deleted = staff_role::Entity::delete_many()
        .filter(staff_role::Column::AccountId.eq(account_id))
        .filter(staff_role::Column::AgencyId.eq(agency_id))
        .filter(staff_role::Column::Role.eq(role.name()))
        .exec(db)
        .await?;
    Ok(deleted.rows_affected == 1)
}

/// Every grant, with its agency, by account then agency.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<(staff_role::Model, Option<agency::Model>)>, StorageError> {
    let grants = staff_role::Entity::find()
        .order_by_asc(staff_role::Column::AccountId)
        .order_by_asc(staff_role::Column::AgencyId)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(grants.len());
    for g in grants {
        let a = agency::Entity::find_by_id(g.agency_id).one(db).await?;
        out.push((g, a));
    }
    Ok(out)
}

/// The agencies an account holds at least `at_least` for, and their sub-agencies (one level
/// down: a province's communes), by name.
pub async fn agencies_of(
    db: &impl ConnectionTrait,
    account_id: i32,
    at_least: Role,
) -> Result<Vec<agency::Model>, StorageError> {
    let direct: Vec<i32> = staff_role::Entity::find()
        .filter(staff_role::Column::AccountId.eq(account_id))
        .all(db)
        .await?
        .into_iter()
        .filter(|g| Role::parse(&g.role).is_some_and(|r| r >= at_least))
        .map(|g| g.agency_id)
        .collect();
    if direct.is_empty() {
        return Ok(Vec::new());
    }
    Ok(agency::Entity::find()
        .filter(agency::Column::Id.is_in(direct.clone()).or(agency::Column::ParentId.is_in(direct)))
        .order_by_asc(agency::Column::Name)
        .all(db)
        .await?)
}

/// The grants for these agencies.
pub async fn grants_for(db: &impl ConnectionTrait, agency_ids: &[i32]) -> Result<Vec<staff_role::Model>, StorageError> {
    Ok(staff_role::Entity::find()
        .filter(staff_role::Column::AgencyId.is_in(agency_ids.to_vec()))
        .order_by_asc(staff_role::Column::AgencyId)
        .order_by_asc(staff_role::Column::AccountId)
        .all(db)
        .await?)
}

/// A grant by id.
pub async fn grant_by_id(db: &impl ConnectionTrait, id: i32) -> Result<Option<staff_role::Model>, StorageError> {
    Ok(staff_role::Entity::find_by_id(id).one(db).await?)
}

/// What an account administers, from one read of its grants.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Administration {
    /// Some agency: the roles page is theirs.
    pub any: bool,
    /// A top-level agency (a province, a ministry): the whole audit log, best bets, search
    /// keywords and companion lists are theirs.
    pub top_level: bool,
}

/// What the account administers.
pub async fn administration(db: &impl ConnectionTrait, account_id: i32) -> Result<Administration, StorageError> {
    let mut found = Administration::default();
    for g in staff_role::Entity::find().filter(staff_role::Column::AccountId.eq(account_id)).all(db).await? {
        if Role::parse(&g.role) != Some(Role::Administrator) {
            continue;
        }
        found.any = true;
        if agency::Entity::find_by_id(g.agency_id).one(db).await?.is_some_and(|a| a.parent_id.is_none()) {
            found.top_level = true;
            break;
        }
    }
    Ok(found)
}

/// Whether the account administers a top-level agency (a province, a ministry): they read the
/// whole audit log.
pub async fn administers_top_level(db: &impl ConnectionTrait, account_id: i32) -> Result<bool, StorageError> {
    Ok(administration(db, account_id).await?.top_level)
}

/// Whether the account holds at least `needed` for this agency, directly or through one of
/// its parent agencies. Checked in every handler that changes content, not only in the UI.
pub async fn allows(
    db: &impl ConnectionTrait,
    account_id: i32,
    agency_id: i32,
    needed: Role,
) -> Result<bool, StorageError> {
    let held: Vec<staff_role::Model> =
        staff_role::Entity::find().filter(staff_role::Column::AccountId.eq(account_id)).all(db).await?;
    let strong_enough: Vec<i32> =
        held.iter().filter(|g| Role::parse(&g.role).is_some_and(|r| r >= needed)).map(|g| g.agency_id).collect();
    if strong_enough.is_empty() {
        return Ok(false);
    }
    // Up the agency tree (bounded, in case of a cycle in bad data).
    let mut current = Some(agency_id);
    for _ in 0..16 {
        let Some(id) = current else { break };
        if strong_enough.contains(&id) {
            return Ok(true);
        }
        current = agency::Entity::find_by_id(id).one(db).await?.and_then(|a| a.parent_id);
    }
    Ok(false)
}

#[cfg(test)]
mod tests {
    use motcua_app::domain::AgencyLevel;

    use super::*;
    use crate::storage::agencies::{AgencyInput, ensure};
    use crate::storage::identity::{Profile, sign_in_account};

    #[tokio::test]
    async fn a_role_reaches_sub_agencies_and_not_siblings_or_parents() {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = crate::storage::connect(&format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display()))
            .await
            .expect("connect");
        let now = Utc::now();
        let agency = |slug: &str, level, parent_id| AgencyInput {
            slug: slug.into(),
            name: slug.into(),
            level,
            parent_id,
            admin_code: None,
            website: None,
        };
        let hue = ensure(&db, &agency("thanh-pho-hue", AgencyLevel::Province, None), now).await.expect("province");
        let thuan_an =
            ensure(&db, &agency("thuan-an-hue", AgencyLevel::Commune, Some(hue)), now).await.expect("commune");
        let huong_tra =
            ensure(&db, &agency("huong-tra-hue", AgencyLevel::Commune, Some(hue)), now).await.expect("commune");
        let editor =
            sign_in_account(&db, "https://sso", "editor-1", "vneid", &Profile::default(), now).await.expect("account");
        let province_admin =
            sign_in_account(&db, "https://sso", "admin-1", "vneid", &Profile::default(), now).await.expect("account");

        assert!(grant(&db, editor.id, thuan_an, Role::Editor, "cli", now).await.expect("grant"));
        assert!(!grant(&db, editor.id, thuan_an, Role::Editor, "cli", now).await.expect("again"), "idempotent");
        assert!(grant(&db, province_admin.id, hue, Role::Administrator, "cli", now).await.expect("grant"));

        assert!(allows(&db, editor.id, thuan_an, Role::Editor).await.expect("check"));
        assert!(!allows(&db, editor.id, thuan_an, Role::Publisher).await.expect("check"), "an editor cannot publish");
        assert!(!allows(&db, editor.id, huong_tra, Role::Editor).await.expect("check"), "not a sibling commune");
        assert!(!allows(&db, editor.id, hue, Role::Editor).await.expect("check"), "not the province");
        for commune in [thuan_an, huong_tra, hue] {
            assert!(allows(&db, province_admin.id, commune, Role::Publisher).await.expect("check"), "down the tree");
        }
        assert!(revoke(&db, editor.id, thuan_an, Role::Editor).await.expect("revoke"));
        assert!(!allows(&db, editor.id, thuan_an, Role::Editor).await.expect("check"));
        assert_eq!(list(&db).await.expect("list").len(), 1);
    }
}
