//! F9: the county hub sync, on its own thread with its own connection to the file, so the
//! desk keeps answering keys; the status line says how it ended and when.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use crate::i18n::Lang;
use crate::panes::Effect;
use crate::store::Store;

/// A sync running on its own thread.
pub type SyncRun = Receiver<Result<crate::hub::sync::Outcome, String>>;

/// Starts a sync with the hub this desk joined (`dutydesk sync --join FILE`); what to
/// say, and the running sync if one started.
pub fn start(store: &Store, lang: Lang) -> (Option<SyncRun>, Effect) {
    match store.sync_state() {
        Ok(Some(_)) => {}
        Ok(None) => {
            return (
                None,
                Effect::Info(
                    lang.pick(
                        "本台尚未加入县级汇总库:先运行 dutydesk sync --join 凭据文件",
                        "This desk has not joined a hub: run dutydesk sync --join FILE first",
                    )
                    .into(),
                ),
            );
        }
        Err(e) => return (None, Effect::Error(e.message(lang))),
    }
    let path = store.path().to_path_buf();
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        let run = || -> anyhow::Result<crate::hub::sync::Outcome> {
            let mut store = Store::open(&path).map_err(|e| anyhow::anyhow!(e.message(Lang::En)))?;
            let opts = crate::hub::sync::Options {
                batch: crate::hub::sync::DEFAULT_BATCH,
                reenroll: false,
            };
            crate::hub::sync::sync(&mut store, opts, &mut |_, _| {})
        };
        let _ = tx.send(run().map_err(|e| crate::words::error_in(&e, lang)));
    });
    let said = Effect::Info(
        lang.pick("正在同步到县级汇总库…", "Syncing with the county hub…")
            .into(),
    );
    (Some(rx), said)
}

/// The sync's outcome if its thread has finished (`at`: the local time now, as said).
pub fn poll(rx: &SyncRun, at: &str, lang: Lang) -> Option<Effect> {
    let done = match rx.try_recv() {
        Ok(done) => done,
        Err(TryRecvError::Empty) => return None,
        Err(TryRecvError::Disconnected) => Err("the sync stopped".into()),
    };
    Some(match done {
        Ok(out) => {
            let waiting = if out.transfers_waiting > 0 {
                match lang {
                    Lang::Zh => format!(
                        ";{} 条转来待答复(referrals incoming)",
                        out.transfers_waiting
                    ),
                    Lang::En => format!(
                        "; {} transfers await an answer (referrals incoming)",
                        out.transfers_waiting
                    ),
                }
            } else {
                String::new()
            };
            Effect::Info(match lang {
                Lang::Zh => format!(
                    "{at} 已同步到县级汇总库:发送 {} 项改动,{}{waiting}",
                    out.changes,
                    out.received_short(lang)
                ),
                Lang::En => format!(
                    "Synced with the county hub at {at}: {} changes sent, {}{waiting}",
                    out.changes,
                    out.received_short(lang)
                ),
            })
        }
        Err(e) => {
            tracing::warn!(error = %e, "sync failed");
            let e = crate::report::safe::terminal(&e, false).into_owned();
            Effect::Error(match lang {
                Lang::Zh => format!("同步未完成(记录不受影响):{e}"),
                Lang::En => format!("Sync did not finish (nothing at the desk changed): {e}"),
            })
        }
    })
}
