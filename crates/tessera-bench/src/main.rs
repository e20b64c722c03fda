//! `tessera-bench flash-sale`: creates an event with N tickets on a running
//! server, sends M buyers at it with concurrency C over keep-alive HTTP
//! (reserve, then confirm), and in the same run measures the server's HTTP
//! ceiling (GET /healthz with the same client, count and concurrency). It
//! prints throughput, p50/p95/p99 latency, errors by code, the ratio to the
//! ceiling, and checks afterwards that nothing was oversold and that every
//! confirmed order has its tickets.
//!
//! It talks to the server only through its public API; it knows nothing of
//! the server's insides.

use anyhow::{Context, Result, bail};
use clap::Parser;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "tessera-bench")]
enum Cli {
    /// Many buyers, one hot event.
    FlashSale(FlashSale),
    /// Many scanners, one check-in list: online scans over HTTP.
    Scan(ScanArgs),
    /// Many buyers, one seated event: best-available seat holds over HTTP.
    Seats(SeatsArgs),
    /// Page weight and server time of the demo's pages, one client after another.
    Pages(PagesArgs),
}

#[derive(Parser, Clone)]
struct PagesArgs {
    /// The server (started with `serve --demo`), e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// The demo organizer, for the dashboard's pages.
    #[arg(long, default_value = "organizer@demo.tessera.dev")]
    email: String,
    /// The demo organizer's password (printed by `serve --demo`).
    #[arg(long)]
    password: String,
    /// Requests per page, one after another over one keep-alive connection.
    #[arg(long, default_value_t = 300)]
    count: usize,
    /// The pages: `{event}` is the first listed event, `{org}` the organizer's first organization.
    #[arg(long = "page", default_values_t = ["/".to_string(), "/events/{event}".to_string(), "/dashboard/orgs/{org}/overview".to_string()])]
    pages: Vec<String>,
}

#[derive(Parser, Clone)]
struct SeatsArgs {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Rows of the generated hall.
    #[arg(long, default_value_t = 100)]
    rows: u32,
    /// Seats per row.
    #[arg(long, default_value_t = 200)]
    seats_per_row: u32,
    /// Buyers, each holding `party` seats by best available.
    #[arg(long, default_value_t = 5000)]
    buyers: usize,
    #[arg(long, default_value_t = 2)]
    party: u32,
    /// Buyers in flight at once.
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Stop starting new requests after this many seconds.
    #[arg(long, default_value_t = 120)]
    max_secs: u64,
}

#[derive(Parser, Clone)]
struct ScanArgs {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Tickets sold beforehand (through the API), each scanned in once and then once more.
    #[arg(long, default_value_t = 5000)]
    tickets: usize,
    /// Scans in flight at once (scanner devices).
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Gates of the check-in list; scans spread over them.
    #[arg(long, default_value_t = 8)]
    gates: usize,
    /// Stop starting new requests after this many seconds.
    #[arg(long, default_value_t = 120)]
    max_secs: u64,
}

#[derive(Parser, Clone)]
struct FlashSale {
    /// The server, e.g. http://127.0.0.1:8080
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    url: String,
    /// Tickets on sale (N).
    #[arg(long, default_value_t = 1000)]
    tickets: i64,
    /// Buyers (M), one ticket each.
    #[arg(long, default_value_t = 5000)]
    buyers: usize,
    /// Buyers in flight at once (C).
    #[arg(long, default_value_t = 256)]
    concurrency: usize,
    /// Stop starting new requests after this many seconds.
    #[arg(long, default_value_t = 120)]
    max_secs: u64,
    /// Run the sale twice against the same server, on two fresh events:
    /// plain, then with a promo code on every order and a quantity price
    /// tier whose boundary falls in the middle of the sale; print the ratio.
    #[arg(long)]
    compare_pricing: bool,
    /// With --compare-pricing: pairs of runs, alternated.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

#[derive(Default)]
struct Tally {
    latencies_us: Vec<u64>,
    by_status: BTreeMap<String, u64>,
}

impl Tally {
    /// A tally of (latency in µs, status key) pairs.
    fn of(results: Vec<(u64, String)>) -> Tally {
        let mut t = Tally::default();
        for (us, key) in results {
            t.latencies_us.push(us);
            *t.by_status.entry(key).or_default() += 1;
        }
        t
    }

    fn merge(&mut self, other: Tally) {
        self.latencies_us.extend(other.latencies_us);
        for (k, v) in other.by_status {
            *self.by_status.entry(k).or_default() += v;
        }
    }

    fn pct(&mut self, p: f64) -> f64 {
        if self.latencies_us.is_empty() {
            return 0.0;
        }
        self.latencies_us.sort_unstable();
        let i = ((self.latencies_us.len() as f64 - 1.0) * p).round() as usize;
        self.latencies_us[i] as f64 / 1000.0
    }

    fn line(&mut self, name: &str, secs: f64, ok: u64) -> String {
        format!(
            "{name:<10} {:>9.0}/s ok  p50 {:>7.2} ms  p95 {:>7.2} ms  p99 {:>7.2} ms  statuses {:?}",
            ok as f64 / secs,
            self.pct(0.50),
            self.pct(0.95),
            self.pct(0.99),
            self.by_status
        )
    }
}

async fn json_req(rb: reqwest::RequestBuilder) -> Result<(u16, Value)> {
    let r = rb.send().await?;
    let status = r.status().as_u16();
    let body = r.json::<Value>().await.unwrap_or(Value::Null);
    Ok((status, body))
}

/// Signs up an organizer and sets up a published event with `tickets` free
/// tickets, taking place between `starts` and `ends` (RFC 3339).
async fn setup(
    c: &reqwest::Client,
    base: &str,
    tickets: i64,
    starts: &str,
    ends: &str,
    max_per_order: u32,
) -> Result<(String, String, String, String, String, String)> {
    let tag = format!("{}", std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_micros());
    let email = format!("bench-{tag}@bench.tessera.dev");
    let r = c
        .post(format!("{base}/api/v1/auth/register"))
        .json(&json!({"email": email, "password": "bench password 123", "name": "Bench"}))
        .send()
        .await?;
    if r.status().as_u16() != 201 {
        bail!("register: {} {}", r.status(), r.text().await?);
    }
    let cookie = r
        .headers()
        .get("set-cookie")
        .context("no session cookie")?
        .to_str()?
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    let csrf = r.json::<Value>().await?["csrf_token"].as_str().context("no csrf token")?.to_string();
    let post = |path: String, body: Value| {
        c.post(format!("{base}{path}"))
            .header("cookie", cookie.clone())
            .header("x-csrf-token", csrf.clone())
            .json(&body)
    };
    let (s, org) =
        json_req(post("/api/v1/orgs".into(), json!({"name": "Bench", "slug": format!("bench-{tag}")}))).await?;
    if s != 201 {
        bail!("org: {s} {org}");
    }
    let org = org["id"].as_str().context("org id")?.to_string();
    let (_, venue) = json_req(post(
        format!("/api/v1/orgs/{org}/venues"),
        json!({"name": "Arena", "timezone": "Europe/Berlin", "capacity": tickets}),
    ))
    .await?;
    let venue = venue["id"].as_str().context("venue id")?.to_string();
    let (_, event) = json_req(post(
        format!("/api/v1/orgs/{org}/events"),
        json!({"venue_id": venue, "title": "Flash sale", "category": "concert",
                   "starts_at": starts, "ends_at": ends, "sales_end": ends}),
    ))
    .await?;
    let event = event["id"].as_str().context("event id")?.to_string();
    let (_, quota) = json_req(post(
        format!("/api/v1/orgs/{org}/events/{event}/quotas"),
        json!({"name": "All", "capacity": tickets}),
    ))
    .await?;
    let (_, tt) = json_req(post(
        format!("/api/v1/orgs/{org}/events/{event}/ticket-types"),
        json!({"name": "GA", "price_minor": 0, "currency": "EUR", "max_per_order": max_per_order, "quota_ids": [quota["id"]]}),
    ))
    .await?;
    let tt = tt["id"].as_str().context("ticket type id")?.to_string();
    let (s, _) = json_req(post(format!("/api/v1/orgs/{org}/events/{event}/publish"), json!({}))).await?;
    if s != 200 {
        bail!("publish: {s}");
    }
    Ok((org, event, tt, cookie, csrf, venue))
}

fn status_key(status: u16, body: &Value) -> String {
    match body["error"]["code"].as_str() {
        Some(code) => format!("{status} {code}"),
        None => status.to_string(),
    }
}

async fn ceiling(c: &reqwest::Client, url: &str, total: usize, concurrency: usize, max_secs: u64) -> (f64, Tally) {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(max_secs);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (c, next, url) = (c.clone(), next.clone(), url.to_string());
        tasks.push(tokio::spawn(async move {
            let mut t = Tally::default();
            while next.fetch_add(1, Ordering::Relaxed) < total && Instant::now() < deadline {
                let at = Instant::now();
                let key = match c.get(format!("{url}/healthz")).send().await {
                    Ok(r) => {
                        let s = r.status().as_u16().to_string();
                        let _ = r.bytes().await;
                        s
                    }
                    Err(_) => "transport error".into(),
                };
                t.latencies_us.push(at.elapsed().as_micros() as u64);
                *t.by_status.entry(key).or_default() += 1;
            }
            t
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        if let Ok(t) = t.await {
            all.merge(t);
        }
    }
    (start.elapsed().as_secs_f64(), all)
}

async fn flash_sale(args: FlashSale) -> Result<()> {
    if !args.compare_pricing {
        return sale(&args, false).await.map(|_| ());
    }
    // Alternated (plain, priced, plain, priced, ...) so that noise on a
    // shared machine falls on both alike; each pair gives a ratio.
    let mut ratios = Vec::new();
    for round in 1..=args.rounds.max(1) {
        let (plain, plain_ceiling) = sale(&args, false).await?;
        println!();
        let (priced, priced_ceiling) = sale(&args, true).await?;
        println!();
        let ratio = priced / plain.max(1e-9);
        // Each against its own run's HTTP ceiling, so that a busier moment
        // of the machine during one of the two counts less.
        let normalized = (priced / priced_ceiling.max(1e-9)) / (plain / plain_ceiling.max(1e-9)).max(1e-12);
        println!(
            "round {round}: confirmed orders/s {plain:.0} plain, {priced:.0} with a promo code on every order and a tier boundary inside the sale; priced / plain = {ratio:.3}; against each run's ceiling = {normalized:.3}"
        );
        ratios.push((ratio, normalized));
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(f64::total_cmp);
        v[v.len() / 2]
    };
    println!(
        "pricing: median over {} rounds: priced / plain = {:.3}; against each run's ceiling = {:.3}",
        ratios.len(),
        median(ratios.iter().map(|r| r.0).collect()),
        median(ratios.iter().map(|r| r.1).collect())
    );
    Ok(())
}

/// One flash sale; with `priced`, every order names a promo code and the
/// first half of the tickets sell at a price tier. Returns confirmed orders/s
/// and the run's HTTP ceiling (requests/s).
async fn sale(args: &FlashSale, priced: bool) -> Result<(f64, f64)> {
    let args = args.clone();
    let c = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let (org, event, tt, cookie, csrf, _) =
        setup(&c, &args.url, args.tickets, "2030-01-01T20:00:00Z", "2030-01-01T23:00:00Z", 1).await?;
    let code = if priced {
        let post = |path: String, body: Value| {
            c.post(format!("{}{path}", args.url))
                .header("cookie", cookie.clone())
                .header("x-csrf-token", csrf.clone())
                .json(&body)
        };
        let (s, b) = json_req(post(
            format!("/api/v1/orgs/{org}/promo-codes"),
            json!({"event_id": event, "code": "BENCH", "kind": "percent", "value": 5000, "max_uses": args.buyers}),
        ))
        .await?;
        if s != 201 {
            bail!("promo code: {s} {b}");
        }
        let (s, b) = json_req(post(
            format!("/api/v1/orgs/{org}/ticket-types/{tt}/price-tiers"),
            json!({"name": "First half", "price_minor": 0, "quantity": (args.tickets / 2).max(1)}),
        ))
        .await?;
        if s != 201 {
            bail!("price tier: {s} {b}");
        }
        Some("BENCH")
    } else {
        None
    };

    // The baseline, in the same run, with the same client and concurrency.
    let (ceiling_secs, mut ceiling_tally) = ceiling(&c, &args.url, args.buyers, args.concurrency, args.max_secs).await;
    let ceiling_ok = ceiling_tally.by_status.get("200").copied().unwrap_or(0);
    let ceiling_rate = ceiling_ok as f64 / ceiling_secs;

    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(args.max_secs);
    let mut tasks = Vec::new();
    for _ in 0..args.concurrency {
        let (c, next, url, event, tt, total) =
            (c.clone(), next.clone(), args.url.clone(), event.clone(), tt.clone(), args.buyers);
        tasks.push(tokio::spawn(async move {
            let (mut reserve, mut confirm, mut buy) = (Tally::default(), Tally::default(), Tally::default());
            let mut confirmed = 0u64;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    break;
                }
                let at = Instant::now();
                let mut body = json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "email": format!("buyer{i}@bench.tessera.dev"), "name": "Buyer"});
                if let Some(code) = code {
                    body["promo_code"] = json!(code);
                }
                let r = c.post(format!("{url}/api/v1/events/{event}/orders")).json(&body).send().await;
                let (status, body) = match r {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        (s, r.json::<Value>().await.unwrap_or(Value::Null))
                    }
                    Err(_) => (0, Value::Null),
                };
                reserve.latencies_us.push(at.elapsed().as_micros() as u64);
                *reserve.by_status.entry(status_key(status, &body)).or_default() += 1;
                if status != 201 {
                    continue;
                }
                let (id, token) = (body["id"].as_str().unwrap_or(""), body["access_token"].as_str().unwrap_or(""));
                let at2 = Instant::now();
                let r = c.post(format!("{url}/api/v1/orders/{id}/confirm")).header("x-order-token", token).send().await;
                let (status, body) = match r {
                    Ok(r) => {
                        let s = r.status().as_u16();
                        (s, r.json::<Value>().await.unwrap_or(Value::Null))
                    }
                    Err(_) => (0, Value::Null),
                };
                confirm.latencies_us.push(at2.elapsed().as_micros() as u64);
                *confirm.by_status.entry(status_key(status, &body)).or_default() += 1;
                if status == 200 {
                    confirmed += 1;
                    buy.latencies_us.push(at.elapsed().as_micros() as u64);
                    *buy.by_status.entry("confirmed".into()).or_default() += 1;
                }
            }
            (reserve, confirm, buy, confirmed)
        }));
    }
    let (mut reserve, mut confirm, mut buy, mut confirmed) = (Tally::default(), Tally::default(), Tally::default(), 0);
    for t in tasks {
        let (r, c, b, n) = t.await?;
        reserve.merge(r);
        confirm.merge(c);
        buy.merge(b);
        confirmed += n;
    }
    let secs = start.elapsed().as_secs_f64();
    let reserved = reserve.by_status.get("201").copied().unwrap_or(0);

    // Check: nothing oversold, every confirmed order has its ticket.
    let (_, quotas) = json_req(
        c.get(format!("{}/api/v1/orgs/{org}/events/{event}/quotas", args.url))
            .header("cookie", cookie.clone())
            .header("x-csrf-token", csrf.clone()),
    )
    .await?;
    let sold = quotas[0]["sold"].as_i64().context("sold")?;
    let mut tickets = 0i64;
    let mut offset = 0;
    loop {
        let (_, page) = json_req(
            c.get(format!(
                "{}/api/v1/orgs/{org}/orders?event_id={event}&state=paid&limit=500&offset={offset}",
                args.url
            ))
            .header("cookie", cookie.clone()),
        )
        .await?;
        let page = page.as_array().cloned().unwrap_or_default();
        if page.is_empty() {
            break;
        }
        offset += page.len();
        for o in &page {
            tickets +=
                o["lines"].as_array().map_or(0, |ls| ls.iter().map(|l| l["quantity"].as_i64().unwrap_or(0)).sum());
        }
    }

    let confirm_rate = confirmed as f64 / secs;
    println!(
        "flash sale{}: {} tickets, {} buyers, concurrency {}, {:.2} s",
        if priced { " (promo code on every order, tier boundary at half)" } else { "" },
        args.tickets,
        args.buyers,
        args.concurrency,
        secs
    );
    println!("{}", ceiling_tally.line("ceiling", ceiling_secs, ceiling_ok));
    println!("{}", reserve.line("reserve", secs, reserved));
    println!("{}", confirm.line("confirm", secs, confirmed));
    println!("{}", buy.line("buy", secs, confirmed));
    println!(
        "confirmed orders/s {:.0}; HTTP ceiling {:.0} req/s; ceiling / confirmed = {:.2}; reserve+confirm requests/s {:.0} (ceiling / that = {:.2})",
        confirm_rate,
        ceiling_rate,
        ceiling_rate / confirm_rate.max(1e-9),
        (reserve.latencies_us.len() + confirm.latencies_us.len()) as f64 / secs,
        ceiling_rate / ((reserve.latencies_us.len() + confirm.latencies_us.len()) as f64 / secs).max(1e-9),
    );
    println!("check: sold {sold}, tickets in paid orders {tickets}, confirmed {confirmed}, capacity {}", args.tickets);
    let expected = (args.tickets as u64).min(reserved);
    let ok = sold <= args.tickets && sold as u64 == confirmed && tickets as u64 == confirmed && confirmed == expected;
    if !ok {
        bail!("CHECK FAILED: sold {sold}, tickets {tickets}, confirmed {confirmed}, expected {expected}");
    }
    println!("check passed: nothing oversold, every confirmed order has its tickets");
    Ok((confirm_rate, ceiling_rate))
}

/// Runs `f(i)` for i in 0..total with `concurrency` tasks, until the deadline.
async fn fan_out<F, Fut, T>(total: usize, concurrency: usize, max_secs: u64, f: F) -> Result<(f64, Vec<T>)>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = T> + Send,
    T: Send + 'static,
{
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let deadline = start + Duration::from_secs(max_secs);
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (next, f) = (next.clone(), f.clone());
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= total || Instant::now() >= deadline {
                    break;
                }
                out.push(f(i).await);
            }
            out
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await?);
    }
    Ok((start.elapsed().as_secs_f64(), all))
}

/// One round of scans: every code once, spread over the gates.
async fn scan_round(
    c: &reqwest::Client,
    args: &ScanArgs,
    scan_url: &str,
    auth: (&str, &str),
    codes: &Arc<Vec<String>>,
    gates: &Arc<Vec<String>>,
    round: &str,
) -> Result<(f64, Tally)> {
    let (c, scan_url, cookie, csrf, codes, gates, round) = (
        c.clone(),
        scan_url.to_string(),
        auth.0.to_string(),
        auth.1.to_string(),
        codes.clone(),
        gates.clone(),
        round.to_string(),
    );
    let (secs, results) = fan_out(codes.len(), args.concurrency, args.max_secs, move |i| {
        let (c, scan_url, cookie, csrf, codes, gates, round) =
            (c.clone(), scan_url.clone(), cookie.clone(), csrf.clone(), codes.clone(), gates.clone(), round.clone());
        async move {
            let at = Instant::now();
            let body = json!({"code": codes[i], "nonce": format!("{round}-{i}"), "gate_id": gates[i % gates.len()],
                              "device": format!("bench-{}", i % 64)});
            let r = c.post(&scan_url).header("cookie", cookie).header("x-csrf-token", csrf).json(&body).send().await;
            let key = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let b = r.json::<Value>().await.unwrap_or(Value::Null);
                    match b["result"].as_str() {
                        Some(result) if s == 200 => result.to_string(),
                        _ => status_key(s, &b),
                    }
                }
                Err(_) => "transport error".into(),
            };
            (at.elapsed().as_micros() as u64, key)
        }
    })
    .await?;
    Ok((secs, Tally::of(results)))
}

async fn scan(args: ScanArgs) -> Result<()> {
    let c = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    // The event is on now, so every ticket is within its validity window.
    let now = jiff::Timestamp::now();
    let starts = (now - jiff::SignedDuration::from_hours(1)).to_string();
    let ends = (now + jiff::SignedDuration::from_hours(5)).to_string();
    let (org, event, tt, cookie, csrf, _) = setup(&c, &args.url, args.tickets as i64, &starts, &ends, 1).await?;

    // Sell every ticket through the API, then fetch the codes as buyers do.
    let (url, ttc) = (args.url.clone(), tt.clone());
    let cc = c.clone();
    let event2 = event.clone();
    let (_, bought) = fan_out(args.tickets, 64, args.max_secs, move |i| {
        let (c, url, tt, event) = (cc.clone(), url.clone(), ttc.clone(), event2.clone());
        async move {
            let body = json!({"lines": [{"ticket_type_id": tt, "quantity": 1}], "email": format!("fan{i}@bench.tessera.dev"), "name": format!("Fan {i}")});
            let (s, o) = json_req(c.post(format!("{url}/api/v1/events/{event}/orders")).json(&body)).await?;
            if s != 201 {
                bail!("reserve: {s} {o}");
            }
            let (id, token) = (o["id"].as_str().unwrap_or("").to_string(), o["access_token"].as_str().unwrap_or("").to_string());
            let (s, o) = json_req(c.post(format!("{url}/api/v1/orders/{id}/confirm")).header("x-order-token", &token)).await?;
            if s != 200 {
                bail!("confirm: {s} {o}");
            }
            let (s, tickets) = json_req(c.get(format!("{url}/api/v1/orders/{id}/tickets")).header("x-order-token", &token)).await?;
            if s != 200 {
                bail!("tickets: {s} {tickets}");
            }
            tickets[0]["code"].as_str().map(str::to_string).context("no code")
        }
    })
    .await?;
    let codes: Arc<Vec<String>> = Arc::new(bought.into_iter().collect::<Result<_>>()?);
    let gate_names: Vec<String> = (1..=args.gates).map(|g| format!("Gate {g}")).collect();
    let (s, list) = json_req(
        c.post(format!("{}/api/v1/orgs/{org}/events/{event}/checkin-lists", args.url))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&json!({"name": "Doors", "gates": gate_names})),
    )
    .await?;
    if s != 201 {
        bail!("check-in list: {s} {list}");
    }
    let list_id = list["id"].as_str().context("list id")?.to_string();
    let gates: Arc<Vec<String>> = Arc::new(
        list["gates"]
            .as_array()
            .context("gates")?
            .iter()
            .filter_map(|g| g["id"].as_str().map(str::to_string))
            .collect(),
    );
    let scan_url = format!("{}/api/v1/orgs/{org}/checkin-lists/{list_id}/scans", args.url);

    let (ceiling_secs, mut ceiling_tally) = ceiling(&c, &args.url, codes.len(), args.concurrency, args.max_secs).await;
    let ceiling_ok = ceiling_tally.by_status.get("200").copied().unwrap_or(0);
    let ceiling_rate = ceiling_ok as f64 / ceiling_secs;
    let auth = (cookie.as_str(), csrf.as_str());
    let (in_secs, mut entry) = scan_round(&c, &args, &scan_url, auth, &codes, &gates, "in").await?;
    let (again_secs, mut again) = scan_round(&c, &args, &scan_url, auth, &codes, &gates, "again").await?;
    let admitted = entry.by_status.get("valid").copied().unwrap_or(0);
    let refused = again.by_status.get("already_used").copied().unwrap_or(0);

    let (_, stats) = json_req(
        c.get(format!("{}/api/v1/orgs/{org}/checkin-lists/{list_id}/stats", args.url)).header("cookie", &cookie),
    )
    .await?;
    let checked_in = stats["checked_in"].as_u64().context("checked_in")?;
    let entry_rate = entry.latencies_us.len() as f64 / in_secs;
    let again_rate = again.latencies_us.len() as f64 / again_secs;
    println!("online scans: {} tickets, {} gates, concurrency {}", codes.len(), gates.len(), args.concurrency);
    println!("{}", ceiling_tally.line("ceiling", ceiling_secs, ceiling_ok));
    println!("{}", entry.line("entry", in_secs, admitted));
    println!("{}", again.line("again", again_secs, refused));
    println!(
        "scans/s: entries {:.0}, repeats {:.0}; HTTP ceiling {:.0} req/s; ceiling / entries = {:.2}; ceiling / repeats = {:.2}",
        entry_rate,
        again_rate,
        ceiling_rate,
        ceiling_rate / entry_rate.max(1e-9),
        ceiling_rate / again_rate.max(1e-9)
    );
    let n = codes.len() as u64;
    println!(
        "check: admitted {admitted}, refused as already used {refused}, checked in per the list's stats {checked_in}, tickets {n}"
    );
    if admitted != n || refused != n || checked_in != n {
        bail!("CHECK FAILED: every ticket must be admitted once and refused the second time");
    }
    println!("check passed: every ticket admitted exactly once");
    Ok(())
}

async fn seats(args: SeatsArgs) -> Result<()> {
    let c = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let capacity = i64::from(args.rows) * i64::from(args.seats_per_row);
    let (org, event, tt, cookie, csrf, venue) =
        setup(&c, &args.url, capacity, "2030-01-01T20:00:00Z", "2030-01-01T23:00:00Z", args.party.max(1)).await?;
    let post = |path: String, body: Value| {
        c.post(format!("{}{path}", args.url)).header("cookie", &cookie).header("x-csrf-token", &csrf).json(&body)
    };
    let (s, map) = json_req(post(
        format!("/api/v1/orgs/{org}/venues/{venue}/seat-map/generate"),
        json!({"shape": "rectangular", "rows": args.rows, "seats_per_row": args.seats_per_row, "aisle_every": 20}),
    ))
    .await?;
    if s != 200 {
        bail!("seat map: {s} {map}");
    }
    let (s, seating) = json_req(
        c.put(format!("{}/api/v1/orgs/{org}/events/{event}/seating", args.url))
            .header("cookie", &cookie)
            .header("x-csrf-token", &csrf)
            .json(&json!({"zones": {"A": tt}})),
    )
    .await?;
    if s != 200 {
        bail!("seating: {s} {seating}");
    }

    let (ceiling_secs, mut ceiling_tally) = ceiling(&c, &args.url, args.buyers, args.concurrency, args.max_secs).await;
    let ceiling_ok = ceiling_tally.by_status.get("200").copied().unwrap_or(0);
    let ceiling_rate = ceiling_ok as f64 / ceiling_secs;

    let (cc, url, ev, party) = (c.clone(), args.url.clone(), event.clone(), args.party);
    let (secs, results) = fan_out(args.buyers, args.concurrency, args.max_secs, move |i| {
        let (c, url, event) = (cc.clone(), url.clone(), ev.clone());
        async move {
            let at = Instant::now();
            let body =
                json!({"seats": {"best": {"count": party}}, "email": format!("s{i}@bench.tessera.dev"), "name": "Fan"});
            let r = c.post(format!("{url}/api/v1/events/{event}/orders")).json(&body).send().await;
            let key = match r {
                Ok(r) => {
                    let s = r.status().as_u16();
                    let b = r.json::<Value>().await.unwrap_or(Value::Null);
                    status_key(s, &b)
                }
                Err(_) => "transport error".into(),
            };
            (at.elapsed().as_micros() as u64, key)
        }
    })
    .await?;
    let mut holds = Tally::of(results);
    let held_orders = holds.by_status.get("201").copied().unwrap_or(0);

    // Check: the seats held are exactly the orders' seats, none twice.
    let (_, statuses) = json_req(c.get(format!("{}/api/v1/events/{event}/seats", args.url))).await?;
    let marks = statuses["statuses"].as_str().context("statuses")?;
    let held_seats = marks.bytes().filter(|b| *b == b'h').count() as u64;
    let rate = held_orders as f64 / secs;
    println!(
        "seat holds: {} seats ({} rows of {}), {} buyers of {} seats, concurrency {}, {:.2} s",
        marks.len(),
        args.rows,
        args.seats_per_row,
        args.buyers,
        args.party,
        args.concurrency,
        secs
    );
    println!("{}", ceiling_tally.line("ceiling", ceiling_secs, ceiling_ok));
    println!("{}", holds.line("hold", secs, held_orders));
    println!(
        "seat holds/s {:.0} (seats/s {:.0}); HTTP ceiling {:.0} req/s; ceiling / holds = {:.2}",
        rate,
        rate * f64::from(args.party),
        ceiling_rate,
        ceiling_rate / rate.max(1e-9)
    );
    println!("check: orders with seats {held_orders}, seats held {held_seats}, seats per order {}", args.party);
    if held_seats != held_orders * u64::from(args.party) {
        bail!("CHECK FAILED: {held_seats} seats held for {held_orders} orders of {}", args.party);
    }
    println!("check passed: every order holds its seats, no seat twice");
    Ok(())
}

/// What one page costs: server time (client-side latency over loopback, the
/// baseline `/healthz` measured the same way in the same run) and the bytes a
/// browser fetches for it, gzip-compressed as the server sends them: the HTML
/// and the stylesheets and scripts it links (which a browser then caches).
async fn pages(args: PagesArgs) -> Result<()> {
    // Redirects not followed: a page that sends to the sign-in page fails the run.
    let c = reqwest::Client::builder().pool_max_idle_per_host(1).redirect(reqwest::redirect::Policy::none()).build()?;
    let base = args.url.trim_end_matches('/');
    let r = c
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": args.email, "password": args.password}))
        .send()
        .await?;
    if r.status().as_u16() != 200 {
        bail!("login: {} {}", r.status(), r.text().await?);
    }
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tessera_session="))
        .context("no session cookie")?
        .split(';')
        .next()
        .unwrap_or("")
        .to_string();
    let (_, events) = json_req(c.get(format!("{base}/api/v1/events"))).await?;
    let event = events["items"][0]["id"].as_str().context("no listed event")?.to_string();
    let (_, orgs) = json_req(c.get(format!("{base}/api/v1/orgs")).header("cookie", &cookie)).await?;
    let org = orgs[0]["id"]
        .as_str()
        .or_else(|| orgs["items"][0]["id"].as_str())
        .or_else(|| orgs[0]["org"]["id"].as_str())
        .context("no organization")?
        .to_string();

    // Latencies of `count` sequential GETs after a warm-up, and the last body's size.
    let time = |path: String| {
        let c = c.clone();
        let cookie = cookie.clone();
        async move {
            let mut tally = Tally::default();
            let mut bytes = 0;
            for i in 0..(args.count + 20) {
                let at = Instant::now();
                let r = c
                    .get(format!("{base}{path}"))
                    .header("cookie", &cookie)
                    .header("accept-encoding", "gzip")
                    .send()
                    .await?;
                let status = r.status().as_u16();
                let body = r.bytes().await?;
                if status != 200 {
                    bail!("{path}: {status}");
                }
                if i >= 20 {
                    tally.latencies_us.push(at.elapsed().as_micros() as u64);
                }
                bytes = body.len();
            }
            Ok::<_, anyhow::Error>((tally, bytes))
        }
    };
    let (mut floor, _) = time("/healthz".into()).await?;
    let floor_p50 = floor.pct(0.5);
    println!("pages: {} requests each, one at a time; baseline /healthz p50 {floor_p50:.2} ms", args.count);
    println!("| page | p50 ms | p95 ms | p50 − baseline ms | HTML gzip | CSS+JS gzip | total gzip | HTML raw |");
    println!("|---|---|---|---|---|---|---|---|");
    for page in &args.pages {
        let path = page.replace("{event}", &event).replace("{org}", &org);
        let raw = c.get(format!("{base}{path}")).header("cookie", &cookie).send().await?.text().await?;
        let mut assets = 0;
        for link in raw.split("/assets/").skip(1) {
            let name: String = link.chars().take_while(|ch| *ch != '"' && *ch != '\'').collect();
            let r = c.get(format!("{base}/assets/{name}")).header("accept-encoding", "gzip").send().await?;
            assets += r.bytes().await?.len();
        }
        let (mut t, html) = time(path.clone()).await?;
        let p50 = t.pct(0.5);
        println!(
            "| `{page}` | {p50:.2} | {:.2} | {:.2} | {:.1} KiB | {:.1} KiB | {:.1} KiB | {:.1} KiB |",
            t.pct(0.95),
            p50 - floor_p50,
            html as f64 / 1024.0,
            assets as f64 / 1024.0,
            (html + assets) as f64 / 1024.0,
            raw.len() as f64 / 1024.0
        );
    }
    Ok(())
}

fn main() -> Result<()> {
    let cli = Cli::parse();
    tessera_remote::install_crypto_provider();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli {
        Cli::FlashSale(args) => rt.block_on(flash_sale(args)),
        Cli::Scan(args) => rt.block_on(scan(args)),
        Cli::Seats(args) => rt.block_on(seats(args)),
        Cli::Pages(args) => rt.block_on(pages(args)),
    }
}
