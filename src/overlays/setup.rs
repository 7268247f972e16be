//! F8 and the first run: the station's name (first run only) and the officer on duty,
//! picked from the roster or typed. A changed role or affiliation is its own logged act.

use crate::action::Action;
use crate::domain::labels::Labeled;
use crate::domain::lists::Role;
use crate::i18n::Lang;
use crate::panes::{Ctx, Effect, Effects};
use crate::store::{Officer, Station, StoreError};
use crate::widgets::form::{Form, FormField, Nav, choices_of};
use crate::widgets::roster::Roster;

const SETUP_STATION: &str = "station";
const SETUP_OFFICER: &str = "officer";
const SETUP_ROLE: &str = "role";
const SETUP_AFFILIATION: &str = "affiliation";

/// The setup form: the station's name on a first run, then the officer, role and unit.
#[must_use]
pub fn form(first_run: bool, lang: Lang) -> Form {
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

/// A key in the setup dialog: up/down pick from the roster; only the save key saves.
pub fn update(
    form: &mut Form,
    first_run: bool,
    roster: &mut Roster,
    action: Action,
    cx: &mut Ctx,
) -> Effects {
    match form.navigate(action) {
        Nav::Save => finish(form, first_run, cx),
        Nav::Back if !first_run => vec![Effect::Close],
        Nav::Other(Action::Quit) => vec![Effect::Quit],
        Nav::Other(a @ (Action::NextMatch | Action::PrevMatch | Action::Down | Action::Up)) => {
            let by = if matches!(a, Action::NextMatch | Action::Down) {
                1
            } else {
                -1
            };
            if let Some(o) = roster.step(by).cloned() {
                fill_officer(form, &o);
            }
            Effects::new()
        }
        _ => Effects::new(),
    }
}

/// After typing in the name field: the roster narrows, and a name on it brings its own
/// role and affiliation.
pub fn edited(form: &mut Form, roster: &mut Roster) {
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

fn finish(form: &mut Form, first_run: bool, cx: &mut Ctx) -> Effects {
    let lang = cx.lang;
    let required = lang.pick("必填", "required").to_string();
    let station_name = if first_run {
        form.get(SETUP_STATION).trim().to_string()
    } else {
        String::new()
    };
    let officer_name = form.get(SETUP_OFFICER).trim().to_string();
    if first_run && station_name.is_empty() {
        form.set_error(SETUP_STATION, Some(required));
        form.focus_id(SETUP_STATION);
        return Effects::new();
    }
    if officer_name.is_empty() {
        form.set_error(SETUP_OFFICER, Some(required));
        form.focus_id(SETUP_OFFICER);
        return Effects::new();
    }
    let role = form.choice::<Role>(SETUP_ROLE).unwrap_or(Role::Cadre);
    let affiliation = form.get(SETUP_AFFILIATION);
    let now = cx.now();
    let current = cx.station.cloned();
    let store = &mut *cx.store;
    // Who is on the roster already, and as what: a save that differs is a change of
    // their entry, made on purpose and logged; a new name is added (also logged).
    let before = store.officer_by_name(&officer_name).ok().flatten();
    let result = (|| -> Result<(Station, Officer), StoreError> {
        let station = match current {
            Some(s) => s,
            None => store.create_station(&station_name, now)?,
        };
        let officer = match &before {
            Some(o) => store.change_officer(o, role, &affiliation, now)?,
            None => store.officer_or_add(&station, &officer_name, role, &affiliation, now)?,
        };
        store.set_current_officer(&officer)?;
        Ok((station, officer))
    })();
    match result {
        Ok((station, officer)) => {
            let changed = before
                .as_ref()
                .is_some_and(|b| b.role != officer.role || b.affiliation != officer.affiliation);
            let note = match (before.is_none(), changed, lang) {
                (true, _, _) if first_run => "",
                (true, _, Lang::Zh) => ";已加入名册",
                (true, _, Lang::En) => "; added to the roster",
                (false, true, Lang::Zh) => ";名册中的身份/单位已更改(已记录)",
                (false, true, Lang::En) => "; their roster entry was changed (logged)",
                (false, false, _) => "",
            };
            let msg = match lang {
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
            vec![
                Effect::OnDuty(Box::new((station, officer))),
                Effect::Close,
                Effect::Info(msg),
            ]
        }
        Err(e) => vec![Effect::Error(e.message(lang))],
    }
}

/// Fills F8's form with an officer as the roster records them.
fn fill_officer(form: &mut Form, o: &Officer) {
    form.set(SETUP_OFFICER, &o.name);
    form.set(SETUP_ROLE, o.role.code());
    form.set(SETUP_AFFILIATION, &o.affiliation);
}
