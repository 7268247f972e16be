//! The command line in the officer's language: `--help` and every argument error in
//! Chinese by default, English with `--lang en` or an English `LANG`. clap's own words
//! (its headings, its errors) are replaced here; the English texts stay in the argument
//! types' doc comments (src/cli.rs).

use std::error::Error as _;

use clap::error::{ContextKind, ContextValue, ErrorKind};

use crate::i18n::Lang;

/// The language of the command line, before clap has parsed anything: `--lang X` or
/// `--lang=X` among the arguments, else the environment's locale, else Chinese.
pub fn lang_of(args: &[std::ffi::OsString]) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    for (i, a) in args.iter().enumerate() {
        let value = match a.strip_prefix("--lang=") {
            Some(v) => Some(v.to_string()),
            None if a == "--lang" => args.get(i + 1).cloned(),
            None => None,
        };
        if let Some(l) = value.and_then(|v| Lang::parse(&v)) {
            return l;
        }
    }
    env_lang()
}

/// The locale's language: English when `LC_ALL`, `LC_MESSAGES` or `LANG` says `en…`.
pub fn env_lang() -> Lang {
    let locale = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default();
    if locale.to_ascii_lowercase().starts_with("en") {
        Lang::En
    } else {
        Lang::Zh
    }
}

/// `--lang`'s default: what the locale says.
pub fn default_lang() -> &'static str {
    match env_lang() {
        Lang::Zh => "zh",
        Lang::En => "en",
    }
}

/// Chinese help for each argument, by (subcommand path, argument id).
const ARG_HELP: &[(&str, &str, &str)] = &[
    ("", "db", "数据库文件 [默认:数据目录中的 dutydesk.sqlite3]"),
    ("", "lang", "界面语言:zh(中文,默认)或 en(英文)"),
    (
        "",
        "keymap",
        "按键配置文件,覆盖默认按键 [默认:配置目录中的 keymap.toml,如有]",
    ),
    (
        "",
        "config",
        "办结时限规则和节假日年份 [默认:配置目录中的 config.toml,如有]",
    ),
    (
        "",
        "demo",
        "打开一个新的演示数据库(演示站点,样例来访日期为今天)",
    ),
    (
        "import visits",
        "file",
        "台账CSV文件;列见 README.md(Ledger columns)",
    ),
    ("import visits", "station", "站点名称(数据库还没有站点时)"),
    (
        "import visits",
        "officer",
        "没有“接待人”列的行记为此值班人员(不在名册则加入)",
    ),
    ("import jobs", "file", "CSV、.json 或 .jsonld 文件"),
    (
        "import directory",
        "path",
        "CSV文件、HSDS文件夹或 .json 文件",
    ),
    ("backup", "file", "备份写到哪里(不会覆盖已有文件)"),
    ("referrals list", "overdue", "只列逾期的"),
    ("referrals list", "mine", "只列此值班人员承办或待接收的"),
    (
        "referrals list",
        "all",
        "全部转介,含已办结和已退回(按最近变动排列)",
    ),
    (
        "referrals list",
        "format",
        "输出格式:table(对齐的表格)、csv(带BOM,Excel/WPS可读)、json",
    ),
    (
        "referrals transfer",
        "referral",
        "转介编号(referrals list --format json 中的 id),或其开头几位",
    ),
    (
        "referrals transfer",
        "to",
        "接收站点的名称(与在汇总库加入时相同)",
    ),
    (
        "referrals transfer",
        "consent",
        "来访人同意把其信息转给该站点",
    ),
    ("referrals transfer", "note", "给接收站点的说明"),
    (
        "referrals transfer",
        "officer",
        "由谁发起 [默认:本值班台的当班人员]",
    ),
    ("referrals transfer", "format", "输出格式:table、csv、json"),
    ("referrals incoming", "all", "已答复的也列出"),
    ("referrals incoming", "format", "输出格式:table、csv、json"),
    (
        "referrals accept",
        "id",
        "请求编号(referrals incoming 中可查)",
    ),
    (
        "referrals accept",
        "service",
        "本站的服务编号 [默认:请求所指的县级目录服务]",
    ),
    (
        "referrals accept",
        "officer",
        "由谁接收 [默认:本值班台的当班人员]",
    ),
    ("referrals accept", "format", "输出格式:table、csv、json"),
    (
        "referrals refuse",
        "id",
        "请求编号(referrals incoming 中可查)",
    ),
    ("referrals refuse", "reason", "拒绝的理由(会送回请求方)"),
    (
        "referrals refuse",
        "officer",
        "由谁拒绝 [默认:本值班台的当班人员]",
    ),
    ("referrals refuse", "format", "输出格式:table、csv、json"),
    ("directory list", "format", "输出格式:table、csv、json"),
    (
        "jobs search",
        "query",
        "要找的内容,如 快递、kdy、\"包吃 普工\"",
    ),
    ("jobs search", "limit", "最多列出几个岗位(最匹配的在前)"),
    ("jobs search", "all", "已招满和已过期的岗位也列出"),
    ("jobs search", "format", "输出格式:table、csv、json"),
    (
        "report",
        "date",
        "某一天:today、yesterday 或 YYYY-MM-DD [默认:今天]",
    ),
    (
        "report",
        "from",
        "期间第一天(today、yesterday 或 YYYY-MM-DD)",
    ),
    ("report", "to", "期间最后一天(含)"),
    (
        "report",
        "format",
        "格式:md(Markdown)、csv(带BOM)、xlsx(Excel工作簿)、json(数据,供脚本读取)",
    ),
    (
        "report",
        "output",
        "写入此文件 [默认:打印到屏幕;xlsx 必须指定文件]",
    ),
    (
        "report",
        "unmasked",
        "显示完整电话号码(此次导出记入审计日志)",
    ),
    (
        "report",
        "force",
        "文件已存在时替换它(数据库及其附属文件、非普通文件永远不会被替换)",
    ),
    (
        "export visits",
        "from",
        "第一天(today、yesterday 或 YYYY-MM-DD)[默认:--to 所在月的1日]",
    ),
    ("export visits", "to", "最后一天(含)[默认:今天]"),
    (
        "export visits",
        "format",
        "csv(带BOM,可再导入)或 xlsx(Excel工作簿)[默认:FILE 以 .xlsx 结尾则 xlsx,否则 csv]",
    ),
    ("export visits", "output", "写入此文件"),
    (
        "export visits",
        "unmasked",
        "显示完整电话和身份证号(先记入审计日志,记不进则不写文件)",
    ),
    (
        "export visits",
        "force",
        "文件已存在时替换它(数据库及其附属文件、非普通文件永远不会被替换)",
    ),
    (
        "import jobs",
        "skip_bad",
        "跳过有问题的记录,导入其余的;逐条列出跳过的位置和原因,有跳过时以非零状态退出",
    ),
    (
        "import directory",
        "skip_bad",
        "跳过有问题的记录,导入其余的;逐条列出跳过的位置和原因,有跳过时以非零状态退出",
    ),
    (
        "hub init",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub init",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    (
        "hub enroll",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub enroll",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    (
        "hub check",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub check",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    (
        "hub import directory",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub import directory",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    (
        "hub report",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub report",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    ("hub enroll", "station", "站点名称(县级报表中显示的名称)"),
    (
        "hub enroll",
        "output",
        "写入的加入文件(0600,不覆盖已有文件);交给值班台 dutydesk sync --join FILE",
    ),
    (
        "hub import directory",
        "path",
        "CSV文件、HSDS文件夹或 .json 文件",
    ),
    (
        "hub import jobs",
        "url",
        "县级汇总库:libpq 连接串(postgresql://… 或 \"host=… dbname=…\"),也可用 DUTYDESK_HUB",
    ),
    (
        "hub import jobs",
        "ca",
        "汇总库的CA证书(PEM):用TLS连接并核验服务器证书",
    ),
    (
        "hub import jobs",
        "file",
        "岗位文件:CSV、.json 或 .jsonld(格式同 import jobs)",
    ),
    (
        "hub report",
        "force",
        "文件已存在时覆盖(不会覆盖链接、设备或文件夹)",
    ),
    ("elsewhere", "id_number", "此人的身份证号(只以加密哈希发送)"),
    ("elsewhere", "phone", "此人的电话(只以加密哈希发送)"),
    ("hub report", "from", "期间第一天(YYYY-MM-DD)"),
    ("hub report", "to", "期间最后一天(含)"),
    ("hub report", "station", "只看此站点"),
    (
        "hub report",
        "format",
        "格式:md、csv、xlsx(须用 -o 指定文件)或 json",
    ),
    (
        "hub report",
        "output",
        "写入此文件 [默认:打印到屏幕;xlsx 必须指定文件]",
    ),
    ("hub report", "stale_days", "列出超过这么多天没有同步的站点"),
    (
        "slip",
        "referral",
        "转介编号(referrals list --format json 中的 id),或其开头几位",
    ),
    ("slip", "output", "写入的 DOCX 文件"),
    (
        "slip",
        "force",
        "文件已存在时替换它(数据库及其附属文件、非普通文件永远不会被替换)",
    ),
    (
        "sync",
        "join",
        "用站点的加入文件接入县级汇总库(每个数据库文件一次)",
    ),
    (
        "sync",
        "reenroll",
        "此文件是从备份恢复的:开始新的纪元,重新发送全部记录",
    ),
    (
        "sync",
        "verify",
        "不发送:逐表比对与汇总库副本的行数和校验和(有差异则退出码为1)",
    ),
];

/// Chinese about-lines of the subcommands, by path.
const COMMAND_HELP: &[(&str, &str)] = &[
    ("import", "从文件导入记录"),
    (
        "import visits",
        "导入来访台账CSV(UTF-8、带BOM或GBK);全部导入或全不导入",
    ),
    (
        "import jobs",
        "导入招聘岗位:本程序的CSV(UTF-8或GBK)或 schema.org JobPosting JSON-LD;全部或全不;再次导入按编号更新",
    ),
    (
        "import directory",
        "导入服务目录:本程序的CSV、HSDS表格数据包(含 services.csv 的文件夹)或 HSDS 3.0 JSON",
    ),
    (
        "backup",
        "在其他值班台继续工作时做一份一致的备份(不会覆盖已有文件)",
    ),
    (
        "check",
        "检查数据库:完整性、结构版本、记录间的关联、封存与审计链",
    ),
    ("referrals", "转介及其办结时限"),
    (
        "referrals list",
        "未办结的转介:逾期的在前(逾期最久的最前),再按到期日",
    ),
    (
        "referrals transfer",
        "请另一个站点接手一条未办结的转介(经县级汇总库,下次同步送出;须来访人同意)",
    ),
    (
        "referrals incoming",
        "其他站点请本站接手的转介(每次同步时收到)",
    ),
    ("referrals accept", "接手:为来访人建立本站自己的转介"),
    ("referrals refuse", "拒绝并写明理由(请求方的转介保持未办结)"),
    ("directory", "转介所用的服务目录"),
    ("directory list", "列出所有服务,正常的在前"),
    ("jobs", "招聘岗位"),
    (
        "jobs search",
        "与岗位查询(F4)相同的匹配,无界面运行:中文、全拼或首字母",
    ),
    ("report", "站点上报的汇总(汇总报送):某一天或一段时间"),
    ("export", "把记录写成文件:来访台账(CSV或XLSX)"),
    (
        "export visits",
        "来访台账:每次来访一行,列与 import visits 相同(可再导入),另附处置和转介情况;电话和身份证号默认打码",
    ),
    (
        "hub",
        "县级汇总库(PostgreSQL):建库、站点加入、发布参考数据、县级报表",
    ),
    (
        "hub init",
        "在PostgreSQL(15以上)中建立或升级汇总库结构(以库的所有者运行)",
    ),
    (
        "hub enroll",
        "为站点建立汇总库登录,连同县级密钥写入加入文件(0600)",
    ),
    (
        "hub check",
        "核对各站在汇总库的封存:发送后被改动的封存记录、封存链的断点;有问题时退出码非零",
    ),
    ("hub import", "向所有值班台发布参考数据(下次同步时收到)"),
    (
        "hub import jobs",
        "县级招聘岗位:各值班台下次同步时收到,只读,与本站岗位一同查询",
    ),
    (
        "hub import directory",
        "县级服务目录:本程序的CSV、HSDS数据包或 HSDS 3.0 JSON",
    ),
    (
        "hub report",
        "由各站已同步的记录生成某期间的县级报表(或某一站点的)",
    ),
    ("sync", "与县级汇总库同步:发送本站的新改动,接收县级参考数据"),
    (
        "elsewhere",
        "此人是否在其他站点来访过?向县级汇总库查询(只有次数和类别)",
    ),
    (
        "slip",
        "打印转介单:来访人带往接收单位的一页A4 DOCX(Word、WPS可打开),含回执",
    ),
];

const TEMPLATE_ZH: &str = "\
{before-help}{about-with-newline}
用法: {usage}

{all-args}{after-help}";

/// The command with Chinese help, headings and about-lines.
pub fn localize(cmd: clap::Command) -> clap::Command {
    let cmd = cmd
        .about("职工服务站值班台:来访登记、转介办理、岗位查询、值班日志,数据存在本机SQLite文件中")
        .long_about(
            "职工服务站值班台:来访登记、转介办理、岗位查询、值班日志,数据存在本机SQLite文件中。\n\n\
             不带命令运行即打开值班台。第一次运行会询问站点名称和值班人员。进入后按 F1 查看所有按键。",
        )
        .after_help(
            "示例:\n  dutydesk --demo                      在演示数据库上试用\n  \
             dutydesk --db /srv/desk/station.db    打开站点的数据库\n  \
             dutydesk import visits 台账.csv       导入已有台账(UTF-8或GBK)\n  \
             dutydesk export visits -o 台账.xlsx   导出本月台账(号码打码)\n  \
             dutydesk --lang en --help             English help",
        );
    localize_in(cmd, "")
}

fn localize_in(mut cmd: clap::Command, path: &str) -> clap::Command {
    cmd = cmd
        .help_template(TEMPLATE_ZH)
        .next_help_heading("选项")
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令")
        .disable_help_flag(true)
        .arg(
            clap::Arg::new("help")
                .short('h')
                .long("help")
                .action(clap::ArgAction::Help)
                .help("显示帮助")
                .global(path.is_empty()),
        );
    if path.is_empty() {
        cmd = cmd.disable_version_flag(true).arg(
            clap::Arg::new("version")
                .short('V')
                .long("version")
                .action(clap::ArgAction::Version)
                .help("显示版本"),
        );
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let heading = if positional { "参数" } else { "选项" };
        cmd = cmd.mut_arg(id, |a| a.help_heading(heading));
    }
    for (p, id, zh) in ARG_HELP {
        if *p == path && cmd.get_arguments().any(|a| a.get_id() == *id) {
            cmd = cmd.mut_arg(*id, |a| a.help(*zh).long_help(None::<&str>));
        }
    }
    let names: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        let sub_path = if path.is_empty() {
            name.clone()
        } else {
            format!("{path} {name}")
        };
        cmd = cmd.mut_subcommand(&name, |s| {
            let s = match COMMAND_HELP.iter().find(|(p, _)| *p == sub_path) {
                Some((_, about)) => s.about(*about).long_about(None::<&str>),
                None => s,
            };
            localize_in(s, &sub_path)
        });
    }
    cmd.disable_help_subcommand(true)
}

/// One plain sentence for an argument error, in the officer's language, with where to
/// look next. Help and version requests are printed as clap prints them.
pub fn error_message(e: &clap::Error, lang: Lang) -> String {
    let ctx = |k: ContextKind| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join("、"),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let arg = ctx(ContextKind::InvalidArg);
    let value = ctx(ContextKind::InvalidValue);
    let valid = ctx(ContextKind::ValidValue);
    let suggested = ctx(ContextKind::SuggestedArg);
    let sub = ctx(ContextKind::InvalidSubcommand);
    let suggested_sub = ctx(ContextKind::SuggestedSubcommand);
    let zh = match e.kind() {
        ErrorKind::InvalidValue | ErrorKind::ValueValidation if !valid.is_empty() => {
            format!("{arg} 的值“{value}”无效;可以用:{valid}")
        }
        ErrorKind::InvalidValue | ErrorKind::ValueValidation => {
            // Our value parsers say it in both languages, "中文 / English".
            let why = e
                .source()
                .map(|s| {
                    let s = s.to_string();
                    format!(":{}", s.split(" / ").next().unwrap_or(&s))
                })
                .unwrap_or_default();
            format!("{arg} 的值“{value}”无效{why}")
        }
        ErrorKind::UnknownArgument if !suggested.is_empty() => {
            format!("没有 {arg} 这个参数;是不是要用 {suggested}?")
        }
        ErrorKind::UnknownArgument => format!("没有 {arg} 这个参数"),
        ErrorKind::InvalidSubcommand if !suggested_sub.is_empty() => {
            format!("没有 {sub} 这个命令;是不是要用 {suggested_sub}?")
        }
        ErrorKind::InvalidSubcommand => format!("没有 {sub} 这个命令"),
        ErrorKind::MissingRequiredArgument => format!("缺少必需的参数:{arg}"),
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "缺少命令".to_string()
        }
        ErrorKind::ArgumentConflict => {
            let other = ctx(ContextKind::PriorArg);
            format!("{arg} 不能与 {other} 同时使用")
        }
        ErrorKind::NoEquals => format!("{arg} 需要用 = 接值"),
        ErrorKind::TooManyValues | ErrorKind::WrongNumberOfValues | ErrorKind::TooFewValues => {
            format!("{arg} 的值的个数不对")
        }
        _ => format!("参数有误:{}", e.kind()),
    };
    let en = e.render().to_string();
    // "invalid value '-1' for '--limit': 中文 / English": the English half.
    let en = match en.find(" / ") {
        Some(slash) => match en[..slash].rfind(": ") {
            Some(colon) => format!("{}{}", &en[..colon + 2], &en[slash + 3..]),
            None => en,
        },
        None => en,
    };
    match lang {
        Lang::Zh => format!("{zh}\n运行 dutydesk --help 查看用法(英文:--lang en --help)"),
        Lang::En => en.trim_end().to_string(),
    }
}

/// A whole number of 1 or more (`--limit`), with a plain word for anything else — a
/// negative number included, which clap would otherwise take for an option.
pub fn positive_count(s: &str) -> Result<usize, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n >= 1 => usize::try_from(n).map_err(|e| e.to_string()),
        Ok(_) => Err("须为1或更大的整数 / must be a whole number of 1 or more".into()),
        Err(_) => Err("不是整数 / not a whole number".into()),
    }
}

/// A day as people write it on the command line: `today`, `yesterday` (今天, 昨天) or
/// `YYYY-MM-DD`, read in the station's zone.
pub fn day(s: &str) -> Result<chrono::NaiveDate, String> {
    let today = chrono::Utc::now()
        .with_timezone(&crate::app::china_zone())
        .date_naive();
    match s.trim().to_ascii_lowercase().as_str() {
        "today" | "今天" => Ok(today),
        "yesterday" | "昨天" => Ok(today.pred_opt().unwrap_or(today)),
        other => chrono::NaiveDate::parse_from_str(other, "%Y-%m-%d").map_err(|_| {
            "日期写作 today、yesterday 或 YYYY-MM-DD / a date is today, yesterday or YYYY-MM-DD"
                .to_string()
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_comes_from_the_arguments_first() {
        let args = |v: &[&str]| {
            v.iter()
                .map(Into::into)
                .collect::<Vec<std::ffi::OsString>>()
        };
        assert_eq!(
            lang_of(&args(&["dutydesk", "--lang", "en", "check"])),
            Lang::En
        );
        assert_eq!(
            lang_of(&args(&["dutydesk", "check", "--lang=zh"])),
            Lang::Zh
        );
    }

    #[test]
    fn days_and_counts_read_as_people_write_them() {
        assert!(day("today").is_ok() && day("yesterday").is_ok());
        assert_eq!(
            day("2026-11-23").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert!(day("23/11/2026").unwrap_err().contains("YYYY-MM-DD"));
        assert_eq!(positive_count("5"), Ok(5));
        assert!(positive_count("-1").unwrap_err().contains("1或更大"));
        assert!(positive_count("abc").is_err());
    }

    /// Every command and every argument a station script can type has its Chinese help:
    /// a command added without it (the English would show in a Chinese `--help`) fails here,
    /// by name.
    #[test]
    fn every_command_and_argument_has_chinese_help() {
        use clap::CommandFactory;
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            for a in cmd.get_arguments() {
                let id = a.get_id().as_str();
                let own = !a.is_global_set() || path.is_empty();
                if a.is_hide_set() || !own || id == "help" || id == "version" {
                    continue;
                }
                if !ARG_HELP.iter().any(|(p, i, _)| *p == path && *i == id) {
                    missing.push(format!("argument `{id}` of `dutydesk {path}`"));
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.is_hide_set() {
                    continue;
                }
                let sub_path = if path.is_empty() {
                    sub.get_name().to_string()
                } else {
                    format!("{path} {}", sub.get_name())
                };
                if !COMMAND_HELP.iter().any(|(p, _)| *p == sub_path) {
                    missing.push(format!("command `dutydesk {sub_path}`"));
                }
                walk(sub, &sub_path, missing);
            }
        }
        let mut missing = Vec::new();
        walk(&crate::cli::args::Cli::command(), "", &mut missing);
        assert!(
            missing.is_empty(),
            "no Chinese help for:\n{}",
            missing.join("\n")
        );
    }
}
