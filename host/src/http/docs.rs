//! `GET /api/documentation`: the OpenAPI 3 document and a browsable page,
//! both generated from [`super::routes`] — the same list the router is built from.

use axum::response::{Html, IntoResponse};
use axum::routing::{get, MethodRouter};
use axum::Json;
use serde_json::{json, Map, Value};

use super::AppState;

/// What a route takes as its body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Body {
    /// No body.
    None,
    /// One document (multipart, raw, JSON base64 or envelope).
    Document,
    /// Several documents.
    Documents,
    /// A small JSON object.
    Json,
}

/// Documentation of one route.
#[derive(Debug, Clone)]
pub struct RouteDoc {
    /// HTTP method.
    pub method: &'static str,
    /// Path in axum syntax (`{name}` parameters).
    pub path: &'static str,
    /// One line.
    pub summary: &'static str,
    /// More words.
    pub description: &'static str,
    /// Needs an API key.
    pub auth: bool,
    /// Group.
    pub tag: &'static str,
    /// Request body.
    pub body: Body,
    /// Status codes and what they mean.
    pub responses: &'static [(u16, &'static str)],
}

pub(super) fn routes() -> Vec<(RouteDoc, MethodRouter<AppState>)> {
    vec![
        (
            RouteDoc {
                method: "get",
                path: "/api/documentation",
                summary: "This API, as a browsable page",
                description: "An HTML page listing every route; the OpenAPI document is at /api/documentation/openapi.json.",
                auth: true,
                tag: "documentation",
                body: Body::None,
                responses: &[(200, "HTML page"), (401, "missing or bad API key")],
            },
            get(page),
        ),
        (
            RouteDoc {
                method: "get",
                path: "/api/documentation/openapi.json",
                summary: "The OpenAPI 3 document of this API",
                description: "Generated from the routes the server actually serves.",
                auth: true,
                tag: "documentation",
                body: Body::None,
                responses: &[(200, "OpenAPI 3.0 document"), (401, "missing or bad API key")],
            },
            get(document),
        ),
    ]
}

async fn document() -> impl IntoResponse {
    Json(openapi())
}

async fn page() -> impl IntoResponse {
    let mut rows = String::new();
    for (doc, _) in super::routes() {
        rows.push_str(&format!(
            "<tr><td><code>{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            doc.method.to_uppercase(),
            escape(doc.path),
            escape(doc.summary),
            escape(doc.description),
            if doc.auth { "API key" } else { "none" }
        ));
    }
    Html(format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Grace API</title>\
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}td,th{{border-bottom:1px solid #ddd;padding:.4em;text-align:left;vertical-align:top}}</style></head>\
<body><h1>Grace API {}</h1><p>Authenticate with <code>Authorization: Bearer KEY</code> or <code>X-API-Key: KEY</code>. \
Errors are <code>{{\"error\": {{\"code\", \"message\", \"details\"}}}}</code>. \
Machine-readable: <a href=\"/api/documentation/openapi.json\">openapi.json</a>.</p>\
<table><tr><th>method</th><th>path</th><th>summary</th><th>details</th><th>auth</th></tr>\n{rows}</table></body></html>",
        env!("CARGO_PKG_VERSION")
    ))
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The OpenAPI 3.0 document of every route.
pub fn openapi() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for (doc, _) in super::routes() {
        let mut op = Map::new();
        op.insert("summary".into(), json!(doc.summary));
        op.insert("description".into(), json!(doc.description));
        op.insert("tags".into(), json!([doc.tag]));
        op.insert(
            "operationId".into(),
            json!(format!(
                "{}_{}",
                doc.method,
                doc.path
                    .trim_matches('/')
                    .replace(['/', '.', '{', '}'], "_")
            )),
        );
        if !doc.auth {
            op.insert("security".into(), json!([]));
        }
        let params: Vec<Value> = path_params(doc.path)
            .into_iter()
            .map(|p| json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}))
            .collect();
        let mut params = params;
        if matches!(doc.body, Body::Document | Body::Documents) {
            params.push(json!({"name": "options", "in": "query", "required": false,
                "description": "Module options as a JSON object; single options may also be given as their own query parameters.",
                "schema": {"type": "string"}}));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        match doc.body {
            Body::None => {}
            Body::Document | Body::Documents => {
                op.insert("requestBody".into(), json!({"$ref": format!("#/components/requestBodies/{}", if doc.body == Body::Document { "Document" } else { "Documents" })}));
            }
            Body::Json => {
                op.insert("requestBody".into(), json!({"required": false, "content": {"application/json": {"schema": {"type": "object"}}}}));
            }
        }
        let mut responses = Map::new();
        for (code, what) in doc.responses {
            let content = if *code >= 400 {
                json!({"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}})
            } else if doc.path == "/metrics" {
                json!({"text/plain": {"schema": {"type": "string"}}})
            } else if doc.path == "/api/documentation" {
                json!({"text/html": {"schema": {"type": "string"}}})
            } else if doc.path.starts_with("/v1/run") {
                json!({"application/json": {"schema": {"$ref": "#/components/schemas/Envelope"}}})
            } else {
                json!({"application/json": {"schema": {"type": "object"}}})
            };
            responses.insert(
                code.to_string(),
                json!({"description": what, "content": content}),
            );
        }
        op.insert("responses".into(), Value::Object(responses));
        let entry = paths
            .entry(openapi_path(doc.path))
            .or_insert_with(|| Value::Object(Map::new()));
        entry
            .as_object_mut()
            .expect("path items are objects")
            .insert(doc.method.into(), Value::Object(op));
    }
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "Grace",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Offline document reading for workflow automation: WebAssembly modules (ocr, invoice-fields, hash, ...) and pipelines run by a local host.",
            "license": {"name": "Apache-2.0"}
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"apiKey": []}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}
            },
            "requestBodies": {
                "Document": document_body(false),
                "Documents": document_body(true)
            },
            "schemas": {
                "Error": {
                    "type": "object",
                    "required": ["error"],
                    "properties": {"error": {"type": "object", "required": ["code", "message", "details"], "properties": {
                        "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}}
                },
                "Envelope": {
                    "type": "object",
                    "required": ["contract_version", "envelope", "status", "result", "quality", "metadata", "errors", "warnings"],
                    "properties": {
                        "contract_version": {"type": "string", "example": "1.2"},
                        "envelope": {"type": "object", "properties": {
                            "trace_id": {"type": "string"}, "step_id": {"type": "string"}, "idempotency_key": {"type": "string"},
                            "timestamp_init": {"type": "string", "format": "date-time"}, "timestamp_end": {"type": "string", "format": "date-time"}}},
                        "status": {"type": "object", "properties": {
                            "code": {"type": "string", "enum": ["SUCCESS", "PARTIAL", "ERROR", "TIMEOUT", "FALLBACK"]},
                            "module": {"type": "string"}, "version": {"type": "string"}}},
                        "result": {"type": "object", "nullable": true, "properties": {"schema": {"type": "string"}, "data": {}}},
                        "quality": {"type": "object"},
                        "metadata": {"type": "object", "properties": {"sha256": {"type": "string"}, "processing_ms": {"type": "integer"}, "cached": {"type": "boolean"}}},
                        "trace": {"type": "array", "items": {"type": "object"}},
                        "errors": {"type": "array", "items": {"type": "object"}},
                        "warnings": {"type": "array", "items": {"type": "string"}}
                    }
                }
            }
        }
    })
}

fn document_body(many: bool) -> Value {
    let file = if many {
        json!({"type": "array", "items": {"type": "string", "format": "binary"}})
    } else {
        json!({"type": "string", "format": "binary"})
    };
    json!({
        "required": true,
        "content": {
            "multipart/form-data": {"schema": {"type": "object", "properties": {
                "file": file, "options": {"type": "string", "description": "JSON object of options"}}}},
            "application/json": {"schema": {"type": "object", "properties": {
                "file": {"type": "string", "format": "byte"},
                "files": {"type": "array", "items": {"type": "object", "properties": {"file": {"type": "string", "format": "byte"}, "filename": {"type": "string"}}}},
                "filename": {"type": "string"},
                "file_url": {"type": "string", "description": "only when offline mode is off"},
                "options": {"type": "object"},
                "contract_version": {"type": "string"},
                "envelope": {"type": "object"},
                "payload": {"type": "object"}}}},
            "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
            "image/*": {"schema": {"type": "string", "format": "binary"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}}
        }
    })
}

/// Names of `{param}` segments.
fn path_params(path: &str) -> Vec<&str> {
    path.split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .collect()
}

/// axum and OpenAPI share `{name}` syntax; kept as a function so a future divergence has one home.
fn openapi_path(path: &str) -> String {
    path.to_string()
}
