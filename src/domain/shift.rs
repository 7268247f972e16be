//! The daily log's words: what kinds of entries a shift's timeline holds, and how each
//! visit of a shift was disposed of.

use crate::labeled_enum;

labeled_enum!(
    /// A timeline entry. The first five are written by the desk; the rest by officers.
    EntryKind {
        Intake => "intake", "接待", "Intake";
        Referral => "referral", "转介", "Referral";
        Job => "job", "岗位推荐", "Job referral";
        Import => "import", "导入", "Import";
        Shift => "shift", "班次", "Shift";
        Call => "call", "电话", "Phone call";
        Incident => "incident", "突发事件", "Incident";
        Note => "note", "备注", "Note";
        Todo => "todo", "待办", "To-do";
        Done => "done", "待办已办", "To-do done";
        Ack => "ack", "接班确认", "Handover acknowledged";
        Addendum => "addendum", "补记", "Addendum";
    }
);

impl EntryKind {
    /// The kinds an officer writes by hand.
    pub const WRITTEN: &'static [EntryKind] = &[
        EntryKind::Call,
        EntryKind::Incident,
        EntryKind::Note,
        EntryKind::Todo,
    ];
}

labeled_enum!(
    /// What became of a visit (对账): every visit of a shift needs one before sign-off.
    Disposition {
        OnSpot => "on_spot", "当场答复", "Answered on the spot";
        Referred => "referred", "已转介", "Referred";
        NoAction => "no_action", "无需处理", "No action needed";
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::labels::Labeled;

    #[test]
    fn codes_round_trip() {
        for k in EntryKind::ALL {
            assert_eq!(EntryKind::from_code(k.code()), Some(*k));
        }
        for d in Disposition::ALL {
            assert_eq!(Disposition::from_code(d.code()), Some(*d));
        }
    }
}
