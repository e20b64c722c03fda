//! Printable tickets: one A4 page per ticket, in the buyer's language, text
//! in DejaVu Sans with Noto Sans SC for the Chinese characters DejaVu lacks
//! (both embedded as subsets), the QR code as vector rectangles.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use tessera_i18n::{FluentValue, Locale, t, t_args};

use crate::{QUIET_ZONE, RenderError, TicketSheet};

pub(crate) static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
pub(crate) static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");
/// Chinese: Noto Sans CJK SC cut down to GB 2312 (see `fonts/README.md`).
/// It has one weight; bold Chinese is drawn filled and outlined.
pub(crate) static CJK: &[u8] = include_bytes!("../fonts/NotoSansSC-Regular-GB2312.otf");

/// A4 in PostScript points.
pub(crate) const PAGE_W: f32 = 595.276;
pub(crate) const PAGE_H: f32 = 841.89;
/// 20 mm.
pub(crate) const MARGIN: f32 = 56.69;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Side of the QR code including its quiet zone: 75 mm, so the code itself
/// is 60-65 mm wide for the sizes ticket codes come in.
const QR_SIDE: f32 = 212.6;
/// Gap between the two columns of ticket details.
const GUTTER: f32 = 24.0;
/// Characters of any one field looked at; the rest could not fit anyway.
const MAX_FIELD_CHARS: usize = 600;

pub(crate) const INK: (u8, u8, u8) = (17, 17, 17);
pub(crate) const MUTED: (u8, u8, u8) = (80, 80, 80);
pub(crate) const RULE: (u8, u8, u8) = (190, 190, 190);

/// A typeface with its fallback: text is cut into runs, each set in `main`
/// unless `main` lacks its characters and `cjk` has them.
#[derive(Clone, Copy)]
pub(crate) struct Type<'a> {
    pub(crate) main: &'a Face,
    pub(crate) cjk: &'a Face,
    /// Whether the fallback is drawn bolder (filled and outlined), having
    /// no bold weight of its own.
    pub(crate) embolden: bool,
}

impl<'a> Type<'a> {
    /// `text` cut into runs of one face each.
    fn runs<'t>(&self, text: &'t str) -> Vec<(&'a Face, &'t str)> {
        let mut out: Vec<(&'a Face, &'t str)> = Vec::new();
        let mut start = 0;
        let mut current: Option<&'a Face> = None;
        for (i, c) in text.char_indices() {
            // White space is the main face's (the CJK subset has none).
            let face = if c.is_whitespace() || self.main.has(c) || !self.cjk.has(c) { self.main } else { self.cjk };
            match current {
                Some(f) if std::ptr::eq(f, face) => {}
                Some(f) => {
                    out.push((f, &text[start..i]));
                    start = i;
                    current = Some(face);
                }
                None => current = Some(face),
            }
        }
        if let Some(f) = current {
            out.push((f, &text[start..]));
        }
        out
    }

    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        self.runs(text).iter().map(|(face, run)| face.run_width(run, size)).sum()
    }

    /// `text` broken into lines at most `max_w` wide, at most `max_lines`
    /// of them; text that does not fit ends in an ellipsis. Words too long
    /// for a line are broken between characters.
    fn wrap(&self, text: &str, size: f32, max_w: f32, max_lines: usize) -> Vec<String> {
        let text = clean(text);
        let mut lines: Vec<String> = Vec::new();
        let mut cur = String::new();
        let mut overflow = false;
        'words: for word in text.split_whitespace() {
            let candidate = if cur.is_empty() { word.to_owned() } else { format!("{cur} {word}") };
            if self.width(&candidate, size) <= max_w {
                cur = candidate;
                continue;
            }
            if !cur.is_empty() {
                lines.push(std::mem::take(&mut cur));
                if lines.len() == max_lines {
                    overflow = true;
                    break;
                }
            }
            if self.width(word, size) <= max_w {
                cur = word.to_owned();
                continue;
            }
            for ch in word.chars() {
                cur.push(ch);
                if cur.chars().count() > 1 && self.width(&cur, size) > max_w {
                    cur.pop();
                    lines.push(std::mem::replace(&mut cur, ch.to_string()));
                    if lines.len() == max_lines {
                        overflow = true;
                        break 'words;
                    }
                }
            }
        }
        if !overflow && !cur.is_empty() {
            lines.push(cur);
        }
        if overflow && let Some(last) = lines.last_mut() {
            while !last.is_empty() && self.width(&format!("{last}…"), size) > max_w {
                last.pop();
            }
            let trimmed = last.trim_end().len();
            last.truncate(trimmed);
            last.push('…');
        }
        lines
    }
}

/// One font both as krilla draws it and as rustybuzz measures it.
pub(crate) struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    pub(crate) fn load(data: &'static [u8], name: &str) -> Result<Self, RenderError> {
        let font = Font::new(data.into(), 0).ok_or_else(|| RenderError::Pdf(format!("cannot load the font {name}")))?;
        let shaper = rustybuzz::Face::from_slice(data, 0)
            .ok_or_else(|| RenderError::Pdf(format!("cannot load the font {name}")))?;
        Ok(Face { font, shaper })
    }

    fn has(&self, c: char) -> bool {
        self.shaper.glyph_index(c).is_some()
    }

    /// Width of `text` set in one line at `size` points, shaped as krilla
    /// shapes it.
    fn run_width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.shaper.units_per_em() as f32
    }
}

/// Control characters become spaces; only the first [`MAX_FIELD_CHARS`]
/// characters are kept.
pub(crate) fn clean(text: &str) -> String {
    text.chars().take(MAX_FIELD_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn fill(color: (u8, u8, u8)) -> Option<Fill> {
    Some(Fill { paint: rgb::Color::new(color.0, color.1, color.2).into(), ..Fill::default() })
}

pub(crate) struct Pen<'a, 'b> {
    pub(crate) surface: &'a mut Surface<'b>,
    pub(crate) regular: Type<'a>,
    pub(crate) bold: Type<'a>,
}

impl Pen<'_, '_> {
    /// One line of text, run by run, starting at `x` on `baseline`.
    pub(crate) fn text(&mut self, ty: Type<'_>, x: f32, baseline: f32, size: f32, color: (u8, u8, u8), text: &str) {
        let mut x = x;
        for (face, run) in ty.runs(text) {
            if run.trim().is_empty() {
                x += face.run_width(run, size);
                continue;
            }
            self.surface.set_fill(fill(color));
            let outline = ty.embolden && std::ptr::eq(face, ty.cjk);
            if outline {
                let paint = rgb::Color::new(color.0, color.1, color.2).into();
                self.surface.set_stroke(Some(Stroke { paint, width: size * 0.035, ..Stroke::default() }));
            }
            self.surface.draw_text(
                Point::from_xy(x, baseline),
                face.font.clone(),
                size,
                run,
                false,
                TextDirection::Auto,
            );
            if outline {
                self.surface.set_stroke(None);
            }
            x += face.run_width(run, size);
        }
    }

    /// Draws wrapped text whose first line's top is at `top`; returns the
    /// y just below the last line.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn paragraph(
        &mut self,
        bold: bool,
        x: f32,
        top: f32,
        width: f32,
        size: f32,
        max_lines: usize,
        color: (u8, u8, u8),
        text: &str,
    ) -> f32 {
        let ty = if bold { self.bold } else { self.regular };
        let line_h = size * 1.25;
        let mut y = top;
        for line in ty.wrap(text, size, width, max_lines) {
            self.text(ty, x, y + size * 0.95, size, color, &line);
            y += line_h;
        }
        y
    }

    pub(crate) fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
        let mut pb = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x, y, w, h) {
            pb.push_rect(r);
        }
        if let Some(path) = pb.finish() {
            self.surface.set_fill(fill(color));
            self.surface.draw_path(&path);
        }
    }

    /// The QR code, black modules on white, its top left corner (quiet zone
    /// included) at `(x, y)`. Modules are drawn in module units under a
    /// scaling transform, which keeps the content stream small.
    fn qr(&mut self, qr: &qrcode::QrCode, x: f32, y: f32, side: f32) {
        self.rect(x, y, side, side, (255, 255, 255));
        let module = side / (qr.width() + 2 * QUIET_ZONE) as f32;
        let mut pb = PathBuilder::new();
        for (mx, my, len) in crate::dark_runs(qr) {
            if let Some(r) = Rect::from_xywh((mx + QUIET_ZONE) as f32, (my + QUIET_ZONE) as f32, len as f32, 1.0) {
                pb.push_rect(r);
            }
        }
        if let Some(path) = pb.finish() {
            self.surface.push_transform(&Transform::from_row(module, 0.0, 0.0, module, x, y));
            self.surface.set_fill(fill((0, 0, 0)));
            self.surface.draw_path(&path);
            self.surface.pop();
        }
    }
}

/// A PDF with one A4 page per ticket, titled `title`, its words in the
/// first ticket's `locale` (an order's tickets share the buyer's).
///
/// Each page shows the event, its date and time, the venue, the ticket
/// type, the holder, the seat or zone if any, the order reference, the
/// ticket id and the QR code (vector, 75 mm with its quiet zone).
///
/// Text is set in DejaVu Sans, which covers Latin, Greek and Cyrillic
/// scripts among others, and the Chinese characters it lacks in Noto Sans
/// SC (the 7,445 characters of GB 2312, CJK punctuation and full-width
/// forms); characters neither has (rare ideographs, emoji, …) come out as
/// the font's "missing glyph" box rather than failing. krilla embeds only
/// the glyphs used. Text is shaped one run at a time without bidirectional
/// reordering, and very long fields are cut short with an ellipsis.
///
/// # Errors
/// [`RenderError::NoTickets`] for an empty slice; the QR errors of
/// [`crate::qr_svg`] for a ticket whose code cannot be a QR code;
/// [`RenderError::Pdf`] if krilla fails.
pub fn order_pdf(title: &str, tickets: &[TicketSheet]) -> Result<Vec<u8>, RenderError> {
    let Some(first) = tickets.first() else {
        return Err(RenderError::NoTickets);
    };
    let locale = first.locale;
    let codes = tickets.iter().map(|t| crate::encode(&t.code)).collect::<Result<Vec<_>, _>>()?;
    let regular = Face::load(REGULAR, "DejaVu Sans")?;
    let bold = Face::load(BOLD, "DejaVu Sans Bold")?;
    let cjk = Face::load(CJK, "Noto Sans SC")?;

    let mut document = Document::new();
    document.set_metadata(
        Metadata::new().title(clean(title)).language(locale.tag().to_owned()).creator("Tessera".to_owned()),
    );
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError::Pdf("bad page size".into()))?;
    let count = tickets.len();
    for (index, (ticket, qr)) in tickets.iter().zip(&codes).enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen {
            surface: &mut surface,
            regular: Type { main: &regular, cjk: &cjk, embolden: false },
            bold: Type { main: &bold, cjk: &cjk, embolden: true },
        };
        draw_ticket(&mut pen, locale, title, ticket, qr, index + 1, count);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError::Pdf(e.to_string()))
}

/// The title of an order's PDF ("Gala – order K7QX-42"), in `locale`.
pub fn order_title(locale: Locale, event: &str, reference: &str) -> String {
    t_args(
        locale,
        "tickets-pdf-title",
        &[("event", FluentValue::from(event)), ("reference", FluentValue::from(reference))],
    )
}

fn draw_ticket(
    pen: &mut Pen<'_, '_>,
    l: Locale,
    title: &str,
    ticket: &TicketSheet,
    qr: &qrcode::QrCode,
    number: usize,
    count: usize,
) {
    // Running head: the document title on the left, "Ticket n of m" on the right.
    let counter =
        t_args(l, "tickets-counter", &[("number", FluentValue::from(number)), ("count", FluentValue::from(count))]);
    let counter_w = pen.regular.width(&counter, 9.0);
    pen.paragraph(false, MARGIN, MARGIN, CONTENT_W - counter_w - GUTTER, 9.0, 1, MUTED, title);
    let regular = pen.regular;
    pen.text(regular, PAGE_W - MARGIN - counter_w, MARGIN + 9.0 * 0.95, 9.0, MUTED, &counter);

    let mut y = MARGIN + 30.0;
    y = pen.paragraph(true, MARGIN, y, CONTENT_W, 24.0, 3, INK, &ticket.event_name);
    y = pen.paragraph(false, MARGIN, y + 6.0, CONTENT_W, 14.0, 2, INK, &ticket.starts_at);
    if !ticket.venue.trim().is_empty() {
        y = pen.paragraph(false, MARGIN, y + 2.0, CONTENT_W, 12.0, 2, MUTED, &ticket.venue);
    }
    y += 14.0;
    pen.rect(MARGIN, y, CONTENT_W, 0.75, RULE);
    y += 18.0;

    pen.qr(qr, (PAGE_W - QR_SIDE) / 2.0, y, QR_SIDE);
    y += QR_SIDE + 18.0;

    // Details in two columns; the ticket id gets a line of its own.
    let mut fields: Vec<(String, &str)> = vec![(t(l, "tickets-type"), &ticket.ticket_type)];
    if let Some(seat) = ticket.seat.as_deref().filter(|s| !s.trim().is_empty()) {
        fields.push((t(l, "tickets-seat"), seat));
    }
    fields.push((t(l, "tickets-holder"), &ticket.holder_name));
    fields.push((t(l, "tickets-order"), &ticket.order_reference));
    let col_w = (CONTENT_W - GUTTER) / 2.0;
    for pair in fields.chunks(2) {
        let mut bottom = y;
        for (i, (label, value)) in pair.iter().enumerate() {
            let x = MARGIN + i as f32 * (col_w + GUTTER);
            let below_label = pen.paragraph(false, x, y, col_w, 9.0, 1, MUTED, label);
            bottom = bottom.max(pen.paragraph(false, x, below_label + 2.0, col_w, 13.0, 2, INK, value));
        }
        y = bottom + 12.0;
    }
    let below_label = pen.paragraph(false, MARGIN, y, CONTENT_W, 9.0, 1, MUTED, &t(l, "tickets-id"));
    pen.paragraph(false, MARGIN, below_label + 2.0, CONTENT_W, 11.0, 2, INK, &ticket.ticket_id);

    let note = t(l, "tickets-pdf-note");
    pen.paragraph(false, MARGIN, PAGE_H - MARGIN - 2.0 * 9.0 * 1.25, CONTENT_W, 9.0, 2, MUTED, &note);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_falls_back_to_the_cjk_face_and_latin_stays() {
        let regular = Face::load(REGULAR, "DejaVu Sans").unwrap();
        let cjk = Face::load(CJK, "Noto Sans SC").unwrap();
        for c in "张伟春节音乐会，（）「」：".chars() {
            assert!(!regular.has(c) && cjk.has(c), "{c}");
        }
        let ty = Type { main: &regular, cjk: &cjk, embolden: false };
        let runs: Vec<(bool, &str)> =
            ty.runs("Holder 张伟 (VIP)").iter().map(|(f, r)| (std::ptr::eq(*f, &cjk), *r)).collect();
        assert_eq!(runs, [(false, "Holder "), (true, "张伟"), (false, " (VIP)")]);
        assert!(ty.width("张伟", 10.0) > 15.0, "two ideographs are about two ems wide");
    }

    #[test]
    fn every_id_used_exists() {
        let source = include_str!("pdf.rs");
        for id in source.split('"').skip(1).step_by(2).filter(|s| s.starts_with("tickets-") && !s.contains(' ')) {
            assert!(tessera_i18n::exists(id), "{id}");
        }
    }
}
