//! A ticket as a self-contained web page.

use std::fmt::Write as _;

use tessera_i18n::{FluentValue, t_args};

use crate::TicketSheet;

/// `text` with the five characters that matter in HTML text and quoted
/// attribute values replaced by references.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Whether `href` may go into a link: schemes that run code are refused.
fn safe_href(href: &str) -> bool {
    let lowered: String = href
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    !href.trim().is_empty() && !["javascript:", "vbscript:", "data:"].iter().any(|s| lowered.starts_with(s))
}

const STYLE: &str = "\
:root{color-scheme:light;--ink:#111;--muted:#4a4a4a;--line:#c8c8c8;--accent:#0b4f9c}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;background:#eef0f3;color:var(--ink);font:16px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,\"DejaVu Sans\",sans-serif}
main{max-width:34rem;margin:0 auto;padding:1rem}
.ticket{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.25rem}
h1{font-size:1.6rem;line-height:1.2;margin:0 0 .4rem;overflow-wrap:anywhere}
.when{font-size:1.1rem;font-weight:600;margin:0}
.venue{color:var(--muted);margin:.2rem 0 0;overflow-wrap:anywhere}
.qr{margin:1.25rem 0;padding:0;text-align:center}
.qr svg{display:block;width:100%;max-width:22rem;height:auto;aspect-ratio:1/1;margin:0 auto}
.qr figcaption{color:var(--muted);font-size:.9rem;margin-top:.4rem}
.qr-error{border:2px solid #a40000;border-radius:8px;padding:1rem;color:#a40000;text-align:left}
dl{display:grid;grid-template-columns:repeat(auto-fit,minmax(12rem,1fr));gap:.75rem 1.25rem;margin:0;border-top:1px solid var(--line);padding-top:1rem}
dl div{min-width:0}
dl .wide{grid-column:1/-1}
dt{color:var(--muted);font-size:.8rem;text-transform:uppercase;letter-spacing:.04em}
dd{margin:.1rem 0 0;font-size:1.05rem;overflow-wrap:anywhere}
.mono dd{font-family:ui-monospace,\"DejaVu Sans Mono\",Menlo,Consolas,monospace;font-size:.95rem}
.actions{margin:1.25rem 0 0}
.button{display:inline-block;background:var(--accent);color:#fff;text-decoration:none;font-weight:600;padding:.7rem 1.1rem;border-radius:8px;min-height:44px}
.button:hover{background:#083d79}
.button:focus-visible{outline:3px solid #111;outline-offset:2px}
.note{color:var(--muted);font-size:.9rem;margin:1rem 0 0}
@media (max-width:400px){main{padding:.5rem}.ticket{padding:1rem}h1{font-size:1.4rem}}
@media print{body{background:#fff}main{max-width:none;padding:0}.ticket{border:0}.actions{display:none}}
";

/// A complete HTML5 page for one ticket, its words in `t.locale`: the QR code
/// large (inline SVG) and every field of `t`, all escaped. It has an inline style sheet and no
/// scripts, loads nothing, and fits screens down to 360 px wide. With
/// `pdf_href` it links to the printable PDF (an href that would run code,
/// such as `javascript:`, is left out).
///
/// Should `t.code` not fit in a QR code, the page says so where the code
/// would be instead of failing.
pub fn ticket_html(t: &TicketSheet, pdf_href: Option<&str>) -> String {
    let l = t.locale;
    let text = |id: &str| escape(&tessera_i18n::t(l, id));
    let mut page = String::with_capacity(16 * 1024);
    let event = escape(&t.event_name);
    let _ = write!(
        page,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
            "<meta name=\"referrer\" content=\"no-referrer\">\n",
            "<title>{title}</title>\n<style>\n{style}</style>\n</head>\n<body>\n<main>\n",
            "<article class=\"ticket\" aria-labelledby=\"event-name\">\n<header>\n",
            "<h1 id=\"event-name\">{event}</h1>\n<p class=\"when\">{when}</p>\n"
        ),
        lang = l.tag(),
        title = escape(&t_args(l, "tickets-page-title", &[("event", FluentValue::from(t.event_name.as_str()))])),
        event = event,
        style = STYLE,
        when = escape(&t.starts_at),
    );
    if !t.venue.trim().is_empty() {
        let _ = writeln!(page, "<p class=\"venue\">{}</p>", escape(&t.venue));
    }
    page.push_str("</header>\n<figure class=\"qr\">\n");
    match crate::encode(&t.code) {
        Ok(qr) => {
            let label = t_args(l, "tickets-qr-label", &[("id", FluentValue::from(t.ticket_id.as_str()))]);
            let label = format!(" role=\"img\" aria-label=\"{}\"", escape(&label));
            page.push_str(&crate::svg_for(&qr, &label));
            let _ = write!(page, "\n<figcaption>{}</figcaption>\n", text("tickets-qr-caption"));
        }
        Err(e) => {
            let _ = writeln!(
                page,
                "<p class=\"qr-error\" role=\"alert\" data-reason=\"{}\">{}</p>",
                escape(&e.to_string()),
                text("tickets-qr-broken")
            );
        }
    }
    page.push_str("</figure>\n<dl>\n");
    let mut field = |label: &str, value: &str, class: &str| {
        let _ = writeln!(page, "<div{class}><dt>{}</dt><dd>{}</dd></div>", text(label), escape(value));
    };
    field("tickets-type", &t.ticket_type, "");
    if let Some(seat) = t.seat.as_deref().filter(|s| !s.trim().is_empty()) {
        field("tickets-seat", seat, "");
    }
    field("tickets-holder", &t.holder_name, "");
    field("tickets-order", &t.order_reference, "");
    field("tickets-id", &t.ticket_id, " class=\"wide mono\"");
    page.push_str("</dl>\n");
    if let Some(href) = pdf_href.filter(|h| safe_href(h)) {
        let _ = writeln!(
            page,
            "<p class=\"actions\"><a class=\"button\" href=\"{}\" download>{}</a></p>",
            escape(href),
            text("tickets-download-pdf")
        );
    }
    let _ =
        write!(page, "<p class=\"note\">{}</p>\n</article>\n</main>\n</body>\n</html>\n", text("tickets-page-note"));
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_all_five() {
        assert_eq!(escape(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
    }

    #[test]
    fn refuses_script_links() {
        assert!(!safe_href(" JavaScript:alert(1)"));
        assert!(!safe_href("java\tscript:alert(1)"));
        assert!(!safe_href("data:text/html,x"));
        assert!(!safe_href(""));
        assert!(safe_href("/orders/1/tickets.pdf"));
        assert!(safe_href("https://example.org/t.pdf"));
    }
}
