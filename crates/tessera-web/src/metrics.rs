//! Prometheus metrics in the text exposition format: requests by route and
//! status, a latency histogram per route, and database pool gauges.
//! Routes are labelled by their template (`/api/v1/events/{event_id}`), never
//! by the raw path, so the number of series stays bounded.

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Instant;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS_SECS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS_SECS.len()],
    count: u64,
    sum_secs: f64,
}

#[derive(Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<(String, String), Histogram>,
}

#[derive(Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, secs: f64) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *m.requests.entry((method.to_string(), route.to_string(), status)).or_default() += 1;
        let h = m.latency.entry((method.to_string(), route.to_string())).or_default();
        h.count += 1;
        h.sum_secs += secs;
        for (i, b) in BUCKETS_SECS.iter().enumerate() {
            if secs <= *b {
                h.counts[i] += 1;
            }
        }
    }

    /// The exposition text, with `extra` gauges appended.
    pub fn render(&self, pools: &[(&str, u32, usize)]) -> String {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str("# HELP tessera_http_requests_total HTTP requests by method, route template and status.\n");
        out.push_str("# TYPE tessera_http_requests_total counter\n");
        for ((method, route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "tessera_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                label_value(route)
            );
        }
        out.push_str("# HELP tessera_http_request_duration_seconds Time to produce a response.\n");
        out.push_str("# TYPE tessera_http_request_duration_seconds histogram\n");
        for ((method, route), h) in &m.latency {
            let labels = format!("method=\"{method}\",route=\"{}\"", label_value(route));
            for (i, b) in BUCKETS_SECS.iter().enumerate() {
                let _ = writeln!(
                    out,
                    "tessera_http_request_duration_seconds_bucket{{{labels},le=\"{b}\"}} {}",
                    h.counts[i]
                );
            }
            let _ = writeln!(out, "tessera_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", h.count);
            let _ = writeln!(out, "tessera_http_request_duration_seconds_sum{{{labels}}} {}", h.sum_secs);
            let _ = writeln!(out, "tessera_http_request_duration_seconds_count{{{labels}}} {}", h.count);
        }
        out.push_str("# HELP tessera_db_pool_connections Open and idle database connections per pool.\n");
        out.push_str("# TYPE tessera_db_pool_connections gauge\n");
        for (pool, open, idle) in pools {
            let _ = writeln!(out, "tessera_db_pool_connections{{pool=\"{pool}\",state=\"open\"}} {open}");
            let _ = writeln!(out, "tessera_db_pool_connections{{pool=\"{pool}\",state=\"idle\"}} {idle}");
        }
        out
    }
}

/// A Prometheus label value in the text format: backslash, double quote and
/// line feed escaped (not HTML: these lines are never part of a page).
fn label_value(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Middleware: times every request and counts it under its route template.
pub async fn track(State(metrics): State<std::sync::Arc<Metrics>>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().as_str().to_string();
    let route =
        req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
    let res = next.run(req).await;
    metrics.observe(&method, &route, res.status().as_u16(), started.elapsed().as_secs_f64());
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let m = Metrics::default();
        m.observe("GET", "/a/{id}", 200, 0.003);
        m.observe("GET", "/a/{id}", 200, 0.3);
        m.observe("GET", "/a/{id}", 404, 0.0001);
        let text = m.render(&[("read", 3, 1)]);
        assert!(text.contains("tessera_http_requests_total{method=\"GET\",route=\"/a/{id}\",status=\"200\"} 2"));
        assert!(text.contains("le=\"0.001\"} 1"));
        assert!(text.contains("le=\"0.005\"} 2"));
        assert!(text.contains("le=\"+Inf\"} 3"));
        assert!(text.contains("tessera_db_pool_connections{pool=\"read\",state=\"open\"} 3"));
    }
}
