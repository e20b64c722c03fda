//! Event images: uploaded through the API or the event's image page, checked
//! by decoding (not by name or declared type), refused when too large in
//! bytes or pixels, served resized and without metadata at URLs that carry
//! the content's hash, cached for a year with an ETag; only the event's
//! organization changes them.

use crate::helpers::*;
use image::ImageFormat;
use reqwest::Method;
use std::io::Cursor;

crate::on_both_backends!(
    images_set_through_the_api_are_served_resized_stripped_and_cached,
    the_image_page_uploads_replaces_and_removes_without_scripts,
);

fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A JPEG carrying an Exif block with a place name in it.
fn jpeg_with_exif(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, _| image::Rgb([(x % 256) as u8, 60, 200]));
    let mut out = Cursor::new(Vec::new());
    img.write_to(&mut out, ImageFormat::Jpeg).unwrap();
    let jpeg = out.into_inner();
    let payload = b"Exif\0\0GPS: Secret Garden 52.52N 13.40E";
    let mut app1 = vec![0xFF, 0xE1];
    app1.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    app1.extend_from_slice(payload);
    [&jpeg[..2], &app1[..], &jpeg[2..]].concat()
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A small, valid PNG whose header claims `width` × `height` pixels: a few
/// hundred bytes that would take tens of gigabytes decoded.
fn png_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut p = png(4, 4);
    // IHDR's data starts at byte 16 (8 signature, 4 length, 4 type).
    p[16..20].copy_from_slice(&width.to_be_bytes());
    p[20..24].copy_from_slice(&height.to_be_bytes());
    let crc = crc32(&p[12..29]);
    p[29..33].copy_from_slice(&crc.to_be_bytes());
    p
}

struct Setup {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
}

async fn setup() -> Setup {
    let t = spawn_app_on(&DB.get(), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@pictures.example.org", "pictures").await;
    let venue = t.venue(&owner, &org, "Gallery").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Open studio", 10)).await;
    assert_eq!(e.status, 201, "{e:?}");
    let event = e.body["id"].as_str().unwrap().to_string();
    Setup { t, owner, org, event }
}

impl Setup {
    fn path(&self) -> String {
        format!("/api/v1/orgs/{}/events/{}/image", self.org, self.event)
    }

    async fn put_image(&self, auth: &Auth, content_type: &str, bytes: Vec<u8>) -> Res {
        let mut rb = self.t.client.request(Method::PUT, format!("{}{}", self.t.base, self.path()));
        if let Auth::Session(s) = auth {
            rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
        }
        self.t.send(rb.header("content-type", content_type).body(bytes)).await
    }

    async fn fetch(&self, url: &str, etag: Option<&str>) -> reqwest::Response {
        let mut rb = self.t.client.get(format!("{}{url}", self.t.base));
        if let Some(tag) = etag {
            rb = rb.header("if-none-match", tag);
        }
        rb.send().await.unwrap()
    }
}

async fn images_set_through_the_api_are_served_resized_stripped_and_cached() {
    let s = setup().await;
    let r = s.put_image(&s.owner, "image/jpeg", jpeg_with_exif(1000, 500)).await;
    assert_eq!(r.status, 200, "{r:?}");
    let src = r.body["src"].as_str().unwrap().to_string();
    let srcset = r.body["srcset"].as_str().unwrap().to_string();
    assert!(src.starts_with(&format!("/media/events/{}/", s.event)) && src.ends_with("/800.jpg"), "{src}");
    assert!(
        srcset.contains("/400.jpg 400w") && srcset.contains("/800.jpg 800w") && !srcset.contains("1600"),
        "{srcset}"
    );
    assert_eq!((r.body["width"].as_i64(), r.body["height"].as_i64()), (Some(800), Some(400)));

    let served = s.fetch(&src, None).await;
    assert_eq!(served.status(), 200);
    let h = served.headers().clone();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    let etag = h["etag"].to_str().unwrap().to_string();
    let bytes = served.bytes().await.unwrap();
    let decoded = image::load_from_memory(&bytes).unwrap();
    assert_eq!((decoded.width(), decoded.height()), (800, 400));
    assert!(!bytes.windows(6).any(|w| w == b"Secret") && !bytes.windows(4).any(|w| w == b"Exif"), "metadata dropped");
    // Revalidation: the same bytes need not travel again.
    let again = s.fetch(&src, Some(&etag)).await;
    assert_eq!(again.status(), 304);
    assert_eq!(again.headers()["etag"].to_str().unwrap(), etag);
    assert_eq!(s.fetch(&src, Some("\"something-else\"")).await.status(), 200);

    // A new image gets new URLs; the old ones are gone.
    let r = s.put_image(&s.owner, "image/png", png(300, 200)).await;
    assert_eq!(r.status, 200, "{r:?}");
    let small = r.body["src"].as_str().unwrap().to_string();
    assert!(small.ends_with("/300.jpg"), "a small image is not enlarged: {small}");
    assert_eq!(s.fetch(&src, None).await.status(), 404);
    assert_eq!(s.fetch(&small, None).await.status(), 200);
    // Declared type does not matter, content does: PNG bytes sent as octet-stream.
    assert_eq!(s.put_image(&s.owner, "application/octet-stream", png(500, 500)).await.status, 200);

    // Refused: not an image (whatever it claims), too large, too many pixels, broken.
    let r = s.put_image(&s.owner, "image/png", b"<svg xmlns='http://www.w3.org/2000/svg'/>".to_vec()).await;
    assert_eq!((r.status, r.code()), (415, "unsupported_media_type"), "{r:?}");
    let r = s.put_image(&s.owner, "text/plain", png(10, 10)).await;
    assert_eq!(r.status, 415, "{r:?}");
    let r = s.put_image(&s.owner, "image/png", vec![0x89; 10 * 1024 * 1024 + 1]).await;
    assert_eq!((r.status, r.code()), (413, "payload_too_large"), "{r:?}");
    let r = s.put_image(&s.owner, "image/png", png_claiming(100_000, 100_000)).await;
    assert_eq!(r.status, 422, "{r:?}");
    assert!(r.body["error"]["message"].as_str().unwrap().contains("100000 × 100000 pixels"), "{r:?}");
    let mut broken = png(200, 200);
    broken.truncate(broken.len() / 2);
    assert_eq!(s.put_image(&s.owner, "image/png", broken).await.status, 422);
    assert_eq!(s.fetch(&small, None).await.status(), 404, "the octet-stream upload replaced it");

    // Only the organization changes the image; nothing is read before that.
    let stranger = Auth::Session(s.t.register("stranger@example.org").await);
    assert_eq!(s.put_image(&stranger, "image/png", png(10, 10)).await.status, 404);
    assert_eq!(s.put_image(&Auth::None, "image/png", png(10, 10)).await.status, 401);
    assert_eq!(s.t.req(Method::DELETE, &s.path(), &stranger, None).await.status, 404);
    let other_event = format!("/api/v1/orgs/{}/events/{}/image", s.org, uuid_like());
    assert_eq!(s.t.req(Method::DELETE, &other_event, &s.owner, None).await.status, 404);

    // Removed: its URLs answer 404, and removing again finds nothing.
    assert_eq!(s.t.req(Method::DELETE, &s.path(), &s.owner, None).await.status, 204);
    assert_eq!(s.t.req(Method::DELETE, &s.path(), &s.owner, None).await.status, 404);
    // Nonsense media paths are 404s, not errors.
    for bad in ["/media/events/nope/abc/400.jpg", &format!("/media/events/{}/zz/400.jpg", s.event)] {
        assert_eq!(s.fetch(bad, None).await.status(), 404, "{bad}");
    }
}

fn uuid_like() -> String {
    "01890000-0000-7000-8000-000000000000".into()
}

fn multipart(csrf: &str, filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----tessera-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"image\"; filename=\"{filename}\"\r\n\
             Content-Type: image/png\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn the_image_page_uploads_replaces_and_removes_without_scripts() {
    let s = setup().await;
    let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let session = match &s.owner {
        Auth::Session(x) => format!("tessera_session={}", x.cookie),
        _ => unreachable!(),
    };
    let here = format!("{}/dashboard/orgs/{}/events/{}/image", s.t.base, s.org, s.event);
    let page = browser.get(&here).header("cookie", &session).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let form_cookie = page
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tessera_form="))
        .map(|v| v.split(';').next().unwrap().to_string())
        .unwrap();
    let cookies = format!("{session}; {form_cookie}");
    let html = page.text().await.unwrap();
    assert!(html.contains("The event has no image yet.") && html.contains("enctype=\"multipart/form-data\""), "{html}");
    let at = html.find("name=\"csrf\" value=\"").unwrap() + "name=\"csrf\" value=\"".len();
    let csrf = html[at..].split('"').next().unwrap().to_string();
    let post = |body: (String, Vec<u8>)| {
        browser.post(&here).header("cookie", &cookies).header("content-type", body.0).body(body.1).send()
    };

    // A text file named like a picture: refused next to the field.
    let r = post(multipart(&csrf, "holiday.png", b"just some text, honestly")).await.unwrap();
    assert_eq!(r.status(), 422);
    let html = r.text().await.unwrap();
    assert!(html.contains("id=\"image-error\">this file is not a JPEG, PNG or WebP image"), "{html}");
    assert!(html.contains("role=\"alert\"") && html.contains("href=\"#image\""), "{html}");
    // A huge claimed size: refused before decoding, in words.
    let r = post(multipart(&csrf, "bomb.png", &png_claiming(60_000, 60_000))).await.unwrap();
    assert_eq!(r.status(), 422);
    assert!(r.text().await.unwrap().contains("the image is 60000 × 60000 pixels"));
    // Over the byte limit.
    let r = post(multipart(&csrf, "big.png", &vec![0x89; 10 * 1024 * 1024 + 1])).await.unwrap();
    assert_eq!(r.status(), 413);
    assert!(r.text().await.unwrap().contains("the file is larger than 10 MB"));
    // No file at all, and a forged form.
    let r = post(multipart(&csrf, "empty.png", b"")).await.unwrap();
    assert_eq!(r.status(), 422);
    assert_eq!(post(multipart("forged", "x.png", &png(50, 50))).await.unwrap().status(), 403);

    let r = post(multipart(&csrf, "studio.png", &png(1800, 900))).await.unwrap();
    assert_eq!(r.status(), 303);
    assert!(r.headers()["location"].to_str().unwrap().ends_with("/image?done=uploaded"));
    let html = browser.get(format!("{here}?done=uploaded")).header("cookie", &session).send().await.unwrap();
    let html = html.text().await.unwrap();
    assert!(html.contains("The image was saved."), "{html}");
    let at = html.find("srcset=\"").expect("the image shown") + "srcset=\"".len();
    let srcset = html[at..].split('"').next().unwrap();
    assert!(srcset.contains("400w") && srcset.contains("800w") && srcset.contains("1600w"), "{srcset}");
    assert!(html.contains("class=\"confirm\"") && html.contains("/image/delete"), "removal behind a confirmation");
    let src = srcset.split(' ').next().unwrap().to_string();
    assert_eq!(s.fetch(&src, None).await.status(), 200);

    // A stranger finds nothing, neither the page nor the form.
    let stranger = s.t.register("stranger@example.org").await;
    let r = browser.get(&here).header("cookie", format!("tessera_session={}", stranger.cookie)).send().await.unwrap();
    assert_eq!(r.status(), 404);
    let r = browser
        .post(&here)
        .header("cookie", format!("tessera_session={}; {form_cookie}", stranger.cookie))
        .header("content-type", multipart(&csrf, "x.png", &png(20, 20)).0)
        .body(multipart(&csrf, "x.png", &png(20, 20)).1)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 404);
    assert_eq!(s.fetch(&src, None).await.status(), 200, "the stranger changed nothing");

    // Removed with the confirmed form.
    let r = browser
        .post(format!("{here}/delete"))
        .header("cookie", &cookies)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    assert_eq!(s.fetch(&src, None).await.status(), 404);
    let html = browser.get(&here).header("cookie", &session).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("The event has no image yet."));
}
