//! The application state and the one place it changes: `App::update(Action)`.
//! `App` does no terminal I/O; tests drive it with keys and render it into a TestBackend.

mod sync;
mod watch;

use chrono::{FixedOffset, NaiveDate};
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::action::Action;
use crate::config::Config;
use crate::i18n::Lang;
use crate::keymap::{Context, KeyChord, Keymap};
use crate::panes::Pane;
use crate::panes::intake::{Focus, IntakePane};
use crate::panes::jobs::{InHand, JobsPane};
use crate::panes::log::LogPane;
use crate::panes::referrals::ReferralsPane;
pub use crate::panes::{Confirm, Ctx, Effect, Effects, Modal};
use crate::store::{Officer, Station, Store, StoreError};
use crate::widgets::form::{Edit, Form};
use crate::widgets::roster::Roster;

pub use crate::domain::clock::{Clock, china_zone, day_start};

pub use crate::panes::intake::{DRAFT_INTERVAL, INTAKE_DRAFT, PendingSave};

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

/// The pane's context, borrowed from the app's fields (so the pane itself can be borrowed
/// beside it).
macro_rules! ctx {
    ($app:ident) => {
        Ctx {
            store: &mut $app.store,
            lang: $app.lang,
            keymap: &$app.keymap,
            config: &$app.config,
            clock: &$app.clock,
            zone: $app.zone,
            station: $app.station.as_ref(),
            officer: $app.officer.as_ref(),
            documents: $app.documents.as_deref(),
        }
    };
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
    /// A county hub sync running on its own thread (F9).
    sync_rx: Option<sync::SyncRun>,
    /// What other connections changed in the file (watch.rs), looked at on each tick.
    watch: watch::Watch,
    pub modal: Option<Modal>,
    pub status: Option<Status>,
    pub should_quit: bool,
    /// What the last drawing measured (`ui::draw` keeps it here).
    pub drawn: Drawn,
    /// When this desk last said in the file that it still runs.
    heartbeat_written: std::time::Instant,
}

pub use crate::widgets::chrome::Scrolled;

/// What a drawing measured that keys need: how wide the intake's summary box is (Up/Down
/// move by wrapped lines) and what a scrolling overlay showed (PageDown moves a page).
#[derive(Debug, Clone, Copy)]
pub struct Drawn {
    pub summary_cols: usize,
    pub overlay: Scrolled,
}

impl Default for Drawn {
    fn default() -> Drawn {
        Drawn {
            summary_cols: 60,
            overlay: Scrolled {
                rows: 10,
                lines: u16::MAX,
            },
        }
    }
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
            sync_rx: None,
            watch,
            modal: None,
            status: None,
            should_quit: false,
            drawn: Drawn::default(),
            heartbeat_written: std::time::Instant::now(),
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
            let fx = app.intake.offer_next_draft(&app.store);
            app.apply(fx);
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
        let fx = self.intake.save_draft_now(&ctx!(self));
        self.apply(fx);
    }

    /// The question put about a gone desk's draft: whose typing, when, and where.
    #[must_use]
    pub fn restore_draft_question(&self) -> String {
        self.intake.restore_draft_question(self.lang, self.zone)
    }

    /// Reads today's visits beside the intake form.
    pub fn reload_today(&mut self) -> Result<(), StoreError> {
        self.intake.reload_today(&ctx!(self))
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
        let fx = self.intake.tick(&ctx!(self));
        self.apply(fx);
    }

    /// The setup overlay: station and officer on a first run, else a change of officer.
    fn setup_modal(&self) -> Modal {
        let first_run = self.station.is_none();
        let roster = if first_run {
            Roster::default()
        } else {
            Roster::new(self.store.officers().unwrap_or_default())
        };
        Modal::Setup {
            form: crate::overlays::setup::form(first_run, self.lang),
            first_run,
            roster,
        }
    }

    pub fn today(&self) -> NaiveDate {
        self.clock.now().with_timezone(&self.zone).date_naive()
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

    /// Applies what a pane asked for, in order.
    fn apply(&mut self, fx: Effects) {
        for e in fx {
            match e {
                Effect::Info(text) => self.info(text),
                Effect::Error(text) => self.error(text),
                Effect::Open(m) => self.modal = Some(m),
                Effect::Close => self.modal = None,
                Effect::ReloadQueue => self.refresh_queue(),
                Effect::Switch(pane) => self.pane = pane,
                Effect::Quit => self.request_quit(),
                Effect::AskOfficer => self.modal = Some(self.setup_modal()),
                Effect::Correct(reason) => {
                    match self.intake.save_correction(&reason, &mut ctx!(self)) {
                        Ok(msg) => {
                            self.modal = None;
                            if !msg.is_empty() {
                                self.info(msg);
                            }
                        }
                        Err(e) => self.error(e.message(self.lang)),
                    }
                }
                Effect::Saved(intake) => self.referrals.note_collective(&intake, &ctx!(self)),
                Effect::NewVisitor => self.jobs.new_visitor(self.lang),
                Effect::OnDuty(on_duty) => {
                    let (station, officer) = *on_duty;
                    self.station = Some(station);
                    self.officer = Some(officer);
                }
            }
        }
    }

    /// What the panes' views read besides their own state.
    #[must_use]
    pub fn view(&self) -> crate::panes::View<'_> {
        crate::panes::View {
            lang: self.lang,
            keymap: &self.keymap,
            zone: self.zone,
            today: self.today(),
            focused: self.modal.is_none(),
        }
    }

    /// F5: the open shift's timeline, read afresh.
    fn enter_log(&mut self) {
        self.pane = Pane::Log;
        self.log.enter();
        self.reload_log_or_say();
    }

    /// Reads what the log pane shows for its view.
    pub fn reload_log(&mut self) -> Result<(), StoreError> {
        self.log.reload(&ctx!(self))
    }

    fn reload_log_or_say(&mut self) {
        let fx = self.log.reload_or_say(&ctx!(self));
        self.apply(fx);
    }

    /// Reloads the queue, its counts and the selected referral's detail.
    pub fn reload_queue(&mut self) -> Result<(), StoreError> {
        self.referrals.reload(&ctx!(self))
    }

    fn refresh_queue(&mut self) {
        let fx = self.referrals.reload_or_say(&ctx!(self));
        self.apply(fx);
    }

    /// The form of the dialog on screen, if it has one: it gets first claim on keys.
    fn modal_form(&mut self) -> Option<&mut Form> {
        match &mut self.modal {
            Some(Modal::Setup { form, .. }) => Some(form),
            Some(Modal::Route(d)) => Some(&mut d.form),
            Some(Modal::RefDialog(d)) => Some(&mut d.form),
            Some(Modal::LogDialog(d)) => Some(&mut d.form),
            _ => None,
        }
    }

    /// After typing in a dialog: the route dialog's list follows the search text.
    fn after_dialog_edit(&mut self) {
        match &mut self.modal {
            Some(Modal::Route(d)) => d.edited(),
            Some(Modal::Setup { form, roster, .. }) => crate::overlays::setup::edited(form, roster),
            _ => {}
        }
    }

    /// "Route": the visit in view — the one open, the one selected in today's list, the
    /// selected referral's, or else the one saved last at this desk.
    fn route_current(&mut self) {
        let visit_id = match self.pane {
            Pane::Referrals => self.referrals.selected().map(|r| r.visit_id.clone()),
            Pane::Intake if self.intake.focus == Focus::List => self
                .intake
                .visible_today(self.lang)
                .get(self.intake.list_sel)
                .map(|v| v.id.clone()),
            Pane::Log => self
                .log
                .review_visit()
                .map(|v| v.id)
                .or_else(|| self.intake.last_saved_visit.clone()),
            _ => self.intake.last_saved_visit.clone(),
        };
        match visit_id {
            Some(id) => self.open_route(&id),
            None => self.error(
                self.lang
                    .pick(
                        "请先保存登记,或在今日来访列表中选中一条来访再转介",
                        "Save the intake first, or choose a visit in today's list, to route it",
                    )
                    .into(),
            ),
        }
    }

    fn open_route(&mut self, visit_id: &str) {
        let fx = crate::panes::referrals::route_dialog(visit_id, &ctx!(self));
        self.apply(fx);
    }

    /// Right after routing, the slip key prints the slip of the referral just made (the
    /// status line said so); any other key goes on as usual. True when it was the slip key.
    fn take_slip_offer(&mut self, key: &KeyEvent) -> bool {
        let Some(id) = self.referrals.slip_offer.take() else {
            return false;
        };
        let slip_key = KeyChord::from_event(key)
            .and_then(|c| self.keymap.lookup(Context::Referrals, &c))
            == Some(Action::PrintSlip);
        if slip_key {
            let said = crate::panes::referrals::print_slip(&id, &ctx!(self));
            self.apply(vec![said]);
        }
        slip_key
    }

    /// The tick's look at the file: what another connection changed is read again.
    fn watch_file(&mut self) {
        if self.watch.changed(&self.store) {
            self.reload_changed();
        }
        if self.watch.openings_to_rebuild(self.jobs.index_building()) && self.jobs.index.is_some() {
            tracing::info!("openings changed in the file; job index built again");
            self.start_job_index();
        }
    }

    /// Today's list, the queue (or its counts), F5 when open and an open route dialog's
    /// directory, read again; nothing is said (a failure is logged, the old rows stay).
    fn reload_changed(&mut self) {
        let t = std::time::Instant::now();
        let warn = |what: &str, e: &StoreError| tracing::warn!(error = %e, "{what} not read again");
        if let Err(e) = self.intake.reload_today(&ctx!(self)) {
            warn("today's visits", &e);
        }
        let queue = if self.pane == Pane::Referrals {
            self.referrals.reload_following(&ctx!(self))
        } else {
            let today = self.today();
            self.store
                .queue_counts(today)
                .map(|c| self.referrals.counts = c)
        };
        if let Err(e) = queue {
            warn("referral queue", &e);
        }
        if self.pane == Pane::Log
            && let Err(e) = self.log.reload_following(&ctx!(self))
        {
            warn("daily log", &e);
        }
        if let Some(Modal::Route(d)) = &mut self.modal
            && !d.adding
        {
            match self.store.services(None) {
                Ok(services) => d.services_changed(services),
                Err(e) => warn("directory", &e),
            }
        }
        tracing::debug!(
            ms = t.elapsed().as_secs_f64() * 1e3,
            "reloaded after another connection's commit"
        );
    }

    /// F9: a sync with the county hub on its own thread (one at a time).
    fn start_sync(&mut self) {
        if self.sync_rx.is_some() {
            self.info(
                self.lang
                    .pick("正在同步,请稍候", "A sync is running")
                    .into(),
            );
            return;
        }
        let (run, said) = sync::start(&self.store, self.lang);
        self.sync_rx = run;
        self.apply(vec![said]);
    }

    /// Takes the sync's outcome if its thread has finished.
    fn poll_sync(&mut self) {
        let Some(rx) = &self.sync_rx else {
            return;
        };
        let at = self
            .clock
            .now()
            .with_timezone(&self.zone)
            .format("%H:%M")
            .to_string();
        if let Some(said) = sync::poll(rx, &at, self.lang) {
            self.sync_rx = None;
            self.apply(vec![said]);
        }
    }

    /// Starts building the job index on its own thread (F4 answers keys meanwhile).
    pub fn start_job_index(&mut self) {
        let today = self.today();
        self.jobs
            .start_index(self.store.path().to_path_buf(), today);
    }

    /// Builds the job index here and now (tests, benchmarks).
    pub fn build_job_index_now(&mut self) -> Result<(), StoreError> {
        let today = self.today();
        self.jobs.build_index_now(&self.store, today, self.lang)
    }

    /// Takes the job index if its thread has finished.
    fn poll_job_index(&mut self) {
        let say = self.pane == Pane::Jobs && self.status.is_none();
        let fx = self.jobs.poll_index(&self.store, self.lang, say);
        self.apply(fx);
    }

    /// F4: it serves the visitor in hand (the intake's, else the visit saved last).
    fn enter_jobs(&mut self) {
        self.pane = Pane::Jobs;
        let in_hand = self
            .intake
            .in_hand(self.lang)
            .or_else(|| self.intake.last_saved_visit.clone().map(InHand::Visit))
            .unwrap_or(InHand::Nobody);
        let fx = self.jobs.enter(in_hand, &mut ctx!(self));
        self.apply(fx);
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
                Focus::Form => match self.intake.form.edit_key(&key, self.drawn.summary_cols) {
                    Edit::Changed => {
                        let fx = self.intake.edited(&ctx!(self));
                        self.apply(fx);
                        return;
                    }
                    Edit::Moved => return,
                    Edit::NotMine => {}
                },
                Focus::List if self.intake.filter_typing => {
                    if self.intake.filter_key(&key) {
                        return;
                    }
                }
                Focus::List => {}
            }
        } else if self.modal.is_none() && self.pane == Pane::Log && self.log.search_typing {
            if self.log.search_key(&key) {
                return;
            }
        } else if self.modal.is_none() && self.pane == Pane::Jobs {
            match self.jobs.form.edit_key(&key, 40) {
                Edit::Changed => {
                    self.jobs.edited(&self.store, self.lang);
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
                self.jobs.edited(&self.store, self.lang);
                n
            }
            None if self.pane == Pane::Intake && self.intake.focus == Focus::Form => {
                let d = self.intake.form.paste(text);
                let fx = self.intake.edited(&ctx!(self));
                self.apply(fx);
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

    /// An answer to the confirm question on screen, routed to whoever asked it.
    fn handle_confirm(&mut self, kind: Confirm, action: Action) {
        let yes = action == Action::Yes;
        let no = matches!(action, Action::No | Action::Back);
        let fx = match kind {
            Confirm::ReferJob if yes => self.jobs.refer(&mut ctx!(self)),
            Confirm::MarkPlaced if yes => self.jobs.mark_placed(&mut ctx!(self)),
            Confirm::AnswerTransfer if matches!(action, Action::Yes | Action::No) => {
                self.referrals.answer_transfer(yes, &mut ctx!(self))
            }
            Confirm::Quit if yes => {
                self.intake.discard_draft(&self.store);
                self.should_quit = true;
                vec![Effect::Close]
            }
            Confirm::ReferJob | Confirm::MarkPlaced | Confirm::AnswerTransfer | Confirm::Quit
                if no =>
            {
                vec![Effect::Close]
            }
            Confirm::ReferJob | Confirm::MarkPlaced | Confirm::AnswerTransfer | Confirm::Quit => {
                Effects::new()
            }
            Confirm::NewIntake
            | Confirm::RestoreDraft
            | Confirm::IdOwner
            | Confirm::VisitorChanges
            | Confirm::FollowUp => self.intake.confirm(kind, action, &mut ctx!(self)),
        };
        self.apply(fx);
    }

    /// An action while an overlay or dialog is on top: it goes to that one (true), or
    /// there is none (false).
    fn update_modal(&mut self, action: Action) -> bool {
        let fx = match &mut self.modal {
            Some(Modal::Help { scroll })
            | Some(Modal::Visit { scroll, .. })
            | Some(Modal::Referral { scroll, .. })
            | Some(Modal::Job { scroll, .. }) => {
                let shown = self.drawn.overlay;
                let last = shown.lines.saturating_sub(shown.rows);
                match action {
                    Action::Back | Action::Help => self.modal = None,
                    Action::Up => *scroll = scroll.saturating_sub(1),
                    Action::Down => *scroll = scroll.saturating_add(1).min(last),
                    Action::PageUp => *scroll = shown.turned(*scroll, false),
                    Action::PageDown => *scroll = shown.turned(*scroll, true),
                    Action::Quit => self.request_quit(),
                    _ => {}
                }
                return true;
            }
            Some(Modal::Setup {
                form,
                first_run,
                roster,
            }) => {
                let first_run = *first_run;
                crate::overlays::setup::update(form, first_run, roster, action, &mut ctx!(self))
            }
            Some(Modal::Route(d)) => {
                let shown = self.drawn.overlay;
                self.referrals
                    .update_route(d, action, shown, &mut ctx!(self))
            }
            Some(Modal::RefDialog(d)) => {
                self.referrals.update_ref_dialog(d, action, &mut ctx!(self))
            }
            Some(Modal::LogDialog(d)) => self.log.update_dialog(d, action, &mut ctx!(self)),
            Some(Modal::Confirm(_)) => return true,
            None => return false,
        };
        self.apply(fx);
        true
    }

    /// One action: the record viewer's own keys, then whatever is on top, then the
    /// global keys, then the pane on screen.
    pub fn update(&mut self, action: Action) {
        if action == Action::Edit
            && let Some(Modal::Visit { detail, .. }) = &self.modal
        {
            let detail = detail.clone();
            let fx = self.intake.start_correction(&detail, &ctx!(self));
            self.apply(fx);
            return;
        }
        if action == Action::Reveal
            && let Some(Modal::Visit {
                detail, revealed, ..
            }) = &mut self.modal
        {
            let fx = crate::panes::intake::reveal_in_record(detail, revealed, &mut ctx!(self));
            self.apply(fx);
            return;
        }
        if action == Action::Route
            && let Some(Modal::Visit { detail, .. }) = &self.modal
        {
            let id = detail.visit.id.clone();
            self.open_route(&id);
            return;
        }
        if self.update_modal(action) {
            return;
        }
        match action {
            Action::Help => self.modal = Some(Modal::Help { scroll: 0 }),
            Action::Intake => {
                self.pane = Pane::Intake;
                self.intake.enter();
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
                let fx = self.intake.new_intake(self.lang);
                self.apply(fx);
            }
            Action::SwitchOfficer => self.modal = Some(self.setup_modal()),
            Action::Sync => self.start_sync(),
            _ if self.pane == Pane::Referrals => {
                let fx = self.referrals.update(action, &mut ctx!(self));
                self.apply(fx);
            }
            _ if self.pane == Pane::Jobs => {
                let fx = self.jobs.update(action, &mut ctx!(self));
                self.apply(fx);
            }
            _ if self.pane == Pane::Log => {
                let fx = self.log.update(action, &mut ctx!(self));
                self.apply(fx);
            }
            _ if self.pane != Pane::Intake => {}
            _ => {
                let fx = self.intake.update(action, &mut ctx!(self));
                self.apply(fx);
            }
        }
    }

    fn request_quit(&mut self) {
        if self.intake.is_dirty() {
            self.modal = Some(Modal::Confirm(Confirm::Quit));
        } else {
            self.should_quit = true;
        }
    }
}
