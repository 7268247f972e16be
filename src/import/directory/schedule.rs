//! Opening hours as HSDS gives them (weekdays, by-day rules, opens/closes) and as people
//! read them: `周一至周五 09:00–17:00`.

/// `周一至周五 09:00–17:00`: days in runs (three or more in a row joined by 至), then the
/// hours; several hours in a day each with their days, separated by ;.
pub fn schedule_words(slots: &[(Vec<u8>, String, String)]) -> String {
    const DAYS: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
    // (opens, closes) → days, in the order first met.
    let mut groups: Vec<((String, String), Vec<u8>)> = Vec::new();
    for (days, opens, closes) in slots {
        let key = (opens.clone(), closes.clone());
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, d)) => d.extend(days),
            None => groups.push((key, days.clone())),
        }
    }
    let mut out = Vec::new();
    for ((opens, closes), mut days) in groups {
        days.sort_unstable();
        days.dedup();
        let mut runs: Vec<String> = Vec::new();
        let mut i = 0;
        while i < days.len() {
            let mut j = i;
            while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
                j += 1;
            }
            let name = |d: u8| DAYS[(d as usize).min(6)];
            if j - i >= 2 {
                runs.push(format!("{}至{}", name(days[i]), name(days[j])));
            } else {
                runs.extend((i..=j).map(|k| name(days[k]).to_string()));
            }
            i = j + 1;
        }
        let hours = match (opens.is_empty(), closes.is_empty()) {
            (false, false) => format!("{opens}–{closes}"),
            (false, true) => format!("{opens}起"),
            (true, false) => format!("至{closes}"),
            (true, true) => String::new(),
        };
        out.push(
            [runs.join("、"), hours]
                .iter()
                .filter(|p| !p.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    out.retain(|o| !o.is_empty());
    out.join(";")
}

/// `09:00:00`, `9:00`, `09:00-05:00`, `0900` as `09:00`; empty if unreadable.
fn clock(t: &str) -> String {
    let t = t.trim();
    let digits: String = t
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ':')
        .collect();
    let (h, m) = match digits.split_once(':') {
        Some((h, rest)) => (h.to_string(), rest.chars().take(2).collect::<String>()),
        None if digits.len() == 4 => (digits[..2].to_string(), digits[2..].to_string()),
        None => return String::new(),
    };
    match (h.parse::<u32>(), m.parse::<u32>()) {
        (Ok(h), Ok(m)) if h <= 24 && m < 60 => format!("{h:02}:{m:02}"),
        _ => String::new(),
    }
}

/// Days of the week, 0 = Monday: HSDS 1.1's `weekday` (1–7 from Monday, 0 or 7 Sunday, or
/// a name) or 3.0's `byday` (`MO,TU`, `1MO`).
pub(super) fn weekdays(weekday: &str, byday: &str) -> Vec<u8> {
    let by_name = |w: &str| -> Option<u8> {
        let w = w
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '+');
        let w = w.to_ascii_lowercase();
        [
            ["mo", "mon", "monday", "周一"],
            ["tu", "tue", "tuesday", "周二"],
            ["we", "wed", "wednesday", "周三"],
            ["th", "thu", "thursday", "周四"],
            ["fr", "fri", "friday", "周五"],
            ["sa", "sat", "saturday", "周六"],
            ["su", "sun", "sunday", "周日"],
        ]
        .iter()
        .position(|names| names.contains(&w.as_str()))
        .and_then(|p| u8::try_from(p).ok())
    };
    let mut days = Vec::new();
    for w in weekday.split([',', ' ']).filter(|w| !w.trim().is_empty()) {
        match w.trim().parse::<u8>() {
            Ok(0) | Ok(7) => days.push(6),
            Ok(n @ 1..=6) => days.push(n - 1),
            _ => days.extend(by_name(w)),
        }
    }
    for d in byday.split(',').filter(|d| !d.trim().is_empty()) {
        days.extend(by_name(d));
    }
    days
}

/// One schedule row or object as (days, opens, closes), when it names days or hours.
pub(super) fn slot(
    weekday: &str,
    byday: &str,
    opens: &str,
    closes: &str,
) -> Option<(Vec<u8>, String, String)> {
    let (days, opens, closes) = (weekdays(weekday, byday), clock(opens), clock(closes));
    (!days.is_empty() || !opens.is_empty()).then_some((days, opens, closes))
}
