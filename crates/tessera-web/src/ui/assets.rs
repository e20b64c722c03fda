//! Static files compiled into the binary: the stylesheet and the ES modules
//! that enhance the pages. No build step: each file is served as written.
//! Links carry a hash of the content (`?v=`), so browsers may keep a file
//! for a year and still see a new release at once.

use crate::AppState;
use axum::Router;
use axum::extract::Path;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::LazyLock;

struct Asset {
    body: &'static [u8],
    content_type: &'static str,
    /// The first 12 hex digits of the SHA-256 of the body.
    version: String,
}

/// Every embedded file: name, type, content.
const FILES: &[(&str, &str, &[u8])] = &[
    // One stylesheet, kept in a file per area: base.css has the tokens and
    // the components every page uses; the others style their pages only.
    (
        "app.css",
        "text/css; charset=utf-8",
        concat!(
            include_str!("../../assets/css/base.css"),
            include_str!("../../assets/css/storefront.css"),
            include_str!("../../assets/css/dashboard.css"),
            include_str!("../../assets/css/orders.css"),
            include_str!("../../assets/css/account.css"),
            include_str!("../../assets/css/scanner.css"),
            include_str!("../../assets/css/seats.css"),
        )
        .as_bytes(),
    ),
    ("availability.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/availability.js")),
    ("countdown.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/countdown.js")),
    ("storefront.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/storefront.js")),
    ("sales.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/sales.js")),
    ("seatmap.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/seatmap.js")),
    ("seat-editor.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/seat-editor.js")),
    ("qr-decode.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/qr-decode.js")),
    ("scanner.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/scanner.js")),
    ("ticket-verify.js", "text/javascript; charset=utf-8", include_bytes!("../../assets/ticket-verify.js")),
];

static ASSETS: LazyLock<HashMap<&'static str, Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(name, content_type, body)| {
            let digest = Sha256::digest(body);
            let version = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
            (*name, Asset { body, content_type, version })
        })
        .collect()
});

/// The link to an embedded file, with its content hash.
pub(crate) fn url(name: &str) -> String {
    match ASSETS.get(name) {
        Some(a) => format!("/assets/{name}?v={}", a.version),
        None => format!("/assets/{name}"),
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/assets/{name}", get(serve))
}

async fn serve(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some(a) = ASSETS.get(name.as_str()) else {
        return super::not_found_page();
    };
    let etag = format!("\"{}\"", a.version);
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    let mut res = a.body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(a.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=31536000"));
    if let Ok(v) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, v);
    }
    res
}
