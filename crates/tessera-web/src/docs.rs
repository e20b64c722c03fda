//! Renders the OpenAPI document as one self-contained HTML page: every
//! operation grouped by tag, with parameters, request body and responses,
//! and every schema with its properties. No scripts, no network.

use serde_json::Value;
use std::fmt::Write;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn schema_name(v: &Value) -> String {
    if let Some(r) = v.get("$ref").and_then(Value::as_str) {
        let name = r.rsplit('/').next().unwrap_or(r);
        return format!("<a href=\"#schema-{0}\">{0}</a>", esc(name));
    }
    if let Some(t) = v.get("type") {
        let t = match t {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(" | "),
            other => other.as_str().unwrap_or("").to_string(),
        };
        if let Some(items) = v.get("items").filter(|_| t.starts_with("array")) {
            return format!("array of {}", schema_name(items));
        }
        let fmt = v.get("format").and_then(Value::as_str).map(|f| format!(" ({})", esc(f))).unwrap_or_default();
        return format!("{}{fmt}", esc(&t));
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(Value::Array(parts)) = v.get(key) {
            return parts.iter().map(schema_name).collect::<Vec<_>>().join(" | ");
        }
    }
    "object".into()
}

pub fn render(doc: &Value) -> String {
    let title = doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("API");
    let version = doc.pointer("/info/version").and_then(Value::as_str).unwrap_or("");
    let mut by_tag: std::collections::BTreeMap<String, Vec<(String, String, &Value)>> = Default::default();
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else { continue };
            for (method, op) in ops {
                let tag = op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("other").to_string();
                by_tag.entry(tag).or_default().push((method.to_uppercase(), path.clone(), op));
            }
        }
    }
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{t} reference</title><style>\
         body{{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:0 auto;padding:1rem;color:#111}}\
         code,.path{{font-family:ui-monospace,monospace}} .op{{border:1px solid #ccc;border-radius:6px;padding:.5rem 1rem;margin:.75rem 0}}\
         .m{{display:inline-block;min-width:4.5rem;font-weight:700}} .get{{color:#05603a}} .post{{color:#1849a9}} .patch,.put{{color:#93370d}} .delete{{color:#b42318}}\
         table{{border-collapse:collapse}} td,th{{border-bottom:1px solid #eee;padding:.2rem .6rem;text-align:left;vertical-align:top}}\
         a{{color:#1849a9}} a:focus,a:hover{{outline:2px solid #1849a9}}</style></head><body>\
         <h1>{t} <small>{v}</small></h1><p>Machine-readable: <a href=\"/api/v1/openapi.json\">openapi.json</a>. \
         Errors always have the shape <code>{{\"error\":{{\"code\",\"message\",\"fields\"}}}}</code>.</p><nav><ul>",
        t = esc(title),
        v = esc(version)
    );
    for tag in by_tag.keys() {
        let _ = write!(h, "<li><a href=\"#tag-{0}\">{0}</a></li>", esc(tag));
    }
    h.push_str("<li><a href=\"#schemas\">schemas</a></li></ul></nav>");
    for (tag, ops) in &by_tag {
        let _ = write!(h, "<h2 id=\"tag-{0}\">{0}</h2>", esc(tag));
        for (method, path, op) in ops {
            let summary = op.get("summary").or_else(|| op.get("description")).and_then(Value::as_str).unwrap_or("");
            let _ = write!(
                h,
                "<section class=\"op\"><div><span class=\"m {}\">{}</span> <span class=\"path\">{}</span></div><p>{}</p>",
                method.to_lowercase(),
                method,
                esc(path),
                esc(summary)
            );
            if let Some(Value::Array(params)) = op.get("parameters") {
                h.push_str("<table><tr><th>parameter</th><th>in</th><th>type</th><th>about</th></tr>");
                for p in params {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(p.get("name").and_then(Value::as_str).unwrap_or("")),
                        if p.get("required").and_then(Value::as_bool) == Some(true) { " *" } else { "" },
                        esc(p.get("in").and_then(Value::as_str).unwrap_or("")),
                        p.get("schema").map(schema_name).unwrap_or_default(),
                        esc(p.get("description").and_then(Value::as_str).unwrap_or(""))
                    );
                }
                h.push_str("</table>");
            }
            if let Some(body) = op.pointer("/requestBody/content/application~1json/schema") {
                let _ = write!(h, "<p>Body: {}</p>", schema_name(body));
            }
            if let Some(Value::Object(responses)) = op.get("responses") {
                h.push_str("<p>Responses: ");
                let parts: Vec<String> = responses
                    .iter()
                    .map(|(code, r)| {
                        let schema = r
                            .pointer("/content/application~1json/schema")
                            .map(|s| format!(" {}", schema_name(s)))
                            .unwrap_or_default();
                        format!("<code>{}</code>{}", esc(code), schema)
                    })
                    .collect();
                h.push_str(&parts.join(", "));
                h.push_str("</p>");
            }
            h.push_str("</section>");
        }
    }
    h.push_str("<h2 id=\"schemas\">Schemas</h2>");
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, s) in schemas {
            let _ = write!(h, "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>", esc(name));
            if let Some(d) = s.get("description").and_then(Value::as_str) {
                let _ = write!(h, "<p>{}</p>", esc(d));
            }
            if let Some(Value::Object(props)) = s.get("properties") {
                let required: Vec<&str> = s
                    .get("required")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).collect())
                    .unwrap_or_default();
                h.push_str("<table><tr><th>field</th><th>type</th><th>about</th></tr>");
                for (p, ps) in props {
                    let _ = write!(
                        h,
                        "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td></tr>",
                        esc(p),
                        if required.contains(&p.as_str()) { " *" } else { "" },
                        schema_name(ps),
                        esc(ps.get("description").and_then(Value::as_str).unwrap_or(""))
                    );
                }
                h.push_str("</table>");
            } else if let Some(Value::Array(values)) = s.get("enum") {
                let vals: Vec<String> =
                    values.iter().map(|v| format!("<code>{}</code>", esc(&v.to_string()))).collect();
                let _ = write!(h, "<p>One of: {}</p>", vals.join(", "));
            } else {
                let _ = write!(h, "<p>{}</p>", schema_name(s));
            }
            h.push_str("</section>");
        }
    }
    h.push_str("<p>* required</p></body></html>");
    h
}
