//! Old addresses that must keep working: an explicit mapping an operator imports, and the
//! addresses the crawler found documents at, which need no mapping at all.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use url::Url;

use super::StorageError;
use super::entity::{document, legacy_redirect};

/// A line of a mapping file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MappingError {
    /// Not two fields.
    #[error("line {0}: expected an old URL and a target, separated by a tab, a comma or spaces")]
    Fields(usize),
    /// The old address is not an absolute http(s) URL.
    #[error("line {line}: old URL {url:?} is not an absolute http(s) URL")]
    OldUrl {
        /// Line number, from 1.
        line: usize,
        /// What was there.
        url: String,
    },
    /// The target is neither a portal path nor an absolute http(s) URL.
    #[error("line {line}: target {target:?} is neither a path starting with '/' nor an http(s) URL")]
    Target {
        /// Line number, from 1.
        line: usize,
        /// What was there.
        target: String,
    },
}

/// An old URL in the one spelling it is stored and looked up in (lowercase host, default
/// port dropped, path percent-encoded).
pub fn canonical_url(raw: &str) -> Option<String> {
    let url = Url::parse(raw.trim()).ok()?;
    matches!(url.scheme(), "http" | "https").then(|| url.to_string())
}

/// Reads a mapping file: one `OLD_URL TARGET` a line, `#` comments and blank lines skipped.
/// Good lines are returned with the errors of the bad ones, so one typo loses nothing else.
pub fn parse_mapping(text: &str) -> (Vec<(String, String)>, Vec<MappingError>) {
    let (mut good, mut bad) = (Vec::new(), Vec::new());
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> =
            line.split(|c: char| c == '\t' || c == ',' || c.is_whitespace()).filter(|f| !f.is_empty()).collect();
        let [old, target] = fields.as_slice() else {
            bad.push(MappingError::Fields(line_no));
            continue;
        };
        let Some(old) = canonical_url(old) else {
            bad.push(MappingError::OldUrl { line: line_no, url: old.to_string() });
            continue;
        };
        let target_ok = target.starts_with('/') && !target.starts_with("//") || canonical_url(target).is_some();
        if !target_ok {
            bad.push(MappingError::Target { line: line_no, target: target.to_string() });
            continue;
        }
        good.push((old, target.to_string()));
    }
    (good, bad)
}

/// Adds or replaces redirects; returns how many were written.
pub async fn put_many(
    db: &impl ConnectionTrait,
    pairs: &[(String, String)],
    now: DateTime<Utc>,
) -> Result<usize, StorageError> {
    for chunk in pairs.chunks(500) {
        let rows = chunk.iter().map(|(old, target)| legacy_redirect::ActiveModel {
            old_url: Set(old.clone()),
            target: Set(target.clone()),
            created_at: Set(now),
        });
        legacy_redirect::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::column(legacy_redirect::Column::OldUrl)
                    .update_column(legacy_redirect::Column::Target)
                    .to_owned(),
            )
            .exec(db)
            .await?;
    }
    Ok(pairs.len())
}

/// Every explicit redirect, by old URL.
pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<legacy_redirect::Model>, StorageError> {
    Ok(legacy_redirect::Entity::find().order_by_asc(legacy_redirect::Column::OldUrl).all(db).await?)
}

/// Where an old URL lives now: its explicit redirect, or the portal's copy of the page
/// crawled from it (withdrawn copies included: their page says what happened). A trailing
/// slash more or less is forgiven.
pub async fn resolve(db: &impl ConnectionTrait, old_url: &str) -> Result<Option<String>, StorageError> {
    let Some(url) = canonical_url(old_url) else { return Ok(None) };
    let other = match url.strip_suffix('/') {
        Some(without) => without.to_string(),
        None => format!("{url}/"),
    };
    for candidate in [&url, &other] {
        if let Some(r) = legacy_redirect::Entity::find_by_id(candidate.clone()).one(db).await? {
            return Ok(Some(r.target));
        }
    }
    for candidate in [&url, &other] {
        let copy = document::Entity::find()
            .filter(document::Column::OriginUrl.eq(candidate.as_str()))
            .filter(document::Column::State.is_in(["published", "withdrawn"]))
            .one(db)
            .await?;
        if let Some(d) = copy {
            return Ok(Some(d.path));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mapping_lines_are_checked_one_by_one() {
        let text = "# old district site\nhttp://Huyen-A.gov.vn/tin/1.html\t/tin-tuc/a\n\nhttp://huyen-a.gov.vn/x, https://motcua.example/y\nnot-a-url /z\nhttp://a/b c\nlonely\n";
        let (good, bad) = parse_mapping(text);
        assert_eq!(
            good,
            vec![
                ("http://huyen-a.gov.vn/tin/1.html".to_string(), "/tin-tuc/a".to_string()),
                ("http://huyen-a.gov.vn/x".to_string(), "https://motcua.example/y".to_string()),
            ]
        );
        let reasons: Vec<String> = bad.iter().map(ToString::to_string).collect();
        assert_eq!(reasons.len(), 3, "{reasons:?}");
        assert!(reasons[0].starts_with("line 5: old URL"));
        assert!(reasons[1].starts_with("line 6: target"));
        assert!(reasons[2].starts_with("line 7: expected"));
    }
}
