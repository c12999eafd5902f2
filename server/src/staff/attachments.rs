//! Attachments: PDF, DOCX, XLSX and images, their type decided by their bytes (`infer`), not
//! by their name or the browser's word; a file whose content does not match its extension is
//! refused. Stored once under their SHA-256 in the data directory.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};

use crate::storage::StorageError;
use crate::storage::entity::attachment;

/// The largest file accepted.
pub const MAX_BYTES: usize = 20 * 1024 * 1024;

/// The types accepted: extension, MIME type.
const ACCEPTED: [(&str, &str); 7] = [
    ("pdf", "application/pdf"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("webp", "image/webp"),
];

/// Why a file is refused, in the editor's language.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// Empty, too large, or not one of the accepted types.
    #[error("{0}")]
    Refused(String),
    /// The disk or the database failed.
    #[error("cannot store the file: {0}")]
    Storage(String),
}

impl From<StorageError> for UploadError {
    fn from(e: StorageError) -> Self {
        UploadError::Storage(e.to_string())
    }
}

/// The MIME type of `bytes` if it is an accepted type and `file_name`'s extension says the
/// same.
pub fn checked_type(file_name: &str, bytes: &[u8]) -> Result<&'static str, UploadError> {
    if bytes.is_empty() {
        return Err(UploadError::Refused("Tệp rỗng.".into()));
    }
    if bytes.len() > MAX_BYTES {
        return Err(UploadError::Refused("Tệp lớn quá 20 MB.".into()));
    }
    let extension = Path::new(file_name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
    let Some((_, claimed)) = ACCEPTED.iter().find(|(ext, _)| Some(*ext) == extension.as_deref()) else {
        return Err(UploadError::Refused("Chỉ nhận tệp PDF, DOCX, XLSX, PNG, JPEG hoặc WebP.".into()));
    };
    let detected = infer::get(bytes).map(|t| t.mime_type());
    if detected != Some(*claimed) {
        return Err(UploadError::Refused(format!(
            "Nội dung tệp không phải là {} như tên tệp cho biết.",
            extension.unwrap_or_default().to_uppercase()
        )));
    }
    Ok(claimed)
}

/// A file name safe to show and to put in a URL path segment.
fn clean_name(file_name: &str) -> String {
    let base = Path::new(file_name).file_name().and_then(|n| n.to_str()).unwrap_or("tep");
    let cleaned: String = base
        .chars()
        .map(|c| if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '-' })
        .take(120)
        .collect();
    if cleaned.trim_matches(['-', '.']).is_empty() { "tep".into() } else { cleaned }
}

fn path_of(data_dir: &Path, sha256: &str) -> PathBuf {
    data_dir.join("attachments").join(sha256)
}

/// Checks and stores an upload; returns its row.
pub async fn store(
    db: &DatabaseConnection,
    data_dir: &Path,
    publication_id: i32,
    uploaded_by: i32,
    file_name: &str,
    bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<attachment::Model, UploadError> {
    let content_type = checked_type(file_name, bytes)?;
    let sha256 = hex::encode(Sha256::digest(bytes));
    let path = path_of(data_dir, &sha256);
    if let Some(dir) = path.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(|e| UploadError::Storage(e.to_string()))?;
    }
    if !tokio::fs::try_exists(&path).await.unwrap_or(false) {
        let partial = path.with_extension("part");
        tokio::fs::write(&partial, bytes).await.map_err(|e| UploadError::Storage(e.to_string()))?;
        tokio::fs::rename(&partial, &path).await.map_err(|e| UploadError::Storage(e.to_string()))?;
    }
    let row = attachment::ActiveModel {
        publication_id: Set(publication_id),
        file_name: Set(clean_name(file_name)),
        content_type: Set(content_type.to_string()),
        size: Set(i64::try_from(bytes.len()).unwrap_or(i64::MAX)),
        sha256: Set(sha256),
        uploaded_by: Set(uploaded_by),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|e| UploadError::Storage(e.to_string()))?;
    Ok(row)
}

/// A publication's attachments, oldest first.
pub async fn of(db: &DatabaseConnection, publication_id: i32) -> Result<Vec<attachment::Model>, StorageError> {
    Ok(attachment::Entity::find()
        .filter(attachment::Column::PublicationId.eq(publication_id))
        .order_by_asc(attachment::Column::Id)
        .all(db)
        .await?)
}

/// An attachment and its bytes.
pub async fn read(
    db: &DatabaseConnection,
    data_dir: &Path,
    id: i32,
) -> Result<Option<(attachment::Model, Vec<u8>)>, StorageError> {
    let Some(row) = attachment::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    match tokio::fs::read(path_of(data_dir, &row.sha256)).await {
        Ok(bytes) => Ok(Some((row, bytes))),
        Err(e) => {
            tracing::error!(attachment = id, "attachment file missing: {e}");
            Ok(None)
        }
    }
}

/// Its public address.
pub fn url(row: &attachment::Model) -> String {
    format!("/tep/{}/{}", row.id, row.file_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_content_decides_not_the_name() {
        assert_eq!(checked_type("ke-hoach.pdf", b"%PDF-1.7\n1 0 obj\n").expect("a pdf"), "application/pdf");
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R'];
        assert_eq!(checked_type("anh.PNG", &png).expect("a png"), "image/png");
        assert!(checked_type("ke-hoach.pdf", &png).is_err(), "a PNG named .pdf");
        assert!(checked_type("ke-hoach.pdf", b"<html><script>alert(1)</script>").is_err(), "HTML named .pdf");
        assert!(checked_type("bao-cao.docx", b"%PDF-1.7").is_err(), "a PDF named .docx");
        assert!(checked_type("virus.exe", b"MZ\x90\x00").is_err(), "not an accepted type");
        assert!(checked_type("rong.pdf", b"").is_err());
        assert_eq!(clean_name("../../etc/Kế hoạch 2026.pdf"), "Kế-hoạch-2026.pdf");
    }
}
