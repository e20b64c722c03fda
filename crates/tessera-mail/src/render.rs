//! One small document model, rendered twice: to plain text and to HTML.
//!
//! Every mail is built as a [`Doc`] of [`Block`]s holding *plain text*; the
//! HTML renderer escapes every string it writes, in one place ([`escape`]),
//! and the markup around it is fixed. So untrusted text (event and buyer
//! names) can never become markup, and the two parts of a mail always say
//! the same thing.

use std::fmt::Write as _;

use crate::Locale;

pub(crate) struct Doc {
    pub locale: Locale,
    /// The subject; also the HTML `<title>`.
    pub title: String,
    /// The organizer's name, shown above the heading.
    pub org_name: String,
    pub heading: String,
    pub blocks: Vec<Block>,
    pub footer: String,
}

pub(crate) enum Block {
    Para(String),
    /// Text whose line breaks matter (payment instructions).
    Lines(String),
    Heading(String),
    /// Label and value pairs ("Order: A1B2C3").
    Facts(Vec<(String, String)>),
    Order(OrderTable),
    /// A list of links, each with a lead text: tickets.
    Links(Vec<LinkItem>),
    /// The main call to action.
    Button {
        label: String,
        url: String,
    },
}

pub(crate) struct OrderTable {
    pub caption: String,
    /// Item, quantity, unit price, amount.
    pub head: [String; 4],
    pub rows: Vec<[String; 4]>,
    /// Fees, taxes and the total: label and amount.
    pub foot: Vec<(String, String)>,
}

pub(crate) struct LinkItem {
    pub text: String,
    pub link_label: String,
    pub url: String,
}

/// Escapes text for HTML element content and double- or single-quoted
/// attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn colon(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ": ",
        Locale::ZhCn => "：",
    }
}

fn comma(locale: Locale) -> &'static str {
    match locale {
        Locale::En => ", ",
        Locale::ZhCn => "，",
    }
}

pub(crate) fn text(doc: &Doc) -> String {
    let colon = colon(doc.locale);
    let mut out = String::new();
    out.push_str(&doc.org_name);
    out.push_str("\n\n");
    out.push_str(&doc.heading);
    out.push_str("\n\n");
    for block in &doc.blocks {
        match block {
            Block::Para(p) | Block::Lines(p) => out.push_str(p),
            Block::Heading(h) => {
                out.push_str(h);
                out.push('\n');
                out.push_str(&"-".repeat(display_width(h).clamp(3, 60)));
            }
            Block::Facts(facts) => {
                let lines: Vec<String> = facts.iter().map(|(label, value)| format!("{label}{colon}{value}")).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Order(table) => {
                out.push_str(&table.caption);
                out.push('\n');
                for row in &table.rows {
                    let [item, quantity, unit, amount] = row;
                    let sep = comma(doc.locale);
                    let [_, _, unit_label, amount_label] = &table.head;
                    let _ = writeln!(out, "- {item} × {quantity}{sep}{unit_label} {unit}{sep}{amount_label} {amount}");
                }
                let foot: Vec<String> =
                    table.foot.iter().map(|(label, value)| format!("{label}{colon}{value}")).collect();
                out.push_str(&foot.join("\n"));
            }
            Block::Links(items) => {
                let lines: Vec<String> = items.iter().map(|i| format!("- {}{colon}{}", i.text, i.url)).collect();
                out.push_str(&lines.join("\n"));
            }
            Block::Button { label, url } => {
                let _ = write!(out, "{label}{colon}{url}");
            }
        }
        out.push_str("\n\n");
    }
    out.push_str("-- \n");
    out.push_str(&doc.footer);
    out.push('\n');
    out
}

/// Columns a string takes in a monospaced font, roughly: CJK and other wide
/// characters take two. Only used to underline headings in plain text.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| match c {
            '\u{2e80}'..='\u{a4cf}'
            | '\u{ac00}'..='\u{d7a3}'
            | '\u{f900}'..='\u{faff}'
            | '\u{fe30}'..='\u{fe4f}'
            | '\u{ff00}'..='\u{ff60}'
            | '\u{ffe0}'..='\u{ffe6}' => 2,
            _ => 1,
        })
        .sum()
}

// Inline styles only: many mail clients drop <style> and never load remote
// CSS. Colours keep a contrast ratio of at least 4.5:1 on white.
const FONT: &str =
    "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,'PingFang SC','Microsoft YaHei',sans-serif;";
const P: &str = "margin:0 0 16px;font-size:16px;line-height:1.5;";
const CELL: &str = "padding:6px 8px;border-bottom:1px solid #e5e7eb;text-align:left;vertical-align:top;";
const NUM: &str =
    "padding:6px 8px;border-bottom:1px solid #e5e7eb;text-align:right;vertical-align:top;white-space:nowrap;";

pub(crate) fn html(doc: &Doc) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n</head>\n\
         <body style=\"margin:0;padding:0;background:#f3f4f6;color:#111827;{FONT}\">\n\
         <main style=\"max-width:600px;margin:0 auto;padding:24px;background:#ffffff;\">\n\
         <p style=\"margin:0 0 8px;font-size:14px;color:#4b5563;\">{org}</p>\n\
         <h1 style=\"margin:0 0 24px;font-size:24px;line-height:1.3;\">{heading}</h1>\n",
        lang = doc.locale.tag(),
        title = escape(&doc.title),
        org = escape(&doc.org_name),
        heading = escape(&doc.heading),
    );
    for block in &doc.blocks {
        match block {
            Block::Para(p) => {
                let _ = writeln!(out, "<p style=\"{P}\">{}</p>", escape(p));
            }
            Block::Lines(text) => {
                let lines: Vec<String> = text.lines().map(escape).collect();
                let _ = writeln!(out, "<p style=\"{P}\">{}</p>", lines.join("<br>\n"));
            }
            Block::Heading(h) => {
                let _ = writeln!(out, "<h2 style=\"margin:24px 0 12px;font-size:18px;\">{}</h2>", escape(h));
            }
            Block::Facts(facts) => {
                out.push_str(
                    "<table style=\"border-collapse:collapse;width:100%;margin:0 0 16px;font-size:16px;\">\n<tbody>\n",
                );
                for (label, value) in facts {
                    let _ = writeln!(
                        out,
                        "<tr><th scope=\"row\" style=\"{CELL}font-weight:normal;color:#4b5563;width:35%;\">{}</th>\
                         <td style=\"{CELL}\">{}</td></tr>",
                        escape(label),
                        escape(value)
                    );
                }
                out.push_str("</tbody>\n</table>\n");
            }
            Block::Order(table) => order_table(&mut out, table),
            Block::Links(items) => {
                out.push_str("<ul style=\"margin:0 0 16px;padding-left:20px;font-size:16px;line-height:1.5;\">\n");
                for item in items {
                    let _ = writeln!(
                        out,
                        "<li style=\"margin:0 0 8px;\">{}{}<a href=\"{}\" style=\"color:#1d4ed8;\">{}</a></li>",
                        escape(&item.text),
                        colon(doc.locale),
                        escape(&item.url),
                        escape(&item.link_label)
                    );
                }
                out.push_str("</ul>\n");
            }
            Block::Button { label, url } => {
                let _ = writeln!(
                    out,
                    "<p style=\"margin:24px 0;\"><a href=\"{}\" style=\"display:inline-block;padding:12px 20px;\
                     background:#1d4ed8;color:#ffffff;text-decoration:none;border-radius:6px;font-weight:bold;\
                     font-size:16px;\">{}</a></p>",
                    escape(url),
                    escape(label)
                );
            }
        }
    }
    let _ = write!(
        out,
        "<footer style=\"margin-top:32px;padding-top:16px;border-top:1px solid #e5e7eb;\">\n\
         <p style=\"margin:0;font-size:13px;line-height:1.5;color:#4b5563;\">{}</p>\n</footer>\n\
         </main>\n</body>\n</html>\n",
        escape(&doc.footer)
    );
    out
}

fn order_table(out: &mut String, table: &OrderTable) {
    let [item, quantity, unit, amount] = &table.head;
    let _ = write!(
        out,
        "<table style=\"border-collapse:collapse;width:100%;margin:0 0 16px;font-size:16px;\">\n\
         <caption style=\"text-align:left;font-weight:bold;padding:0 0 8px;\">{}</caption>\n\
         <thead><tr><th scope=\"col\" style=\"{CELL}\">{}</th><th scope=\"col\" style=\"{NUM}\">{}</th>\
         <th scope=\"col\" style=\"{NUM}\">{}</th><th scope=\"col\" style=\"{NUM}\">{}</th></tr></thead>\n<tbody>\n",
        escape(&table.caption),
        escape(item),
        escape(quantity),
        escape(unit),
        escape(amount)
    );
    for [item, quantity, unit, amount] in &table.rows {
        let _ = writeln!(
            out,
            "<tr><td style=\"{CELL}\">{}</td><td style=\"{NUM}\">{}</td><td style=\"{NUM}\">{}</td>\
             <td style=\"{NUM}\">{}</td></tr>",
            escape(item),
            escape(quantity),
            escape(unit),
            escape(amount)
        );
    }
    out.push_str("</tbody>\n<tfoot>\n");
    let last = table.foot.len().saturating_sub(1);
    for (i, (label, value)) in table.foot.iter().enumerate() {
        // The last foot row is the total: bold, so it reads as the sum.
        let weight = if i == last { "font-weight:bold;" } else { "font-weight:normal;" };
        let _ = writeln!(
            out,
            "<tr><th scope=\"row\" colspan=\"3\" style=\"{NUM}{weight}\">{}</th><td style=\"{NUM}{weight}\">{}</td></tr>",
            escape(label),
            escape(value)
        );
    }
    out.push_str("</tfoot>\n</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_covers_markup_and_attribute_quotes() {
        assert_eq!(
            escape("<a href=\"x\" title='y'>&amp;</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;amp;&lt;/a&gt;"
        );
        assert_eq!(escape("演唱会 Zoë"), "演唱会 Zoë");
    }

    #[test]
    fn wide_characters_underline_twice() {
        assert_eq!(display_width("Your tickets"), 12);
        assert_eq!(display_width("您的门票"), 8);
        assert_eq!(display_width("Zoë"), 3);
    }
}
