//! The seat-map editor of a venue: the map's sections and rows, a form that
//! adds a row of seats (section, row label, seat count, first number,
//! spacing, curve, category), and `seat-editor.js`, which draws the map to
//! select seats (one by one, by keyboard or with a box) and change them
//! (category, marks, numbers, place), then saves the whole map through the
//! seat-map import of the JSON API.
//!
//! Without scripts the form adds rows here: the map is exported, the row
//! appended, and the document imported again, so every map passes the same
//! validation (`tessera-seating`) whichever way it is drawn; refusals name
//! the seats at fault by their labels. Files are imported on the venue page.

use super::shell::{Filled, OrgTabs, Shell, Text, render, t, t_args};
use super::{Extras, csrf_ok, csrf_token, error_page, redirect, signed_in};
use crate::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde_json::{Value, json};
use std::collections::HashMap;
use tessera_app::seating::MapFormat;
use tessera_app::{Actor, AppError};
use tessera_domain::{OrgId, VenueId};

/// Seats one added row holds at most.
const MAX_ROW_SEATS: i64 = 500;
/// Longest section, row or category label the form takes.
const MAX_LABEL_CHARS: usize = 40;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard/orgs/{org}/venues/{venue}/seat-map/edit", get(edit_page).post(add_row))
}

/// A row of the map's outline.
struct RowLine {
    text: String,
}

/// A section of the map's outline with its rows.
struct SectionLines {
    label: String,
    rows: Vec<RowLine>,
}

#[derive(askama::Template)]
#[template(path = "seats/editor.html")]
struct Editor<'a> {
    shell: Shell,
    tabs: OrgTabs,
    venue_href: String,
    back: String,
    here: String,
    csrf: &'a str,
    notice: Option<String>,
    summary: Option<String>,
    sections: Vec<SectionLines>,
    /// `data-*` attributes for `seat-editor.js`.
    attrs: Vec<(&'static str, String)>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

/// The venue's map as a JSON document (an empty one when it has none).
async fn current_document(s: &AppState, actor: &Actor, org: OrgId, venue: VenueId) -> Result<Value, AppError> {
    match s.app.export_seat_map(actor, org, venue, MapFormat::Json).await {
        Ok(doc) => serde_json::from_str(&doc).map_err(|e| AppError::Internal(e.to_string())),
        Err(AppError::NotFound) => {
            // The venue itself must exist and be visible.
            s.app.venue(actor, org, venue).await?;
            Ok(json!({"format": "tessera-seat-map", "version": 1, "sections": []}))
        }
        Err(e) => Err(e),
    }
}

fn str_of<'v>(v: &'v Value, key: &str) -> &'v str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn list<'v>(v: &'v Value, key: &str) -> &'v [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// The outline of a document: sections, their rows with seat counts and
/// categories (a row's own, else its section's, else its first seat's).
fn outline(doc: &Value) -> (usize, Vec<SectionLines>) {
    let mut seats = 0;
    let sections = list(doc, "sections")
        .iter()
        .map(|section| SectionLines {
            label: str_of(section, "label").to_string(),
            rows: list(section, "rows")
                .iter()
                .map(|row| {
                    let row_seats = list(row, "seats");
                    seats += row_seats.len();
                    let category = [str_of(row, "category"), str_of(section, "category")]
                        .into_iter()
                        .find(|c| !c.is_empty())
                        .or_else(|| row_seats.first().map(|s| str_of(s, "category")))
                        .unwrap_or("");
                    RowLine {
                        text: t_args(
                            "seats-editor-row-summary",
                            &[
                                ("row", str_of(row, "label").to_string().into()),
                                ("count", row_seats.len().into()),
                                ("category", category.to_string().into()),
                            ],
                        ),
                    }
                })
                .collect(),
        })
        .collect();
    (seats, sections)
}

/// A place in the document named for people, from an import problem's
/// location (`map: sections[0].rows[2].seats[5].label`): the seat, row or
/// section it is about.
pub(crate) fn place_name(doc: &Value, location: &str) -> String {
    let path = location.strip_prefix("map: ").unwrap_or(location);
    let index = |key: &str| -> Option<usize> {
        let at = path.find(&format!("{key}["))? + key.len() + 1;
        path[at..].split(']').next()?.parse().ok()
    };
    let section = index("sections").and_then(|i| list(doc, "sections").get(i));
    let row = section.zip(index("rows")).and_then(|(s, i)| list(s, "rows").get(i));
    let seat = row.zip(index("seats")).and_then(|(r, i)| list(r, "seats").get(i));
    let label = |v: Option<&Value>| v.map(|v| str_of(v, "label").to_string()).unwrap_or_default();
    match (section, row, seat) {
        (Some(_), Some(_), Some(_)) => t_args(
            "seats-seat-name",
            &[("section", label(section).into()), ("row", label(row).into()), ("seat", label(seat).into())],
        ),
        (Some(_), Some(_), None) => {
            t_args("seats-editor-row-name", &[("section", label(section).into()), ("row", label(row).into())])
        }
        (Some(_), None, _) => label(section),
        _ => path.to_string(),
    }
}

#[allow(clippy::too_many_arguments)] // one page, fresh or after a refused form
async fn editor_render(
    s: &AppState,
    actor: &Actor,
    org: OrgId,
    venue: VenueId,
    csrf: &str,
    cookies: &[String],
    status: StatusCode,
    values: &HashMap<String, String>,
    errors: &[(String, String)],
    notice: Option<String>,
) -> Response {
    let org_name = match s.app.org(actor, org).await {
        Ok(o) => o.org.name,
        Err(e) => return error_page(e),
    };
    let v = match s.app.venue(actor, org, venue).await {
        Ok(v) => v,
        Err(e) => return error_page(e),
    };
    let doc = match current_document(s, actor, org, venue).await {
        Ok(d) => d,
        Err(e) => return error_page(e),
    };
    let (seats, sections) = outline(&doc);
    let summary = (seats > 0)
        .then(|| t_args("seats-editor-summary", &[("seats", seats.into()), ("sections", sections.len().into())]));
    let here = format!("/dashboard/orgs/{org}/venues/{venue}/seat-map/edit");
    let attrs = vec![
        ("export", format!("/api/v1/orgs/{org}/venues/{venue}/seat-map/export")),
        ("import", format!("/api/v1/orgs/{org}/venues/{venue}/seat-map")),
        ("text", script_texts()),
    ];
    let mut filled = values.clone();
    for (k, v) in [("seats", "10"), ("start", "1"), ("spacing", "1"), ("curve", "0"), ("category", "A")] {
        filled.entry(k.to_string()).or_insert_with(|| v.to_string());
    }
    let page = Editor {
        shell: Shell::new(
            t_args("seats-editor-title", &[("venue", v.name.clone().into())]),
            &Extras { cookies: vec![], scripts: &["seat-editor.js"], wide: true },
        ),
        tabs: OrgTabs::new(org, &org_name, "venues"),
        venue_href: format!("/dashboard/orgs/{org}/venues/{venue}"),
        back: t_args("seats-editor-back", &[("venue", v.name.clone().into())]),
        here,
        csrf,
        notice,
        summary,
        sections,
        attrs,
        values: Filled(&filled),
        errors,
    };
    render(status, &page, cookies)
}

/// Texts `seat-editor.js` shows, as JSON; `{count}`, `{place}` and
/// `{problem}` are filled by the script.
fn script_texts() -> String {
    let plain = [
        ("canvas", "seats-editor-canvas"),
        ("saving", "seats-editor-saving"),
        ("unsaved", "seats-editor-unsaved"),
        ("refused", "seats-editor-refused"),
        ("failed", "seats-editor-failed"),
        ("needText", "seats-editor-need-text"),
    ];
    let mut obj: serde_json::Map<String, Value> =
        plain.iter().map(|(k, id)| (k.to_string(), Value::String(t(id)))).collect();
    let with = |id: &str, args: &[(&str, &str)]| {
        let args: Vec<(&str, tessera_i18n::FluentValue)> =
            args.iter().map(|(n, v)| (*n, tessera_i18n::FluentValue::from(v.to_string()))).collect();
        Value::String(t_args(id, &args))
    };
    obj.insert("selectedNone".into(), Value::String(t_args("seats-editor-selected", &[("count", 0.into())])));
    obj.insert("selectedOne".into(), Value::String(t_args("seats-editor-selected", &[("count", 1.into())])));
    obj.insert("selectedMany".into(), with("seats-editor-selected", &[("count", "{count}")]));
    obj.insert("savedOne".into(), Value::String(t_args("seats-editor-saved", &[("seats", 1.into())])));
    obj.insert("savedMany".into(), with("seats-editor-saved", &[("seats", "{count}")]));
    obj.insert("problem".into(), with("seats-editor-problem", &[("place", "{place}"), ("problem", "{problem}")]));
    obj.insert(
        "seatName".into(),
        with("seats-seat-name", &[("section", "{section}"), ("row", "{row}"), ("seat", "{seat}")]),
    );
    obj.insert("rowName".into(), with("seats-editor-row-name", &[("section", "{section}"), ("row", "{row}")]));
    obj.insert("rowExists".into(), with("seats-editor-row-exists", &[("section", "{section}"), ("row", "{row}")]));
    Value::Object(obj).to_string()
}

fn ids(org: &str, venue: &str) -> Option<(OrgId, VenueId)> {
    Some((org.parse().ok()?, venue.parse().ok()?))
}

async fn edit_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, venue)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/venues/{venue}/seat-map/edit");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let Some((org, venue)) = ids(&org, &venue) else {
        return super::not_found_page();
    };
    let (csrf, set) = csrf_token(&headers);
    let notice = match (q.get("row"), q.get("section")) {
        (Some(row), Some(section)) => Some(t_args(
            "seats-editor-row-added",
            &[
                ("row", row.chars().take(MAX_LABEL_CHARS).collect::<String>().into()),
                ("section", section.chars().take(MAX_LABEL_CHARS).collect::<String>().into()),
            ],
        )),
        _ => None,
    };
    let cookies: Vec<String> = set.into_iter().collect();
    editor_render(&s, &actor, org, venue, &csrf, &cookies, StatusCode::OK, &HashMap::new(), &[], notice).await
}

/// What the add-row form asks for, checked.
struct NewRow {
    section: String,
    row: String,
    seats: i64,
    start: i64,
    spacing: f64,
    curve: f64,
    category: String,
}

fn parse_row(values: &HashMap<String, String>, errors: &mut Vec<(String, String)>) -> Option<NewRow> {
    let get = |k: &str| values.get(k).map(|v| v.trim().to_string()).unwrap_or_default();
    let mut label = |k: &str| {
        let v = get(k);
        if v.is_empty() {
            errors.push((k.to_string(), t("seats-editor-need-text")));
        } else if v.chars().count() > MAX_LABEL_CHARS {
            errors.push((k.to_string(), t_args("seats-editor-too-long", &[("max", MAX_LABEL_CHARS.into())])));
        }
        v
    };
    let (section, row, category) = (label("section"), label("row"), label("category"));
    let mut whole = |k: &str, min: i64, max: i64| match get(k).parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => n,
        _ => {
            errors
                .push((k.to_string(), t_args("seats-editor-need-whole", &[("min", min.into()), ("max", max.into())])));
            min
        }
    };
    let (seats, start) = (whole("seats", 1, MAX_ROW_SEATS), whole("start", 0, 99_999));
    let mut number = |k: &str, min: f64, max: f64| match get(k).replace(',', ".").parse::<f64>() {
        Ok(n) if n.is_finite() && (min..=max).contains(&n) => n,
        _ => {
            let args = [("min", min.to_string().into()), ("max", max.to_string().into())];
            errors.push((k.to_string(), t_args("seats-editor-need-number", &args)));
            min
        }
    };
    let (spacing, curve) = (number("spacing", 0.1, 100.0), number("curve", -20.0, 20.0));
    errors.is_empty().then_some(NewRow { section, row, seats, start, spacing, curve, category })
}

/// The lowest point (largest y) of the seats of `rows`, if any.
fn back_of(rows: &[Value]) -> Option<f64> {
    rows.iter()
        .flat_map(|r| list(r, "seats"))
        .filter_map(|s| s.get("y").and_then(Value::as_f64))
        .fold(None, |acc: Option<f64>, y| Some(acc.map_or(y, |a| a.max(y))))
}

/// Appends the row to the document: behind the section's last row (a new
/// section behind the whole map), seats centred on x = 0, numbered from the
/// start, the ends bent back by `curve` seat distances. The place of the
/// new row, (section index, row index), or an error for its fields.
fn append_row(doc: &mut Value, r: &NewRow) -> Result<(usize, usize), (String, String)> {
    let all_sections = list(doc, "sections").to_vec();
    let map_back = back_of(&all_sections.iter().flat_map(|s| list(s, "rows").to_vec()).collect::<Vec<_>>());
    let sections = doc
        .as_object_mut()
        .map(|o| o.entry("sections").or_insert_with(|| json!([])))
        .and_then(Value::as_array_mut)
        .ok_or_else(|| ("section".to_string(), t("seats-editor-need-text")))?;
    let at = match sections.iter().position(|s| str_of(s, "label") == r.section) {
        Some(i) => i,
        None => {
            sections.push(json!({"label": r.section, "rows": []}));
            sections.len() - 1
        }
    };
    let section = &mut sections[at];
    let rows_now = list(section, "rows").to_vec();
    if rows_now.iter().any(|row| str_of(row, "label") == r.row) {
        let args = [("section", r.section.clone().into()), ("row", r.row.clone().into())];
        return Err(("row".into(), t_args("seats-editor-row-exists", &args)));
    }
    let y0 = match (back_of(&rows_now), map_back) {
        (Some(y), _) => y + r.spacing,
        (None, Some(y)) => y + 2.0 * r.spacing,
        (None, None) => 0.0,
    };
    let half = (r.seats - 1) as f64 / 2.0;
    let seats: Vec<Value> = (0..r.seats)
        .map(|i| {
            let offset = i as f64 - half;
            let x = offset * r.spacing;
            let bend = if half > 0.0 { r.curve * r.spacing * (offset / half).powi(2) } else { 0.0 };
            let round = |v: f64| (v * 1000.0).round() / 1000.0;
            json!({"label": (r.start + i).to_string(), "x": round(x), "y": round(y0 + bend)})
        })
        .collect();
    let rows = section
        .as_object_mut()
        .map(|o| o.entry("rows").or_insert_with(|| json!([])))
        .and_then(Value::as_array_mut)
        .ok_or_else(|| ("section".to_string(), t("seats-editor-need-text")))?;
    rows.push(json!({"label": r.row, "category": r.category, "seats": seats}));
    Ok((at, rows.len() - 1))
}

/// Adds a row with the form (the editor's way without scripts).
async fn add_row(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org_s, venue_s)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let here = format!("/dashboard/orgs/{org_s}/venues/{venue_s}/seat-map/edit");
    let actor = match signed_in(&here) {
        Ok((_, actor)) => actor,
        Err(to_sign_in) => return to_sign_in,
    };
    let Some((org, venue)) = ids(&org_s, &venue_s) else {
        return super::not_found_page();
    };
    let values = super::form(&body);
    if !csrf_ok(&headers, &values) {
        return super::form_expired_page(&here);
    }
    if let Err(e) = s.app.may_import_seat_map(&actor, org, venue).await {
        return error_page(e);
    }
    let mut errors = vec![];
    if let Some(row) = parse_row(&values, &mut errors) {
        match current_document(&s, &actor, org, venue).await {
            Err(e) => return error_page(e),
            Ok(mut doc) => match append_row(&mut doc, &row) {
                Err(field) => errors.push(field),
                Ok(_) => match s.app.import_seat_map(&actor, org, venue, MapFormat::Json, &doc.to_string()).await {
                    Ok(_) => {
                        let q: String = form_urlencoded::Serializer::new(String::new())
                            .append_pair("section", &row.section)
                            .append_pair("row", &row.row)
                            .finish();
                        return redirect(&format!("{here}?{q}"), &[]);
                    }
                    Err(AppError::Invalid(v)) => {
                        for f in v.fields {
                            let problem = t_args(
                                "seats-editor-problem",
                                &[
                                    ("place", place_name(&doc, &f.field).into()),
                                    ("problem", crate::error::field_message(&f).into()),
                                ],
                            );
                            errors.push(("row".into(), problem));
                        }
                    }
                    Err(e) => return error_page(e),
                },
            },
        }
    }
    let (csrf, set) = csrf_token(&headers);
    let cookies: Vec<String> = set.into_iter().collect();
    editor_render(&s, &actor, org, venue, &csrf, &cookies, StatusCode::UNPROCESSABLE_ENTITY, &values, &errors, None)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(section: &str, label: &str, seats: i64, curve: f64) -> NewRow {
        NewRow {
            section: section.into(),
            row: label.into(),
            seats,
            start: 1,
            spacing: 1.0,
            curve,
            category: "A".into(),
        }
    }

    #[test]
    fn rows_go_behind_their_section_and_curve_at_the_ends() {
        let mut doc = json!({"format": "tessera-seat-map", "version": 1, "sections": []});
        assert_eq!(append_row(&mut doc, &row("Stalls", "A", 3, 0.0)), Ok((0, 0)));
        assert_eq!(append_row(&mut doc, &row("Stalls", "B", 5, 1.0)), Ok((0, 1)));
        assert_eq!(append_row(&mut doc, &row("Balcony", "A", 1, 0.0)), Ok((1, 0)));
        assert_eq!(append_row(&mut doc, &row("Stalls", "A", 2, 0.0)).unwrap_err().0, "row");
        let b = &doc["sections"][0]["rows"][1]["seats"];
        let ys: Vec<f64> = (0..5).map(|i| b[i]["y"].as_f64().unwrap()).collect();
        assert_eq!(ys, [2.0, 1.25, 1.0, 1.25, 2.0], "one seat distance behind row A, ends bent back by one");
        assert_eq!(b[0]["label"], "1");
        assert_eq!(b[4]["x"], 2.0);
        assert_eq!(doc["sections"][1]["rows"][0]["seats"][0]["y"], 4.0, "a new section behind the map");
    }

    #[test]
    fn import_problems_name_the_seat_row_or_section() {
        let doc = json!({"sections": [{"label": "Stalls", "rows": [{"label": "A", "seats": [{"label": "1"}, {"label": "2"}]}]}]});
        assert_eq!(place_name(&doc, "map: sections[0].rows[0].seats[1].label"), "Stalls · Row A · Seat 2");
        assert_eq!(place_name(&doc, "map: sections[0].rows[0]"), "Stalls · Row A");
        assert_eq!(place_name(&doc, "map: sections[0].label"), "Stalls");
        assert_eq!(place_name(&doc, "map: document"), "document");
    }
}
