#!/usr/bin/env bash
# The ledger import as a whole process: makes a ROWS-row visit ledger (default 200,000;
# about 40% of rows are returning visitors, recognised by ID number; 8 officers, 3 years
# of dates) and times `dutydesk import visits` into a fresh database.
#
# Usage: bench/ledger.sh [ROWS]      (DUTYDESK=path/to/binary to time another build)
# The CSV is kept in target/bench-data/ledger-ROWS.csv (made again only if missing).
set -euo pipefail
rows=${1:-200000}
root=$(cd "$(dirname "$0")/.." && pwd)
data="$root/target/bench-data"
csv="$data/ledger-$rows.csv"
mkdir -p "$data"
if [ -z "${DUTYDESK:-}" ]; then
    (cd "$root" && cargo build --release --quiet --bin dutydesk)
    DUTYDESK="$root/target/release/dutydesk"
fi
if [ ! -s "$csv" ]; then
    awk -v n="$rows" '
    function idnum(k,    s, d, i, sum, w, c) {
        # 18 characters: region, birth date, sequence, ISO 7064 MOD 11-2 check character.
        s = sprintf("110105%04d%02d%02d%03d", 1950 + int(k / 1000) % 50, 1 + int(k / 50000) % 12, 1 + k % 28, k % 1000)
        split("7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2", w, " ")
        sum = 0
        for (i = 1; i <= 17; i++) sum += substr(s, i, 1) * w[i]
        c = substr("10X98765432", sum % 11 + 1, 1)
        return s c
    }
    BEGIN {
        split("欠薪 劳动合同 工伤 困难帮扶 求职 法律咨询 医疗互助 助学 社保医保 入会 女职工 其他", cat, " ")
        split("王 李 张 刘 陈 杨 赵 黄 周 吴 徐 孙 胡 朱 高 林", fam, " ")
        split("伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明", giv, " ")
        split("李梅 王建国 陈静 赵磊 刘洋 周敏 孙强 吴芳", off, " ")
        split("3 5 8 9", pre, " ")
        print "日期,姓名,电话,身份证号,性别,工作单位,诉求类别,涉及人数,诉求摘要,接待人"
        srand(16)
        people = 0
        for (r = 0; r < n; r++) {
            # About 40% of rows are someone already seen, by ID number.
            if (people > 0 && rand() < 0.4) k = int(rand() * people); else k = people++
            day = r * 1095 / n
            y = 2023 + int(day / 365); d = int(day % 365)
            m = 1 + int(d / 31); dd = 1 + d % 28
            name = fam[1 + k % 16] giv[1 + int(k / 16) % 16] giv[1 + int(k / 256) % 16]
            printf "%04d-%02d-%02d %02d:%02d,%s,1%d%09d,%s,%s,单位%d,%s,%d,%s,%s\n", \
                y, m, dd, 8 + r % 9, r % 60, name, pre[1 + k % 4], k, idnum(k), \
                (k % 2 ? "男" : "女"), k % 5000, cat[1 + r % 12], 1 + r % 5, \
                "第" r "行的诉求摘要，来访人反映情况并留下联系方式", off[1 + r % 8]
        }
    }' > "$csv"
fi
db=$(mktemp -d)/ledger.sqlite3
trap 'rm -rf "$(dirname "$db")"' EXIT
echo "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "$rows rows, $(du -h "$csv" | cut -f1) CSV; $DUTYDESK"
start=$(date +%s.%N)
"$DUTYDESK" --db "$db" import visits "$csv" --station 城西街道职工服务站 --officer 值班员
end=$(date +%s.%N)
awk -v s="$start" -v e="$end" 'BEGIN { printf "import visits: %.2f s\n", e - s }'
