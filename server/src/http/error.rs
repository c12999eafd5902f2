//! The JSON API's one error shape: `{"error": {"code", "message", "parameter"?}}`, with the
//! status beside each kind. Internal detail goes to the log, never to the client.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use motcua_app::params::ParamError;
use serde::Serialize;
use utoipa::ToSchema;

/// Everything an API handler can answer instead of data.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query or path parameter is unknown or malformed (400).
    #[error("invalid parameter {0}")]
    InvalidParameter(ParamError),
    /// The body is not JSON at all (400).
    #[error("malformed body: {0}")]
    MalformedBody(String),
    /// The body is larger than this many bytes (413).
    #[error("body too large")]
    TooLarge(usize),
    /// The body is not declared as JSON (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// The body is JSON but a field is missing, unknown or wrong (422).
    #[error("invalid field {field}: {message}")]
    InvalidField {
        /// The field, as the body names it (`title`, `how`).
        field: String,
        /// What is wrong.
        message: String,
    },
    /// No token, or one that is unknown or expired (401).
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// A valid token whose client may not do this here (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// The resource is not in a state that allows this (409): unpublishing what was never
    /// published, publishing a draft that is not ready (`field` names what it lacks).
    #[error("conflict: {message}")]
    Conflict {
        /// The stored field at fault, if one is.
        field: Option<String>,
        /// What is wrong.
        message: String,
    },
    /// No such resource (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The backend failed (503); the detail was logged.
    #[error("service unavailable")]
    Unavailable,
}

/// The body of every API error.
#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// An API error's detail.
#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, for programs: `invalid_parameter`, `malformed_body`, `too_large`, `unsupported_media_type`,
    /// `invalid_field`, `invalid_token`, `forbidden`, `conflict`, `not_found`, `unavailable`.
    pub code: String,
    /// For people.
    pub message: String,
    /// The parameter or body field at fault, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameter: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let detail = |code: &str, message: String, parameter: Option<String>| ErrorDetail {
            code: code.into(),
            message,
            parameter,
        };
        let (status, detail) = match self {
            ApiError::InvalidParameter(e) => (
                StatusCode::BAD_REQUEST,
                detail("invalid_parameter", format!("{}: {}", e.parameter, e.message), Some(e.parameter)),
            ),
            ApiError::MalformedBody(why) => (StatusCode::BAD_REQUEST, detail("malformed_body", why, None)),
            ApiError::TooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                detail("too_large", format!("Nội dung gửi lớn quá {limit} byte."), None),
            ),
            ApiError::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                detail(
                    "unsupported_media_type",
                    "Gửi nội dung dạng JSON (Content-Type: application/json).".into(),
                    None,
                ),
            ),
            ApiError::InvalidField { field, message } => {
                (StatusCode::UNPROCESSABLE_ENTITY, detail("invalid_field", format!("{field}: {message}"), Some(field)))
            }
            ApiError::Unauthorized(why) => {
                let mut response =
                    (StatusCode::UNAUTHORIZED, Json(ErrorBody { error: detail("invalid_token", why, None) }))
                        .into_response();
                response.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    HeaderValue::from_static("Bearer realm=\"motcua\", error=\"invalid_token\""),
                );
                return response;
            }
            ApiError::Forbidden(why) => (StatusCode::FORBIDDEN, detail("forbidden", why, None)),
            ApiError::Conflict { field, message } => (StatusCode::CONFLICT, detail("conflict", message, field)),
            ApiError::NotFound(what) => (StatusCode::NOT_FOUND, detail("not_found", what, None)),
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                detail("unavailable", "Hệ thống đang gặp sự cố, vui lòng thử lại sau.".into(), None),
            ),
        };
        (status, Json(ErrorBody { error: detail })).into_response()
    }
}

impl From<motcua_app::ports::BackendError> for ApiError {
    fn from(_: motcua_app::ports::BackendError) -> Self {
        ApiError::Unavailable
    }
}
