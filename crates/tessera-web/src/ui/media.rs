//! Event images: the organizer's upload page, the image as served, and what
//! other pages need to show it ([`event_image`], [`event_images`]).
//!
//! An upload is trusted for nothing: its format is found from its bytes
//! (JPEG, PNG or WebP; the name and declared type are ignored), its size is
//! checked before decoding (a few bytes can claim a billion pixels), and it
//! is decoded within limits, resized to a few widths and encoded again as
//! JPEG, which drops every metadata block (camera, place). The variants are
//! stored in the database and served at
//! `/media/events/{event}/{hash}/{width}.jpg`: the hash names the upload's
//! content, so a URL's bytes never change and clients keep them for a year.

use super::shell::{OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, redirect, signed_in};
use crate::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use image::{DynamicImage, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Cursor;
use tessera_app::media::{EventImageRecord, ImageVariant};
use tessera_app::{Actor, AppError};
use tessera_domain::{EventId, OrgId};

/// Largest upload, in bytes.
pub(crate) const MAX_UPLOAD_BYTES: usize = 10 * 1024 * 1024;
/// Longest side an upload may have, in pixels.
pub(crate) const MAX_SIDE_PX: u32 = 8_000;
/// Most pixels an upload may have (decoded, it takes four bytes each).
pub(crate) const MAX_PIXELS: u64 = 40_000_000;
/// The widths served; an image narrower than one is not enlarged to it.
pub(crate) const WIDTHS_PX: [u32; 3] = [400, 800, 1600];
/// JPEG quality of the variants.
const QUALITY: u8 = 82;
/// The width pages use when they show one size.
const DEFAULT_WIDTH_PX: i64 = 800;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dashboard/orgs/{org}/events/{event}/image", get(image_page).post(upload))
        .route("/dashboard/orgs/{org}/events/{event}/image/delete", post(remove))
        .route("/media/events/{event}/{hash}/{file}", get(serve))
}

/// Why an upload is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ImageProblem {
    /// Larger than [`MAX_UPLOAD_BYTES`].
    TooLarge,
    /// Not JPEG, PNG or WebP by its content.
    NotAnImage,
    /// More than [`MAX_SIDE_PX`] on a side or [`MAX_PIXELS`] in all.
    TooManyPixels { width: u32, height: u32 },
    /// Its data could not be decoded.
    Broken,
}

impl ImageProblem {
    /// The problem in the request's language.
    pub(crate) fn message(&self) -> String {
        match self {
            ImageProblem::TooLarge => {
                t_args("seats-image-too-large", &[("megabytes", (MAX_UPLOAD_BYTES >> 20).into())])
            }
            ImageProblem::NotAnImage => t("seats-image-not-image"),
            ImageProblem::Broken => t("seats-image-broken"),
            ImageProblem::TooManyPixels { width, height } => t_args(
                "seats-image-too-many-pixels",
                &[
                    ("width", (*width).into()),
                    ("height", (*height).into()),
                    ("max", MAX_SIDE_PX.into()),
                    ("megapixels", (MAX_PIXELS / 1_000_000).into()),
                ],
            ),
        }
    }

    /// The status an API answer carries.
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            ImageProblem::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ImageProblem::NotAnImage => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

/// An upload made ready to serve: its hash and its variants.
pub(crate) struct Processed {
    pub hash: String,
    pub variants: Vec<ImageVariant>,
}

/// Decodes, checks, resizes and re-encodes an upload. CPU-bound: call it
/// off the async threads ([`process_blocking`]).
pub(crate) fn process(bytes: &[u8]) -> Result<Processed, ImageProblem> {
    if bytes.len() > MAX_UPLOAD_BYTES {
        return Err(ImageProblem::TooLarge);
    }
    let reader = || ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| ImageProblem::NotAnImage);
    let first = reader()?;
    if !matches!(first.format(), Some(ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) {
        return Err(ImageProblem::NotAnImage);
    }
    // The header's claim, before anything is allocated for the pixels.
    let (width, height) = first.into_dimensions().map_err(|_| ImageProblem::Broken)?;
    if width == 0 || height == 0 {
        return Err(ImageProblem::Broken);
    }
    if width > MAX_SIDE_PX || height > MAX_SIDE_PX || u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageProblem::TooManyPixels { width, height });
    }
    let mut decoder = reader()?;
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_PIXELS * 4 + (64 << 20));
    decoder.limits(limits);
    let mut decoder = decoder.into_decoder().map_err(|_| ImageProblem::Broken)?;
    // A phone's photo stored sideways with an EXIF orientation: turned
    // upright, since the re-encoded copies carry no EXIF.
    let orientation =
        image::ImageDecoder::orientation(&mut decoder).unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut decoded = DynamicImage::from_decoder(decoder).map_err(|_| ImageProblem::Broken)?;
    decoded.apply_orientation(orientation);
    let width = decoded.width();
    // JPEG has no transparency: transparent parts become white.
    let flat = flatten(&decoded);
    let mut targets: Vec<u32> = WIDTHS_PX.iter().copied().filter(|w| *w <= width).collect();
    if targets.is_empty() {
        targets.push(width);
    }
    let mut variants = Vec::with_capacity(targets.len());
    for w in targets {
        let sized =
            if w == width { flat.clone() } else { flat.resize(w, u32::MAX, image::imageops::FilterType::Triangle) };
        let mut out = Vec::new();
        let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
        sized.to_rgb8().write_with_encoder(encoder).map_err(|_| ImageProblem::Broken)?;
        variants.push(ImageVariant {
            width: i64::from(sized.width()),
            height: i64::from(sized.height()),
            content_type: "image/jpeg".into(),
            data: out,
        });
    }
    let digest = Sha256::digest(bytes);
    Ok(Processed { hash: data_encoding::HEXLOWER.encode(&digest[..12]), variants })
}

/// [`process`] on the blocking pool.
pub(crate) async fn process_blocking(bytes: Vec<u8>) -> Result<Processed, ImageProblem> {
    tokio::task::spawn_blocking(move || process(&bytes)).await.unwrap_or(Err(ImageProblem::Broken))
}

fn flatten(img: &DynamicImage) -> DynamicImage {
    if !img.color().has_alpha() {
        return DynamicImage::ImageRgb8(img.to_rgb8());
    }
    let rgba = img.to_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u32::from(c) * u32::from(a) + 255 * (255 - u32::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    });
    DynamicImage::ImageRgb8(rgb)
}

/// Where an event's image is, for `<img src srcset sizes width height>`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct ImageUrls {
    /// The 800-pixel variant, or the widest below it.
    pub src: String,
    /// Every variant with its width: `… 400w, … 800w, … 1600w`.
    pub srcset: String,
    /// Of `src`, in pixels.
    pub width: i64,
    pub height: i64,
}

/// The URL of one variant.
pub(crate) fn variant_url(event: EventId, hash: &str, width: i64) -> String {
    format!("/media/events/{event}/{hash}/{width}.jpg")
}

impl ImageUrls {
    pub(crate) fn of(rec: &EventImageRecord) -> Option<ImageUrls> {
        let (width, height) = rec
            .sizes
            .iter()
            .copied()
            .filter(|(w, _)| *w <= DEFAULT_WIDTH_PX)
            .max()
            .or_else(|| rec.sizes.iter().copied().min())?;
        let srcset = rec
            .sizes
            .iter()
            .map(|(w, _)| format!("{} {w}w", variant_url(rec.event_id, &rec.hash, *w)))
            .collect::<Vec<_>>()
            .join(", ");
        Some(ImageUrls { src: variant_url(rec.event_id, &rec.hash, width), srcset, width, height })
    }
}

/// The event's image, if it has one (a failure to look is logged and
/// shown as no image: an image is never worth an error page).
pub(crate) async fn event_image(s: &AppState, event: EventId) -> Option<ImageUrls> {
    event_images(s, &[event]).await.remove(&event)
}

/// The images of several events (a listing), by event.
pub(crate) async fn event_images(s: &AppState, events: &[EventId]) -> HashMap<EventId, ImageUrls> {
    match s.app.event_images(events).await {
        Ok(found) => found.iter().filter_map(|(id, rec)| Some((*id, ImageUrls::of(rec)?))).collect(),
        Err(e) => {
            tracing::warn!(error = %e, "event images could not be looked up");
            HashMap::new()
        }
    }
}

/// One variant, cached for a year: its URL changes when the image does.
async fn serve(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((event, hash, file)): Path<(String, String, String)>,
) -> Response {
    let not_found = || (StatusCode::NOT_FOUND, "not found").into_response();
    let Ok(event) = event.parse::<EventId>() else { return not_found() };
    let Some(width) = file.strip_suffix(".jpg").and_then(|w| w.parse::<i64>().ok()) else { return not_found() };
    if hash.len() > 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return not_found();
    }
    let etag = format!("\"{hash}-{width}\"");
    let cache = HeaderValue::from_static("public, max-age=31536000, immutable");
    let (content_type, data) = match s.app.event_image_data(event, &hash, width).await {
        Ok(found) => found,
        Err(AppError::NotFound) => return not_found(),
        Err(e) => return crate::error::ApiError::from(e).into_response(),
    };
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    if matches {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)])
            .into_response();
    }
    let content_type = HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("image/jpeg"));
    ([(header::CONTENT_TYPE, content_type), (header::ETAG, etag_value), (header::CACHE_CONTROL, cache)], data)
        .into_response()
}

// ------------------------------------------------------------ upload page

#[derive(askama::Template)]
#[template(path = "media/event_image.html")]
struct ImagePage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    event_href: String,
    back: String,
    here: String,
    delete_href: String,
    csrf: &'a str,
    notice: Option<String>,
    current: Option<ImageUrls>,
    hint: String,
    errors: &'a [(String, String)],
}

fn ids(org: &str, event: &str) -> Option<(OrgId, EventId)> {
    Some((org.parse().ok()?, event.parse().ok()?))
}

#[allow(clippy::too_many_arguments)] // one page, fresh or after a refused form
async fn page_render(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    event: EventId,
    csrf: &str,
    cookies: &[String],
    status: StatusCode,
    errors: &[(String, String)],
    notice: Option<String>,
) -> Response {
    let org_name = match s.app.org(actor, org).await {
        Ok(o) => o.org.name,
        Err(e) => return error_page(e),
    };
    let ev = match s.app.event(actor, org, event).await {
        Ok(ev) => ev,
        Err(e) => return error_page(e),
    };
    let page = ImagePage {
        shell: Shell::new(t_args("seats-image-title", &[("event", ev.title.clone().into())]), &Extras::default()),
        tabs: OrgTabs::new(org, &org_name, "events"),
        event_href: format!("/dashboard/orgs/{org}/events/{event}"),
        back: t_args("seats-image-back", &[("event", ev.title.clone().into())]),
        here: format!("/dashboard/orgs/{org}/events/{event}/image"),
        delete_href: format!("/dashboard/orgs/{org}/events/{event}/image/delete"),
        csrf,
        notice,
        current: event_image(s, event).await,
        hint: t_args(
            "seats-image-hint",
            &[
                ("megabytes", (MAX_UPLOAD_BYTES >> 20).into()),
                ("pixels", MAX_SIDE_PX.into()),
                ("min", WIDTHS_PX[WIDTHS_PX.len() - 1].into()),
            ],
        ),
        errors,
    };
    render(status, &page, cookies)
}

async fn image_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org_s, event_s)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org_s}/events/{event_s}/image");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let Some((org, event)) = ids(&org_s, &event_s) else { return super::not_found_page() };
    let (csrf, set) = csrf_token(&headers);
    let notice = match q.get("done").map(String::as_str) {
        Some("uploaded") => Some(t("seats-image-uploaded")),
        Some("removed") => Some(t("seats-image-removed")),
        _ => None,
    };
    let cookies: Vec<String> = set.into_iter().collect();
    page_render(&s, &actor, org, event, &csrf, &cookies, StatusCode::OK, &[], notice).await
}

/// Uploads the image of the form (`multipart/form-data`: `csrf`, `image`).
/// Who may change the image is checked before the body is read.
async fn upload(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org_s, event_s)): Path<(String, String)>,
    body: Body,
) -> Response {
    let here = format!("/dashboard/orgs/{org_s}/events/{event_s}/image");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let Some((org, event)) = ids(&org_s, &event_s) else { return super::not_found_page() };
    if let Err(e) = s.app.may_set_event_image(&actor, org, event).await {
        return error_page(e);
    }
    match read_upload(&s, &actor, org, event, &headers, &here, body).await {
        Ok(done) => done,
        Err((status, message)) => {
            let (csrf, set) = csrf_token(&headers);
            let cookies: Vec<String> = set.into_iter().collect();
            let errors = [("image".to_string(), message)];
            page_render(&s, &actor, org, event, &csrf, &cookies, status, &errors, None).await
        }
    }
}

/// The upload form's work: the answer, or why the file is refused (status, message).
async fn read_upload(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    event: EventId,
    headers: &HeaderMap,
    here: &str,
    body: Body,
) -> Result<Response, (StatusCode, String)> {
    // Room for the form's other fields around the file.
    let bytes = axum::body::to_bytes(body, MAX_UPLOAD_BYTES + 64 * 1024)
        .await
        .map_err(|_| (StatusCode::PAYLOAD_TOO_LARGE, ImageProblem::TooLarge.message()))?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let parts = super::settings::venues::multipart(content_type, &bytes)
        .ok_or_else(|| (StatusCode::BAD_REQUEST, t("seats-image-missing")))?;
    let fields: HashMap<String, String> = parts
        .iter()
        .filter(|p| p.filename.is_none())
        .map(|p| (p.name.clone(), String::from_utf8_lossy(p.content).into_owned()))
        .collect();
    if !csrf_ok(headers, &fields) {
        return Ok(super::form_expired_page(here));
    }
    let file = parts
        .iter()
        .find(|p| p.name == "image" && !p.content.is_empty())
        .ok_or_else(|| (StatusCode::UNPROCESSABLE_ENTITY, t("seats-image-missing")))?;
    let processed = process_blocking(file.content.to_vec()).await.map_err(|problem| {
        let status =
            if problem == ImageProblem::TooLarge { problem.status() } else { StatusCode::UNPROCESSABLE_ENTITY };
        (status, problem.message())
    })?;
    match s.app.set_event_image(actor, org, event, &processed.hash, &processed.variants).await {
        Ok(_) => Ok(redirect(&format!("{here}?done=uploaded"), &[])),
        Err(e) => Ok(error_page(e)),
    }
}

/// Removes the image (the confirmed form).
async fn remove(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org_s, event_s)): Path<(String, String)>,
    body: axum::body::Bytes,
) -> Response {
    let here = format!("/dashboard/orgs/{org_s}/events/{event_s}/image");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let Some((org, event)) = ids(&org_s, &event_s) else { return super::not_found_page() };
    if !csrf_ok(&headers, &super::form(&body)) {
        return super::form_expired_page(&here);
    }
    if let Err(e) = s.app.may_set_event_image(&actor, org, event).await {
        return error_page(e);
    }
    match s.app.delete_event_image(&actor, org, event).await {
        // No image to remove is what was asked for.
        Ok(()) | Err(AppError::NotFound) => redirect(&format!("{here}?done=removed"), &[]),
        Err(e) => error_page(e),
    }
}

/// A picture for demo data, drawn here (no file from elsewhere): a diagonal
/// gradient in the colours of `seed` with soft circles, as PNG bytes.
pub fn demo_image_png(seed: u32) -> Vec<u8> {
    const PALETTES: [([f32; 3], [f32; 3]); 4] = [
        ([30.0, 27.0, 75.0], [190.0, 24.0, 93.0]),
        ([12.0, 74.0, 110.0], [52.0, 211.0, 153.0]),
        ([120.0, 53.0, 15.0], [251.0, 191.0, 36.0]),
        ([59.0, 7.0, 100.0], [56.0, 189.0, 248.0]),
    ];
    let (from, to) = PALETTES[seed as usize % PALETTES.len()];
    let (w, h) = (1200u32, 675u32);
    let circles: Vec<(f32, f32, f32)> = (0..5u32)
        .map(|i| {
            let k = (seed * 7 + i * 13) as f32;
            ((k * 97.0) % w as f32, (k * 53.0) % h as f32, 60.0 + (k * 31.0) % 180.0)
        })
        .collect();
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        let along = (x as f32 / w as f32 + y as f32 / h as f32) / 2.0;
        let mut c: [f32; 3] = std::array::from_fn(|i| from[i] + (to[i] - from[i]) * along);
        for (cx, cy, r) in &circles {
            let d = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt();
            if d < *r {
                let glow = 0.25 * (1.0 - d / r);
                c = c.map(|v| v + (255.0 - v) * glow);
            }
        }
        image::Rgb(c.map(|v| v.clamp(0.0, 255.0) as u8))
    });
    let mut out = Cursor::new(Vec::new());
    // Writing PNG to memory only fails on allocation.
    let _ = img.write_to(&mut out, ImageFormat::Png);
    out.into_inner()
}

/// [`process`] for callers outside the web layer (the demo seeding): the
/// image's hash and variants, or why it was refused.
pub fn prepare_image(bytes: &[u8]) -> Result<(String, Vec<ImageVariant>), String> {
    process(bytes).map(|p| (p.hash, p.variants)).map_err(|e| format!("{e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let img =
            image::RgbaImage::from_fn(width, height, |x, y| image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, 200]));
        let mut out = Cursor::new(Vec::new());
        img.write_to(&mut out, ImageFormat::Png).unwrap();
        out.into_inner()
    }

    #[test]
    fn uploads_are_resized_to_the_widths_they_reach_and_re_encoded() {
        let p = process(&png(900, 300)).unwrap();
        let sizes: Vec<(i64, i64)> = p.variants.iter().map(|v| (v.width, v.height)).collect();
        assert_eq!(sizes, [(400, 133), (800, 267)]);
        assert!(p.variants.iter().all(|v| v.data.starts_with(&[0xFF, 0xD8]) && v.content_type == "image/jpeg"));
        assert_eq!(p.hash.len(), 24);
        let small = process(&png(120, 80)).unwrap();
        assert_eq!(small.variants.len(), 1);
        assert_eq!(small.variants[0].width, 120, "never enlarged");
    }

    /// A 40 × 20 JPEG whose EXIF says "rotate 90° clockwise to show".
    fn sideways_jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_fn(40, 20, |x, _| image::Rgb([if x < 20 { 250 } else { 10 }, 60, 60]));
        let mut jpeg = Vec::new();
        img.write_with_encoder(image::codecs::jpeg::JpegEncoder::new(&mut jpeg)).unwrap();
        // TIFF, little-endian, one IFD entry: Orientation (0x0112), SHORT, 6.
        let tiff: [u8; 26] =
            [b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0];
        let mut app1 = vec![0xFF, 0xE1];
        app1.extend_from_slice(&((2 + 6 + tiff.len()) as u16).to_be_bytes());
        app1.extend_from_slice(b"Exif\0\0");
        app1.extend_from_slice(&tiff);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_photo_taken_sideways_is_turned_upright() {
        let p = process(&sideways_jpeg()).unwrap();
        assert_eq!((p.variants[0].width, p.variants[0].height), (20, 40));
    }

    #[test]
    fn the_demo_picture_is_an_image_the_upload_takes() {
        let (hash, variants) = prepare_image(&demo_image_png(2)).unwrap();
        assert_eq!(variants.iter().map(|v| v.width).collect::<Vec<_>>(), [400, 800]);
        assert_ne!(hash, prepare_image(&demo_image_png(3)).unwrap().0);
    }

    #[test]
    fn what_is_not_a_sound_image_of_a_sane_size_is_refused() {
        assert_eq!(process(b"GIF89a not really").err(), Some(ImageProblem::NotAnImage));
        assert_eq!(process(b"%PDF-1.7").err(), Some(ImageProblem::NotAnImage));
        let mut broken = png(50, 50);
        broken.truncate(60);
        assert_eq!(process(&broken).err(), Some(ImageProblem::Broken));
        assert_eq!(process(&vec![0; MAX_UPLOAD_BYTES + 1]).err(), Some(ImageProblem::TooLarge));
    }
}
