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
    /// A place in a list of `len`.
    pub fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).expect("below a usize")
    }
    /// A number below `n`, signed.
    pub fn below_i64(&mut self, n: u64) -> i64 {
        i64::try_from(self.below(n)).expect("n is below 2^63")
    }
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.index(items.len())]
    }
    /// Picks by weight (weights in the second element).
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u32 = items.iter().map(|(_, w)| *w).sum();
        let mut r = u32::try_from(self.below(u64::from(total))).expect("below a u32");
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
        let birth =
            NaiveDate::from_ymd_opt(1960, 1, 1).unwrap() + Duration::days(rng.below_i64(45 * 365));
        let seq = rng.below(1000);
        let first17 = format!("{}{}{:03}", rng.pick(REGIONS), birth.format("%Y%m%d"), seq);
        let id = format!("{first17}{}", check_char(&first17));
        let gender = if seq % 2 == 1 { "male" } else { "female" };
        (Some(id), gender, Some(birth.to_string()))
    } else {
        (None, "unknown", None)
    };
    let occupation = Occupation::ALL[1 + rng.index(Occupation::ALL.len() - 1)].code();
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
        let d = end - Duration::days(rng.below_i64(5 * 365));
        let weekend = matches!(d.weekday(), Weekday::Sat | Weekday::Sun);
        if !weekend || rng.below(4) == 0 {
            break d;
        }
    };
    let before_spring_festival = matches!(day.month(), 1 | 12);
    let category = if before_spring_festival && rng.below(3) == 0 {
        Category::WageArrears
    } else {
        Category::ALL[rng.index(Category::ALL.len())]
    };
    let group = category == Category::WageArrears && rng.below(3) == 0;
    let local_minutes = 8 * 60 + rng.below_i64(9 * 60);
    let midnight_utc =
        Utc.from_utc_datetime(&day.date_naive().and_hms_opt(0, 0, 0).unwrap()) - Duration::hours(8);
    GenVisit {
        visitor: rng.index(visitors),
        channel: Channel::ALL[rng.index(Channel::ALL.len())].code(),
        category: category.code(),
        urgency: if rng.below(8) == 0 {
            Urgency::Urgent.code()
        } else {
            Urgency::Normal.code()
        },
        summary: rng.pick(SUMMARIES),
        headcount: group.then(|| 2 + rng.below_i64(30)),
        amount_owed_fen: (category == Category::WageArrears)
            .then(|| (1 + rng.below_i64(200)) * 100_000),
        visited_at: midnight_utc + Duration::minutes(local_minutes),
    }
}

/// Job titles with a typical wage range (yuan) and unit, across the occupations visitors
/// have: factory, logistics, delivery, building, catering, care, retail, farm work.
const JOB_TITLES: &[(&str, u32, u32, &str, &str)] = &[
    ("普工", 4200, 5800, "month", "full_time"),
    ("包装工", 3800, 5000, "month", "full_time"),
    ("质检员", 4500, 6000, "month", "full_time"),
    ("数控车工", 6000, 9000, "month", "full_time"),
    ("电焊工", 6500, 9500, "month", "full_time"),
    ("叉车司机", 5500, 7500, "month", "full_time"),
    ("仓库管理员", 4500, 6000, "month", "full_time"),
    ("分拣员", 180, 240, "day", "temporary"),
    ("装卸工", 200, 300, "day", "gig"),
    ("快递员", 6000, 9000, "month", "full_time"),
    ("外卖骑手", 6000, 10000, "month", "part_time"),
    ("货车司机", 7000, 10000, "month", "full_time"),
    ("保洁员", 3000, 3800, "month", "full_time"),
    ("保安", 3800, 4800, "month", "full_time"),
    ("餐厅服务员", 3800, 4800, "month", "full_time"),
    ("厨师", 6000, 9000, "month", "full_time"),
    ("洗碗工", 3200, 4000, "month", "full_time"),
    ("收银员", 3800, 4600, "month", "full_time"),
    ("促销员", 25, 35, "hour", "part_time"),
    ("育婴员", 6000, 9000, "month", "full_time"),
    ("养老护理员", 5000, 7000, "month", "full_time"),
    ("家政保洁", 40, 50, "hour", "gig"),
    ("钢筋工", 300, 400, "day", "temporary"),
    ("木工", 320, 420, "day", "temporary"),
    ("水电工", 300, 380, "day", "temporary"),
    ("电工", 6000, 8000, "month", "full_time"),
    ("汽车维修工", 6000, 9000, "month", "full_time"),
    ("绿化工", 3200, 3800, "month", "full_time"),
    ("采茶工", 150, 220, "day", "temporary"),
    ("缝纫工", 5000, 8000, "month", "full_time"),
    ("电子装配工", 4800, 6000, "month", "full_time"),
    ("注塑工", 5000, 6500, "month", "full_time"),
    ("客服专员", 4000, 5500, "month", "full_time"),
    ("网约车司机", 7000, 11000, "month", "part_time"),
    ("银行柜员", 5000, 7000, "month", "full_time"),
    ("长途货车司机", 8000, 12000, "month", "full_time"),
];

const JOB_EMPLOYER_HEADS: &[&str] = &[
    "城西", "恒通", "华达", "长城", "永安", "新兴", "顺达", "宏远", "安达", "百佳", "金盛", "鑫源",
    "盛世", "龙腾", "东方", "南洋", "北辰", "中联", "汇通", "天成", "行知", "长安",
];
const JOB_EMPLOYER_TAILS: &[&str] = &[
    "机械厂",
    "食品厂",
    "制衣厂",
    "物流有限公司",
    "电子科技有限公司",
    "建设集团",
    "物业管理公司",
    "餐饮管理有限公司",
    "家政服务中心",
    "超市",
    "汽修厂",
    "快递网点",
    "塑业有限公司",
    "养老院",
    "茶园合作社",
    "货运公司",
    "保安服务公司",
    "酒楼",
    "五金厂",
    "纺织厂",
];
const JOB_DISTRICTS: &[&str] = &[
    "城西区",
    "城东区",
    "城北区",
    "城南区",
    "长安区",
    "开发区",
    "西湖镇",
    "行政中心区",
    "高新区",
    "临江镇",
    "东湖街道",
    "北山街道",
];
const JOB_BENEFITS: &[u8] = &[0, 1, 2, 3, 3, 3, 4, 5, 7, 7];

/// One generated opening: (title, employer, district, wage min, wage max, unit, type,
/// benefit bits, open?).
pub struct GenJob {
    pub title: &'static str,
    pub employer: String,
    pub district: &'static str,
    pub wage_min: i64,
    pub wage_max: i64,
    pub unit: &'static str,
    pub employment_type: &'static str,
    pub benefits: u8,
    pub open: bool,
    pub posted_days_ago: i64,
}

pub fn job(rng: &mut Rng) -> GenJob {
    let (title, lo, hi, unit, etype) = rng.pick(JOB_TITLES);
    let span = u64::from(hi - lo).max(1);
    let a = i64::from(lo) + rng.below_i64(span);
    let b = (a + rng.below_i64(span / 2 + 1)).min(i64::from(hi));
    GenJob {
        title,
        employer: format!(
            "{}{}",
            rng.pick(JOB_EMPLOYER_HEADS),
            rng.pick(JOB_EMPLOYER_TAILS)
        ),
        district: rng.pick(JOB_DISTRICTS),
        wage_min: a,
        wage_max: b,
        unit,
        employment_type: etype,
        benefits: rng.pick(JOB_BENEFITS),
        open: rng.below(10) < 8,
        posted_days_ago: rng.below_i64(365),
    }
}
