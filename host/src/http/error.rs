//! One error shape for every route: `{"error": {"code", "message", "details"}}`
//! with a fitting status code (plus the contract envelope when a run failed).

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

/// An HTTP error answer.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable snake_case code.
    pub code: &'static str,
    /// What went wrong, naming the limit or the field.
    pub message: String,
    /// Structured details.
    pub details: Value,
    /// Extra headers (e.g. `Retry-After`).
    pub headers: Vec<(HeaderName, String)>,
    /// Contract envelope fields merged into the body (failed runs); boxed to keep errors small.
    pub envelope: Option<Box<Value>>,
}

impl ApiError {
    /// An error with no details.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            details: json!({}),
            headers: Vec::new(),
            envelope: None,
        }
    }

    /// Adds details.
    pub fn with_details(mut self, details: Value) -> Self {
        self.details = details;
        self
    }

    /// 400 bad_request.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 400 malformed_json.
    pub fn malformed_json(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "malformed_json", message)
    }

    /// 404 not_found.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 413 with the given code.
    pub fn too_large(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, code, message)
    }

    /// 500 internal.
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }

    /// The status that goes with an error code.
    pub fn status_for(code: &str) -> StatusCode {
        match code {
            "bad_request" | "malformed_json" | "missing_file" | "offline" => {
                StatusCode::BAD_REQUEST
            }
            "unauthorized" => StatusCode::UNAUTHORIZED,
            "not_found" | "unknown_module" => StatusCode::NOT_FOUND,
            "payload_too_large" | "too_many_files" | "too_many_pixels" | "too_many_pages" => {
                StatusCode::PAYLOAD_TOO_LARGE
            }
            "unsupported_media_type" => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "module_failed" => StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input" | "unsupported" | "memory_limit" => StatusCode::UNPROCESSABLE_ENTITY,
            "rate_limited" => StatusCode::TOO_MANY_REQUESTS,
            "unavailable" | "memory_budget" => StatusCode::SERVICE_UNAVAILABLE,
            "timeout" => StatusCode::GATEWAY_TIMEOUT,
            "bad_gateway" => StatusCode::BAD_GATEWAY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut body = match self.envelope.as_deref() {
            Some(Value::Object(env)) => env.clone(),
            _ => serde_json::Map::new(),
        };
        body.insert(
            "error".into(),
            json!({"code": self.code, "message": self.message, "details": self.details}),
        );
        Value::Object(body)
    }
}

impl From<crate::store::StoreError> for ApiError {
    fn from(e: crate::store::StoreError) -> Self {
        tracing::error!(error = %e, "store error");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
            e.to_string(),
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut resp = (self.status, axum::Json(self.body())).into_response();
        for (name, value) in &self.headers {
            if let Ok(v) = HeaderValue::from_str(value) {
                resp.headers_mut().insert(name.clone(), v);
            }
        }
        resp
    }
}

impl From<crate::dispatch::DispatchError> for ApiError {
    fn from(e: crate::dispatch::DispatchError) -> Self {
        use crate::dispatch::DispatchError;
        let code = e.code();
        let mut err = ApiError::new(ApiError::status_for(code), code, e.to_string());
        if code == "memory_budget" {
            // Memory comes back as other calls finish: a moment, not a minute.
            err.headers
                .push((axum::http::header::RETRY_AFTER, "1".into()));
        }
        match e {
            DispatchError::Exec { envelope, .. } => err.envelope = Some(Box::new(envelope)),
            DispatchError::Store(store) => {
                tracing::error!(error = %store, "store error");
            }
            DispatchError::MediaType {
                accepted,
                media_type,
                ..
            } => {
                err.details = json!({"media_type": media_type, "accepted": accepted.split(", ").collect::<Vec<_>>()});
            }
            DispatchError::Resolve(_) => {}
        }
        err
    }
}
