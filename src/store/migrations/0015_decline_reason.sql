-- Declining a referral names why from a list (issue 19), as closing names an outcome:
-- not_in_scope 不属受理范围, incomplete 材料不全, referred_elsewhere 已转其他渠道,
-- withdrew 来访人撤回, other 其他. decline_reason keeps the officer's note beside it.
-- Declines recorded before this version have only the note (decline_code NULL).
ALTER TABLE referral ADD COLUMN decline_code TEXT
    CHECK (decline_code IS NULL
        OR decline_code IN ('not_in_scope', 'incomplete', 'referred_elsewhere', 'withdrew', 'other'));
