//! The desk as the flow tests drive it: `App` fed key scripts, drawn into a TestBackend,
//! the frame read back as text. Shared by tests/flows.rs and tests/jobs_desk.rs.

#![allow(dead_code)] // each test binary uses its own part

use chrono::{TimeZone, Utc};
use dutydesk::app::{App, Clock};
use dutydesk::domain::lists::Role;
use dutydesk::i18n::Lang;
use dutydesk::keymap::Keymap;
use dutydesk::keys_script::keys;
use dutydesk::store::Store;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

/// 2026-11-22 10:30 in the station's zone.
pub fn clock() -> Clock {
    Clock::Fixed(Utc.with_ymd_and_hms(2026, 11, 22, 2, 30, 0).unwrap())
}

pub struct Desk {
    pub app: App,
    pub term: Terminal<TestBackend>,
}

impl Desk {
    pub fn open(path: &std::path::Path, lang: Lang) -> Desk {
        let store = Store::open(path).unwrap();
        let app = App::new(store, lang, Keymap::default_map(), clock()).unwrap();
        let term = Terminal::new(TestBackend::new(110, 30)).unwrap();
        Desk { app, term }
    }

    /// A desk on a database whose station and officer are already set up.
    pub fn ready(path: &std::path::Path, lang: Lang) -> Desk {
        {
            let store = Store::open(path).unwrap();
            if store.station().unwrap().is_none() {
                let now = Utc::now();
                let st = store.create_station("城西街道职工服务站", now).unwrap();
                let o = store
                    .officer_or_add(&st, "李梅", Role::Cadre, "街道总工会", now)
                    .unwrap();
                store.set_current_officer(&o).unwrap();
            }
        }
        Desk::open(path, lang)
    }

    pub fn press(&mut self, script: &str) -> &mut Self {
        for k in keys(script) {
            self.app.handle_key(k);
        }
        self
    }

    /// The frame as text: one line per row, wide characters once (not followed by the
    /// blank cell they cover), trailing blanks trimmed.
    /// What the status line says now ("" when nothing).
    pub fn said(&self) -> &str {
        self.app.status.as_ref().map_or("", |s| s.text.as_str())
    }

    pub fn screen(&mut self) -> String {
        let buf = dutydesk::ui::draw(&mut self.app, &mut self.term)
            .unwrap()
            .buffer;
        let mut out = String::new();
        for y in 0..buf.area.height {
            out.push_str(row_text(buf, y).trim_end());
            out.push('\n');
        }
        out
    }

    pub fn field(&self, id: &str) -> String {
        self.app.intake.form.get(id)
    }

    pub fn resize(&mut self, w: u16, h: u16) {
        self.term = Terminal::new(TestBackend::new(w, h)).unwrap();
    }
}

/// One row of a frame as text: wide characters once (not followed by the blank cell they
/// cover).
pub fn row_text(buf: &ratatui::buffer::Buffer, y: u16) -> String {
    let mut line = String::new();
    let mut skip = 0;
    for x in 0..buf.area.width {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let sym = buf[(x, y)].symbol();
        line.push_str(sym);
        skip = unicode_width::UnicodeWidthStr::width(sym).saturating_sub(1);
    }
    line
}

/// A database path in a new temporary folder (kept alive by the returned guard).
pub fn fresh_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("desk.sqlite3");
    (dir, db)
}

/// The screen with measured times (`0.5 ms`) blanked, so snapshots do not depend on speed.
pub fn without_timings(screen: &str) -> String {
    screen
        .lines()
        .map(|line| match line.find(" ms ") {
            Some(end) => {
                let start = line[..end]
                    .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
                    .map_or(0, |i| i + 1);
                // The border after the title shrinks as the figure grows a digit
                // (9.8 ms, 12.4 ms): its run of rules is kept at one.
                let after = &line[end + " ms ".len()..];
                let rest = after.trim_start_matches('─');
                let rule = if rest.len() < after.len() { "─" } else { "" };
                format!("{}#.# ms {rule}{rest}", &line[..start])
            }
            None => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}
