//! `dutydesk gen`: realistic synthetic data for benchmarks, deterministic for a seed.
//! Names follow real surname frequencies; ID numbers and mobiles are valid; visits spread
//! over five years with a weekday shape and more wage arrears before the Spring Festival.

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Utc, Weekday};

use crate::domain::id_number::check_char;
use crate::domain::labels::Labeled;
use crate::domain::lists::{Category, Channel, Occupation, Urgency};

/// xorshift64*: tiny, fast and reproducible; not for anything secret.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }
    /// Picks by weight (weights in the second element).
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| *w).sum();
        let mut r = self.below(u64::from(total)) as u32;
        for (item, w) in items {
            if r < *w {
                return item;
            }
            r -= w;
        }
        &items[0].0
    }
}

/// The commonest surnames with their approximate shares (per mille).
const SURNAMES: &[(&str, u32)] = &[
    ("王", 72),
    ("李", 72),
    ("张", 68),
    ("刘", 53),
    ("陈", 45),
    ("杨", 31),
    ("赵", 23),
    ("黄", 22),
    ("周", 21),
    ("吴", 20),
    ("徐", 16),
    ("孙", 15),
    ("胡", 13),
    ("朱", 12),
    ("高", 12),
    ("林", 11),
    ("何", 11),
    ("郭", 11),
    ("马", 10),
    ("罗", 9),
    ("梁", 8),
    ("宋", 7),
    ("郑", 7),
    ("谢", 6),
    ("韩", 6),
    ("唐", 6),
    ("冯", 6),
    ("于", 5),
    ("董", 5),
    ("萧", 5),
    ("程", 5),
    ("曹", 5),
    ("袁", 4),
    ("邓", 4),
    ("许", 4),
    ("傅", 4),
    ("沈", 4),
    ("曾", 4),
    ("彭", 4),
    ("吕", 4),
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
    "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "建国", "志强", "海燕", "小红",
    "文", "斌", "玉兰", "春梅", "国庆", "德胜", "红梅", "晓东", "小军", "金凤", "长江", "兴旺",
    "行", "乐",
];
const MOBILE_PREFIXES: &[&str] = &[
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153",
    "155", "156", "157", "158", "159", "166", "176", "177", "180", "181", "185", "186", "187",
    "188", "189", "199",
];
const REGIONS: &[&str] = &[
    "330102", "330106", "330782", "341203", "341221", "411623", "430511", "362301", "510108",
    "522401", "371302", "320311", "450102", "421182", "130104",
];
const EMPLOYERS: &[&str] = &[
    "城西建筑公司",
    "恒通建设",
    "宏达制衣厂",
    "顺风快递城西网点",
    "美团城西站",
    "城西环卫所",
    "爱家家政",
    "城西物流园",
    "城西机械厂",
    "城西超市",
    "饿了么城东站",
    "滴滴出行",
    "永兴电子厂",
    "华联商厦",
    "城南保安服务公司",
    "鑫源食品厂",
];
const HOMETOWNS: &[&str] = &[
    "安徽阜阳",
    "河南周口",
    "湖南邵阳",
    "江西上饶",
    "四川南充",
    "贵州毕节",
    "本地",
    "山东临沂",
];
const SUMMARIES: &[&str] = &[
    "工地拖欠工资,包工头失联,要求帮助追讨。",
    "入职半年未签劳动合同,询问如何维权。",
    "送餐途中摔倒,平台要求赔偿餐品损失。",
    "家庭困难,孩子上学费用有困难,咨询助学政策。",
    "农闲想找包吃住的临时工作。",
    "工作中受伤,企业不肯申报工伤。",
    "咨询医保异地报销与社保补缴。",
    "希望加入工会,了解会员服务。",
];

pub struct GenVisitor {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub id_number: Option<String>,
    pub gender: &'static str,
    pub birth_date: Option<String>,
    pub employer: &'static str,
    pub occupation: &'static str,
    pub hometown: &'static str,
}

pub struct GenVisit {
    pub visitor: usize,
    pub channel: &'static str,
    pub category: &'static str,
    pub urgency: &'static str,
    pub summary: &'static str,
    pub headcount: Option<i64>,
    pub amount_owed_fen: Option<i64>,
    pub visited_at: DateTime<Utc>,
}

fn name(rng: &mut Rng) -> String {
    let mut s = (*rng.weighted(SURNAMES)).to_string();
    s.push_str(rng.pick(GIVEN));
    if rng.below(3) == 0 {
        s.push_str(rng.pick(GIVEN));
    }
    s
}

pub fn visitor(rng: &mut Rng, n: usize) -> GenVisitor {
    let phone = format!(
        "+86{}{:08}",
        rng.pick(MOBILE_PREFIXES),
        rng.below(100_000_000)
    );
    let (id_number, gender, birth) = if rng.below(10) < 6 {
        let birth = NaiveDate::from_ymd_opt(1960, 1, 1).unwrap()
            + Duration::days(rng.below(45 * 365) as i64);
        let seq = rng.below(1000);
        let first17 = format!("{}{}{:03}", rng.pick(REGIONS), birth.format("%Y%m%d"), seq);
        let id = format!("{first17}{}", check_char(&first17));
        let gender = if seq % 2 == 1 { "male" } else { "female" };
        (Some(id), gender, Some(birth.to_string()))
    } else {
        (None, "unknown", None)
    };
    let occupation =
        Occupation::ALL[1 + rng.below(Occupation::ALL.len() as u64 - 1) as usize].code();
    GenVisitor {
        id: format!("gen-visitor-{n:08}"),
        name: name(rng),
        phone,
        id_number,
        gender,
        birth_date: birth,
        employer: rng.pick(EMPLOYERS),
        occupation,
        hometown: rng.pick(HOMETOWNS),
    }
}

/// A visit on a day within the five years before `end`, shaped by weekday and season.
pub fn visit(rng: &mut Rng, visitors: usize, end: DateTime<Utc>) -> GenVisit {
    let day = loop {
        let d = end - Duration::days(rng.below(5 * 365) as i64);
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend || rng.below(4) == 0 {
            break d;
        }
    };
    let before_spring_festival = matches!(day.month(), 1 | 12);
    let category = if before_spring_festival && rng.below(3) == 0 {
        Category::WageArrears
    } else {
        Category::ALL[rng.below(Category::ALL.len() as u64) as usize]
    };
    let group = category == Category::WageArrears && rng.below(3) == 0;
    let local_minutes = 8 * 60 + rng.below(9 * 60) as i64;
    let midnight_utc =
        Utc.from_utc_datetime(&day.date_naive().and_hms_opt(0, 0, 0).unwrap()) - Duration::hours(8);
    GenVisit {
        visitor: rng.below(visitors as u64) as usize,
        channel: Channel::ALL[rng.below(Channel::ALL.len() as u64) as usize].code(),
        category: category.code(),
        urgency: if rng.below(8) == 0 {
            Urgency::Urgent.code()
        } else {
            Urgency::Normal.code()
        },
        summary: rng.pick(SUMMARIES),
        headcount: group.then(|| 2 + rng.below(30) as i64),
        amount_owed_fen: (category == Category::WageArrears)
            .then(|| (1 + rng.below(200)) as i64 * 100_000),
        visited_at: midnight_utc + Duration::minutes(local_minutes),
    }
}
