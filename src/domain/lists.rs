//! The closed lists an intake is recorded with. Codes are what the database stores and
//! what a county merge compares; never change a code, only add.

use crate::labeled_enum;

labeled_enum!(
    /// How the visitor reached the desk.
    Channel {
        WalkIn => "walk_in", "来访", "Walk-in";
        Phone => "phone", "来电", "Phone";
        Online => "online", "网上", "Online";
        Outreach => "outreach", "走访", "Outreach";
    }
);

labeled_enum!(
    /// What the visitor asks about (DOMAIN.md's list).
    Category {
        WageArrears => "wage_arrears", "欠薪", "Wage arrears";
        Contract => "contract", "劳动合同", "Labour contract";
        Injury => "injury", "工伤", "Work injury";
        Hardship => "hardship", "困难帮扶", "Hardship aid";
        JobSeeking => "job_seeking", "求职", "Job seeking";
        Legal => "legal", "法律咨询", "Legal advice";
        MedicalAid => "medical_aid", "医疗互助", "Medical mutual aid";
        Education => "education", "助学", "Education aid";
        Insurance => "insurance", "社保医保", "Social/medical insurance";
        JoinUnion => "join_union", "入会", "Joining the union";
        WomenWorkers => "women_workers", "女职工", "Women workers";
        Other => "other", "其他", "Other";
    }
);

labeled_enum!(
    Urgency {
        Normal => "normal", "普通", "Normal";
        Urgent => "urgent", "紧急", "Urgent";
    }
);

labeled_enum!(
    Gender {
        Unknown => "unknown", "未填", "Not given";
        Male => "male", "男", "Male";
        Female => "female", "女", "Female";
    }
);

labeled_enum!(
    Membership {
        Unknown => "unknown", "未填", "Not given";
        Member => "member", "会员", "Member";
        NonMember => "non_member", "非会员", "Not a member";
        WantsToJoin => "wants_to_join", "希望入会", "Wants to join";
    }
);

labeled_enum!(
    /// The visitor's line of work; "other" plus the free-text note covers the rest.
    Occupation {
        Unknown => "unknown", "未填", "Not given";
        Courier => "courier", "快递员", "Courier";
        Rider => "rider", "外卖骑手", "Delivery rider";
        RideHail => "ride_hail", "网约车司机", "Ride-hail driver";
        Sanitation => "sanitation", "环卫工人", "Sanitation worker";
        Construction => "construction", "建筑工人", "Construction worker";
        Manufacturing => "manufacturing", "制造业工人", "Factory worker";
        Domestic => "domestic", "家政服务员", "Domestic worker";
        Security => "security", "保安", "Security guard";
        Catering => "catering", "餐饮服务员", "Catering worker";
        Retail => "retail", "商超营业员", "Retail worker";
        Driver => "driver", "货车司机", "Truck driver";
        Other => "other", "其他", "Other";
    }
);

labeled_enum!(
    /// An officer's role at the desk.
    Role {
        Cadre => "cadre", "工会干部", "Union cadre";
        SocialWorker => "social_worker", "社工", "Social worker";
        Deputy => "deputy", "人大代表", "People's deputy";
        Volunteer => "volunteer", "志愿者", "Volunteer";
    }
);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::labels::Labeled;

    #[test]
    fn loose_parse_accepts_code_and_both_labels() {
        assert_eq!(Category::parse_loose("欠薪"), Some(Category::WageArrears));
        assert_eq!(
            Category::parse_loose("wage_arrears"),
            Some(Category::WageArrears)
        );
        assert_eq!(
            Category::parse_loose("Wage arrears"),
            Some(Category::WageArrears)
        );
        assert_eq!(Channel::parse_loose("来电"), Some(Channel::Phone));
        assert_eq!(Channel::parse_loose("传真"), None);
    }

    #[test]
    fn codes_are_unique_per_list() {
        fn unique<T: Labeled>() {
            let mut codes: Vec<_> = T::ALL.iter().map(|v| v.code()).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), T::ALL.len());
        }
        unique::<Channel>();
        unique::<Category>();
        unique::<Occupation>();
        unique::<Membership>();
        unique::<Role>();
    }
}
