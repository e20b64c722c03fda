//! A ticket as a self-contained web page.

use std::fmt::Write as _;

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

/// A complete HTML5 page for one ticket: the QR code large (inline SVG) and
/// every field of `t`, all escaped. It has an inline style sheet and no
/// scripts, loads nothing, and fits screens down to 360 px wide. With
/// `pdf_href` it links to the printable PDF (an href that would run code,
/// such as `javascript:`, is left out).
///
/// Should `t.code` not fit in a QR code, the page says so where the code
/// would be instead of failing.
pub fn ticket_html(t: &TicketSheet, pdf_href: Option<&str>) -> String {
    let mut page = String::with_capacity(16 * 1024);
    let event = escape(&t.event_name);
    let _ = write!(
        page,
        concat!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
            "<meta name=\"robots\" content=\"noindex, nofollow\">\n",
            "<meta name=\"referrer\" content=\"no-referrer\">\n",
            "<title>Ticket: {event}</title>\n<style>\n{style}</style>\n</head>\n<body>\n<main>\n",
            "<article class=\"ticket\" aria-labelledby=\"event-name\">\n<header>\n",
            "<h1 id=\"event-name\">{event}</h1>\n<p class=\"when\">{when}</p>\n"
        ),
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
            let label =
                format!(" role=\"img\" aria-label=\"{}\"", escape(&format!("QR code of ticket {}", t.ticket_id)));
            page.push_str(&crate::svg_for(&qr, &label));
            page.push_str(
                "\n<figcaption>Show this code at the entrance. Turn your screen brightness up.</figcaption>\n",
            );
        }
        Err(e) => {
            let _ = writeln!(
                page,
                "<p class=\"qr-error\" role=\"alert\">This ticket's code cannot be shown ({}). Please contact the organiser.</p>",
                escape(&e.to_string())
            );
        }
    }
    page.push_str("</figure>\n<dl>\n");
    let mut field = |label: &str, value: &str, class: &str| {
        let _ = writeln!(page, "<div{class}><dt>{label}</dt><dd>{}</dd></div>", escape(value));
    };
    field("Ticket type", &t.ticket_type, "");
    if let Some(seat) = t.seat.as_deref().filter(|s| !s.trim().is_empty()) {
        field("Seat / zone", seat, "");
    }
    field("Holder", &t.holder_name, "");
    field("Order reference", &t.order_reference, "");
    field("Ticket ID", &t.ticket_id, " class=\"wide mono\"");
    page.push_str("</dl>\n");
    if let Some(href) = pdf_href.filter(|h| safe_href(h)) {
        let _ = writeln!(
            page,
            "<p class=\"actions\"><a class=\"button\" href=\"{}\" download>Download PDF ticket</a></p>",
            escape(href)
        );
    }
    page.push_str(
        "<p class=\"note\">This code admits one person once. Keep it private: anyone with a copy can use it.</p>\n\
         </article>\n</main>\n</body>\n</html>\n",
    );
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
