"""Label patterns: how each row, column and section of the templates is recognised in text.

Patterns run on the compact view (NFKC, no whitespace, no quotes, see `normalize.compact`),
and use distinctive substrings (SPEC §8.5) rather than whole labels, because real labels are
abbreviated, wrapped over lines, or interrupted by the numbers of a PDF line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from verify.layout import S2_2019, S2_2021, S3_ROW_LABELS

from .normalize import compact


@dataclass(frozen=True)
class RowLabel:
    row: str
    pattern: re.Pattern[str]
    leaf: int | None = None  # the printed leaf number ("1." … "8."), which may be glued to digits
    # The label with its number ("3.其他", "(七)总计"): where printed, it is the row's label, and
    # the bare words of `pattern` before it are the column header's ("法人或其他组织", "总计"),
    # as when the header is printed again after a page break.
    numbered: re.Pattern[str] | None = None


def _p(s: str) -> re.Pattern[str]:
    return re.compile(s)


# Table 三, in printed order. `other` (2019) and the three other_* rows (2021) are both listed;
# the layout decides which are looked for.
S3_LABELS: tuple[RowLabel, ...] = (
    RowLabel("new_received", _p(r"本年新收|本年度新收")),
    RowLabel("carried_over", _p(r"上年结转|上年度结转|上一年度结转")),
    RowLabel("granted", _p(r"\(一\)予以公开|(?<!不)予以公开")),
    RowLabel("partial", _p(r"\(二\)部分公开|部分公开")),
    RowLabel("denied_state_secret", _p(r"国家秘密"), 1),
    RowLabel("denied_law_forbidden", _p(r"禁止公开|其他法律行政法规"), 2),
    RowLabel("denied_three_safety", _p(r"三安全一稳定|危及"), 3),
    RowLabel("denied_third_party", _p(r"第三方合法权益|第三方"), 4),
    RowLabel("denied_internal_affairs", _p(r"内部事务"), 5),
    RowLabel("denied_process_info", _p(r"过程性信息|过程性"), 6),
    RowLabel("denied_enforcement_file", _p(r"执法案卷"), 7),
    RowLabel("denied_admin_query", _p(r"行政查询"), 8),
    RowLabel("unable_not_held", _p(r"不掌握"), 1),
    RowLabel("unable_need_creation", _p(r"没有现成|另行制作"), 2),
    RowLabel("unable_unclear", _p(r"仍不明确|补正后申请"), 3),
    RowLabel("rejected_petition", _p(r"信访举报|信访"), 1),
    RowLabel("rejected_duplicate", _p(r"重复申请"), 2),
    RowLabel("rejected_publication", _p(r"出版物"), 3),
    RowLabel("rejected_mass_repeat", _p(r"大量反复"), 4),
    RowLabel("rejected_confirm", _p(r"确认或重新|重新出具"), 5),
    RowLabel("other", _p(r"其他处理|\(六\)其他")),  # "(六) 其他": a conversion's short label
    RowLabel("other_overdue_correction", _p(r"逾期不补|无正当理由逾期"), 1),
    RowLabel("other_overdue_fee", _p(r"收费通知|逾期未按|缴纳费用|逾期未缴"), 2),
    # Not the group's "(六)其他": with the leaf's own words damaged, that would be taken for it.
    RowLabel("other_other", _p(r"3[.、]其他|(?<!\(六\))其他(?!处理)"), 3, numbered=_p(r"3[.、]其他")),
    RowLabel("results_total", _p(r"\(七\)(?:总计|合计)|总计|合计"), numbered=_p(r"\(七\)(?:总计|合计)")),
    RowLabel("carried_forward", _p(r"结转下年度|结转下一年度|转下年度|转下一年度|结转至下年度")),
)
S3_LABEL = {lab.row: lab for lab in S3_LABELS}

# The 2021 table 三 splits （六）其他处理 into three leaves; any of these after （六） says so.
S3_2021_MARKER = _p(r"逾期不补|收费通知|逾期未按|缴纳费用|逾期未缴")
S3_2019_OTHER = _p(r"其他处理|\(六\)其他")

# Table 二 row labels and column headers (field names of the dictionary).
S2_ROWS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("regulations", _p(r"规章")),
    ("normative_docs", _p(r"(?:行政)?规范性文件")),
    ("licensing", _p(r"行政许可")),
    ("other_services", _p(r"其他对外管理服务")),
    ("penalty", _p(r"行政处罚")),
    ("coercion", _p(r"行政强制")),
    ("fees", _p(r"行政事业性收费")),
    ("procurement", _p(r"政府集中采购")),
)

# (pattern, field, template that prints it). 处理决定数量 is 2019's, 本年处理决定数量 2021's.
S2_COLUMNS: tuple[tuple[str, str, str], ...] = (
    (r"本年新制作数量", "new_made", "2019"),
    (r"本年新公开数量", "new_published", "2019"),
    (r"对外公开总数量", "total_published", "2019"),
    (r"上一年项目数量", "prev_count", "2019"),
    (r"本年增/?减|本年增减", "change", "2019"),
    (r"本年处理决定数量", "decisions", "2021"),
    (r"处理决定数量", "decisions", "2019"),
    (r"采购项目数量", "projects", "2019"),
    (r"采购总金额", "amount_wan", "2019"),
    (r"本年制发件数", "issued", "2021"),
    (r"本年废止件数", "repealed", "2021"),
    (r"现行有效件数", "in_force", "2021"),
    (r"本年收费金额(?:\(单位:万元\))?", "amount_wan", "2021"),
)
S2_COLUMN = _p("|".join(f"(?P<c{i}>{p})" for i, (p, _, _) in enumerate(S2_COLUMNS)))
S2_HEADER = _p(r"信息内容")
S2_CAPTION = _p(r"第二十条第?\(?[一二三四五六七八九十]+\)?项")
S2_ITEM = _p(r"([一二三四五六七八九十]+)\)?项$")  # the item a caption names

# Section and zone markers.
S2_START = _p(r"第二十条第?\(?[一五六八九]\)?项")
S3_START = _p(r"勾稽关系|申请人情况|本年新收政府信息公开申请|本年度新收政府信息公开申请")
S3_HEADING = _p(r"收到和处理政府信息公开申请(?:的)?情况")
S4_START = _p(r"行政复议")
S4_HEADING = _p(r"行政复议[、,和及与]?行政诉讼|行政复议[、,和及与]?提起行政诉讼")
SECTION_AFTER_S4 = _p(r"[五六]、|存在的主要问题|主要问题及改进|存在问题|\(一\)主要问题|其他需要报告")
S4_TOTALS = ("review", "suit_direct", "suit_after_review")


# --- The words of each label, for labels too damaged for the patterns above ---------------------
# A damaged label ("其他法律行政止公开", "本年废纸件数") is scored against these (extractor.likeness):
# the template's label with and without its numbering ("一、", "（一）", "1."), which a printed
# label may drop or a scan may garble, and the short forms conversions print (SPEC §8.5, V11).

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、])")
_S3_SHORT = {
    "partial": ("部分公开",),
    "other_overdue_correction": ("逾期不补正",),
    "other_overdue_fee": ("逾期未按收费通知要求缴纳费用", "逾期未缴费"),
    "results_total": ("合计",),
    "carried_forward": ("结转下年度",),
}


def words(label: str) -> str:
    """A label's words: compact, without its numbering.

    >>> words("（七）总计"), words("2.其他法律行政法规禁止公开")
    ('总计', '其他法律行政法规禁止公开')
    """
    return _NUMBERING.sub("", compact(label))


S3_WORDS: dict[str, tuple[str, ...]] = {
    row: tuple(dict.fromkeys((compact(label), words(label), *_S3_SHORT.get(row, ()))))
    for row, label in S3_ROW_LABELS.items()
}
S2_ROW_WORDS: dict[str, tuple[str, ...]] = {
    row: tuple(dict.fromkeys(compact(label) for r, _, label, _ in S2_2019 + S2_2021 if r == row))
    for row, _ in S2_ROWS
}
# The rows each block of table 二 prints, by the item of 第二十条 its caption names (SPEC §2.1, §3.1).
S2_BLOCK_ROWS: dict[str, tuple[str, ...]] = {
    "一": ("regulations", "normative_docs"),
    "五": ("licensing", "other_services"),
    "六": ("penalty", "coercion"),
    "八": ("fees",),
    "九": ("procurement",),
}
