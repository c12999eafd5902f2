//! The JSON API's one error shape: `{"error": {"code", "message", "parameter"?}}`, with the
//! status beside each kind. Internal detail goes to the log, never to the client.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use motcua_app::params::ParamError;
use serde::Serialize;

/// Everything an API handler can answer instead of data.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A query parameter is unknown or malformed (400).
    #[error("invalid parameter {0}")]
    InvalidParameter(ParamError),
    /// No such resource (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// The backend failed (503); the detail was logged.
    #[error("service unavailable")]
    Unavailable,
}

#[derive(Serialize)]
struct Body<'a> {
    error: Detail<'a>,
}

#[derive(Serialize)]
struct Detail<'a> {
    code: &'a str,
    message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    parameter: Option<&'a str>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, detail) = match &self {
            ApiError::InvalidParameter(e) => (
                StatusCode::BAD_REQUEST,
                Detail {
                    code: "invalid_parameter",
                    message: format!("{}: {}", e.parameter, e.message),
                    parameter: Some(&e.parameter),
                },
            ),
            ApiError::NotFound(what) => {
                (StatusCode::NOT_FOUND, Detail { code: "not_found", message: what.clone(), parameter: None })
            }
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                Detail {
                    code: "unavailable",
                    message: "Hệ thống đang gặp sự cố, vui lòng thử lại sau.".into(),
                    parameter: None,
                },
            ),
        };
        (status, Json(Body { error: detail })).into_response()
    }
}

impl From<motcua_app::ports::BackendError> for ApiError {
    fn from(_: motcua_app::ports::BackendError) -> Self {
        ApiError::Unavailable
    }
}
