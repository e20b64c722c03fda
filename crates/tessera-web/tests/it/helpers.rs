//! `spawn_app`: a server on port 0 with its own database and a manual clock.

use reqwest::Method;
use reqwest::header::HeaderMap;
use serde_json::{Value, json};
use std::sync::Arc;
use tessera_app::{App, AppConfig, ManualClock};
use tessera_domain::UserId;
use tessera_store::Store;
use tessera_store::testing::{fresh_store, sqlite_url};
use tessera_web::WebConfig;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub app: App,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    _stop: tokio::sync::oneshot::Sender<()>,
}

/// How a request authenticates.
#[derive(Clone, Debug)]
pub enum Auth {
    None,
    Session(Session),
    Bearer(String),
}

#[derive(Clone, Debug)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
    pub user_id: UserId,
}

pub struct Res {
    pub status: u16,
    pub body: Value,
    pub headers: HeaderMap,
}

impl Res {
    pub fn code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }

    /// The fields named in an error body.
    pub fn fields(&self) -> Vec<String> {
        self.body["error"]["fields"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default()
    }
}

impl std::fmt::Debug for Res {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status, self.body)
    }
}

pub fn test_config() -> AppConfig {
    // Every test client is 127.0.0.1: no rate limit may trip by accident
    // (tests of the limits set their own).
    AppConfig {
        login_max_attempts_per_ip: 10_000,
        register_max_per_ip: 10_000,
        access_code_max_failures_per_ip: 10_000,
        ..AppConfig::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(test_config(), WebConfig::default()).await
}

pub async fn spawn_app_with(config: AppConfig, web: WebConfig) -> TestApp {
    spawn_app_on(&sqlite_url(), config, web).await
}

/// `spawn_app_with` on the database at `url` (SQLite or PostgreSQL).
pub async fn spawn_app_on(url: &str, config: AppConfig, web: WebConfig) -> TestApp {
    let store = fresh_store(url).await;
    let clock = Arc::new(ManualClock::new(jiff::Timestamp::now()));
    let app = App::new(store.clone(), clock.clone(), config);
    let router = tessera_web::router(app.clone(), web);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(tessera_web::serve(listener, router, async {
        let _ = rx.await;
    }));
    TestApp { base: format!("http://{addr}"), client: reqwest::Client::new(), app, store, clock, _stop: tx }
}

impl TestApp {
    pub async fn req(&self, method: Method, path: &str, auth: &Auth, body: Option<Value>) -> Res {
        let mut rb = self.client.request(method, format!("{}{path}", self.base));
        match auth {
            Auth::None => {}
            Auth::Session(s) => {
                rb = rb.header("cookie", format!("tessera_session={}", s.cookie)).header("x-csrf-token", &s.csrf);
            }
            Auth::Bearer(t) => rb = rb.bearer_auth(t),
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        self.send(rb).await
    }

    pub async fn send(&self, rb: reqwest::RequestBuilder) -> Res {
        let res = rb.send().await.expect("request");
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await.unwrap_or_default();
        let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
        Res { status, body, headers }
    }

    pub async fn get(&self, path: &str, auth: &Auth) -> Res {
        self.req(Method::GET, path, auth, None).await
    }

    pub async fn post(&self, path: &str, auth: &Auth, body: Value) -> Res {
        self.req(Method::POST, path, auth, Some(body)).await
    }

    pub async fn put(&self, path: &str, auth: &Auth, body: Value) -> Res {
        self.req(Method::PUT, path, auth, Some(body)).await
    }

    pub async fn patch(&self, path: &str, auth: &Auth, body: Value) -> Res {
        self.req(Method::PATCH, path, auth, Some(body)).await
    }

    /// Registers an account over HTTP and returns its session.
    pub async fn register(&self, email: &str) -> Session {
        let r = self
            .post(
                "/api/v1/auth/register",
                &Auth::None,
                json!({"email": email, "password": "correct horse battery", "name": "T"}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        session_from(&r)
    }

    pub async fn login(&self, email: &str, password: &str, totp: Option<&str>) -> Res {
        let mut body = json!({"email": email, "password": password});
        if let Some(code) = totp {
            body["totp_code"] = json!(code);
        }
        self.post("/api/v1/auth/login", &Auth::None, body).await
    }

    /// A user who owns a new organization with a venue; returns (session, org id).
    pub async fn organizer(&self, email: &str, slug: &str) -> (Auth, String) {
        let s = Auth::Session(self.register(email).await);
        let r = self.post("/api/v1/orgs", &s, json!({"name": slug, "slug": slug})).await;
        assert_eq!(r.status, 201, "{r:?}");
        (s, r.body["id"].as_str().unwrap().to_string())
    }

    /// A draft event with one quota and one ticket type in it.
    pub async fn sellable_event(&self, auth: &Auth, org: &str, venue: &str, title: &str) -> Value {
        let e = self.post(&format!("/api/v1/orgs/{org}/events"), auth, event_body(venue, title, 30)).await;
        assert_eq!(e.status, 201, "{e:?}");
        let eid = e.body["id"].as_str().unwrap();
        let q = self
            .post(&format!("/api/v1/orgs/{org}/events/{eid}/quotas"), auth, json!({"name": "House", "capacity": 100}))
            .await;
        assert_eq!(q.status, 201, "{q:?}");
        let t = self
            .post(
                &format!("/api/v1/orgs/{org}/events/{eid}/ticket-types"),
                auth,
                json!({"name": "GA", "price_minor": 2500, "currency": "EUR", "quota_ids": [q.body["id"]]}),
            )
            .await;
        assert_eq!(t.status, 201, "{t:?}");
        e.body
    }

    pub async fn venue(&self, auth: &Auth, org: &str, name: &str) -> String {
        let r = self
            .post(
                &format!("/api/v1/orgs/{org}/venues"),
                auth,
                json!({"name": name, "address": "1 Main St", "timezone": "Europe/Berlin", "capacity": 1000}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        r.body["id"].as_str().unwrap().to_string()
    }
}

pub fn session_from(r: &Res) -> Session {
    let set_cookie = r.headers.get("set-cookie").expect("set-cookie").to_str().unwrap().to_string();
    let cookie = set_cookie.split(';').next().unwrap().trim_start_matches("tessera_session=").to_string();
    Session {
        cookie,
        csrf: r.body["csrf_token"].as_str().unwrap().to_string(),
        user_id: r.body["user"]["id"].as_str().unwrap().parse().unwrap(),
    }
}

/// An event body starting `days` from now, three hours long.
pub fn event_body(venue: &str, title: &str, days: i64) -> Value {
    let start = jiff::Timestamp::now().checked_add(jiff::SignedDuration::from_hours(24 * days)).unwrap();
    let end = start.checked_add(jiff::SignedDuration::from_hours(3)).unwrap();
    json!({"venue_id": venue, "title": title, "category": "concert", "starts_at": start.to_string(), "ends_at": end.to_string()})
}

/// Reads a server-sent event stream, one event's JSON data at a time.
pub struct SseReader {
    res: reqwest::Response,
    seen: String,
}

impl SseReader {
    pub async fn open(t: &TestApp, path: &str) -> SseReader {
        let res = t.client.get(format!("{}{path}", t.base)).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        SseReader { res, seen: String::new() }
    }

    /// The next event's data, parsed; panics after 10 s without one.
    pub async fn next_event(&mut self) -> Value {
        loop {
            if let Some(end) = self.seen.find("\n\n") {
                let block: String = self.seen.drain(..end + 2).collect();
                if let Some(data) = block.lines().find_map(|l| l.strip_prefix("data: ")) {
                    return serde_json::from_str(data).unwrap();
                }
                continue;
            }
            let chunk = tokio::time::timeout(std::time::Duration::from_secs(10), self.res.chunk())
                .await
                .expect("an event within 10 s")
                .unwrap()
                .expect("the stream stays open");
            self.seen.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

/// Every page of a PDF, rasterised in-process by hayro (a renderer
/// independent of the krilla that wrote it) at `dpi`, in grey on white.
pub fn pdf_pages(pdf: &[u8], dpi: f32) -> Vec<image::GrayImage> {
    let pdf = hayro::hayro_syntax::Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let cache = hayro::RenderCache::new();
    let settings = hayro::PixmapSettings {
        x_scale: dpi / 72.0,
        y_scale: dpi / 72.0,
        bg_color: hayro::vello_cpu::color::palette::css::WHITE,
    };
    pdf.pages()
        .iter()
        .map(|page| {
            let interpreter = hayro::hayro_interpret::InterpreterSettings::default();
            let pixmap = hayro::render(page, &cache, &interpreter, &Default::default(), &settings);
            image::load_from_memory(&pixmap.into_png().expect("PNG of a page")).expect("a PNG").to_luma8()
        })
        .collect()
}

/// The text of every QR code rqrr finds on `img`.
pub fn qr_codes_on(img: image::GrayImage) -> Vec<String> {
    let mut prepared = rqrr::PreparedImage::prepare(img);
    prepared.detect_grids().iter().map(|g| g.decode().expect("a QR code rqrr finds decodes").1).collect()
}

tokio::task_local! {
    /// The database the current test's server runs on, for cases run by
    /// [`on_both_backends!`].
    pub static DB: String;
}

/// Every named case (an `async fn` of the calling module, which reads its
/// database from [`DB`]) runs twice: on SQLite and on PostgreSQL (which CI
/// requires).
#[macro_export]
macro_rules! on_both_backends {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    $crate::helpers::DB.scope(tessera_store::testing::sqlite_url(), super::$case()).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    let Some(admin) = tessera_store::testing::postgres_admin_url(stringify!($case)) else { return };
                    let url = tessera_store::testing::fresh_postgres_url(&admin).await;
                    $crate::helpers::DB.scope(url.clone(), super::$case()).await;
                    tessera_store::testing::drop_postgres_database(&admin, &url).await;
                }
            )*
        }
    };
}

/// A published event of owner@example.org's organization "alpha", selling one
/// ticket type (GA, up to 6 per order): what the pricing tests start from.
pub struct Sale {
    pub t: TestApp,
    pub owner: Auth,
    pub org: String,
    pub event: String,
    pub ticket_type: String,
}

/// A published event with one ticket type at `price` from a quota of `capacity`.
pub async fn sale(price: i64, capacity: i64) -> Sale {
    sale_with(price, capacity, test_config()).await
}

/// [`sale`] on a server with another configuration.
pub async fn sale_with(price: i64, capacity: i64, config: AppConfig) -> Sale {
    let t = spawn_app_on(&DB.with(Clone::clone), config, tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.post(&format!("/api/v1/orgs/{org}/events"), &owner, event_body(&venue, "Gig", 30)).await;
    let event = e.body["id"].as_str().unwrap().to_string();
    let q = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/quotas"),
            &owner,
            json!({"name": "House", "capacity": capacity}),
        )
        .await;
    let tt = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
            &owner,
            json!({"name": "GA", "price_minor": price, "currency": "EUR", "max_per_order": 6, "quota_ids": [q.body["id"]]}),
        )
        .await;
    assert_eq!(tt.status, 201, "{tt:?}");
    let ticket_type = tt.body["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Sale { t, owner, org, event, ticket_type }
}

/// The text every page of a PDF draws (one line per glyph run), as the
/// PDF's ToUnicode maps its glyphs: what a reader copying it would get.
/// Read in-process by hayro, independent of the krilla that wrote it.
pub fn pdf_text(pdf: &[u8]) -> String {
    use hayro::hayro_interpret::hayro_cmap::BfString;
    use hayro::hayro_interpret::{
        BlendMode, ClipPath, Context, Device, DrawMode, DrawProps, Image, ImageDrawProps, InterpreterCache,
        InterpreterSettings, SoftMask, font::GlyphRun, interpret_page,
    };
    use hayro::kurbo::{Affine, BezPath, Rect};
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
    let doc = hayro::hayro_syntax::Pdf::new(pdf.to_vec()).expect("hayro reads the PDF");
    let cache = InterpreterCache::new();
    let mut out = TextOut(String::new());
    for page in doc.pages().iter() {
        let (w, h) = page.render_dimensions();
        let bbox = Rect::new(0.0, 0.0, f64::from(w), f64::from(h));
        let mut ctx = Context::new(Affine::IDENTITY, bbox, &cache, page.xref(), InterpreterSettings::default());
        interpret_page(page, &mut ctx, &mut out);
    }
    out.0
}
