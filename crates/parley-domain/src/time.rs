//! Timestamps as people read them. Times are stored as Unix milliseconds everywhere.

/// Milliseconds since the epoch as `YYYY-MM-DD HH:MM UTC` (days to civil date after
/// Howard Hinnant's algorithm, to avoid a date crate for one line of output).
pub fn utc(ms: i64) -> String {
    let (y, m, d, h, min, _) = civil(ms);
    format!("{y:04}-{m:02}-{d:02} {h:02}:{min:02} UTC")
}

/// Milliseconds since the epoch as (year, month, day, hour, minute, second) in UTC.
pub fn civil(ms: i64) -> (i64, i64, i64, i64, i64, i64) {
    let secs = ms.div_euclid(1000);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, rem / 3600, rem % 3600 / 60, rem % 60)
}

/// `YYYY-MM-DD` as milliseconds at the start of that day (UTC); `None` for anything else,
/// including dates that do not exist (2026-02-30).
pub fn parse_date(s: &str) -> Option<i64> {
    let mut parts = s.trim().splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: i64 = parts.next()?.parse().ok()?;
    let d: i64 = parts.next()?.parse().ok()?;
    if !(1970..=9999).contains(&y) || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let (yy, mm) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = yy.div_euclid(400);
    let yoe = yy - era * 400;
    let doy = (153 * mm + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let ms = (era * 146_097 + doe - 719_468) * 86_400_000;
    let (cy, cm, cd, ..) = civil(ms);
    (cy == y && cm == m && cd == d).then_some(ms)
}

/// Milliseconds at the start of the day as `YYYY-MM-DD`.
pub fn date(ms: i64) -> String {
    let (y, m, d, ..) = civil(ms);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Milliseconds since the epoch as an iCalendar UTC date-time (`20261126T103000Z`).
pub fn ical(ms: i64) -> String {
    let (y, m, d, h, min, s) = civil(ms);
    format!("{y:04}{m:02}{d:02}T{h:02}{min:02}{s:02}Z")
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_print_as_utc_dates() {
        assert_eq!(super::utc(0), "1970-01-01 00:00 UTC");
        assert_eq!(super::utc(1_795_644_971_129), "2026-11-25 22:16 UTC");
        assert_eq!(super::utc(951_782_400_000 + 61_000), "2000-02-29 00:01 UTC");
        assert_eq!(super::utc(-1), "1969-12-31 23:59 UTC");
        assert_eq!(super::ical(1_795_644_971_129), "20261125T221611Z");
    }

    #[test]
    fn dates_parse_to_the_start_of_their_day() {
        for ms in [0, 951_782_400_000, 1_795_564_800_000] {
            assert_eq!(super::parse_date(&super::date(ms)), Some(ms));
        }
        assert_eq!(super::date(1_795_644_971_129), "2026-11-25");
        for bad in ["2026-02-30", "2026-13-01", "26-1-1x", "", "2026-11"] {
            assert_eq!(super::parse_date(bad), None, "{bad}");
        }
    }
}
