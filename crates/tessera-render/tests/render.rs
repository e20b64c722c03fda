//! Renders codes and reads them back with an independent QR decoder (rqrr);
//! PDFs are read and rasterised in-process by hayro, a PDF renderer
//! independent of krilla (nothing to install).

use hayro::hayro_interpret::hayro_cmap::BfString;
use hayro::hayro_interpret::{
    BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps, InterpreterCache,
    InterpreterSettings, SoftMask, font::GlyphRun, interpret_page,
};
use hayro::hayro_syntax::Pdf;
use hayro::kurbo::{Affine, BezPath, Rect};

use tessera_i18n::Locale;
use tessera_render::{
    InvoiceRow, InvoiceSheet, RenderError, TaxRow, TicketSheet, invoice_pdf, order_pdf, order_title, qr_png, qr_svg,
    ticket_html,
};

const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// "TK1-" and `len` pseudo-random characters of A-Z2-7.
fn code(seed: u64, len: usize) -> String {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut out = String::from("TK1-");
    for _ in 0..len {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        out.push(char::from(ALPHABET[(state % 32) as usize]));
    }
    out
}

/// Every QR code rqrr finds in `img`: (version, ecc level bits, text, width in px).
fn decode(img: image::GrayImage) -> Vec<(usize, u16, String, f64)> {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared
        .detect_grids()
        .iter()
        .map(|grid| {
            let (meta, text) = grid.decode().expect("a QR code that rqrr finds must decode");
            let [tl, tr, ..] = grid.bounds;
            let width = f64::from(tr.x - tl.x).hypot(f64::from(tr.y - tl.y));
            (meta.version.0, meta.ecc_level, text, width)
        })
        .collect()
}

/// rqrr's bits for level M (the format information's raw value).
const ECC_M: u16 = 0;

/// Rasterises the SVG that `qr_svg` writes (a `viewBox` in module units and
/// one path of `M x y h n v 1 h -n z` runs) at `scale` pixels per module.
fn rasterise(svg: &str, scale: u32) -> (u32, image::GrayImage) {
    let view_box = attribute(svg, "viewBox");
    let numbers: Vec<u32> = view_box.split(' ').map(|n| n.parse().expect("integer viewBox")).collect();
    assert_eq!(numbers.len(), 4, "viewBox {view_box:?}");
    assert_eq!((numbers[0], numbers[1]), (0, 0));
    assert_eq!(numbers[2], numbers[3], "a QR code is square");
    let side = numbers[2];
    let mut img = image::GrayImage::from_pixel(side * scale, side * scale, image::Luma([255]));
    let d = attribute(&svg[svg.find("<path").expect("a <path>")..], "d");
    for run in d.split('z').filter(|r| !r.is_empty()) {
        let rest = run.strip_prefix('M').expect("run starts with M");
        let (xy, rest) = rest.split_once('h').expect("h");
        let (len, tail) = rest.split_once('v').expect("v");
        assert!(tail.starts_with("1h-"), "unexpected run {run:?}");
        let (x, y) = xy.split_once(' ').expect("x y");
        let (x, y, len): (u32, u32, u32) = (x.parse().unwrap(), y.parse().unwrap(), len.parse().unwrap());
        assert_eq!(tail, format!("1h-{len}"));
        assert!(
            x + len <= side - 4 && y < side - 4 && x >= 4 && y >= 4,
            "module outside the code or in the quiet zone"
        );
        for px in x * scale..(x + len) * scale {
            for py in y * scale..(y + 1) * scale {
                img.put_pixel(px, py, image::Luma([0]));
            }
        }
    }
    (side, img)
}

fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag.find(&format!(" {name}=\"")).unwrap_or_else(|| panic!("no {name} attribute")) + name.len() + 3;
    let len = tag[start..].find('"').expect("closing quote");
    &tag[start..start + len]
}

fn sheet(n: u64, holder: &str, seat: Option<&str>) -> TicketSheet {
    TicketSheet {
        event_name: "Nachtkonzert: Die Ärzte & Friends — Open Air".into(),
        starts_at: "Sat 12 Dec 2026, 20:00 (Europe/Berlin)".into(),
        venue: "Waldbühne, Glockenturmstraße 1, 14053 Berlin".into(),
        ticket_type: "Standing, early bird".into(),
        holder_name: holder.into(),
        seat: seat.map(Into::into),
        order_reference: format!("ORD-2026-00{n}42"),
        ticket_id: format!("0195f3a2-7c1e-7d40-9b1a-00000000000{n}"),
        code: code(n, 200 + 20 * n as usize),
        locale: Locale::En,
    }
}

/// Every page of a PDF rasterised by hayro at `dpi`, in grey on white.
fn rasterise_pdf(pdf: &Pdf, dpi: f32) -> Vec<image::GrayImage> {
    let cache = hayro::RenderCache::new();
    let settings = hayro::PixmapSettings {
        x_scale: dpi / 72.0,
        y_scale: dpi / 72.0,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    pdf.pages()
        .iter()
        .map(|page| {
            let pixmap = hayro::render(page, &cache, &InterpreterSettings::default(), &Default::default(), &settings);
            let png = pixmap.into_png().expect("PNG of a rendered page");
            image::load_from_memory(&png).expect("a PNG").to_luma8()
        })
        .collect()
}

/// The text a page draws, one line per glyph run, as the PDF's ToUnicode
/// maps its glyphs: what a reader copying the text would get.
struct TextOut(String);

impl<'a> Device<'a> for TextOut {
    fn draw_path(&mut self, _: &BezPath, _: DrawProps<'a>, _: &DrawMode) {}
    fn push_clip_path(&mut self, _: &ClipPath) {}
    fn push_transparency_group(&mut self, _: f32, _: Option<SoftMask<'a>>, _: BlendMode) {}
    fn draw_glyph_run(&mut self, run: &GlyphRun<'_, 'a>, _: DrawProps<'a>, _: &DrawMode) {
        for glyph in run.glyphs() {
            match glyph.as_unicode() {
                Some(BfString::Char(c)) => self.0.push(c),
                Some(BfString::String(s)) => self.0.push_str(&s),
                None => self.0.push('\u{fffd}'),
            }
        }
        self.0.push('\n');
    }
    fn draw_image(&mut self, _: Image<'a, '_>, _: ImageDrawProps<'a>) {}
    fn pop_clip(&mut self) {}
    fn pop_transparency_group(&mut self) {}
}

fn page_texts(pdf: &Pdf) -> Vec<String> {
    let cache = InterpreterCache::new();
    pdf.pages()
        .iter()
        .map(|page| {
            let (w, h) = page.render_dimensions();
            let bbox = Rect::new(0.0, 0.0, f64::from(w), f64::from(h));
            let mut ctx = Context::new(Affine::IDENTITY, bbox, &cache, page.xref(), InterpreterSettings::default());
            let mut out = TextOut(String::new());
            interpret_page(page, &mut ctx, &mut out);
            out.0
        })
        .collect()
}

/// A PDF text string: UTF-16BE after a byte-order mark, else PDFDocEncoding
/// (read as Latin-1, enough for the ASCII the tests look for).
fn pdf_text(bytes: &[u8]) -> String {
    match bytes.strip_prefix(&[0xfe, 0xff]) {
        Some(utf16) => {
            let units: Vec<u16> = utf16.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        None => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

#[test]
fn qr_png_decodes_to_the_code_at_level_m() {
    for (seed, len) in [(1, 200), (2, 220), (3, 256)] {
        let code = code(seed, len);
        let png = qr_png(&code, 4).expect("renders");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        let img = image::load_from_memory_with_format(&png, image::ImageFormat::Png).expect("valid PNG").to_luma8();
        let found = decode(img.clone());
        assert_eq!(found.len(), 1, "exactly one QR code in the PNG");
        let (version, ecc, text, _) = &found[0];
        assert_eq!(text, &code);
        assert_eq!(*ecc, ECC_M, "error correction level M");
        // 4 modules of quiet zone on each side, 4 px per module.
        let modules = 17 + 4 * version + 8;
        assert_eq!(img.dimensions(), (modules as u32 * 4, modules as u32 * 4));
        for x in 0..img.width() {
            assert_eq!(img.get_pixel(x, 15).0, [255], "quiet zone must be white");
        }
    }
}

#[test]
fn qr_svg_is_a_scalable_svg_that_decodes() {
    for (seed, len) in [(4, 220), (5, 240)] {
        let code = code(seed, len);
        let svg = qr_svg(&code).expect("renders");
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""), "{}", &svg[..80]);
        assert!(svg.ends_with("</svg>"));
        let open_tag = &svg[..svg.find('>').unwrap()];
        assert!(open_tag.contains(r#"shape-rendering="crispEdges""#));
        assert!(!open_tag.contains(" width=") && !open_tag.contains(" height="), "must scale: {open_tag}");
        assert_eq!(svg.matches('<').count(), svg.matches('>').count());
        assert!(svg.contains(r##"fill="#fff""##) && svg.contains(r##"fill="#000""##));

        let (side, img) = rasterise(&svg, 3);
        // The qrcode crate's own choice for such a code has the same width:
        // it picks alphanumeric mode for it too.
        let auto = qrcode::QrCode::with_error_correction_level(&code, qrcode::EcLevel::M).unwrap();
        assert_eq!(side as usize, auto.width() + 8);
        let found = decode(img);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, code);
        assert_eq!(side as usize, 17 + 4 * found[0].0 + 8, "viewBox = modules + quiet zone");
    }
}

#[test]
fn empty_and_oversized_codes_are_errors() {
    let huge = code(6, 5000);
    let huge_lower = huge.to_lowercase();
    for bad in ["", huge.as_str(), huge_lower.as_str()] {
        assert!(qr_svg(bad).is_err(), "qr_svg of {} bytes", bad.len());
        assert!(qr_png(bad, 4).is_err(), "qr_png of {} bytes", bad.len());
    }
    assert!(matches!(qr_svg(""), Err(RenderError::EmptyCode)));
    assert!(matches!(qr_png(&huge, 4), Err(RenderError::CodeTooLong { len: 5004 })));
    // Just over what a version 40 code holds at level M in alphanumeric mode.
    assert!(matches!(qr_svg(&"A".repeat(3392)), Err(RenderError::CodeTooLong { .. })));
    assert!(qr_svg(&"A".repeat(3391)).is_ok());
    assert!(matches!(qr_png("TK1-ABC", 0), Err(RenderError::ModuleSize { .. })));
    assert!(matches!(qr_png("TK1-ABC", 10_000), Err(RenderError::ModuleSize { .. })));
}

#[test]
fn order_pdf_has_a_scannable_page_per_ticket() {
    let tickets = [sheet(1, "Zoë Müller-Łukasiewicz", Some("Block C, Row 7, Seat 12")), sheet(2, "Ana O'Brien", None)];
    let pdf = order_pdf("Order ORD-2026-00142 — Tessera", &tickets).expect("renders");
    assert!(pdf.starts_with(b"%PDF-"));
    eprintln!("order PDF: {} bytes for {} pages", pdf.len(), tickets.len());
    assert!(pdf.len() < 2 * 60_000, "PDF too big: {} bytes", pdf.len());

    let doc = Pdf::new(pdf.clone()).expect("hayro reads the PDF");
    assert_eq!(doc.pages().len(), 2);
    for page in doc.pages().iter() {
        let media = page.media_box();
        let (w, h) = (media.x1 - media.x0, media.y1 - media.y0);
        assert!((w - 595.28).abs() < 0.1 && (h - 841.89).abs() < 0.1, "A4 expected, got {w} x {h} pt");
    }
    let title = pdf_text(doc.metadata().title.as_deref().expect("a title"));
    assert!(title.contains("Order ORD-2026-00142"), "title: {title}");

    let pages = page_texts(&doc);
    for (page, t) in pages.iter().zip(&tickets) {
        for needle in [
            "Nachtkonzert: Die Ärzte & Friends",
            "Sat 12 Dec 2026, 20:00 (Europe/Berlin)",
            "Glockenturmstraße",
            t.ticket_type.as_str(),
            t.holder_name.as_str(),
            t.order_reference.as_str(),
            t.ticket_id.as_str(),
        ] {
            assert!(page.contains(needle), "page lacks {needle:?}:\n{page}");
        }
    }
    assert!(pages[0].contains("Block C, Row 7, Seat 12") && pages[0].contains("Ticket 1 of 2"));
    assert!(!pages[1].contains("Seat / zone") && pages[1].contains("Ticket 2 of 2"));

    let dpi = 150.0;
    let images = rasterise_pdf(&doc, dpi);
    assert_eq!(images.len(), 2);
    let mut codes = Vec::new();
    for (n, img) in images.into_iter().enumerate() {
        let found = decode(img);
        assert_eq!(found.len(), 1, "one QR code on page {}", n + 1);
        let (_, ecc, text, width_px) = found.into_iter().next().unwrap();
        assert_eq!(ecc, ECC_M);
        let width_mm = width_px / f64::from(dpi) * 25.4;
        assert!(width_mm >= 45.0, "QR code only {width_mm:.1} mm wide");
        codes.push(text);
    }
    assert_eq!(codes, [tickets[0].code.clone(), tickets[1].code.clone()]);
}

#[test]
fn order_pdf_survives_text_the_font_lacks_and_long_fields() {
    let mut t = sheet(3, "李小龍 😀 שלום \u{0}\u{7}\n\tZoë", Some(""));
    t.event_name = "Very long event name ".repeat(100);
    t.venue = "x".repeat(5000);
    t.ticket_id = "-".repeat(300);
    t.order_reference = String::new();
    let pdf = order_pdf("", &[t]).expect("renders");
    assert!(pdf.starts_with(b"%PDF-"));
}

/// A Chinese ticket: the holder's name, the title and the venue print as
/// real glyphs (not the missing-glyph boxes DejaVu Sans alone gives), and
/// the labels are Chinese.
#[test]
fn order_pdf_prints_chinese() {
    let chinese = |holder: &str| {
        let mut t = sheet(4, holder, Some("A区 3排 8座"));
        t.locale = Locale::ZhCn;
        t.event_name = "春节音乐会".into();
        t.venue = "上海大剧院，人民大道300号".into();
        t.ticket_type = "普通票".into();
        t
    };
    let title = order_title(Locale::ZhCn, "春节音乐会", "ORD-2026-00442");
    assert_eq!(title, "春节音乐会 – 订单 ORD-2026-00442");
    let pdf = order_pdf(&title, &[chinese("张伟")]).expect("renders");
    eprintln!("Chinese order PDF: {} bytes", pdf.len());
    assert!(pdf.len() < 120_000, "the CJK font is subset: {} bytes", pdf.len());
    let doc = Pdf::new(pdf).expect("hayro reads the PDF");
    let text = &page_texts(&doc)[0];
    // (One line per run of one font.)
    for needle in ["春节音乐会", "张伟", "上海大剧院", "区", "排", "持票人", "订单号", "门票编号", "张，共"]
    {
        assert!(text.contains(needle), "page lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains('\u{fffd}'), "a character without a glyph:\n{text}");
    assert!(!text.contains("Holder"), "{text}");

    // Two names of as many characters: boxes would look the same, glyphs do not.
    let raster = |holder: &str| {
        let doc = Pdf::new(order_pdf(&title, &[chinese(holder)]).expect("renders")).expect("reads");
        rasterise_pdf(&doc, 72.0).remove(0)
    };
    let (a, b) = (raster("张伟"), raster("李娜"));
    let differing = a.pixels().zip(b.pixels()).filter(|(p, q)| p.0[0].abs_diff(q.0[0]) > 64).count();
    assert!(differing > 20, "the two names draw alike ({differing} pixels differ): missing glyphs?");
    // And the name draws ink at all: a page without it is lighter.
    let ink = |img: &image::GrayImage| img.pixels().map(|p| u64::from(255 - p.0[0])).sum::<u64>();
    assert!(ink(&a) > ink(&raster("")), "the name draws nothing");
}

#[test]
fn ticket_html_speaks_the_buyers_language() {
    let mut t = sheet(5, "张伟", None);
    t.locale = Locale::ZhCn;
    let html = ticket_html(&t, Some("/t.pdf"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"zh-CN\">"), "{}", &html[..60]);
    for needle in ["<dt>持票人</dt>", "下载 PDF 门票", "门票 0195f3a2", "<title>门票："] {
        assert!(html.contains(needle), "{needle}: {html}");
    }
    assert!(!html.contains("Holder") && !html.contains("Download"));
}

#[test]
fn order_pdf_rejects_no_tickets_and_bad_codes() {
    assert!(matches!(order_pdf("x", &[]), Err(RenderError::NoTickets)));
    let mut t = sheet(1, "A", None);
    t.code = code(1, 5000);
    assert!(matches!(order_pdf("x", &[sheet(2, "B", None), t]), Err(RenderError::CodeTooLong { .. })));
}

#[test]
fn ticket_html_escapes_fields_and_inlines_the_qr() {
    let mut t = sheet(7, "<script>alert('x')</script> & Co", Some("Row \"A\""));
    t.event_name = "Rock <b>&</b> Roll".into();
    let html = ticket_html(&t, Some("/orders/1/tickets.pdf?a=1&b=2"));
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(html.trim_end().ends_with("</html>"));
    assert!(!html.to_lowercase().contains("<script"), "no scripts at all");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; Co"));
    assert!(html.contains("Rock &lt;b&gt;&amp;&lt;/b&gt; Roll"));
    assert!(html.contains("Row &quot;A&quot;"));
    assert!(html.contains(r#"href="/orders/1/tickets.pdf?a=1&amp;b=2""#));
    assert!(html.contains("<style>") && !html.contains("<link") && !html.contains("src="));
    assert!(html.contains(r#"name="viewport" content="width=device-width, initial-scale=1""#));
    for field in [&t.starts_at, &t.ticket_type, &t.order_reference, &t.ticket_id] {
        assert!(html.contains(field.as_str()), "{field}");
    }

    // The inline SVG is the ticket's QR code.
    let svg = &html[html.find("<svg").expect("inline svg")..];
    let svg = &svg[..svg.find("</svg>").unwrap() + 6];
    assert!(svg.contains(r#"role="img""#) && svg.contains("aria-label=\"QR code of ticket "));
    let found = decode(rasterise(svg, 3).1);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].2, t.code);

    let without = ticket_html(&t, None);
    assert!(!without.contains("Download PDF"));
    let hostile = ticket_html(&t, Some("javascript:alert(1)"));
    assert!(!hostile.contains("javascript:"));

    t.code = String::new();
    let broken = ticket_html(&t, None);
    assert!(!broken.contains("<svg") && broken.contains("cannot be shown"));
}

/// The QR versions docs/ticket-format.md gives: computed here with the
/// encoder Tessera uses (qrcode, level M) and read back from what
/// `qr_svg` draws.
#[test]
fn the_format_documents_qr_versions_hold() {
    let doc = include_str!("../../../docs/ticket-format.md");
    let flat = doc.split_whitespace().collect::<Vec<_>>().join(" ");
    // The shortest code (no label, golden vector 1) and the longest (a 48-byte label).
    let shortest = format!("TK1-{}", flat.split("code: TK1-").nth(1).unwrap().split(' ').next().unwrap());
    let longest = code(7, 292);
    for (text, chars, version) in [(shortest, 219, 8), (longest, 296, 10)] {
        assert_eq!(text.len(), chars);
        let qr = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).unwrap();
        assert_eq!(qr.version(), qrcode::Version::Normal(version), "{chars} characters");
        let (_, img) = rasterise(&qr_svg(&text).unwrap(), 4);
        let found = decode(img);
        assert_eq!((found[0].0, found[0].1), (version as usize, ECC_M), "{chars} characters as drawn");
        let sentence = format!("{chars} characters (QR version {version}-M");
        assert!(flat.contains(&sentence), "docs/ticket-format.md must say {sentence:?}");
    }
}

fn invoice(lines: usize, locale: Locale) -> InvoiceSheet {
    InvoiceSheet {
        locale,
        credit_note: false,
        number: "INV-42".into(),
        issue_date: "7 Dec 2026".into(),
        order_reference: "K7QX42".into(),
        event_name: "Gala".into(),
        corrects: None,
        seller: vec!["Acme GmbH".into(), "Hauptstr. 1".into(), "10115 Berlin".into()],
        seller_tax_id: "DE123".into(),
        seller_registration: String::new(),
        buyer: vec!["张伟".into(), "上海市人民大道1号".into()],
        buyer_tax_id: String::new(),
        lines: (0..lines)
            .map(|i| InvoiceRow {
                description: format!("Seat {i}"),
                quantity: "1".into(),
                unit_price: "€25.00".into(),
                tax_rate: "19 %".into(),
                amount: "€25.00".into(),
            })
            .collect(),
        discounts: vec![("EARLY (Early bird)".into(), "-€5.00".into())],
        fees: Some("€1.00".into()),
        subtotal: "€25.00".into(),
        taxes: vec![TaxRow { rate: "19 %".into(), amount: "€3.19".into(), inclusive: true }],
        total: "€21.00".into(),
        footer: "Paid in full.".into(),
    }
}

/// Every field of an invoice prints; rows that do not fit go on to more
/// pages, the totals after the last row.
#[test]
fn invoice_pdf_prints_every_field_and_runs_over_pages() {
    let doc = Pdf::new(invoice_pdf(&invoice(1, Locale::En)).expect("renders")).expect("reads");
    assert_eq!(doc.pages().len(), 1);
    let text = page_texts(&doc).concat();
    for needle in [
        "Invoice INV-42",
        "Acme GmbH",
        "DE123",
        "张伟",
        "上海市人民大道",
        "Seat 0",
        "19 %",
        "Discount EARLY (Early bird)",
        "-€5.00",
        "Service fees",
        "Tax 19 % (included)",
        "€3.19",
        "Total",
        "€21.00",
        "Paid in full.",
    ] {
        assert!(text.contains(needle), "the invoice lacks {needle:?}:\n{text}");
    }
    assert!(!text.contains('\u{fffd}'), "{text}");
    let long = Pdf::new(invoice_pdf(&invoice(120, Locale::ZhCn)).expect("renders")).expect("reads");
    assert!(long.pages().len() >= 3, "{} pages", long.pages().len());
    let texts = page_texts(&long);
    let all = texts.concat();
    assert!(all.contains("Seat 0") && all.contains("Seat 119") && all.contains("合计"), "{all}");
    assert!(texts.last().unwrap().contains("合计"), "the totals come after the last row");
}
