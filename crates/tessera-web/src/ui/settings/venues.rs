//! Venues and their seat maps: the list, a venue's details, the map's
//! summary, the generators the app offers, import of an uploaded file
//! (every problem listed next to the form) and export as a download.
//! Pages on templates (`templates/settings/venue*.html`), text from the
//! `settings` catalogs.

use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t};
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use tessera_app::seating::{AreaSummary, GenerateMap, MAX_DOCUMENT_BYTES, MapFormat, SeatMapSummary, SectionSummary};
use tessera_domain::VenueId;
use tessera_domain::catalog::{NewVenue, TimeZoneName, Venue, VenuePatch};

/// IANA time zone names to choose from.
static TIMEZONES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| n == "UTC" || (n.contains('/') && !n.starts_with("Etc/")))
        .collect();
    names.sort();
    names.dedup();
    names
});

/// The frame of a venue page: the dashboard's wide layout.
fn frame(title: String) -> Shell {
    Shell::new(title, &Extras { cookies: vec![], scripts: &[], wide: true })
}

/// The "done" message after a redirect to a venue page.
fn venue_notice(q: &HashMap<String, String>) -> Option<String> {
    let id = match q.get("done").map(String::as_str) {
        Some("venue-created") => "settings-done-venue-created",
        Some("venue-saved") => "settings-done-venue-saved",
        Some("map-generated") => "settings-done-map-generated",
        Some("map-imported") => "settings-done-map-imported",
        _ => return None,
    };
    Some(t(id))
}

/// The venue form's values as a venue, or every message at once.
fn venue_input(values: &HashMap<String, String>) -> Result<NewVenue, Vec<(String, String)>> {
    let mut errors = vec![];
    let timezone = TimeZoneName::parse(val(values, "timezone"))
        .map_err(|_| errors.push(("timezone".into(), t("settings-venue-timezone-bad"))))
        .ok();
    let capacity = whole::<i64>(values, "capacity", true, &mut errors);
    let venue = NewVenue {
        name: val(values, "name").to_string(),
        address: val(values, "address").to_string(),
        timezone: match timezone.or_else(|| TimeZoneName::parse("UTC").ok()) {
            Some(tz) => tz,
            None => return Err(errors),
        },
        capacity: capacity.unwrap_or(0),
    };
    // The domain's own checks, so that every wrong field shows at once.
    if let Err(v) = venue.validate() {
        errors.extend(v.fields.iter().map(|f| (f.field.clone(), crate::error::field_message(f))));
    }
    if errors.is_empty() { Ok(venue) } else { Err(errors) }
}

/// One venue in the list.
struct VenueRow {
    href: String,
    name: String,
    address: String,
    timezone: String,
    capacity: i64,
}

#[derive(askama::Template)]
#[template(path = "settings/venues.html")]
struct VenuesPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    venues: Vec<VenueRow>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    timezones: &'static [String],
}

pub(super) async fn venues_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    venues_view(&s, &c, StatusCode::OK, &Form::default(), venue_notice(&q)).await
}

async fn venues_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: Option<String>) -> Response {
    let venues = match s.app.venues(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let page = VenuesPage {
        shell: frame(t("settings-venues-title")),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "venues"),
        csrf: c.csrf.clone(),
        base: c.base(),
        notice,
        venues: venues
            .into_iter()
            .map(|v| VenueRow {
                href: format!("{}/venues/{}", c.base(), v.id),
                timezone: v.timezone.as_str().to_string(),
                name: v.name,
                address: v.address,
                capacity: v.capacity,
            })
            .collect(),
        values: Filled(&new.values),
        errors: &new.errors,
        timezones: TIMEZONES.as_slice(),
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn create_venue(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let errors = match venue_input(&values) {
        Err(errors) => errors,
        Ok(v) => match s.app.create_venue(&c.actor, c.id(), v).await {
            Ok(v) => return redirect(&format!("{}/venues/{}?done=venue-created", c.base(), v.id), &[]),
            Err(e) => match form_errors(e) {
                Ok(errors) => errors,
                Err(page) => return page,
            },
        },
    };
    venues_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), None).await
}

/// The venue page's forms, one of which may have been refused.
#[derive(Default)]
struct VenueForms {
    edit: Option<Form>,
    /// The generator's shape and its form.
    generate: Option<(&'static str, Form)>,
    import: Form,
}

fn venue_values(v: &Venue) -> HashMap<String, String> {
    HashMap::from([
        ("name".to_string(), v.name.clone()),
        ("address".to_string(), v.address.clone()),
        ("timezone".to_string(), v.timezone.as_str().to_string()),
        ("capacity".to_string(), v.capacity.to_string()),
    ])
}

/// The seat map's summary as the venue page shows it.
struct MapView {
    seats: i64,
    version: i64,
    updated: String,
    sections: Vec<SectionSummary>,
    categories: Vec<(String, i64)>,
    areas: Vec<AreaSummary>,
}

impl MapView {
    fn new(m: SeatMapSummary) -> MapView {
        MapView {
            seats: m.seats,
            version: m.version,
            updated: when(m.updated_at, "UTC"),
            sections: m.sections,
            categories: m.categories.into_iter().collect(),
            areas: m.areas,
        }
    }
}

/// A generator's form: its shape, title and fields.
struct ShapeView {
    key: &'static str,
    title: String,
    /// Open when refused, so its messages show.
    open: bool,
    /// The field of messages about the whole form (`rectangular-form`).
    general: String,
    fields: Vec<ShapeField>,
}

struct ShapeField {
    /// The form field's name, the shape's key first (`rectangular.rows`).
    name: String,
    label: String,
    kind: &'static str,
    attrs: &'static str,
    /// Followed by the hint on how to write categories.
    hint: bool,
}

#[derive(askama::Template)]
#[template(path = "settings/venue.html")]
struct VenuePage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    here: String,
    notice: Option<String>,
    /// The refused form's messages at the top, each linking its field.
    summary: Vec<(String, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
    timezones: &'static [String],
    map: Option<MapView>,
    shapes: Vec<ShapeView>,
    /// A refused import's problems: (where in the file, what); where may be empty.
    problems: Vec<(String, String)>,
}

pub(super) async fn venue_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    venue_view(&s, &c, venue, StatusCode::OK, VenueForms::default(), venue_notice(&q)).await
}

async fn venue_view(
    s: &AppState,
    c: &Ctx,
    venue: VenueId,
    status: StatusCode,
    forms: VenueForms,
    notice: Option<String>,
) -> Response {
    let v = match s.app.venue(&c.actor, c.id(), venue).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let map = match s.app.seat_map_summary(&c.actor, c.id(), venue).await {
        Ok(m) => Some(MapView::new(m)),
        Err(AppError::NotFound) => None,
        Err(e) => return error_page(e),
    };
    // One set of values and messages for the page's forms: their field
    // names differ (the generators' carry their shape).
    let (mut values, mut errors) = match forms.edit {
        Some(f) => (f.values, f.errors),
        None => (venue_values(&v), vec![]),
    };
    let refused_shape = forms.generate.as_ref().map(|(k, _)| *k);
    for shape in &SHAPES {
        let sent = forms.generate.as_ref().filter(|(k, _)| *k == shape.key).map(|(_, f)| &f.values);
        for (name, _, start) in shape.fields {
            let full = format!("{}.{name}", shape.key);
            let value = match sent {
                Some(sent) => sent.get(&full).cloned().unwrap_or_default(),
                None => start.to_string(),
            };
            values.insert(full, value);
        }
    }
    if let Some((_, f)) = forms.generate {
        errors.extend(f.errors);
    }
    let mut summary: Vec<(String, String)> = errors
        .iter()
        .map(|(f, m)| match f.strip_suffix("-form") {
            Some(shape) => (format!("generate-{shape}"), m.clone()),
            None => (f.clone(), m.clone()),
        })
        .collect();
    let problems: Vec<(String, String)> =
        forms.import.errors.into_iter().map(|(f, m)| (f.strip_prefix("map: ").unwrap_or("").to_string(), m)).collect();
    if !problems.is_empty() {
        summary.push(("map".into(), t("settings-import-refused")));
    }
    let shapes = SHAPES
        .iter()
        .map(|shape| ShapeView {
            key: shape.key,
            title: t(shape.title),
            open: refused_shape == Some(shape.key),
            general: format!("{}-form", shape.key),
            fields: shape
                .fields
                .iter()
                .map(|(name, label, _)| {
                    let (kind, attrs) = match *name {
                        "categories" => ("text", "autocomplete='off'"),
                        "span_degrees" => ("text", "inputmode='decimal' autocomplete='off'"),
                        _ => ("number", "min='0' step='1' inputmode='numeric'"),
                    };
                    ShapeField {
                        name: format!("{}.{name}", shape.key),
                        label: t(label),
                        kind,
                        attrs,
                        hint: *name == "categories",
                    }
                })
                .collect(),
        })
        .collect();
    let page = VenuePage {
        shell: frame(v.name.clone()),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "venues"),
        csrf: c.csrf.clone(),
        base: c.base(),
        here: format!("{}/venues/{}", c.base(), v.id),
        notice,
        summary,
        values: Filled(&values),
        errors: &errors,
        timezones: TIMEZONES.as_slice(),
        map,
        shapes,
        problems,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

/// A generator: its key, the catalog id of its title, and its fields
/// (name, catalog id of the label, starting value).
struct Shape {
    key: &'static str,
    title: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
}

/// Each shape the app generates, with its fields and starting values.
const SHAPES: [Shape; 3] = [
    Shape {
        key: "rectangular",
        title: "settings-gen-rectangular",
        fields: &[
            ("rows", "settings-gen-rows", "10"),
            ("seats_per_row", "settings-gen-seats-per-row", "20"),
            ("aisle_every", "settings-gen-aisle-every", ""),
            ("categories", "settings-gen-categories", ""),
        ],
    },
    Shape {
        key: "curved",
        title: "settings-gen-curved",
        fields: &[
            ("rows", "settings-gen-rows", "15"),
            ("span_degrees", "settings-gen-span", "120"),
            ("aisle_every", "settings-gen-aisle-every", "14"),
            ("categories", "settings-gen-categories", ""),
        ],
    },
    Shape {
        key: "stadium",
        title: "settings-gen-stadium",
        fields: &[
            ("sections", "settings-gen-sections", "36"),
            ("rows", "settings-gen-rows-per-section", "77"),
            ("pitch_standing", "settings-gen-pitch", ""),
            ("categories", "settings-gen-categories", ""),
        ],
    },
];

pub(super) async fn update_venue(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let errors = match venue_input(&values) {
        Err(errors) => errors,
        Ok(v) => {
            let patch = VenuePatch {
                name: Some(v.name),
                address: Some(v.address),
                timezone: Some(v.timezone),
                capacity: Some(v.capacity),
            };
            match s.app.update_venue(&c.actor, c.id(), venue, patch).await {
                Ok(v) => return redirect(&format!("{}/venues/{}?done=venue-saved", c.base(), v.id), &[]),
                Err(e) => match form_errors(e) {
                    Ok(errors) => errors,
                    Err(page) => return page,
                },
            }
        }
    };
    let forms = VenueForms { edit: Some(Form::refused(values, errors)), ..Default::default() };
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, None).await
}

/// Comma-separated category names.
fn categories(raw: &str) -> Vec<String> {
    raw.split([',', '，']).map(str::trim).filter(|c| !c.is_empty()).map(str::to_string).collect()
}

/// The generator form as the app's request, or messages for its fields.
fn generate_input(shape: &str, values: &HashMap<String, String>) -> Result<GenerateMap, Vec<(String, String)>> {
    let mut errors = vec![];
    let field = |name: &str| format!("{shape}.{name}");
    let spec = match shape {
        "rectangular" => GenerateMap::Rectangular {
            rows: whole(values, &field("rows"), true, &mut errors).unwrap_or(0),
            seats_per_row: whole(values, &field("seats_per_row"), true, &mut errors).unwrap_or(0),
            aisle_every: whole(values, &field("aisle_every"), false, &mut errors),
            categories: categories(val(values, &field("categories"))),
        },
        "curved" => {
            let raw = val(values, &field("span_degrees")).replace(',', ".");
            let span_degrees = if raw.is_empty() {
                None
            } else {
                match raw.parse::<f64>() {
                    Ok(n) => Some(n),
                    Err(_) => {
                        errors.push((field("span_degrees"), t("settings-number")));
                        None
                    }
                }
            };
            GenerateMap::Curved {
                rows: whole(values, &field("rows"), true, &mut errors).unwrap_or(0),
                span_degrees,
                aisle_every: whole(values, &field("aisle_every"), false, &mut errors),
                categories: categories(val(values, &field("categories"))),
            }
        }
        _ => GenerateMap::Stadium {
            sections: whole(values, &field("sections"), false, &mut errors),
            rows: whole(values, &field("rows"), false, &mut errors),
            categories: categories(val(values, &field("categories"))),
            pitch_standing: whole(values, &field("pitch_standing"), false, &mut errors),
        },
    };
    if errors.is_empty() { Ok(spec) } else { Err(errors) }
}

pub(super) async fn generate_map(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/venues/{venue}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let Some(shape) = SHAPES.iter().map(|s| s.key).find(|k| values.get("shape").is_some_and(|v| v == k)) else {
        return error_page(AppError::invalid_key(
            "shape",
            tessera_domain::MessageKey::new("errors-seat-shape"),
            "one of rectangular, curved, stadium",
        ));
    };
    let errors = match generate_input(shape, &values) {
        Err(errors) => errors,
        Ok(spec) => match s.app.generate_seat_map(&c.actor, c.id(), venue, spec).await {
            Ok(_) => return redirect(&format!("{}/venues/{venue}?done=map-generated#seat-map", c.base()), &[]),
            Err(e) => match form_errors(e) {
                // The app names its own fields ("rows"); the form's carry the shape.
                Ok(errors) => errors
                    .into_iter()
                    .map(|(f, m)| {
                        if shape_has_field(shape, &f) {
                            (format!("{shape}.{f}"), m)
                        } else {
                            let general = match f.strip_prefix("map: ") {
                                Some(at) => format!("{at}: {m}"),
                                None => m,
                            };
                            (format!("{shape}-form"), general)
                        }
                    })
                    .collect(),
                Err(page) => return page,
            },
        },
    };
    let forms = VenueForms { generate: Some((shape, Form::refused(values, errors))), ..Default::default() };
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, None).await
}

fn shape_has_field(shape: &str, field: &str) -> bool {
    SHAPES.iter().any(|s| s.key == shape && s.fields.iter().any(|(name, _, _)| *name == field))
}

/// One part of a `multipart/form-data` body (RFC 7578).
pub(crate) struct Part<'a> {
    pub(crate) name: String,
    pub(crate) filename: Option<String>,
    pub(crate) content: &'a [u8],
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// A header parameter's value (`name="x"`), quoted or not.
fn header_param(header: &str, key: &str) -> Option<String> {
    let mut rest = header;
    while let Some(semi) = rest.find(';') {
        rest = rest[semi + 1..].trim_start();
        let (k, after) = rest.split_once('=')?;
        let (value, tail) = if let Some(quoted) = after.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, ch)) = chars.next() {
                match ch {
                    '\\' => {
                        if let Some((_, next)) = chars.next() {
                            v.push(next);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    _ => v.push(ch),
                }
            }
            (v, &quoted[end.min(quoted.len())..])
        } else {
            let end = after.find(';').unwrap_or(after.len());
            (after[..end].trim().to_string(), &after[end..])
        };
        if k.trim().eq_ignore_ascii_case(key) {
            return Some(value);
        }
        rest = tail;
    }
    None
}

/// The parts of a `multipart/form-data` body; `None` when it is not one.
pub(crate) fn multipart<'a>(content_type: &str, body: &'a [u8]) -> Option<Vec<Part<'a>>> {
    if !content_type.trim_start().to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    let boundary = header_param(content_type, "boundary").filter(|b| !b.is_empty() && b.len() <= 200)?;
    let first = format!("--{boundary}");
    let between = format!("\r\n--{boundary}");
    let mut rest = &body[find(body, first.as_bytes())? + first.len()..];
    let mut parts = vec![];
    loop {
        if rest.starts_with(b"--") {
            return Some(parts);
        }
        rest = rest.strip_prefix(b"\r\n")?;
        let end = find(rest, between.as_bytes())?;
        let part = &rest[..end];
        rest = &rest[end + between.len()..];
        let (head, content) = if part.starts_with(b"\r\n") {
            (&b""[..], &part[2..])
        } else {
            let split = find(part, b"\r\n\r\n")?;
            (&part[..split], &part[split + 4..])
        };
        let head = std::str::from_utf8(head).ok()?;
        let disposition = head.split("\r\n").find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case("content-disposition").then_some(v.trim())
        })?;
        let name = header_param(disposition, "name")?;
        let filename = header_param(disposition, "filename");
        parts.push(Part { name, filename, content });
    }
}

/// Imports an uploaded map. The caller's right to change the map is checked
/// before the (up to 32 MiB) body is read.
pub(super) async fn import_map(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    body: Body,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/venues/{venue}");
    let c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    if let Err(e) = s.app.may_import_seat_map(&c.actor, c.id(), venue).await {
        return error_page(e);
    }
    let refuse = |status: StatusCode, message: String| {
        let forms =
            VenueForms { import: Form::refused(HashMap::new(), vec![("map".into(), message)]), ..Default::default() };
        venue_view(&s, &c, venue, status, forms, None)
    };
    let bytes = match axum::body::to_bytes(body, MAX_DOCUMENT_BYTES + 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, t("settings-import-too-large")).await,
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(parts) = multipart(content_type, &bytes) else {
        return refuse(StatusCode::BAD_REQUEST, t("settings-import-choose")).await;
    };
    let token: HashMap<String, String> = parts
        .iter()
        .filter(|p| p.name == "csrf")
        .map(|p| ("csrf".to_string(), String::from_utf8_lossy(p.content).into_owned()))
        .collect();
    if !csrf_ok(&headers, &token) {
        return form_expired_page(&here);
    }
    let Some(file) = parts.iter().find(|p| p.name == "map" && !p.content.is_empty()) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, t("settings-import-choose")).await;
    };
    let Ok(text) = std::str::from_utf8(file.content) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, t("settings-import-not-utf8")).await;
    };
    let name = file.filename.as_deref().unwrap_or("").to_ascii_lowercase();
    let format = if name.ends_with(".csv") {
        MapFormat::Csv
    } else if name.ends_with(".json") || text.trim_start_matches('\u{feff}').trim_start().starts_with('{') {
        MapFormat::Json
    } else {
        MapFormat::Csv
    };
    match s.app.import_seat_map(&c.actor, c.id(), venue, format, text).await {
        Ok(_) => redirect(&format!("{}/venues/{venue}?done=map-imported#seat-map", c.base()), &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let forms = VenueForms { import: Form::refused(HashMap::new(), errors), ..Default::default() };
                venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, None).await
            }
            Err(page) => page,
        },
    }
}

pub(super) async fn export_json(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
) -> Response {
    export(&s, &headers, &org, &venue, MapFormat::Json).await
}

pub(super) async fn export_csv(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
) -> Response {
    export(&s, &headers, &org, &venue, MapFormat::Csv).await
}

/// The venue's map as a download, with seat ids, to edit and import again.
async fn export(s: &AppState, headers: &HeaderMap, org: &str, venue: &str, format: MapFormat) -> Response {
    let c = match ctx(s, headers, org, &format!("/dashboard/orgs/{org}/venues/{venue}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let Ok(venue) = venue.parse::<VenueId>() else { return not_found_page() };
    let name = match s.app.venue(&c.actor, c.id(), venue).await {
        Ok(v) => v.name,
        Err(e) => return error_page(e),
    };
    let doc = match s.app.export_seat_map(&c.actor, c.id(), venue, format).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let slug: String = name
        .chars()
        .map(|ch| if ch.is_ascii_alphanumeric() { ch.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let slug = if slug.is_empty() { "venue".to_string() } else { slug };
    let (ext, mime) = match format {
        MapFormat::Json => ("json", "application/json"),
        MapFormat::Csv => ("csv", "text/csv; charset=utf-8"),
    };
    let disposition = format!("attachment; filename=\"seat-map-{slug}.{ext}\"");
    let mut res = doc.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_bodies_give_their_fields_and_files() {
        let body = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nabc\r\n\
--XyZ\r\nContent-Disposition: form-data; name=\"map\"; filename=\"hall; \\\"big\\\".csv\"\r\nContent-Type: text/csv\r\n\r\n\
section,row\r\nA,1\r\n\r\n--XyZ--\r\n";
        let parts = multipart("multipart/form-data; boundary=XyZ", body).unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].content), ("csrf", &b"abc"[..]));
        assert_eq!(parts[1].filename.as_deref(), Some("hall; \"big\".csv"));
        assert_eq!(parts[1].content, b"section,row\r\nA,1\r\n");
        let quoted = multipart("multipart/form-data; boundary=\"XyZ\"", body).unwrap();
        assert_eq!(quoted.len(), 2);
        assert!(multipart("application/x-www-form-urlencoded", body).is_none());
        assert!(multipart("multipart/form-data; boundary=XyZ", b"--XyZ\r\nno end").is_none());
        assert!(multipart("multipart/form-data", body).is_none());
    }
}
