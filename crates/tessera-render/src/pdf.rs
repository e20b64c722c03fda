//! Printable tickets: one A4 page per ticket, text in DejaVu Sans (embedded
//! as a subset), the QR code as vector rectangles.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};

use crate::{QUIET_ZONE, RenderError, TicketSheet};

static REGULAR: &[u8] = include_bytes!("../fonts/DejaVuSans.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/DejaVuSans-Bold.ttf");

/// A4 in PostScript points.
const PAGE_W: f32 = 595.276;
const PAGE_H: f32 = 841.89;
/// 20 mm.
const MARGIN: f32 = 56.69;
const CONTENT_W: f32 = PAGE_W - 2.0 * MARGIN;
/// Side of the QR code including its quiet zone: 75 mm, so the code itself
/// is 60-65 mm wide for the sizes ticket codes come in.
const QR_SIDE: f32 = 212.6;
/// Gap between the two columns of ticket details.
const GUTTER: f32 = 24.0;
/// Characters of any one field looked at; the rest could not fit anyway.
const MAX_FIELD_CHARS: usize = 600;

const INK: (u8, u8, u8) = (17, 17, 17);
const MUTED: (u8, u8, u8) = (80, 80, 80);
const RULE: (u8, u8, u8) = (190, 190, 190);

/// One font both as krilla draws it and as rustybuzz measures it.
struct Face {
    font: Font,
    shaper: rustybuzz::Face<'static>,
}

impl Face {
    fn load(data: &'static [u8], name: &str) -> Result<Self, RenderError> {
        let font = Font::new(data.into(), 0).ok_or_else(|| RenderError::Pdf(format!("cannot load the font {name}")))?;
        let shaper = rustybuzz::Face::from_slice(data, 0)
            .ok_or_else(|| RenderError::Pdf(format!("cannot load the font {name}")))?;
        Ok(Face { font, shaper })
    }

    /// Width of `text` set in one line at `size` points, shaped as krilla
    /// shapes it.
    fn width(&self, text: &str, size: f32) -> f32 {
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(text);
        buffer.guess_segment_properties();
        let shaped = rustybuzz::shape(&self.shaper, &[], buffer);
        let units: i32 = shaped.glyph_positions().iter().map(|p| p.x_advance).sum();
        units as f32 * size / self.shaper.units_per_em() as f32
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

/// Control characters become spaces; only the first [`MAX_FIELD_CHARS`]
/// characters are kept.
fn clean(text: &str) -> String {
    text.chars().take(MAX_FIELD_CHARS).map(|c| if c.is_control() { ' ' } else { c }).collect()
}

fn fill(color: (u8, u8, u8)) -> Option<Fill> {
    Some(Fill { paint: rgb::Color::new(color.0, color.1, color.2).into(), ..Fill::default() })
}

struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    regular: &'a Face,
    bold: &'a Face,
}

impl Pen<'_, '_> {
    fn text(&mut self, face: &Face, x: f32, baseline: f32, size: f32, color: (u8, u8, u8), text: &str) {
        if text.is_empty() {
            return;
        }
        self.surface.set_fill(fill(color));
        self.surface.draw_text(Point::from_xy(x, baseline), face.font.clone(), size, text, false, TextDirection::Auto);
    }

    /// Draws wrapped text whose first line's top is at `top`; returns the
    /// y just below the last line.
    #[allow(clippy::too_many_arguments)]
    fn paragraph(
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
        let face = if bold { self.bold } else { self.regular };
        let line_h = size * 1.25;
        let mut y = top;
        for line in face.wrap(text, size, width, max_lines) {
            self.text(face, x, y + size * 0.95, size, color, &line);
            y += line_h;
        }
        y
    }

    fn rect(&mut self, x: f32, y: f32, w: f32, h: f32, color: (u8, u8, u8)) {
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

/// A PDF with one A4 page per ticket, titled `title`.
///
/// Each page shows the event, its date and time, the venue, the ticket
/// type, the holder, the seat or zone if any, the order reference, the
/// ticket id and the QR code (vector, 75 mm with its quiet zone).
///
/// Text is set in DejaVu Sans, which covers Latin, Greek and Cyrillic
/// scripts among others; characters it lacks (CJK, emoji, …) come out as
/// the font's "missing glyph" box rather than failing. Text is shaped one
/// line at a time without bidirectional reordering, and very long fields
/// are cut short with an ellipsis.
///
/// # Errors
/// [`RenderError::NoTickets`] for an empty slice; the QR errors of
/// [`crate::qr_svg`] for a ticket whose code cannot be a QR code;
/// [`RenderError::Pdf`] if krilla fails.
pub fn order_pdf(title: &str, tickets: &[TicketSheet]) -> Result<Vec<u8>, RenderError> {
    if tickets.is_empty() {
        return Err(RenderError::NoTickets);
    }
    let codes = tickets.iter().map(|t| crate::encode(&t.code)).collect::<Result<Vec<_>, _>>()?;
    let regular = Face::load(REGULAR, "DejaVu Sans")?;
    let bold = Face::load(BOLD, "DejaVu Sans Bold")?;

    let mut document = Document::new();
    document.set_metadata(Metadata::new().title(clean(title)).language("en".to_owned()).creator("Tessera".to_owned()));
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| RenderError::Pdf("bad page size".into()))?;
    let count = tickets.len();
    for (index, (ticket, qr)) in tickets.iter().zip(&codes).enumerate() {
        let mut page = document.start_page_with(settings.clone());
        let mut surface = page.surface();
        let mut pen = Pen { surface: &mut surface, regular: &regular, bold: &bold };
        draw_ticket(&mut pen, title, ticket, qr, index + 1, count);
        surface.finish();
        page.finish();
    }
    document.finish().map_err(|e| RenderError::Pdf(e.to_string()))
}

fn draw_ticket(pen: &mut Pen<'_, '_>, title: &str, t: &TicketSheet, qr: &qrcode::QrCode, number: usize, count: usize) {
    // Running head: the document title on the left, "Ticket n of m" on the right.
    let counter = format!("Ticket {number} of {count}");
    let counter_w = pen.regular.width(&counter, 9.0);
    pen.paragraph(false, MARGIN, MARGIN, CONTENT_W - counter_w - GUTTER, 9.0, 1, MUTED, title);
    let regular = pen.regular;
    pen.text(regular, PAGE_W - MARGIN - counter_w, MARGIN + 9.0 * 0.95, 9.0, MUTED, &counter);

    let mut y = MARGIN + 30.0;
    y = pen.paragraph(true, MARGIN, y, CONTENT_W, 24.0, 3, INK, &t.event_name);
    y = pen.paragraph(false, MARGIN, y + 6.0, CONTENT_W, 14.0, 2, INK, &t.starts_at);
    if !t.venue.trim().is_empty() {
        y = pen.paragraph(false, MARGIN, y + 2.0, CONTENT_W, 12.0, 2, MUTED, &t.venue);
    }
    y += 14.0;
    pen.rect(MARGIN, y, CONTENT_W, 0.75, RULE);
    y += 18.0;

    pen.qr(qr, (PAGE_W - QR_SIDE) / 2.0, y, QR_SIDE);
    y += QR_SIDE + 18.0;

    // Details in two columns; the ticket id gets a line of its own.
    let mut fields: Vec<(&str, &str)> = vec![("Ticket type", &t.ticket_type)];
    if let Some(seat) = t.seat.as_deref().filter(|s| !s.trim().is_empty()) {
        fields.push(("Seat / zone", seat));
    }
    fields.push(("Holder", &t.holder_name));
    fields.push(("Order reference", &t.order_reference));
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
    let below_label = pen.paragraph(false, MARGIN, y, CONTENT_W, 9.0, 1, MUTED, "Ticket ID");
    pen.paragraph(false, MARGIN, below_label + 2.0, CONTENT_W, 11.0, 2, INK, &t.ticket_id);

    let footer = "Show this code at the entrance, on paper or on screen. It admits one person once; \
                  keep it private, since anyone holding a copy can use it.";
    pen.paragraph(false, MARGIN, PAGE_H - MARGIN - 2.0 * 9.0 * 1.25, CONTENT_W, 9.0, 2, MUTED, footer);
}
