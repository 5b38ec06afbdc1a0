//! Prometheus metrics: requests by route and status, latency histograms per route, and the
//! application's own counters. Kept per server (no global registry), rendered as text.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

#[derive(Debug, Default)]
pub struct Metrics {
    inner: Mutex<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    requests: BTreeMap<(String, String, u16), u64>,
    latency: BTreeMap<String, Histogram>,
    counters: BTreeMap<&'static str, (u64, &'static str)>,
}

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Metrics {
    pub fn observe(&self, method: &str, route: &str, status: u16, took: Duration) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        *m.requests
            .entry((method.to_string(), route.to_string(), status))
            .or_default() += 1;
        let h = m.latency.entry(route.to_string()).or_default();
        let s = took.as_secs_f64();
        for (i, le) in BUCKETS.iter().enumerate() {
            if s <= *le {
                h.counts[i] += 1;
            }
        }
        h.count += 1;
        h.sum += s;
    }

    /// Adds `n` to the application counter `name` (`parley_…_total`), described by `help`.
    pub fn add(&self, name: &'static str, help: &'static str, n: u64) {
        let mut m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        m.counters.entry(name).or_insert((0, help)).0 += n;
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let m = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = String::new();
        out.push_str(
            "# HELP parley_http_requests_total HTTP requests by method, route and status.\n",
        );
        out.push_str("# TYPE parley_http_requests_total counter\n");
        for ((method, route, status), n) in &m.requests {
            let _ = writeln!(
                out,
                "parley_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str(
            "# HELP parley_http_request_duration_seconds HTTP request latency by route.\n",
        );
        out.push_str("# TYPE parley_http_request_duration_seconds histogram\n");
        for (route, h) in &m.latency {
            let r = escape(route);
            for (le, c) in BUCKETS.iter().zip(h.counts) {
                let _ = writeln!(
                    out,
                    "parley_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"{le}\"}} {c}"
                );
            }
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_bucket{{route=\"{r}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_sum{{route=\"{r}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "parley_http_request_duration_seconds_count{{route=\"{r}\"}} {}",
                h.count
            );
        }
        for (name, (n, help)) in &m.counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {n}"
            );
        }
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_latency_render_as_prometheus_text() {
        let m = Metrics::default();
        m.observe(
            "GET",
            "/api/v1/questions/{id}",
            200,
            Duration::from_millis(3),
        );
        m.observe(
            "GET",
            "/api/v1/questions/{id}",
            404,
            Duration::from_millis(30),
        );
        m.add(
            "parley_imported_questions_total",
            "Questions added by imports.",
            5,
        );
        let t = m.render();
        assert!(t.contains("parley_http_requests_total{method=\"GET\",route=\"/api/v1/questions/{id}\",status=\"404\"} 1"));
        assert!(t.contains("parley_http_request_duration_seconds_bucket{route=\"/api/v1/questions/{id}\",le=\"0.005\"} 1"));
        assert!(t.contains("le=\"+Inf\"} 2"));
        assert!(t.contains("parley_imported_questions_total 5"));
    }
}
