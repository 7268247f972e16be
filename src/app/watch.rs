//! What an import, a sync or another desk wrote to the file, shown without a restart.
//! On each tick the desk asks SQLite's `data_version` (a number that moves only when
//! another connection commits); when it moved, what the desk keeps in memory is read
//! again: today's list, the referral queue (or its counts), the daily log when F5 is open,
//! the directory of an open route dialog, and — only when the openings changed — the job
//! index, rebuilt on its own thread as at start and taken on a later tick. Nothing is read
//! on the keystroke path, and nothing when nobody else wrote.

use crate::store::{OpeningMarks, Store};

/// Where the file stood when the desk last looked.
#[derive(Debug, Clone, Default)]
pub struct Watch {
    /// `PRAGMA data_version` as last read (`None`: not read yet).
    data_version: Option<i64>,
    openings: OpeningMarks,
    /// The openings changed: the index is to be built again (once no build is running).
    openings_stale: bool,
}

impl Watch {
    /// Where the file stands now, read before the desk loads anything from it, so that
    /// nothing written after that can go unseen.
    pub fn new(store: &Store) -> Watch {
        let data_version = store.data_version().ok();
        let openings = store
            .opening_marks(OpeningMarks::default())
            .map(|(m, _)| m)
            .unwrap_or_default();
        Watch {
            data_version,
            openings,
            openings_stale: false,
        }
    }

    /// The tick's look at the file: whether another connection committed since the last
    /// look (then the openings' marks are read too, to know whether F4's index is stale).
    pub fn changed(&mut self, store: &Store) -> bool {
        let version = match store.data_version() {
            Ok(v) => v,
            Err(e) => {
                tracing::warn!(error = %e, "data_version not read");
                return false;
            }
        };
        if self.data_version == Some(version) {
            return false;
        }
        self.data_version = Some(version);
        match store.opening_marks(self.openings) {
            Ok((marks, changed)) => {
                self.openings = marks;
                self.openings_stale |= changed;
            }
            Err(e) => tracing::warn!(error = %e, "openings' marks not read"),
        }
        true
    }

    /// The openings changed and no index build is running (`building`): build it again,
    /// once. One build at a time: a change seen while one runs is built after it.
    pub fn openings_to_rebuild(&mut self, building: bool) -> bool {
        if self.openings_stale && !building {
            self.openings_stale = false;
            return true;
        }
        false
    }
}
