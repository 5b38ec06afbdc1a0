//! Charts as hand-written SVG (no font or plotting library): a candidate's profile per
//! competency against the role's bar, and the candidates of one role side by side. Scores are
//! 0–1; the bar to meet a requirement is two thirds of the scale (see `Observed`).

use std::fmt::Write as _;

/// One competency's score for the profile chart.
pub struct Bar {
    pub label: String,
    pub required: bool,
    pub score: Option<f64>,
}

const MET: f64 = 2.0 / 3.0;
const COLORS: [&str; 6] = [
    "#2456c9", "#c94f24", "#2e8b57", "#8a2be2", "#b8860b", "#555555",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn pct(s: Option<f64>) -> String {
    s.map_or_else(|| "not assessed".into(), |v| format!("{:.0}%", v * 100.0))
}

/// Horizontal bars, one per competency, with the line a score must reach to meet it.
pub fn profile(title: &str, bars: &[Bar]) -> String {
    let (left, width, row) = (220.0, 360.0, 28.0);
    let height = 50.0 + row * bars.len() as f64 + 30.0;
    let total = left + width + 70.0;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total} {height}\" width=\"{total}\" height=\"{height}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"13\">\
         <title id=\"t\">{}</title><desc id=\"d\">{}</desc><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        esc(title),
        esc(&bars
            .iter()
            .map(|b| format!("{}: {}", b.label, pct(b.score)))
            .collect::<Vec<_>>()
            .join("; ")),
        esc(title)
    );
    for (k, b) in bars.iter().enumerate() {
        let y = 40.0 + row * k as f64;
        let label = if b.required {
            format!("{} *", b.label)
        } else {
            b.label.clone()
        };
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{}\" width=\"{width}\" height=\"16\" fill=\"#eef0f5\"/>",
            left - 8.0,
            y + 13.0,
            esc(&label),
            y + 1.0
        );
        if let Some(s) = b.score {
            let color = if s + 1e-9 >= MET {
                "#2e8b57"
            } else if s + 1e-9 >= MET / 2.0 {
                "#d49a00"
            } else {
                "#b3261e"
            };
            let _ = write!(
                svg,
                "<rect x=\"{left}\" y=\"{}\" width=\"{:.1}\" height=\"16\" fill=\"{color}\"/>",
                y + 1.0,
                width * s.clamp(0.0, 1.0)
            );
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{}</text>",
            left + width + 6.0,
            y + 13.0,
            esc(&pct(b.score))
        );
    }
    let x = left + width * MET;
    let _ = write!(
        svg,
        "<line x1=\"{x:.1}\" y1=\"34\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#1d2330\" stroke-dasharray=\"4 3\"/>\
         <text x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" font-size=\"11\">the role's bar</text>\
         <text x=\"10\" y=\"{:.1}\" font-size=\"11\">* required</text></svg>",
        height - 26.0,
        height - 12.0,
        height - 12.0
    );
    svg
}

/// Grouped bars: for each competency, one bar per candidate.
pub fn comparison(
    title: &str,
    competencies: &[String],
    candidates: &[(String, Vec<Option<f64>>)],
) -> String {
    let n = candidates.len().max(1) as f64;
    let (left, top, plot_h) = (50.0, 40.0, 220.0);
    let group = (n * 18.0 + 24.0).max(70.0);
    let width = left + group * competencies.len().max(1) as f64 + 20.0;
    let legend_y = top + plot_h + 50.0;
    let height = legend_y + 20.0 * candidates.len() as f64 + 10.0;
    let mut desc = Vec::new();
    for (name, scores) in candidates {
        let parts: Vec<String> = competencies
            .iter()
            .zip(scores)
            .map(|(c, s)| format!("{c} {}", pct(*s)))
            .collect();
        desc.push(format!("{name}: {}", parts.join(", ")));
    }
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"t d\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"t\">{}</title><desc id=\"d\">{}</desc><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        esc(title),
        esc(&desc.join("; ")),
        esc(title)
    );
    for tick in [0.0, 0.5, 1.0] {
        let y = top + plot_h * (1.0 - tick);
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\" stroke=\"#d6dae3\"/><text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{:.0}%</text>",
            width - 10.0,
            left - 6.0,
            y + 4.0,
            tick * 100.0
        );
    }
    let met_y = top + plot_h * (1.0 - MET);
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{met_y:.1}\" x2=\"{:.1}\" y2=\"{met_y:.1}\" stroke=\"#1d2330\" stroke-dasharray=\"4 3\"/>",
        width - 10.0
    );
    for (g, comp) in competencies.iter().enumerate() {
        let gx = left + group * g as f64 + 12.0;
        for (k, (_, scores)) in candidates.iter().enumerate() {
            if let Some(Some(s)) = scores.get(g) {
                let h = plot_h * s.clamp(0.0, 1.0);
                let _ = write!(
                    svg,
                    "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"14\" height=\"{h:.1}\" fill=\"{}\"/>",
                    gx + 18.0 * k as f64,
                    top + plot_h - h,
                    COLORS[k % COLORS.len()]
                );
            }
        }
        let _ = write!(
            svg,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            gx + 9.0 * n - 2.0,
            top + plot_h + 18.0,
            esc(&short(comp, 14))
        );
    }
    for (k, (name, _)) in candidates.iter().enumerate() {
        let y = legend_y + 20.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y - 10.0,
            COLORS[k % COLORS.len()],
            left + 18.0,
            y,
            esc(name)
        );
    }
    svg.push_str("</svg>");
    svg
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max - 1).collect::<String>())
    }
}

/// One line of the readiness chart: a section's readiness (0–1) per day.
pub struct Series {
    pub label: String,
    pub points: Vec<(i64, f64)>,
}

/// Readiness per section over time: one line per section, days along the bottom, 0–100% up
/// the side, the "met" line at two thirds.
pub fn readiness(title: &str, series: &[Series]) -> String {
    let (left, top, width, height) = (50.0, 40.0, 520.0, 220.0);
    let legend = 20.0 * series.len() as f64;
    let total_h = top + height + 40.0 + legend;
    let total_w = left + width + 30.0;
    let days: Vec<i64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0))
        .collect();
    let (first, last) = (
        days.iter().copied().min().unwrap_or(0),
        days.iter().copied().max().unwrap_or(0),
    );
    let span = (last - first).max(1) as f64;
    let x = |d: i64| left + width * ((d - first) as f64 / span);
    let y = |v: f64| top + height * (1.0 - v.clamp(0.0, 1.0));
    let desc = series
        .iter()
        .map(|s| {
            format!(
                "{}: {}",
                s.label,
                s.points.last().map_or("no data".into(), |p| pct(Some(p.1)))
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total_w} {total_h}\" width=\"{total_w}\" height=\"{total_h}\" role=\"img\" aria-labelledby=\"rt rd\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"rt\">{}</title><desc id=\"rd\">Readiness now, {}</desc><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        esc(title),
        esc(&desc),
        esc(title)
    );
    for v in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            "<line x1=\"{left}\" y1=\"{yy:.1}\" x2=\"{}\" y2=\"{yy:.1}\" stroke=\"#e3e6ee\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{:.0}%</text>",
            left + width,
            left - 6.0,
            y(v) + 4.0,
            v * 100.0,
            yy = y(v)
        );
    }
    let _ = write!(
        svg,
        "<line x1=\"{left}\" y1=\"{m:.1}\" x2=\"{}\" y2=\"{m:.1}\" stroke=\"#1d2330\" stroke-dasharray=\"4 3\"/>",
        left + width,
        m = y(MET)
    );
    for (k, s) in series.iter().enumerate() {
        let color = COLORS[k % COLORS.len()];
        let path: Vec<String> = s
            .points
            .iter()
            .map(|&(d, v)| format!("{:.1},{:.1}", x(d), y(v)))
            .collect();
        if path.len() == 1 {
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"/>",
                x(s.points[0].0),
                y(s.points[0].1)
            );
        } else if !path.is_empty() {
            let _ = write!(
                svg,
                "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{}\"/>",
                path.join(" ")
            );
        }
        let ly = top + height + 40.0 + 20.0 * k as f64;
        let _ = write!(
            svg,
            "<rect x=\"{left}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{color}\"/><text x=\"{}\" y=\"{:.1}\">{}</text>",
            ly - 10.0,
            left + 18.0,
            ly,
            esc(&format!(
                "{} ({})",
                s.label,
                s.points.last().map_or("no data".into(), |p| pct(Some(p.1)))
            ))
        );
    }
    let _ = write!(
        svg,
        "<text x=\"{left}\" y=\"{:.1}\">{}</text><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></svg>",
        top + height + 18.0,
        parley_domain::time::date(first),
        left + width,
        top + height + 18.0,
        parley_domain::time::date(last)
    );
    svg
}

/// The key points missed most, as horizontal bars of how often each was missed.
pub fn missed(title: &str, items: &[(String, usize)]) -> String {
    let (left, width, row) = (330.0, 220.0, 24.0);
    let height = 40.0 + row * items.len() as f64 + 10.0;
    let total = left + width + 50.0;
    let most = items.iter().map(|i| i.1).max().unwrap_or(1).max(1) as f64;
    let mut svg = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {total} {height}\" width=\"{total}\" height=\"{height}\" role=\"img\" aria-labelledby=\"mt md\" font-family=\"sans-serif\" font-size=\"12\">\
         <title id=\"mt\">{}</title><desc id=\"md\">{}</desc><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\
         <text x=\"10\" y=\"22\" font-size=\"15\" font-weight=\"bold\">{}</text>",
        esc(title),
        esc(&items
            .iter()
            .map(|(k, n)| format!("{k}: {n}"))
            .collect::<Vec<_>>()
            .join("; ")),
        esc(title)
    );
    for (k, (label, n)) in items.iter().enumerate() {
        let y = 36.0 + row * k as f64;
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\">{}</text><rect x=\"{left}\" y=\"{:.1}\" width=\"{:.1}\" height=\"14\" fill=\"#b3261e\"/><text x=\"{:.1}\" y=\"{:.1}\">{n}×</text>",
            left - 8.0,
            y + 11.0,
            esc(&short(label, 48)),
            y,
            width * (*n as f64 / most),
            left + width * (*n as f64 / most) + 6.0,
            y + 11.0
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_profile_draws_a_bar_per_competency_and_escapes_labels() {
        let svg = profile(
            "Ada <script>",
            &[
                Bar {
                    label: "Databases".into(),
                    required: true,
                    score: Some(0.75),
                },
                Bar {
                    label: "Security & auth".into(),
                    required: false,
                    score: None,
                },
            ],
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("Ada &lt;script&gt;") && !svg.contains("<script>"));
        assert!(svg.contains("Security &amp; auth"));
        assert!(svg.contains("width=\"270.0\""), "75% of 360");
        assert!(svg.contains("Databases: 75%; Security &amp; auth: not assessed"));
    }

    #[test]
    fn the_comparison_groups_candidates_per_competency() {
        let svg = comparison(
            "Backend",
            &["Databases".into(), "Security".into()],
            &[
                ("Ada".into(), vec![Some(1.0), Some(0.5)]),
                ("Grace".into(), vec![None, Some(0.25)]),
            ],
        );
        assert_eq!(
            svg.matches("<rect x=").count(),
            3 + 2,
            "three bars, two legend keys"
        );
        assert!(svg.contains("Ada: Databases 100%, Security 50%"));
        assert!(svg.contains("Grace: Databases not assessed, Security 25%"));
    }
}
