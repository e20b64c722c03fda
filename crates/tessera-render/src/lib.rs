//! Renders a ticket's code into a QR code (SVG, PNG), a printable PDF and an
//! HTML ticket page; and invoices and credit notes as PDFs.
//!
//! The crate takes plain data and knows nothing of the rest of Tessera.
//!
//! Every QR code is made at error-correction level M with a quiet zone of
//! four modules. A code made only of QR alphanumeric characters (`0-9`,
//! `A-Z`, space and `$%*+-./:`), which every Tessera ticket code is, is
//! encoded as one alphanumeric segment in the smallest version that holds it;
//! any other string is encoded in whatever modes suit it best (byte mode for
//! lowercase letters, for instance), so it still scans as the same text.

mod html;
mod invoice;
mod pdf;

use image::ImageEncoder;
use qrcode::bits::Bits;
use qrcode::types::QrError;
use qrcode::{Color, EcLevel, QrCode, Version};

pub use html::ticket_html;
pub use invoice::{InvoiceRow, InvoiceSheet, TaxRow, invoice_pdf, invoice_title};
pub use pdf::{order_pdf, order_title};

/// Everything printed on one ticket; all strings already formatted for display
/// (the date/time is already in the venue's time zone, e.g.
/// "Sat 12 Dec 2026, 20:00 (Europe/Berlin)").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TicketSheet {
    pub event_name: String,
    pub starts_at: String,
    /// Name and address on one line; may be empty.
    pub venue: String,
    pub ticket_type: String,
    pub holder_name: String,
    /// Seat or zone label.
    pub seat: Option<String>,
    pub order_reference: String,
    pub ticket_id: String,
    /// Goes into the QR code verbatim.
    pub code: String,
    /// The language of the words around the fields (labels, notes): the
    /// buyer's. The fields come already in it.
    pub locale: tessera_i18n::Locale,
}

/// Why something could not be rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    #[error("the ticket code is empty")]
    EmptyCode,
    #[error("the ticket code ({len} bytes) is too long for a QR code")]
    CodeTooLong { len: usize },
    #[error("the ticket code cannot be encoded as a QR code: {0}")]
    Qr(String),
    #[error(
        "a QR module must be 1 to {max} pixels wide and the image at most 8192 pixels wide; asked for {module_px} px per module"
    )]
    ModuleSize { module_px: u32, max: u32 },
    #[error("PNG encoding failed: {0}")]
    Png(#[source] image::ImageError),
    #[error("an order PDF needs at least one ticket")]
    NoTickets,
    #[error("PDF generation failed: {0}")]
    Pdf(String),
}

/// Modules of light margin around every QR code, as the standard asks.
pub(crate) const QUIET_ZONE: usize = 4;

/// The widest PNG [`qr_png`] makes, in pixels.
const MAX_PNG_SIDE: u32 = 8192;

/// The most QR alphanumeric characters a version 40 code holds at level M.
const MAX_ALPHANUMERIC_M: usize = 3391;

/// The most bytes a version 40 code holds in any mode (numeric, level L).
const MAX_ANY: usize = 7089;

fn is_qr_alphanumeric(b: u8) -> bool {
    matches!(b, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':')
}

fn qr_error(e: QrError, len: usize) -> RenderError {
    match e {
        QrError::DataTooLong => RenderError::CodeTooLong { len },
        other => RenderError::Qr(other.to_string()),
    }
}

/// Encodes `code` at level M; see the crate documentation for the mode.
pub(crate) fn encode(code: &str) -> Result<QrCode, RenderError> {
    let data = code.as_bytes();
    let len = data.len();
    if len == 0 {
        return Err(RenderError::EmptyCode);
    }
    if len > MAX_ANY {
        return Err(RenderError::CodeTooLong { len });
    }
    if !data.iter().copied().all(is_qr_alphanumeric) {
        return QrCode::with_error_correction_level(data, EcLevel::M).map_err(|e| qr_error(e, len));
    }
    if len > MAX_ALPHANUMERIC_M {
        return Err(RenderError::CodeTooLong { len });
    }
    // One alphanumeric segment, in the first version it fits. (The crate's
    // own optimiser may split off numeric runs; scanners in the field are
    // tuned for, and tested with, plain alphanumeric codes.)
    for v in 1..=40 {
        let mut bits = Bits::new(Version::Normal(v));
        let pushed = bits.push_alphanumeric_data(data).and_then(|()| bits.push_terminator(EcLevel::M));
        match pushed {
            Ok(()) => return QrCode::with_bits(bits, EcLevel::M).map_err(|e| qr_error(e, len)),
            Err(QrError::DataTooLong) => continue,
            Err(e) => return Err(qr_error(e, len)),
        }
    }
    Err(RenderError::CodeTooLong { len })
}

/// Horizontal runs of dark modules, row by row: `(x, y, length)` in module
/// units, without the quiet zone.
pub(crate) fn dark_runs(qr: &QrCode) -> Vec<(usize, usize, usize)> {
    let n = qr.width();
    let colors = qr.to_colors();
    let mut runs = Vec::new();
    for (y, row) in colors.chunks(n).enumerate() {
        let mut x = 0;
        while x < n {
            if row[x] == Color::Dark {
                let start = x;
                while x < n && row[x] == Color::Dark {
                    x += 1;
                }
                runs.push((start, y, x - start));
            } else {
                x += 1;
            }
        }
    }
    runs
}

/// An `<svg>` element for `qr`; `extra_attributes` (already escaped, each
/// with a leading space) go into the opening tag.
pub(crate) fn svg_for(qr: &QrCode, extra_attributes: &str) -> String {
    use std::fmt::Write as _;
    let side = qr.width() + 2 * QUIET_ZONE;
    let runs = dark_runs(qr);
    let mut d = String::with_capacity(runs.len() * 16);
    for (x, y, len) in runs {
        // Writing to a String cannot fail.
        let _ = write!(d, "M{} {}h{len}v1h-{len}z", x + QUIET_ZONE, y + QUIET_ZONE);
    }
    format!(
        concat!(
            r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {s} {s}" shape-rendering="crispEdges"{extra}>"#,
            r##"<rect width="{s}" height="{s}" fill="#fff"/><path fill="#000" d="{d}"/></svg>"##
        ),
        s = side,
        extra = extra_attributes,
        d = d
    )
}

/// A standalone SVG document of the QR code for `code`: black modules on
/// white, a quiet zone of four modules, a `viewBox` in module units and no
/// `width`/`height`, so it scales to whatever box it is put in.
///
/// # Errors
/// [`RenderError::EmptyCode`] for an empty code, [`RenderError::CodeTooLong`]
/// for one no QR code can hold at level M.
pub fn qr_svg(code: &str) -> Result<String, RenderError> {
    Ok(svg_for(&encode(code)?, ""))
}

/// A greyscale PNG of the QR code for `code`, `module_px` pixels per module,
/// with a quiet zone of four modules.
///
/// # Errors
/// As [`qr_svg`]; also [`RenderError::ModuleSize`] if `module_px` is 0 or
/// makes the image wider than 8192 pixels.
pub fn qr_png(code: &str, module_px: u32) -> Result<Vec<u8>, RenderError> {
    let qr = encode(code)?;
    let modules = u32::try_from(qr.width() + 2 * QUIET_ZONE).unwrap_or(u32::MAX);
    let max = MAX_PNG_SIDE / modules;
    if module_px == 0 || module_px > max {
        return Err(RenderError::ModuleSize { module_px, max });
    }
    let side = modules * module_px;
    let n = qr.width();
    let colors = qr.to_colors();
    let quiet = QUIET_ZONE as u32;
    let img = image::GrayImage::from_fn(side, side, |px, py| {
        let (mx, my) = (px / module_px, py / module_px);
        let dark = mx >= quiet
            && my >= quiet
            && ((mx - quiet) as usize) < n
            && ((my - quiet) as usize) < n
            && colors[(my - quiet) as usize * n + (mx - quiet) as usize] == Color::Dark;
        image::Luma([if dark { 0 } else { 255 }])
    });
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(img.as_raw(), side, side, image::ExtendedColorType::L8)
        .map_err(RenderError::Png)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alphanumeric_codes_are_one_alphanumeric_segment() {
        // 4 + 9 + 11 * 102 = 1135 bits: version 8 at level M (154 data
        // codewords) as one alphanumeric segment; split into an alphanumeric
        // and a numeric segment it would fit version 6.
        let code = format!("TK1-{}", "234567".repeat(34).get(..200).unwrap_or_default());
        let qr = encode(&code).unwrap();
        assert_eq!(qr.version(), Version::Normal(8));
        assert_eq!(qr.error_correction_level(), EcLevel::M);
        let optimised = QrCode::with_error_correction_level(&code, EcLevel::M).unwrap();
        assert!(optimised.width() < qr.width(), "the test code must tell the modes apart");
    }

    #[test]
    fn other_text_still_encodes() {
        let qr = encode("lower case ünïcode").unwrap();
        assert_eq!(qr.error_correction_level(), EcLevel::M);
    }
}
