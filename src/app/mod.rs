//! The application state and the one place it changes: `App::update(Action)`.
//! `App` does no terminal I/O; tests drive it with keys and render it into a TestBackend.

mod jobs;
mod log;
mod referrals;
mod sync;
mod watch;

use std::cell::Cell;

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Utc};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::{Input, InputRequest};

use crate::action::Action;
use crate::config::Config;
use crate::domain::intake::{self, Field};
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::i18n::Lang;
use crate::keymap::{Context, KeyChord, Keymap};
use crate::panes::Pane;
use crate::panes::intake::{Focus, IntakePane, LOOKUP_FIELDS};
use crate::panes::jobs::JobsPane;
use crate::panes::log::{LogDialog, LogPane};
use crate::panes::referrals::{RefDialog, ReferralsPane, RouteDialog};
use crate::store::{Officer, ReferralDetail, Station, Store, StoreError, VisitDetail};
use crate::ui::form::{Edit, Form, FormField, choices_of};

pub use crate::domain::clock::{Clock, china_zone, day_start};

/// A list's search line while it is typed in: edits the text; `Enter` keeps it and
/// stops typing, `Esc` drops it. `None`: not a key for the line; `Some(changed)`.
pub(crate) fn search_line_key(
    search: &mut Option<Input>,
    typing: &mut bool,
    key: &KeyEvent,
) -> Option<bool> {
    let req = match key.code {
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => {
            InputRequest::InsertChar(c)
        }
        KeyCode::Backspace => InputRequest::DeletePrevChar,
        KeyCode::Left => InputRequest::GoToPrevChar,
        KeyCode::Right => InputRequest::GoToNextChar,
        KeyCode::Enter => {
            *typing = false;
            return Some(false);
        }
        KeyCode::Esc => {
            *search = None;
            *typing = false;
            return Some(true);
        }
        _ => return None,
    };
    search.get_or_insert_with(Input::default).handle(req);
    Some(true)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirm {
    Quit,
    NewIntake,
    /// A draft from a session that ended without saving: restore it?
    RestoreDraft,
    /// A referral is being handed to the officer on duty: take it (y) or refuse (n)?
    AnswerTransfer,
    /// Refer the current visitor to the selected opening? (they agree to share details)
    ReferJob,
    /// The ID number typed belongs to someone recorded under another name: is it them?
    IdOwner,
    /// Saving changes a returning visitor's record: these changes, written?
    VisitorChanges,
    /// The visitor has an open referral: is this visit a follow-up of it (回访), or a new
    /// request? With several, the officer picks which.
    FollowUp,
}

/// A save waiting for the officer's answer: the checked intake and the question asked.
#[derive(Debug, Clone)]
pub struct PendingSave {
    pub intake: intake::Intake,
    pub question: String,
    /// For `IdOwner`: the person the number belongs to (id, name).
    pub owner: Option<(String, String)>,
    /// For `FollowUp`: the visitor's open referrals, and the one chosen.
    pub cases: Vec<crate::store::ReferralRow>,
    pub case_sel: usize,
}

/// The draft key of the intake form (a save clears this desk's draft of it).
pub const INTAKE_DRAFT: &str = crate::store::INTAKE_FORM;
/// Unsaved typing is written to the draft at most this often (and on each field change).
pub const DRAFT_INTERVAL: std::time::Duration = std::time::Duration::from_secs(3);

#[derive(Debug, Clone)]
pub enum Modal {
    Help {
        scroll: u16,
    },
    /// First run (station + officer) or a change of officer on duty.
    Setup {
        form: Form,
        first_run: bool,
        /// F8's roster to pick from (empty on a first run).
        roster: crate::panes::roster::Roster,
    },
    Confirm(Confirm),
    Visit {
        detail: Box<VisitDetail>,
        scroll: u16,
        /// Phone and ID number shown in full (after the audited key).
        revealed: bool,
    },
    /// Routing a visit to a service.
    Route(Box<RouteDialog>),
    /// Declining, closing, reopening or handing over a referral.
    RefDialog(Box<RefDialog>),
    /// A referral in full with its history, read-only.
    Referral {
        detail: Box<ReferralDetail>,
        scroll: u16,
    },
    /// Writing to the daily log: an entry, a disposition, the sign-off, an addendum.
    LogDialog(Box<LogDialog>),
    /// A job posting in full, read-only.
    Job {
        job: Box<crate::domain::job::Job>,
        scroll: u16,
    },
}

impl Modal {
    /// A visit's record, opened with its numbers masked.
    pub fn visit(detail: VisitDetail) -> Modal {
        Modal::Visit {
            detail: Box::new(detail),
            scroll: 0,
            revealed: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

pub struct App {
    pub store: Store,
    pub lang: Lang,
    pub keymap: Keymap,
    pub config: Config,
    /// The user's documents folder, where exports go unless the config names one (None:
    /// beside the database).
    pub documents: Option<std::path::PathBuf>,
    pub clock: Clock,
    pub zone: FixedOffset,
    pub station: Option<Station>,
    pub officer: Option<Officer>,
    pub pane: Pane,
    pub intake: IntakePane,
    pub referrals: ReferralsPane,
    pub jobs: JobsPane,
    pub log: LogPane,
    /// The job index while its thread builds it.
    job_index_rx: Option<jobs::IndexBuild>,
    /// A county hub sync running on its own thread (F9).
    sync_rx: Option<sync::SyncRun>,
    /// What other connections changed in the file (watch.rs), looked at on each tick.
    watch: watch::Watch,
    /// The visit saved last at this desk: what "route" refers from an empty form.
    pub last_saved_visit: Option<String>,
    pub modal: Option<Modal>,
    pub status: Option<Status>,
    pub should_quit: bool,
    /// Width of the summary box at the last draw, so Up/Down move by wrapped lines.
    pub summary_cols: Cell<usize>,
    /// Rows an overlay showed at its last drawing: what PageUp / PageDown move by.
    pub overlay_rows: Cell<u16>,
    /// The form changed since the draft was last written.
    draft_dirty: bool,
    draft_written: std::time::Instant,
    /// When this desk last said in the file that it still runs.
    heartbeat_written: std::time::Instant,
    /// A draft found at start, waiting for the officer's answer.
    pub pending_draft: Option<crate::store::Draft>,
    /// A save asked about (whose ID number, which changes), until answered.
    pub pending_save: Option<PendingSave>,
}

const SETUP_STATION: &str = "station";
const SETUP_OFFICER: &str = "officer";
const SETUP_ROLE: &str = "role";
const SETUP_AFFILIATION: &str = "affiliation";

fn setup_form(first_run: bool, lang: Lang) -> Form {
    let mut fields = Vec::new();
    if first_run {
        fields.push(FormField::text(SETUP_STATION, "站点名称", "Station name").required());
    }
    fields.push(FormField::text(SETUP_OFFICER, "值班人员", "Officer on duty").required());
    fields.push(FormField::choice(
        SETUP_ROLE,
        "身份",
        "Role",
        choices_of::<Role>(),
    ));
    fields.push(FormField::text(
        SETUP_AFFILIATION,
        "所属单位",
        "Affiliation",
    ));
    // Nothing is pre-filled from the officer now on duty: picking someone from the roster
    // fills their own role and affiliation (a colleague's role is never carried over).
    let mut form = Form::new(fields);
    form.fit_labels(lang);
    form
}

impl App {
    pub fn new(store: Store, lang: Lang, keymap: Keymap, clock: Clock) -> Result<App, StoreError> {
        let station = store.station()?;
        let officer = match &station {
            Some(_) => store.current_officer()?,
            None => None,
        };
        let watch = watch::Watch::new(&store);
        let mut app = App {
            store,
            lang,
            keymap,
            config: Config::default(),
            documents: None,
            clock,
            zone: china_zone(),
            station,
            officer,
            pane: Pane::Intake,
            intake: IntakePane::new(lang),
            referrals: ReferralsPane::default(),
            jobs: JobsPane::new(lang),
            log: LogPane::default(),
            job_index_rx: None,
            sync_rx: None,
            watch,
            last_saved_visit: None,
            modal: None,
            status: None,
            should_quit: false,
            summary_cols: Cell::new(60),
            overlay_rows: Cell::new(10),
            draft_dirty: false,
            draft_written: std::time::Instant::now(),
            heartbeat_written: std::time::Instant::now(),
            pending_draft: None,
            pending_save: None,
        };
        if app.station.is_none() || app.officer.is_none() {
            app.modal = Some(app.setup_modal());
        }
        app.reload_today()?;
        // The tab shows the queue's counts from the start; its rows load when it opens.
        app.referrals.counts = app.store.queue_counts(app.today())?;
        // This desk's drafts are its own; another desk's are offered only once that desk
        // no longer runs (a crash, a power cut, a closed SSH link), never while it types.
        let now = app.clock.now();
        app.store.register_desk(now)?;
        if app.modal.is_none() {
            app.offer_next_draft();
        }
        Ok(app)
    }

    /// Exports into `documents` (see `Config::exports_dir`).
    #[must_use]
    pub fn with_documents(mut self, documents: Option<std::path::PathBuf>) -> App {
        self.documents = documents;
        self
    }

    /// Deadline rules and holidays from the config file.
    pub fn with_config(mut self, config: Config) -> App {
        self.config = config;
        self
    }

    /// Writes the intake form's unsaved input to the database now, if it changed.
    pub fn save_draft_now(&mut self) {
        // A correction is not a new intake: restored after a crash it would be one.
        if !self.draft_dirty || self.intake.correcting.is_some() {
            return;
        }
        let officer = self.officer.as_ref().map(|o| o.id.clone());
        let result = if self.intake.is_dirty() {
            let values = self.intake.draft_values();
            self.store
                .save_draft(INTAKE_DRAFT, officer.as_deref(), &values, self.clock.now())
        } else {
            self.store.clear_draft(INTAKE_DRAFT)
        };
        match result {
            Ok(()) => {
                self.draft_dirty = false;
                self.draft_written = std::time::Instant::now();
            }
            Err(e) => {
                tracing::warn!(error = %e, "draft not written");
                self.error(e.message(self.lang));
            }
        }
    }

    /// Offers the oldest draft a desk that no longer runs left behind, if any.
    fn offer_next_draft(&mut self) {
        match self.store.orphan_drafts(INTAKE_DRAFT) {
            Ok(drafts) => {
                if let Some(draft) = drafts.into_iter().next() {
                    self.pending_draft = Some(draft);
                    self.modal = Some(Modal::Confirm(Confirm::RestoreDraft));
                }
            }
            Err(e) => tracing::warn!(error = %e, "drafts not read"),
        }
    }

    /// The question put about a gone desk's draft: whose typing, when, and where.
    pub fn restore_draft_question(&self) -> String {
        let Some(d) = &self.pending_draft else {
            return String::new();
        };
        let lang = self.lang;
        let name = d.values.get("name").cloned().unwrap_or_default();
        let at = d.saved_at.with_timezone(&self.zone).format("%m-%d %H:%M");
        let who = d
            .officer_name
            .clone()
            .unwrap_or_else(|| lang.pick("未记录的值班员", "an unrecorded officer").into());
        let mut host = String::new();
        if !d.host.is_empty() && !d.on_this_host {
            host = match lang {
                Lang::Zh => format!("在{}上", crate::report::safe::terminal(&d.host, false)),
                Lang::En => format!(" on {}", crate::report::safe::terminal(&d.host, false)),
            };
        }
        match lang {
            Lang::Zh => format!(
                "发现上次未保存的登记({name},{who}于{at}{host}录入,那台值班台已不在运行),要恢复吗?"
            ),
            Lang::En => format!(
                "An unsaved intake was found ({name}, typed by {who} at {at}{host}, a desk no longer running). Restore it?"
            ),
        }
    }

    /// Called by the event loop when no key came for a while: keeps the draft fresh.
    pub fn tick(&mut self) {
        self.watch_file();
        self.poll_job_index();
        self.poll_sync();
        if self.heartbeat_written.elapsed() >= crate::store::HEARTBEAT_EVERY {
            self.heartbeat_written = std::time::Instant::now();
            if let Err(e) = self.store.desk_heartbeat(self.clock.now()) {
                tracing::warn!(error = %e, "heartbeat not written");
            }
        }
        if self.draft_dirty && self.draft_written.elapsed() >= DRAFT_INTERVAL {
            self.save_draft_now();
        }
    }

    fn discard_draft(&mut self) {
        self.draft_dirty = false;
        if let Err(e) = self.store.clear_draft(INTAKE_DRAFT) {
            tracing::warn!(error = %e, "draft not cleared");
        }
    }

    /// The setup overlay: station and officer on a first run, else a change of officer.
    fn setup_modal(&self) -> Modal {
        let first_run = self.station.is_none();
        let roster = if first_run {
            crate::panes::roster::Roster::default()
        } else {
            crate::panes::roster::Roster::new(self.store.officers().unwrap_or_default())
        };
        Modal::Setup {
            form: setup_form(first_run, self.lang),
            first_run,
            roster,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.zone).date_naive()
    }

    /// The start and end (UTC) of the station's local day containing now.
    fn today_bounds(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = day_start(self.today(), self.zone);
        (start, start + Duration::days(1))
    }

    pub fn reload_today(&mut self) -> Result<(), StoreError> {
        let (from, to) = self.today_bounds();
        // The selection follows the visit it was on, not its row: a new visit at the top
        // must not move it onto somebody else. On the top row it stays on the top row,
        // where the visit just saved appears.
        let was_on = self
            .intake
            .visible_today(self.lang)
            .get(self.intake.list_sel)
            .filter(|_| self.intake.list_sel > 0)
            .map(|v| v.id.clone());
        self.intake.today = self.store.visits_between(from, to, 500)?;
        let visible = self.intake.visible_today(self.lang);
        let n = visible.len();
        self.intake.list_sel = was_on
            .and_then(|id| visible.iter().position(|v| v.id == id))
            .unwrap_or(self.intake.list_sel)
            .min(n.saturating_sub(1));
        Ok(())
    }

    fn info(&mut self, text: String) {
        self.status = Some(Status {
            text,
            kind: StatusKind::Info,
        });
    }

    fn error(&mut self, text: String) {
        self.status = Some(Status {
            text,
            kind: StatusKind::Error,
        });
    }

    /// The context whose bindings apply now (after the focused field's claim).
    pub fn context(&self) -> Context {
        match &self.modal {
            Some(Modal::Help { .. })
            | Some(Modal::Visit { .. })
            | Some(Modal::Referral { .. })
            | Some(Modal::Job { .. }) => Context::Help,
            Some(Modal::Setup { .. })
            | Some(Modal::Route(_))
            | Some(Modal::RefDialog(_))
            | Some(Modal::LogDialog(_)) => Context::Form,
            Some(Modal::Confirm(_)) => Context::Confirm,
            None => match (self.pane, self.intake.focus) {
                (Pane::Intake, Focus::Form) => Context::Form,
                (Pane::Intake, Focus::List) => Context::List,
                (Pane::Referrals, _) => Context::Referrals,
                (Pane::Jobs, _) => Context::Jobs,
                (Pane::Log, _) => Context::Log,
            },
        }
    }

    fn resolve(&self, key: &KeyEvent) -> Option<Action> {
        let chord = KeyChord::from_event(key)?;
        let context = self.context();
        let fallbacks: &[Context] = match context {
            Context::Help | Context::Confirm => &[],
            Context::Referrals | Context::Log => &[Context::List, Context::Global],
            Context::Jobs => &[Context::Form, Context::Global],
            _ => &[Context::Global],
        };
        std::iter::once(context)
            .chain(fallbacks.iter().copied())
            .find_map(|c| self.keymap.lookup(c, &chord))
            // Ctrl-C, unless a keymap gives it a job, asks to quit as the quit key does
            // (an officer's reflex; in raw mode it is a key like any other).
            .or_else(|| {
                (key.code == KeyCode::Char('c') && key.modifiers == KeyModifiers::CONTROL)
                    .then_some(Action::Quit)
            })
    }

    /// Handles one key press: the focused text field first, then the keymap.
    pub fn handle_key(&mut self, key: KeyEvent) {
        if key.kind != KeyEventKind::Press {
            return;
        }
        self.status = None;
        if self.take_slip_offer(&key) {
            return;
        }
        self.poll_job_index();
        if let Some(Modal::Confirm(kind)) = self.modal {
            // Answers come through the keymap ([confirm]), so they can be rebound.
            if let Some(action) = self.resolve(&key) {
                self.handle_confirm(kind, action);
            }
            return;
        }
        if let Some(form) = self.modal_form() {
            match form.edit_key(&key, 40) {
                Edit::NotMine => {}
                edit => {
                    form.set_error(form.focused_id(), None);
                    if edit == Edit::Changed {
                        self.after_dialog_edit();
                    }
                    return;
                }
            }
        } else if self.modal.is_none() && self.pane == Pane::Intake {
            match self.intake.focus {
                Focus::Form => match self.intake.form.edit_key(&key, self.summary_cols.get()) {
                    Edit::Changed => {
                        self.draft_dirty = true;
                        self.after_edit();
                        return;
                    }
                    Edit::Moved => return,
                    Edit::NotMine => {}
                },
                Focus::List if self.intake.filter_typing => {
                    if self.filter_key(&key) {
                        return;
                    }
                }
                Focus::List => {}
            }
        } else if self.modal.is_none() && self.pane == Pane::Log && self.log.search_typing {
            if self.log_search_key(&key) {
                return;
            }
        } else if self.modal.is_none() && self.pane == Pane::Jobs {
            match self.jobs.form.edit_key(&key, 40) {
                Edit::Changed => {
                    self.run_job_search();
                    return;
                }
                Edit::Moved => return,
                Edit::NotMine => {}
            }
        }
        if let Some(action) = self.resolve(&key) {
            let in_dialog = matches!(
                self.modal,
                Some(Modal::Route(_) | Modal::RefDialog(_) | Modal::LogDialog(_))
            );
            self.update(action);
            // A dialog that writes closed over the log (an entry, a disposition, a visit
            // routed from the review): the one place the log is reloaded after it.
            if in_dialog && self.modal.is_none() && self.pane == Pane::Log {
                self.reload_log_or_say();
            }
        }
    }

    /// Pasted text goes into the focused field as typed text (IME commits may be pastes).
    pub fn handle_paste(&mut self, text: &str) {
        let dropped = match &mut self.modal {
            Some(Modal::Setup { form, .. }) => form.paste(text),
            Some(Modal::Route(d)) => {
                let n = d.form.paste(text);
                d.sel = 0;
                n
            }
            Some(Modal::RefDialog(d)) => d.form.paste(text),
            Some(Modal::LogDialog(d)) => d.form.paste(text),
            None if self.pane == Pane::Jobs => {
                let n = self.jobs.form.paste(text);
                self.run_job_search();
                n
            }
            None if self.pane == Pane::Intake && self.intake.focus == Focus::Form => {
                let d = self.intake.form.paste(text);
                self.draft_dirty = true;
                self.after_edit();
                d
            }
            _ => 0,
        };
        if dropped > 0 {
            let msg = match self.lang {
                Lang::Zh => format!("粘贴内容过长,已截去{dropped}个字"),
                Lang::En => format!("paste too long: {dropped} characters were left out"),
            };
            self.error(msg);
        }
    }

    fn filter_key(&mut self, key: &KeyEvent) -> bool {
        let pane = &mut self.intake;
        match search_line_key(&mut pane.filter, &mut pane.filter_typing, key) {
            Some(changed) => {
                if changed {
                    pane.list_sel = 0;
                }
                true
            }
            None => false,
        }
    }

    /// After the form's text changed: clear that field's error, refresh derived notes,
    /// and look up returning visitors by what is being typed.
    fn after_edit(&mut self) {
        let Some(field) = self.intake.focused_field() else {
            return;
        };
        self.intake.form.set_error(field.code(), None);
        if field == Field::IdNumber {
            let today = self.today();
            self.intake.refresh_id_note(self.lang, today);
        }
        // The request's category (typed or cycled) and the employer decide the group-wage
        // note; the category and the arbitration facts decide what else the form asks.
        if matches!(field, Field::Employer | Field::Category) {
            self.refresh_collective_note();
        }
        if matches!(
            field,
            Field::Category | Field::Employment | Field::EndedOn | Field::LearnedOn
        ) {
            let today = self.today();
            self.intake.refresh_arbitration(self.lang, today);
        }
        if self.intake.picked.is_none() && LOOKUP_FIELDS.contains(&field) {
            let query = self.intake.form.get(field.code());
            match self.store.find_returning(&query, 6) {
                Ok(m) => {
                    self.intake.matches = m;
                    self.intake.match_sel = 0;
                }
                Err(e) => self.error(e.message(self.lang)),
            }
        }
    }

    fn handle_confirm(&mut self, kind: Confirm, action: Action) {
        let yes = action == Action::Yes;
        let no = matches!(action, Action::No | Action::Back);
        if kind == Confirm::ReferJob {
            if yes {
                self.refer_job();
            } else if no {
                self.modal = None;
            }
            return;
        }
        if matches!(kind, Confirm::IdOwner | Confirm::VisitorChanges) {
            self.answer_save(kind, yes, no);
            return;
        }
        if kind == Confirm::FollowUp {
            self.answer_follow_up(action);
            return;
        }
        if kind == Confirm::AnswerTransfer {
            match action {
                Action::Yes => self.answer_transfer(true),
                Action::No => self.answer_transfer(false),
                Action::Back => self.modal = None,
                _ => {}
            }
            return;
        }
        if yes {
            self.modal = None;
            match kind {
                Confirm::Quit => {
                    self.discard_draft();
                    self.should_quit = true
                }
                Confirm::NewIntake => {
                    self.discard_draft();
                    self.intake.clear(self.lang);
                    self.jobs.new_visitor(self.lang);
                }
                Confirm::RestoreDraft => {
                    if let Some(draft) = self.pending_draft.take() {
                        // Taken over as this desk's own: no other desk restores it too.
                        match self.store.claim_draft(&draft) {
                            Ok(true) => {}
                            Ok(false) => {
                                self.error(
                                    self.lang
                                        .pick(
                                            "另一台值班台已先恢复了这份登记,这里不再恢复",
                                            "Another desk restored this intake first; it is not restored here",
                                        )
                                        .into(),
                                );
                                return;
                            }
                            Err(e) => {
                                self.error(e.message(self.lang));
                                return;
                            }
                        }
                        self.intake.restore(&draft.values);
                        let today = self.today();
                        self.intake.refresh_id_note(self.lang, today);
                        self.intake.refresh_arbitration(self.lang, today);
                        self.info(
                            self.lang
                                .pick("已恢复上次未保存的登记", "Unsaved intake restored")
                                .into(),
                        );
                    }
                }
                Confirm::AnswerTransfer
                | Confirm::ReferJob
                | Confirm::IdOwner
                | Confirm::VisitorChanges
                | Confirm::FollowUp => {}
            }
        } else if no {
            self.modal = None;
            if kind == Confirm::RestoreDraft {
                if let Some(draft) = self.pending_draft.take()
                    && let Err(e) = self.store.discard_draft(&draft)
                {
                    tracing::warn!(error = %e, "draft not discarded");
                }
                self.offer_next_draft();
            }
        }
    }

    /// `e` in a visit's record: the visit and its person in the form, to be corrected;
    /// `C-s` then asks for the reason.
    fn start_correction(&mut self) {
        let Some(Modal::Visit { detail, .. }) = &self.modal else {
            return;
        };
        let detail = detail.clone();
        let v = &detail.visit;
        self.intake.clear(self.lang);
        self.intake.fill_from(&detail.visitor, 0);
        let form = &mut self.intake.form;
        form.set(Field::Channel.code(), v.channel.code());
        form.set(Field::Category.code(), v.category.code());
        form.set(Field::Urgency.code(), v.urgency.code());
        form.set(
            Field::Headcount.code(),
            &v.headcount.map(|n| n.to_string()).unwrap_or_default(),
        );
        form.set(
            Field::AmountOwed.code(),
            &v.amount_owed_fen
                .map(crate::domain::money::format_fen)
                .unwrap_or_default(),
        );
        form.set(Field::Summary.code(), &v.summary);
        // The arbitration facts as saved, shown if the category asks for them.
        let facts = &detail.arbitration;
        let day = |d: Option<NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string());
        form.set(
            Field::Employment.code(),
            facts.employment.map_or("", |e| e.code()),
        );
        form.set(
            Field::EndedOn.code(),
            &day(facts.ended_on).unwrap_or_default(),
        );
        form.set(
            Field::LearnedOn.code(),
            &day(facts.learned_on).unwrap_or_default(),
        );
        let today = self.today();
        self.intake.refresh_arbitration(self.lang, today);
        let when = v.visited_at.with_timezone(&self.zone).format("%m-%d %H:%M");
        self.intake.correcting = Some((v.id.clone(), format!("{} {when}", v.visitor_name)));
        self.intake.focus = Focus::Form;
        self.intake.form.focus_id(Field::Name.code());
        self.modal = None;
        self.pane = Pane::Intake;
        self.info(
            self.lang
                .pick(
                    "更正模式:改好后按 C-s 并写明原因;Esc 放弃",
                    "Correcting: change what is wrong, then C-s and give a reason; Esc abandons",
                )
                .into(),
        );
    }

    /// The reason given: the correction is written (or, for a signed-off visit, an addendum).
    pub(crate) fn save_correction(&mut self, reason: &str) -> Result<String, StoreError> {
        let (Some(officer), Some(pending), Some((visit_id, _))) = (
            self.officer.clone(),
            self.pending_save.clone(),
            self.intake.correcting.clone(),
        ) else {
            return Ok(String::new());
        };
        let now = self.clock.now();
        let done =
            self.store
                .correct_visit(&visit_id, &pending.intake, reason, &officer.id, now)?;
        self.pending_save = None;
        self.intake.clear(self.lang);
        self.draft_dirty = false;
        self.reload_today()?;
        let what = done.what(self.lang);
        Ok(match (self.lang, done.as_addendum) {
            (Lang::Zh, false) => format!("已更正:{what}"),
            (Lang::En, false) => format!("Corrected: {what}"),
            (Lang::Zh, true) => format!("该来访所在班次已签结,更正已写为补记:{what}"),
            (Lang::En, true) => {
                format!("That visit's shift is signed off: the correction is an addendum: {what}")
            }
        })
    }

    /// The officer's answer to a save's question.
    fn answer_save(&mut self, kind: Confirm, yes: bool, no: bool) {
        if !yes && !no {
            return;
        }
        self.modal = None;
        let Some(pending) = self.pending_save.take() else {
            return;
        };
        match (kind, yes) {
            (Confirm::IdOwner, true) => {
                // It is that person: the visit goes to them (their name as recorded).
                let (id, _) = pending.owner.clone().unwrap_or_default();
                let mut checked = pending.intake;
                checked.visitor_seen = self.store.visitor_version(&id).ok().flatten();
                checked.visitor_id = Some(id);
                match self.store.intake_plan(&checked) {
                    Ok(plan) => self.ask_visitor_changes(checked, &plan),
                    Err(e) => self.error(e.message(self.lang)),
                }
            }
            (Confirm::IdOwner, false) => {
                // Re-check the number: back at the field, nothing written.
                let msg = self
                    .lang
                    .pick(
                        "请核对身份证号:该号码已登记在另一位来访人名下",
                        "Check the ID number: it is recorded for another person",
                    )
                    .to_string();
                self.intake.focus = Focus::Form;
                self.intake
                    .form
                    .set_error(Field::IdNumber.code(), Some(msg.clone()));
                self.intake.form.focus_id(Field::IdNumber.code());
                self.error(msg);
            }
            (_, true) => self.ask_follow_up_or_commit(pending.intake),
            (_, false) => {
                self.info(
                    self.lang
                        .pick("未保存,请继续修改", "Not saved; the form is as you left it")
                        .into(),
                );
            }
        }
    }

    pub fn update(&mut self, action: Action) {
        if action == Action::Edit
            && let Some(Modal::Visit { .. }) = &self.modal
        {
            self.start_correction();
            return;
        }
        if action == Action::Reveal
            && let Some(Modal::Visit { .. }) = &self.modal
        {
            self.reveal_in_visit();
            return;
        }
        if action == Action::Route
            && let Some(Modal::Visit { detail, .. }) = &self.modal
        {
            let id = detail.visit.id.clone();
            self.open_route(&id);
            return;
        }
        match &mut self.modal {
            Some(Modal::Help { scroll })
            | Some(Modal::Visit { scroll, .. })
            | Some(Modal::Referral { scroll, .. })
            | Some(Modal::Job { scroll, .. }) => {
                match action {
                    Action::Back | Action::Help => self.modal = None,
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll = scroll.saturating_add(1),
                    // A page is what the overlay shows, less a line kept for context.
                    Action::PageUp => {
                        *scroll =
                            scroll.saturating_sub(self.overlay_rows.get().saturating_sub(1).max(1));
                    }
                    Action::PageDown => {
                        *scroll =
                            scroll.saturating_add(self.overlay_rows.get().saturating_sub(1).max(1));
                    }
                    Action::Quit => self.request_quit(),
                    _ => {}
                }
                return;
            }
            Some(Modal::Setup { .. }) => {
                self.update_setup(action);
                return;
            }
            Some(Modal::Route(_)) => {
                self.update_route(action);
                return;
            }
            Some(Modal::RefDialog(_)) => {
                self.update_ref_dialog(action);
                return;
            }
            Some(Modal::LogDialog(_)) => {
                self.update_log_dialog(action);
                return;
            }
            Some(Modal::Confirm(_)) => return,
            None => {}
        }
        match action {
            Action::Help => self.modal = Some(Modal::Help { scroll: 0 }),
            Action::Intake => {
                self.pane = Pane::Intake;
                // A new intake always starts at 姓名: a name must never land in 电话.
                if !self.intake.is_dirty() && self.intake.correcting.is_none() {
                    self.intake.focus = Focus::Form;
                    self.intake.form.focus_id(Field::Name.code());
                }
            }
            Action::Referrals => {
                self.pane = Pane::Referrals;
                self.refresh_queue();
            }
            Action::Route => self.route_current(),
            Action::Jobs => self.enter_jobs(),
            Action::Log => self.enter_log(),
            Action::Quit => self.request_quit(),
            Action::NewIntake => {
                self.pane = Pane::Intake;
                if self.intake.is_dirty() {
                    self.modal = Some(Modal::Confirm(Confirm::NewIntake));
                } else {
                    self.intake.clear(self.lang);
                    self.jobs.new_visitor(self.lang);
                }
            }
            Action::SwitchOfficer => self.modal = Some(self.setup_modal()),
            Action::Sync => self.start_sync(),
            _ if self.pane == Pane::Referrals => self.update_referrals(action),
            _ if self.pane == Pane::Jobs => self.update_jobs(action),
            _ if self.pane == Pane::Log => self.update_log(action),
            _ if self.pane != Pane::Intake => {}
            _ => self.update_intake(action),
        }
    }

    fn request_quit(&mut self) {
        if self.intake.is_dirty() {
            self.modal = Some(Modal::Confirm(Confirm::Quit));
        } else {
            self.should_quit = true;
        }
    }

    fn update_intake(&mut self, action: Action) {
        let pane = &mut self.intake;
        let n_fields = pane.form.fields.len();
        match (pane.focus, action) {
            (Focus::Form, Action::NextField) => {
                self.save_draft_now();
                self.validate_focused();
                let pane = &mut self.intake;
                match pane.form.step(pane.form.focus, true) {
                    Some(next) => pane.form.focus = next,
                    None => pane.focus = Focus::List,
                }
                pane.matches.clear();
            }
            (Focus::Form, Action::PrevField) => {
                self.save_draft_now();
                self.validate_focused();
                let pane = &mut self.intake;
                match pane.form.step(pane.form.focus, false) {
                    Some(prev) => pane.form.focus = prev,
                    None => pane.focus = Focus::List,
                }
                pane.matches.clear();
            }
            (Focus::Form, Action::NextChoice | Action::PrevChoice) => {
                // A cycled choice is an edit like a typed one: after_edit says what follows.
                let moved = pane.form.cycle(action == Action::NextChoice);
                if moved {
                    self.draft_dirty = true;
                    self.after_edit();
                }
            }
            (Focus::Form, Action::NextMatch) if !pane.matches.is_empty() => {
                pane.match_sel = (pane.match_sel + 1) % pane.matches.len();
            }
            (Focus::Form, Action::PrevMatch) if !pane.matches.is_empty() => {
                let n = pane.matches.len();
                pane.match_sel = (pane.match_sel + n - 1) % n;
            }
            (Focus::Form, Action::NextMatch) => self.update_intake(Action::NextField),
            (Focus::Form, Action::PrevMatch) => self.update_intake(Action::PrevField),
            (Focus::Form, Action::PickMatch) => self.pick_match(),
            (Focus::Form, Action::Reveal) => self.reveal_in_form(),
            (Focus::Form, Action::Back) if pane.correcting.is_some() => {
                // Abandon the correction: nothing was written.
                pane.clear(self.lang);
                self.info(
                    self.lang
                        .pick(
                            "已放弃更正,记录未改动",
                            "Correction abandoned; the record is unchanged",
                        )
                        .into(),
                );
            }
            (Focus::Form, Action::Back) => pane.matches.clear(),
            (_, Action::Save) => self.save(),
            (Focus::List, Action::NextField) => {
                pane.focus = Focus::Form;
                pane.form.focus = 0;
            }
            (Focus::List, Action::PrevField) => {
                pane.focus = Focus::Form;
                pane.form.focus = pane.form.step(n_fields, false).unwrap_or(0);
            }
            (Focus::List, Action::Back) => {
                if pane.filter.is_some() {
                    pane.filter = None;
                } else {
                    pane.focus = Focus::Form;
                }
            }
            (Focus::List, Action::Search) => {
                pane.filter_typing = true;
                pane.filter.get_or_insert_with(Input::default);
            }
            (Focus::List, Action::Up | Action::Down | Action::PageUp | Action::PageDown) => {
                let n = pane.visible_today(self.lang).len();
                let step = |d: isize| {
                    (pane.list_sel as isize + d).clamp(0, n.saturating_sub(1) as isize) as usize
                };
                pane.list_sel = match action {
                    Action::Up => step(-1),
                    Action::Down => step(1),
                    Action::PageUp => step(-10),
                    _ => step(10),
                };
            }
            (Focus::List, Action::Open) => self.open_selected_visit(),
            _ => {}
        }
    }

    /// Inline check of the field being left, if the officer put something in it.
    fn validate_focused(&mut self) {
        let Some(field) = self.intake.focused_field() else {
            return;
        };
        if !self.intake.form.focused().is_touched() {
            return;
        }
        let msg = intake::validate_field(&self.intake.raw(), field, self.lang);
        self.intake.form.set_error(field.code(), msg);
    }

    fn pick_match(&mut self) {
        let Some(m) = self.intake.matches.get(self.intake.match_sel).cloned() else {
            self.info(
                self.lang
                    .pick("没有匹配的老来访人", "No matching returning visitor")
                    .into(),
            );
            return;
        };
        self.intake.fill_from(&m.visitor, m.visit_count);
        // The version the form now shows: a save over a newer one is refused.
        let seen = self.store.visitor_version(&m.visitor.id).ok().flatten();
        if let Some(p) = &mut self.intake.picked {
            p.seen = seen;
        }
        self.refresh_collective_note();
        self.draft_dirty = true;
        let today = self.today();
        self.intake.refresh_id_note(self.lang, today);
        self.intake.form.focus_id(Field::Channel.code());
        let msg = match self.lang {
            Lang::Zh => format!(
                "已选用老来访人 {}(以往来访{}次)",
                m.visitor.name, m.visit_count
            ),
            Lang::En => format!(
                "Returning visitor {} ({} earlier visits)",
                m.visitor.name, m.visit_count
            ),
        };
        self.info(msg);
    }

    /// The deliberate key that shows a returning visitor's numbers in the form, written
    /// to the audit log with who and when before anything is shown.
    fn reveal_in_form(&mut self) {
        // Hidden values come only from a picked visitor's record (or a draft of one).
        let visitor_id = self
            .intake
            .picked
            .as_ref()
            .map(|p| p.visitor_id.clone())
            .unwrap_or_default();
        let fields = revealed_fields(self.intake.form.hidden_ids().into_iter());
        if self.audit_reveal(&visitor_id, &fields) {
            self.intake.form.reveal();
        }
    }

    /// The same key in a visit's record: audited, then the record is read again so its
    /// history shows the reveal.
    fn reveal_in_visit(&mut self) {
        let Some(Modal::Visit { detail, .. }) = &self.modal else {
            return;
        };
        let (visit_id, visitor_id) = (detail.visit.id.clone(), detail.visitor.id.clone());
        let fields = revealed_fields(
            [
                detail.visitor.phone.as_ref().map(|_| "phone"),
                detail.visitor.id_number.as_ref().map(|_| "id_number"),
            ]
            .into_iter()
            .flatten(),
        );
        if !self.audit_reveal(&visitor_id, &fields) {
            return;
        }
        match self.store.visit_detail(&visit_id) {
            Ok(Some(fresh)) => {
                if let Some(Modal::Visit {
                    detail, revealed, ..
                }) = &mut self.modal
                {
                    **detail = fresh;
                    *revealed = true;
                }
            }
            Ok(None) => {}
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    /// Writes the reveal of a visitor's `fields` to the audit log and says so; false (and
    /// says why) when there is nothing to show or the log could not be written, in which
    /// case nothing may be shown.
    fn audit_reveal(&mut self, visitor_id: &str, fields: &str) -> bool {
        let lang = self.lang;
        if fields.is_empty() || visitor_id.is_empty() {
            self.info(lang.pick("没有隐藏的号码", "Nothing is hidden").into());
            return false;
        }
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return false;
        };
        let now = self.clock.now();
        match self
            .store
            .audit_reveal(&station.id, visitor_id, &officer.id, fields, now)
        {
            Ok(()) => {
                self.info(revealed_message(lang, fields));
                true
            }
            Err(e) => {
                self.error(e.message(lang));
                false
            }
        }
    }

    fn save(&mut self) {
        if self.station.is_none() || self.officer.is_none() {
            self.modal = Some(self.setup_modal());
            return;
        }
        let raw = self.intake.raw();
        let checked = match intake::validate_on(&raw, self.lang, self.today()) {
            Ok(i) => i,
            Err(errors) => {
                self.intake.form.clear_errors();
                for e in &errors {
                    self.intake
                        .form
                        .set_error(e.field.code(), Some(e.message.clone()));
                }
                self.intake.focus = Focus::Form;
                self.intake.form.focus_id(errors[0].field.code());
                let names: Vec<&str> = errors.iter().map(|e| e.field.label(self.lang)).collect();
                let msg = match self.lang {
                    Lang::Zh => format!(
                        "未保存:有{}项需要修改({}),已填内容都保留着",
                        errors.len(),
                        names.join("、")
                    ),
                    Lang::En => format!(
                        "Not saved: {} field(s) to fix ({}); everything typed is kept",
                        errors.len(),
                        names.join(", ")
                    ),
                };
                self.error(msg);
                return;
            }
        };
        // Correcting a saved visit: the reason is asked, then the correction written.
        if let Some((_, label)) = self.intake.correcting.clone() {
            self.pending_save = Some(PendingSave {
                intake: checked,
                question: String::new(),
                owner: None,
                cases: Vec::new(),
                case_sel: 0,
            });
            self.modal = Some(Modal::LogDialog(Box::new(LogDialog::new(
                crate::panes::log::LogAction::Correct,
                label,
                self.lang,
            ))));
            return;
        }
        // A person already on record: who the number belongs to, and what the save would
        // change in their record, are asked before anything is written.
        match self.store.intake_plan(&checked) {
            Ok(plan) if plan.id_owner.is_some() => {
                let (id, name) = plan.id_owner.clone().unwrap_or_default();
                let masked = crate::domain::intake::mask_name(&name);
                let number = checked
                    .id_number
                    .as_ref()
                    .map(|n| crate::domain::id_number::mask(n.as_str()))
                    .unwrap_or_default();
                let question = match self.lang {
                    Lang::Zh => format!(
                        "身份证号 {number} 已登记在 {masked} 名下,与所填姓名“{}”不同。是此人吗?(y 是此人:来访记入其名下,姓名不改 / n 重新核对号码)",
                        checked.name
                    ),
                    Lang::En => format!(
                        "ID number {number} is recorded for {masked}, not “{}”. Is it them? (y yes: the visit goes to them, the name is not changed / n re-check the number)",
                        checked.name
                    ),
                };
                self.pending_save = Some(PendingSave {
                    intake: checked,
                    question,
                    owner: Some((id, name)),
                    cases: Vec::new(),
                    case_sel: 0,
                });
                self.modal = Some(Modal::Confirm(Confirm::IdOwner));
                return;
            }
            Ok(plan)
                if !plan.changes.is_empty()
                    || plan
                        .returning_name
                        .as_deref()
                        .is_some_and(|n| n != checked.name) =>
            {
                self.ask_visitor_changes(checked, &plan);
                return;
            }
            Ok(_) => {}
            Err(e) => {
                self.error(e.message(self.lang));
                return;
            }
        }
        self.ask_follow_up_or_commit(checked);
    }

    /// The last question before a save: a person with an open referral may be back about
    /// it (回访). Without one, the visit is written at once.
    fn ask_follow_up_or_commit(&mut self, checked: intake::Intake) {
        let cases = match self.store.open_cases(&checked) {
            Ok(cases) => cases,
            Err(e) => {
                self.error(e.message(self.lang));
                return;
            }
        };
        if cases.is_empty() {
            self.commit_save(checked);
            return;
        }
        self.pending_save = Some(PendingSave {
            intake: checked,
            question: String::new(),
            owner: None,
            cases,
            case_sel: 0,
        });
        self.modal = Some(Modal::Confirm(Confirm::FollowUp));
    }

    /// The answer to `FollowUp`: yes, a follow-up of the case chosen (up/down choose among
    /// several); no, a new request; back, to the form with nothing written.
    fn answer_follow_up(&mut self, action: Action) {
        let Some(pending) = self.pending_save.as_mut() else {
            self.modal = None;
            return;
        };
        let n = pending.cases.len();
        match action {
            Action::Up | Action::Down if n > 1 => {
                let step = if action == Action::Up { n - 1 } else { 1 };
                pending.case_sel = (pending.case_sel + step) % n;
            }
            Action::Yes | Action::No => {
                self.modal = None;
                let Some(mut pending) = self.pending_save.take() else {
                    return;
                };
                if action == Action::Yes {
                    let case = pending.cases.swap_remove(pending.case_sel.min(n - 1));
                    pending.intake.follows_referral = Some(case.id);
                }
                self.commit_save(pending.intake);
            }
            Action::Back => {
                self.modal = None;
                self.pending_save = None;
                self.info(
                    self.lang
                        .pick("未保存,请继续修改", "Not saved; the form is as you left it")
                        .into(),
                );
            }
            _ => {}
        }
    }

    /// Shows what a save would change in a returning visitor's record, before it is
    /// written; `y` writes it.
    fn ask_visitor_changes(&mut self, checked: intake::Intake, plan: &crate::store::IntakePlan) {
        let recorded = plan.returning_name.clone().unwrap_or_default();
        let name_kept = (recorded != checked.name).then(|| match self.lang {
            Lang::Zh => format!("姓名仍为“{recorded}”(改名请在来访记录中更正);"),
            Lang::En => format!("the name stays “{recorded}” (correct it in the visit record); "),
        });
        let changes = if plan.changes.is_empty() {
            String::new()
        } else {
            match self.lang {
                Lang::Zh => format!("将更改此人的记录:{};", plan.changes),
                Lang::En => format!("this changes their record: {}; ", plan.changes),
            }
        };
        let question = match self.lang {
            Lang::Zh => format!(
                "{}{}保存吗?(y 保存 / n 返回修改)",
                name_kept.unwrap_or_default(),
                changes
            ),
            Lang::En => format!(
                "{}{}Save? (y save / n back to the form)",
                name_kept.unwrap_or_default(),
                changes
            ),
        };
        self.pending_save = Some(PendingSave {
            intake: checked,
            question,
            owner: None,
            cases: Vec::new(),
            case_sel: 0,
        });
        self.modal = Some(Modal::Confirm(Confirm::VisitorChanges));
    }

    /// Writes the checked intake (after any question was answered).
    fn commit_save(&mut self, checked: intake::Intake) {
        let (Some(station), Some(officer)) = (self.station.clone(), self.officer.clone()) else {
            return;
        };
        let now = self.clock.now();
        match self
            .store
            .save_intake(&checked, &station.id, &officer.id, now)
        {
            Ok(saved) => {
                let lang = self.lang;
                let returning = if checked.follows_referral.is_some() {
                    lang.pick("(回访)", " (follow-up)")
                } else if saved.returning {
                    lang.pick("(老来访人)", " (returning visitor)")
                } else {
                    ""
                };
                let route_key = self.keymap.hint(Context::Global, Action::Route);
                let msg = format!(
                    "{}{} · {}{returning} · {route_key} {}",
                    lang.pick("已保存:", "Saved: "),
                    checked.name,
                    checked.category.label(lang),
                    lang.pick("转介", "route it")
                );
                tracing::info!(
                    visit = %saved.visit_id,
                    returning = saved.returning,
                    follow_up = checked.follows_referral.is_some(),
                    "intake saved"
                );
                self.last_saved_visit = Some(saved.visit_id.clone());
                self.note_collective(&checked);
                self.intake.clear(self.lang);
                self.discard_draft();
                if let Err(e) = self.reload_today() {
                    self.error(e.message(self.lang));
                    return;
                }
                self.info(msg);
            }
            Err(e) => {
                tracing::warn!(error = %e, "intake save failed");
                let msg = match self.lang {
                    Lang::Zh => format!("未保存:{},已填内容都保留着", e.message(self.lang)),
                    Lang::En => format!(
                        "Not saved: {}; everything typed is kept",
                        e.message(self.lang)
                    ),
                };
                self.error(msg);
            }
        }
    }

    fn open_selected_visit(&mut self) {
        let Some(id) = self
            .intake
            .visible_today(self.lang)
            .get(self.intake.list_sel)
            .map(|v| v.id.clone())
        else {
            return;
        };
        match self.store.visit_detail(&id) {
            Ok(Some(detail)) => self.modal = Some(Modal::visit(detail)),
            Ok(None) => {}
            Err(e) => self.error(e.message(self.lang)),
        }
    }

    fn update_setup(&mut self, action: Action) {
        use crate::ui::form::Nav;
        let Some(Modal::Setup {
            form,
            first_run,
            roster,
        }) = &mut self.modal
        else {
            return;
        };
        let first_run = *first_run;
        match form.navigate(action) {
            Nav::Save => self.finish_setup(),
            Nav::Back if !first_run => self.modal = None,
            Nav::Other(Action::Quit) => self.request_quit(),
            Nav::Other(a @ (Action::NextMatch | Action::PrevMatch | Action::Down | Action::Up)) => {
                let by = if matches!(a, Action::NextMatch | Action::Down) {
                    1
                } else {
                    -1
                };
                if let Some(o) = roster.step(by).cloned() {
                    fill_officer(form, &o);
                }
            }
            _ => {}
        }
    }

    /// After typing in F8's name field: the roster narrows, and a name on it brings its
    /// own role and affiliation.
    pub(super) fn after_setup_edit(&mut self) {
        let Some(Modal::Setup { form, roster, .. }) = &mut self.modal else {
            return;
        };
        if form.focused_id() != SETUP_OFFICER {
            return;
        }
        let typed = form.get(SETUP_OFFICER);
        roster.filter(&typed);
        if let Some(o) = roster.named(&typed).cloned() {
            form.set(SETUP_ROLE, o.role.code());
            form.set(SETUP_AFFILIATION, &o.affiliation);
        }
    }

    fn finish_setup(&mut self) {
        let Some(Modal::Setup {
            form, first_run, ..
        }) = &mut self.modal
        else {
            return;
        };
        let was_first_run = *first_run;
        let lang = self.lang;
        let required = lang.pick("必填", "required").to_string();
        let station_name = if *first_run {
            form.get(SETUP_STATION).trim().to_string()
        } else {
            String::new()
        };
        let officer_name = form.get(SETUP_OFFICER).trim().to_string();
        if *first_run && station_name.is_empty() {
            form.set_error(SETUP_STATION, Some(required));
            form.focus_id(SETUP_STATION);
            return;
        }
        if officer_name.is_empty() {
            form.set_error(SETUP_OFFICER, Some(required));
            form.focus_id(SETUP_OFFICER);
            return;
        }
        let role = form.choice::<Role>(SETUP_ROLE).unwrap_or(Role::Cadre);
        let affiliation = form.get(SETUP_AFFILIATION);
        let now = self.clock.now();
        // Who is on the roster already, and as what: a save that differs is a change of
        // their entry, made on purpose and logged; a new name is added (also logged).
        let before = self.store.officer_by_name(&officer_name).ok().flatten();
        let result = (|| -> Result<(Station, Officer), StoreError> {
            let station = match &self.station {
                Some(s) => s.clone(),
                None => self.store.create_station(&station_name, now)?,
            };
            let officer = match &before {
                Some(o) => self.store.change_officer(o, role, &affiliation, now)?,
                None => {
                    self.store
                        .officer_or_add(&station, &officer_name, role, &affiliation, now)?
                }
            };
            self.store.set_current_officer(&officer)?;
            Ok((station, officer))
        })();
        match result {
            Ok((station, officer)) => {
                let changed = before.as_ref().is_some_and(|b| {
                    b.role != officer.role || b.affiliation != officer.affiliation
                });
                let note = match (before.is_none(), changed, self.lang) {
                    (true, _, _) if was_first_run => "",
                    (true, _, Lang::Zh) => ";已加入名册",
                    (true, _, Lang::En) => "; added to the roster",
                    (false, true, Lang::Zh) => ";名册中的身份/单位已更改(已记录)",
                    (false, true, Lang::En) => "; their roster entry was changed (logged)",
                    (false, false, _) => "",
                };
                let msg = match self.lang {
                    Lang::Zh => format!(
                        "{} 值班:{}({}){note}",
                        station.name,
                        officer.name,
                        officer.role.zh()
                    ),
                    Lang::En => format!(
                        "{}: {} on duty ({}){note}",
                        station.name,
                        officer.name,
                        officer.role.en()
                    ),
                };
                self.station = Some(station);
                self.officer = Some(officer);
                self.modal = None;
                self.info(msg);
            }
            Err(e) => self.error(e.message(self.lang)),
        }
    }
}

/// Fills F8's form with an officer as the roster records them.
fn fill_officer(form: &mut Form, o: &Officer) {
    form.set(SETUP_OFFICER, &o.name);
    form.set(SETUP_ROLE, o.role.code());
    form.set(SETUP_AFFILIATION, &o.affiliation);
}

/// The audit log's words for what was shown: "电话、身份证号".
fn revealed_fields<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.filter_map(|id| match id {
        "phone" => Some("电话"),
        "id_number" => Some("身份证号"),
        _ => None,
    })
    .collect::<Vec<_>>()
    .join("、")
}

fn revealed_message(lang: Lang, fields: &str) -> String {
    match lang {
        Lang::Zh => format!("已显示完整{fields},已记入审计日志"),
        Lang::En => format!(
            "Shown in full ({}); written to the audit log",
            fields
                .replace("电话", "phone")
                .replace("身份证号", "ID number")
        ),
    }
}
