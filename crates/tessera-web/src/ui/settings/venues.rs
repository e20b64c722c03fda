//! Venues and their seat maps: the list, a venue's details, the map's
//! summary, the generators the app offers, import of an uploaded file
//! (every problem listed next to the form) and export as a download.

use super::*;
use axum::body::Body;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use tessera_app::seating::{GenerateMap, MAX_DOCUMENT_BYTES, MapFormat, SeatMapSummary};
use tessera_domain::VenueId;
use tessera_domain::catalog::{NewVenue, TimeZoneName, Venue, VenuePatch};

/// IANA time zone names to choose from.
static TIMEZONES: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let mut names: Vec<String> = jiff::tz::db()
        .available()
        .map(|n| n.as_str().to_string())
        .filter(|n| n == "UTC" || (n.contains('/') && !n.starts_with("Etc/")))
        .collect();
    names.sort();
    names.dedup();
    let options: String = names.iter().map(|n| format!("<option value=\"{}\">", esc(n))).collect();
    format!("<datalist id=\"timezones\">{options}</datalist>")
});

fn timezone_list() -> &'static str {
    &TIMEZONES
}

fn venue_fields(f: &Form) -> String {
    format!(
        "{name}{address}{tz}{tz_hint}{capacity}",
        name = input("name", tr("Name"), "text", "required maxlength=\"200\"", &f.values, &f.errors),
        address = input(
            "address",
            tr("Address"),
            "text",
            "maxlength=\"500\" autocomplete=\"street-address\"",
            &f.values,
            &f.errors
        ),
        tz = input(
            "timezone",
            tr("Time zone"),
            "text",
            "list=\"timezones\" required autocomplete=\"off\" spellcheck=\"false\"",
            &f.values,
            &f.errors
        ),
        tz_hint = hint(tr("An IANA name such as Europe/Berlin or Asia/Shanghai.")),
        capacity = input(
            "capacity",
            tr("Capacity (general admission)"),
            "number",
            "min=\"0\" step=\"1\" inputmode=\"numeric\" required",
            &f.values,
            &f.errors
        ),
    )
}

/// The venue form's values as a venue, or every message at once.
fn venue_input(values: &HashMap<String, String>) -> Result<NewVenue, Vec<(String, String)>> {
    let mut errors = vec![];
    let timezone = TimeZoneName::parse(val(values, "timezone"))
        .map_err(|_| {
            errors.push(("timezone".into(), tr("Choose a time zone from the list, such as Europe/Berlin.").into()))
        })
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
        errors.extend(v.fields.into_iter().map(|f| (f.field, localize(&f.message))));
    }
    if errors.is_empty() { Ok(venue) } else { Err(errors) }
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
    venues_view(&s, &c, StatusCode::OK, &Form::default(), &done_notice(&q)).await
}

async fn venues_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: &str) -> Response {
    let venues = match s.app.venues(&c.actor, c.id()).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let mut body = notice.to_string();
    if venues.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No venues yet. Add the first one below.")));
    } else {
        body.push_str(&table_start(
            tr("Venues"),
            &[(tr("Name"), false), (tr("Address"), false), (tr("Time zone"), false), (tr("Capacity"), true)],
        ));
        for v in &venues {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"{base}/venues/{id}\">{name}</a></th><td>{address}</td><td>{tz}</td><td class=\"num\">{cap}</td></tr>",
                base = c.base(),
                id = v.id,
                name = esc(&v.name),
                address = esc(&v.address),
                tz = esc(v.timezone.as_str()),
                cap = v.capacity,
            ));
        }
        body.push_str(TABLE_END);
    }
    body.push_str(&format!(
        "<h2 id=\"new-venue\">{title}</h2><form method=\"post\" action=\"{base}/venues\" novalidate>{csrf}{marked}{fields}\
         <p><button type=\"submit\">{submit}</button></p></form>{zones}",
        title = tr("Add a venue"),
        base = c.base(),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&new.errors),
        fields = venue_fields(new),
        submit = tr("Add the venue"),
        zones = timezone_list(),
    ));
    render(c, status, tr("Venues"), "venues", &body)
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
            Err(e) => match refused(e) {
                Ok(errors) => errors,
                Err(page) => return page,
            },
        },
    };
    venues_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), "").await
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
    venue_view(&s, &c, venue, StatusCode::OK, VenueForms::default(), &done_notice(&q)).await
}

async fn venue_view(
    s: &AppState,
    c: &Ctx,
    venue: VenueId,
    status: StatusCode,
    forms: VenueForms,
    notice: &str,
) -> Response {
    let v = match s.app.venue(&c.actor, c.id(), venue).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let summary = match s.app.seat_map_summary(&c.actor, c.id(), venue).await {
        Ok(m) => Some(m),
        Err(AppError::NotFound) => None,
        Err(e) => return error_page(e),
    };
    let here = format!("{}/venues/{}", c.base(), v.id);
    let edit = forms.edit.unwrap_or_else(|| Form { values: venue_values(&v), errors: vec![] });
    let mut body = format!(
        "{notice}<p><a href=\"{base}/venues\">{all}</a></p>\
         <h2 id=\"details\">{details}</h2><form method=\"post\" action=\"{here}\" novalidate>{csrf}{marked}{fields}\
         <p><button type=\"submit\">{save}</button></p></form>{zones}",
        base = c.base(),
        all = tr("All venues"),
        details = tr("Venue details"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&edit.errors),
        fields = venue_fields(&edit),
        save = tr("Save the venue"),
        zones = timezone_list(),
    );
    body.push_str(&format!("<h2 id=\"seat-map\">{}</h2>", tr("Seat map")));
    match &summary {
        None => {
            body.push_str(&format!("<p>{}</p>", tr("This venue has no seat map yet. Generate one or import a file.")))
        }
        Some(m) => body.push_str(&map_summary_html(m, &here)),
    }
    // The visual editor (another page, by the seats area) beside the forms.
    body.push_str(&format!(
        "<p><a class=\"button secondary\" href=\"{here}/seat-map/edit\">{}</a></p>",
        esc(&super::super::shell::t("settings-seat-map-editor"))
    ));
    body.push_str(&generate_forms(c, &here, forms.generate.as_ref()));
    body.push_str(&import_form(c, &here, &forms.import));
    render(c, status, &v.name, "venues", &body)
}

fn map_summary_html(m: &SeatMapSummary, here: &str) -> String {
    let mut out = format!(
        "<div class=\"stats\"><div>{seats_l}<strong>{seats}</strong></div><div>{sections_l}<strong>{sections}</strong></div>\
         <div>{areas_l}<strong>{areas}</strong></div><div>{version_l}<strong>{version}</strong></div></div>\
         <p class=\"muted\">{updated_l}: {updated}</p>",
        seats_l = tr("Seats"),
        seats = m.seats,
        sections_l = tr("Sections"),
        sections = m.sections.len(),
        areas_l = tr("Standing areas"),
        areas = m.areas.len(),
        version_l = tr("Version"),
        version = m.version,
        updated_l = tr("Updated"),
        updated = esc(&when(m.updated_at, "UTC")),
    );
    if !m.sections.is_empty() {
        out.push_str(&format!("<h3>{}</h3>", tr("Sections")));
        out.push_str(&table_start(tr("Sections"), &[(tr("Section"), false), (tr("Rows"), true), (tr("Seats"), true)]));
        for sec in &m.sections {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                esc(&sec.label),
                sec.rows,
                sec.seats
            ));
        }
        out.push_str(TABLE_END);
    }
    if !m.categories.is_empty() {
        out.push_str(&format!("<h3>{}</h3>", tr("Categories (price zones)")));
        out.push_str(&table_start(tr("Categories (price zones)"), &[(tr("Category"), false), (tr("Seats"), true)]));
        for (cat, n) in &m.categories {
            out.push_str(&format!("<tr><th scope=\"row\">{}</th><td class=\"num\">{n}</td></tr>", esc(cat)));
        }
        out.push_str(TABLE_END);
    }
    if !m.areas.is_empty() {
        out.push_str(&format!("<h3>{}</h3>", tr("Standing areas")));
        out.push_str(&table_start(
            tr("Standing areas"),
            &[(tr("Name"), false), (tr("Category"), false), (tr("Capacity"), true)],
        ));
        for a in &m.areas {
            out.push_str(&format!(
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{}</td></tr>",
                esc(&a.name),
                esc(&a.category),
                a.capacity
            ));
        }
        out.push_str(TABLE_END);
    }
    out.push_str(&format!(
        "<p>{download}: <a href=\"{here}/seat-map.json\" download>{json}</a> · <a href=\"{here}/seat-map.csv\" download>{csv}</a></p>",
        download = tr("Download the map"),
        json = tr("JSON (complete)"),
        csv = tr("CSV (seats only)"),
    ));
    out
}

/// A generator's form fields: (name, label, required, placeholder-or-default).
struct Shape {
    key: &'static str,
    title: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
}

/// Each shape the app generates, with its fields and starting values.
const SHAPES: [Shape; 3] = [
    Shape {
        key: "rectangular",
        title: "Rectangular hall",
        fields: &[
            ("rows", "Rows", "10"),
            ("seats_per_row", "Seats per row", "20"),
            ("aisle_every", "Aisle after every … seats (optional)", ""),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
    Shape {
        key: "curved",
        title: "Curved rows",
        fields: &[
            ("rows", "Rows", "15"),
            ("span_degrees", "Angle the rows span, in degrees", "120"),
            ("aisle_every", "Aisle after every … seats (optional)", "14"),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
    Shape {
        key: "stadium",
        title: "Stadium",
        fields: &[
            ("sections", "Sections", "36"),
            ("rows", "Rows per section", "77"),
            ("pitch_standing", "Standing places on the pitch (optional)", ""),
            ("categories", "Categories, front to back (optional)", ""),
        ],
    },
];

fn generate_forms(c: &Ctx, here: &str, refused: Option<&(&'static str, Form)>) -> String {
    let mut out = format!(
        "<h3>{}</h3><p class=\"muted\">{}</p>",
        tr("Generate a map"),
        tr("Replaces the venue's current map. Seats whose section, row and seat labels stay the same keep their ids.")
    );
    for shape in &SHAPES {
        let mine = refused.filter(|(k, _)| *k == shape.key).map(|(_, f)| f);
        let mut values = HashMap::new();
        for (name, _, start) in shape.fields {
            values.insert(format!("{}.{name}", shape.key), start.to_string());
        }
        let (values, errors) = match mine {
            Some(f) => (&f.values, f.errors.as_slice()),
            None => (&values, &[][..]),
        };
        let mut fields = String::new();
        for (name, label, _) in shape.fields {
            let full = format!("{}.{name}", shape.key);
            if *name == "categories" {
                fields.push_str(&input(&full, tr(label), "text", "autocomplete=\"off\"", values, errors));
                fields.push_str(&hint(tr("Separate with commas, such as A, B, C.")));
            } else {
                let (kind, attrs) = if *name == "span_degrees" {
                    ("text", "inputmode=\"decimal\" autocomplete=\"off\"")
                } else {
                    ("number", "min=\"0\" step=\"1\" inputmode=\"numeric\"")
                };
                fields.push_str(&input(&full, tr(label), kind, attrs, values, errors));
            }
        }
        let general = field_errors(errors, &format!("{}-form", shape.key));
        // Folded away until chosen; a refused one opens with its messages.
        out.push_str(&format!(
            "<details class=\"panel\"{open}><summary>{title}</summary>\
             <form method=\"post\" action=\"{here}/seat-map/generate\" novalidate><fieldset><legend class=\"visually-hidden\">{title}</legend>\
             {csrf}<input type=\"hidden\" name=\"shape\" value=\"{key}\">{marked}{general}{fields}\
             <p><button type=\"submit\" class=\"secondary\">{submit}</button></p></fieldset></form></details>",
            open = if mine.is_some() { " open" } else { "" },
            title = tr(shape.title),
            csrf = csrf_field(&c.csrf),
            key = shape.key,
            marked = check_marked(errors),
            submit = tr("Generate"),
        ));
    }
    out
}

fn import_form(c: &Ctx, here: &str, f: &Form) -> String {
    let problems = if f.errors.is_empty() {
        String::new()
    } else {
        let items: String = f
            .errors
            .iter()
            .map(|(field, message)| match field.strip_prefix("map: ") {
                Some(at) => format!("<li><code>{}</code>: {}</li>", esc(at), esc(message)),
                None => format!("<li>{}</li>", esc(message)),
            })
            .collect();
        format!(
            "<div class=\"error\" id=\"map-error\" role=\"alert\"><p>{}</p><ul>{items}</ul></div>",
            tr("The file has problems; nothing was changed:")
        )
    };
    let invalid = if problems.is_empty() { "" } else { " aria-invalid=\"true\" aria-describedby=\"map-error\"" };
    format!(
        "<h3>{title}</h3><form method=\"post\" action=\"{here}/seat-map/import\" enctype=\"multipart/form-data\" novalidate>\
         {csrf}<p class=\"muted\" id=\"map-hint\">{hint}</p><p><label for=\"map\">{label}</label><br>\
         <input id=\"map\" name=\"map\" type=\"file\" accept=\".json,.csv,application/json,text/csv\" required{invalid}></p>\
         {problems}<p><button type=\"submit\" class=\"secondary\">{submit}</button></p></form>",
        title = tr("Import a file"),
        csrf = csrf_field(&c.csrf),
        hint = tr(
            "JSON in Tessera's seat map format, or CSV with the columns section,row,seat,x,y,category,flags. Up to 32 MiB."
        ),
        label = tr("Seat map file"),
        submit = tr("Import"),
    )
}

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
                Err(e) => match refused(e) {
                    Ok(errors) => errors,
                    Err(page) => return page,
                },
            }
        }
    };
    let forms = VenueForms { edit: Some(Form::refused(values, errors)), ..Default::default() };
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
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
                        errors.push((field("span_degrees"), tr("enter a number").to_string()));
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
        return error_page(AppError::invalid("shape", "one of rectangular, curved, stadium"));
    };
    let errors = match generate_input(shape, &values) {
        Err(errors) => errors,
        Ok(spec) => match s.app.generate_seat_map(&c.actor, c.id(), venue, spec).await {
            Ok(_) => return redirect(&format!("{}/venues/{venue}?done=map-generated#seat-map", c.base()), &[]),
            Err(e) => match refused(e) {
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
    venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
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
        venue_view(&s, &c, venue, status, forms, "")
    };
    let bytes = match axum::body::to_bytes(body, MAX_DOCUMENT_BYTES + 64 * 1024).await {
        Ok(b) => b,
        Err(_) => return refuse(StatusCode::PAYLOAD_TOO_LARGE, tr("The file is larger than 32 MiB.").into()).await,
    };
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some(parts) = multipart(content_type, &bytes) else {
        return refuse(StatusCode::BAD_REQUEST, tr("Choose a JSON or CSV file.").into()).await;
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
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, tr("Choose a JSON or CSV file.").into()).await;
    };
    let Ok(text) = std::str::from_utf8(file.content) else {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, tr("The file is not UTF-8 text.").into()).await;
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
        Err(e) => match refused(e) {
            Ok(errors) => {
                let forms = VenueForms { import: Form::refused(HashMap::new(), errors), ..Default::default() };
                venue_view(&s, &c, venue, StatusCode::UNPROCESSABLE_ENTITY, forms, "").await
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
