//! Every named thing a key can do. The names (first column) are what keymap files use;
//! the descriptions are what the help overlay shows.

use crate::labeled_enum;

labeled_enum!(
    Action {
        // global
        Help => "help", "帮助(按键一览)", "Help (key list)";
        Intake => "intake", "接待登记", "Visitor intake";
        Referrals => "referrals", "转介办理", "Referrals";
        Jobs => "jobs", "岗位查询", "Job openings";
        Log => "log", "值班日志", "Daily log";
        NewIntake => "new_intake", "新建登记", "New intake";
        SwitchOfficer => "switch_officer", "切换值班人员", "Change officer on duty";
        Sync => "sync", "同步到县级汇总库", "Sync with the county hub";
        Quit => "quit", "退出", "Quit";
        // form
        NextField => "next_field", "下一项", "Next field";
        PrevField => "prev_field", "上一项", "Previous field";
        NextChoice => "next_choice", "下一个选项", "Next option";
        PrevChoice => "prev_choice", "上一个选项", "Previous option";
        Save => "save", "保存", "Save";
        PickMatch => "pick_match", "选用匹配的老来访人", "Use the matching returning visitor";
        NextMatch => "next_match", "下一位匹配", "Next match";
        PrevMatch => "prev_match", "上一位匹配", "Previous match";
        Reveal => "reveal", "显示完整电话和身份证号(记入审计日志)", "Show phone and ID number in full (audited)";
        AddService => "add_service", "转介时新增目录中没有的服务(本站添加)", "Route: add a service the directory lacks";
        // lists and overlays
        Up => "up", "上移", "Up";
        Down => "down", "下移", "Down";
        PageUp => "page_up", "上一页", "Page up";
        PageDown => "page_down", "下一页", "Page down";
        Open => "open", "打开 / 选定", "Open or choose";
        Search => "search", "在列表中搜索", "Search the list";
        Back => "back", "返回 / 取消", "Back or cancel";
        Edit => "edit", "更正此记录(须写原因)", "Correct this record (with a reason)";
        // confirm questions
        Yes => "yes", "是(确认)", "Yes";
        No => "no", "否", "No";
        // referrals
        Route => "route", "转介(为选中的来访)", "Route (refer the chosen visit)";
        AcceptReferral => "accept_referral", "受理", "Accept referral";
        DeclineReferral => "decline_referral", "退回(从列表选理由,可加说明)", "Decline (a reason from the list, a note)";
        StartReferral => "start_referral", "开始办理", "Start work";
        CloseReferral => "close_referral", "办结(填写结果)", "Close with outcome";
        ReopenReferral => "reopen_referral", "重新打开", "Reopen";
        TransferReferral => "transfer_referral", "转交 / 接受转交", "Hand over, or answer a handover";
        PrintSlip => "print_slip", "打印转介单(DOCX,也在转介后按)", "Referral slip (DOCX; also after routing)";
        FilterMine => "filter_mine", "只看我的", "Only mine";
        FilterOverdue => "filter_overdue", "只看逾期", "Only overdue";
        FilterKind => "filter_kind", "按服务类别筛选", "Filter by kind";
        FilterStatus => "filter_status", "按状态筛选", "Filter by status";
        // job openings
        ReferJob => "refer_job", "为当前来访人推荐此岗位", "Refer the current visitor to this opening";
        MarkPlaced => "mark_placed", "标记当前来访人已在此岗位就业", "Mark the current visitor placed here";
        MatchVisitor => "match_visitor", "按来访人意愿排序岗位(再按一次取消)", "Rank openings by the visitor's wish (again: plain list)";
        PickDistrict => "pick_district", "选择区域(列出岗位中现有的区域)", "Pick a district from those the openings name";
        // daily log
        WriteEntry => "write_entry", "写一条记录(电话/事件/备注/待办)", "Write an entry (call, incident, note, to-do)";
        Review => "review", "交班审核(汇总、对账、签结)", "End-of-shift review (totals, reconcile, sign off)";
        PrevDay => "prev_day", "前一班(只读)", "Previous shift (read-only)";
        NextDay => "next_day", "后一班 / 回到本班", "Next shift, or back to this shift";
        AddMember => "add_member", "加入本班人员(志愿者、驻站人员)", "Add someone to the shift (volunteer, sit-in)";
        Acknowledge => "acknowledge", "确认已阅交班", "Acknowledge the handover";
        TodoDone => "todo_done", "选中的待办已办", "Mark the chosen to-do done";
        Addendum => "addendum", "为已签结班次写补记", "Write an addendum to a signed-off shift";
        SetDisposition => "set_disposition", "填写处置结果", "Record what became of the visit";
        SignOff => "sign_off", "签结交班(封存本班记录)", "Sign off and hand over (seals the shift)";
        ExportReport => "export_report", "导出今日报表(xlsx)", "Export today's report (xlsx)";
        ExportLedger => "export_ledger", "导出本月台账(xlsx,号码打码)", "Export this month's ledger (xlsx, masked)";
    }
);
