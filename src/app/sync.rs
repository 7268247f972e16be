//! F9: the county hub sync, on its own thread with its own connection to the file, so the
//! desk keeps answering keys; the status line says how it ended and when.

use std::sync::mpsc::{Receiver, TryRecvError, channel};

use super::App;
use crate::i18n::Lang;

/// A sync running on its own thread.
pub type SyncRun = Receiver<Result<crate::hub::sync::Outcome, String>>;

impl App {
    /// Starts a sync with the hub this desk joined (`dutydesk sync --join FILE`).
    pub(crate) fn start_sync(&mut self) {
        let lang = self.lang;
        if self.sync_rx.is_some() {
            self.info(lang.pick("正在同步,请稍候", "A sync is running").into());
            return;
        }
        match self.store.sync_state() {
            Ok(Some(_)) => {}
            Ok(None) => {
                self.info(
                    lang.pick(
                        "本台尚未加入县级汇总库:先运行 dutydesk sync --join 凭据文件",
                        "This desk has not joined a hub: run dutydesk sync --join FILE first",
                    )
                    .into(),
                );
                return;
            }
            Err(e) => {
                self.error(e.message(lang));
                return;
            }
        }
        let path = self.store.path().to_path_buf();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let run = || -> anyhow::Result<crate::hub::sync::Outcome> {
                let mut store = crate::store::Store::open(&path)
                    .map_err(|e| anyhow::anyhow!(e.message(Lang::En)))?;
                let opts = crate::hub::sync::Options {
                    batch: crate::hub::sync::DEFAULT_BATCH,
                    reenroll: false,
                };
                crate::hub::sync::sync(&mut store, opts, &mut |_, _| {})
            };
            let _ = tx.send(run().map_err(|e| format!("{e:#}")));
        });
        self.sync_rx = Some(rx);
        self.info(
            lang.pick("正在同步到县级汇总库…", "Syncing with the county hub…")
                .into(),
        );
    }

    /// Takes the sync's outcome if its thread has finished.
    pub(crate) fn poll_sync(&mut self) {
        let Some(rx) = &self.sync_rx else {
            return;
        };
        let done = match rx.try_recv() {
            Ok(done) => done,
            Err(TryRecvError::Empty) => return,
            Err(TryRecvError::Disconnected) => Err("the sync stopped".into()),
        };
        self.sync_rx = None;
        let at = self.clock.now().with_timezone(&self.zone).format("%H:%M");
        match done {
            Ok(out) => self.info(match self.lang {
                Lang::Zh => format!(
                    "{at} 已同步到县级汇总库:发送 {} 项改动,收到服务目录 {} 条",
                    out.changes, out.received
                ),
                Lang::En => format!(
                    "Synced with the county hub at {at}: {} changes sent, {} directory entries received",
                    out.changes, out.received
                ),
            }),
            Err(e) => {
                tracing::warn!(error = %e, "sync failed");
                let e = crate::report::safe::terminal(&e, false).into_owned();
                self.error(match self.lang {
                    Lang::Zh => format!("同步未完成(记录不受影响):{e}"),
                    Lang::En => format!("Sync did not finish (nothing at the desk changed): {e}"),
                })
            }
        }
    }
}
