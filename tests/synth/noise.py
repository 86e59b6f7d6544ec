"""Labels damaged the way typists and recognisers damage them, the numbers left as printed.

`label_noise(doc, d, k)` changes k characters of every row label of tables 二 and 三 and of
every column header of table 二, each change one of:

* a character replaced by one of similar shape (what a recogniser confuses: 止/正, 章/张) or
  sound (what an input method gives: 止/纸, 秘/密);
* a character dropped;
* a character doubled.

The numbering of a label ("1.", "（三）", "一、") and the structure the tables hang on (the
captions 第二十条第（一）项, the header 信息内容, table 三's header and table 四) are left alone:
what is damaged is the words the reader must recognise rows and columns by.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .document import Document, Grid, GridCell
from .draw import Draw, RandomDraw

# Characters of the templates' labels and one look-alike each (shape), or sound-alike (sound).
SHAPE = {
    "止": "正", "章": "彰", "规": "观", "范": "苑", "性": "牲", "文": "丈", "件": "仵", "政": "攻", "许": "讦", "可": "司", "处": "外",
    "罚": "罸", "强": "弘", "制": "刺", "事": "争", "业": "亚", "收": "攸", "费": "赞", "府": "腐", "集": "隼", "中": "申", "采": "釆",
    "购": "构", "本": "木", "年": "午", "新": "亲", "作": "怍", "数": "效", "量": "景", "公": "么", "开": "升", "对": "时", "总": "忽",
    "上": "土", "项": "顷", "目": "日", "增": "憎", "减": "咸", "理": "埋", "决": "诀", "定": "淀", "发": "友", "废": "度", "有": "右",
    "效": "放", "行": "衍", "申": "甲", "请": "清", "信": "言", "息": "思", "法": "去", "律": "津", "国": "固", "家": "冢", "秘": "泌",
    "密": "宓", "危": "厄", "及": "反", "安": "案", "全": "金", "稳": "隐", "第": "弟", "方": "万", "合": "会", "权": "杈", "益": "盖",
    "属": "厉", "于": "干", "类": "粪", "内": "肉", "部": "剖", "务": "各", "过": "讨", "程": "桯", "执": "热", "案": "桉", "卷": "券",
    "查": "杳", "询": "洵", "机": "几", "关": "美", "不": "丕", "掌": "撑", "握": "渥", "相": "想", "没": "设", "现": "观", "成": "戍",
    "需": "霜", "要": "耍", "另": "别", "补": "扑", "后": "启", "容": "客", "仍": "扔", "明": "朋", "确": "碓", "访": "仿", "举": "誉",
    "报": "服", "投": "役", "诉": "拆", "复": "夏", "出": "岀", "版": "板", "物": "勿", "无": "元", "由": "田", "大": "太", "反": "友",
    "获": "荻", "取": "聚", "其": "具", "他": "也", "予": "矛", "以": "已", "分": "兮", "区": "巨", "只": "兄", "计": "汁", "情": "睛",
    "形": "邢", "结": "给", "转": "砖", "度": "席", "继": "断", "续": "读", "办": "力", "逾": "愈", "期": "朝", "按": "接", "通": "涌",
    "知": "如", "缴": "邀", "纳": "呐", "用": "甩", "人": "入", "额": "颖", "单": "串", "位": "住", "万": "方", "元": "无", "金": "全",
    "外": "处", "管": "菅", "服": "报", "这": "还", "致": "到",
}  # fmt: skip
SOUND = {
    "止": "纸", "章": "张", "规": "归", "范": "犯", "性": "姓", "件": "建", "政": "正", "许": "需", "罚": "伐", "强": "墙", "制": "治",
    "事": "是", "业": "夜", "收": "手", "费": "废", "府": "付", "集": "级", "采": "彩", "购": "够", "年": "念", "新": "心", "作": "做",
    "数": "书", "量": "亮", "公": "工", "开": "凯", "总": "宗", "项": "向", "目": "木", "增": "曾", "减": "检", "理": "里", "决": "觉",
    "定": "订", "发": "法", "废": "费", "有": "友", "效": "校", "行": "型", "申": "身", "请": "情", "信": "心", "息": "习", "法": "发",
    "律": "绿", "国": "过", "家": "加", "秘": "密", "密": "秘", "危": "微", "安": "岸", "全": "权", "稳": "问", "第": "地", "方": "放",
    "合": "和", "权": "全", "益": "义", "属": "数", "于": "与", "类": "累", "内": "那", "部": "不", "务": "物", "过": "国", "程": "成",
    "执": "直", "案": "按", "卷": "倦", "查": "察", "询": "寻", "机": "基", "关": "官", "掌": "长", "握": "我", "相": "想", "现": "限",
    "成": "程", "需": "须", "要": "药", "另": "令", "补": "不", "容": "荣", "仍": "扔", "明": "名", "确": "却", "访": "放", "举": "局",
    "报": "保", "投": "头", "诉": "素", "复": "副", "版": "办", "物": "务", "获": "或", "取": "去", "其": "期", "他": "她", "予": "与",
    "以": "已", "分": "份", "计": "记", "情": "请", "形": "行", "结": "节", "转": "专", "继": "记", "续": "序", "办": "半", "逾": "于",
    "期": "其", "通": "同", "知": "之", "缴": "交", "纳": "那", "额": "鹅", "单": "担", "位": "为", "管": "馆", "外": "歪", "致": "至",
    "处": "出",
}  # fmt: skip
_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[)）]|\d+[.、．]?)")
_WORD = re.compile(r"[\u4e00-\u9fff]")


def damage_label(text: str, d: Draw, k: int) -> str:
    """The label with k of its characters changed (replaced, dropped or doubled), never its
    numbering, never twice the same character, never more than half of them (one of two).

    >>> from .draw import RandomDraw
    >>> damage_label("2.其他法律行政法规禁止公开", RandomDraw(3), 2) != "2.其他法律行政法规禁止公开"
    True
    """
    head = _NUMBERING.match(text)
    keep = head.end() if head else 0
    chars = list(text)
    spots = [i for i in range(keep, len(chars)) if _WORD.match(chars[i])]
    # A label keeps at least half its words: "其他" with both characters gone is no label at all.
    for _ in range(min(k, max(1, len(spots) // 2))):
        i = spots.pop(d.integer(0, len(spots) - 1))
        ch = chars[i]
        options = [x for x in (SHAPE.get(ch), SOUND.get(ch)) if x and x != ch]
        how = d.choice(("replace", "replace", "drop", "double")) if options else d.choice(("drop", "double"))
        chars[i] = d.choice(options) if how == "replace" else "" if how == "drop" else ch + ch
    return "".join(chars)


def _damaged(grid: Grid, d: Draw, k: int) -> Grid:
    cells = dict(grid.cells)
    data_rows = set(grid.data_rows)
    for at, cell in grid.cells.items():
        if _hurt(grid, at, cell, data_rows):
            text = damage_label(cell.text, d, k)
            cells[at] = replace(cell, text=text, wrapped=None)
    return Grid(grid.table, cells, dict(grid.data_rows))


def _hurt(grid: Grid, at: tuple[int, int], cell: GridCell, data_rows: set[int]) -> bool:
    """A row label of a data row (tables 二 and 三), or a column header of table 二 other than 信息内容."""
    if grid.table == "s4" or not cell.text:
        return False
    if cell.role == "label":
        return at[0] in data_rows or any(at[0] <= r < at[0] + cell.rowspan for r in data_rows)
    return grid.table == "s2" and cell.role == "header" and cell.text != "信息内容"


def label_noise(doc: Document, d: Draw, k: int) -> Document:
    """Every row label and table-二 column header with k characters damaged (k = 0: as it was).
    The machine conversions, which print table 三's labels in their own words, damage those with
    `noisy`, drawn from the seed kept here."""
    if k <= 0:
        return doc
    for grid in [b for b in doc.blocks if isinstance(b, Grid)]:
        doc = doc.replace_grid(_damaged(grid, d, k))
    return replace(doc, label_noise=k, noise_seed=d.integer(0, 10**6))


def noisy(doc: Document, row: str, text: str) -> str:
    """A label a renderer prints in its own words, damaged as the document's labels are."""
    if not doc.label_noise:
        return text
    return damage_label(text, RandomDraw(f"{doc.noise_seed}:{row}:{text}"), doc.label_noise)


def wrap_labels(doc: Document, d: Draw) -> Document:
    """Every row label of tables 二 and 三 broken over 2-4 lines (never inside its numbering),
    the row's numbers printed on the first, a middle or the last line: a printed document's
    flattenings then put them before, inside or after the label's words."""
    for grid in [b for b in doc.blocks if isinstance(b, Grid) and b.table != "s4"]:
        cells = dict(grid.cells)
        for row in grid.data_rows:
            at, cell = max((c, cell) for c, cell in grid.origins(row) if cell.role == "label")
            cells[(row, at)] = replace(cell, lines=_broken(cell.text, d))
        doc = doc.replace_grid(Grid(grid.table, cells, dict(grid.data_rows)))
    return replace(doc, wraps=d.choice(("TOP", "MIDDLE", "BOTTOM")))


def _broken(text: str, d: Draw) -> str:
    head = _NUMBERING.match(text)
    keep = head.end() if head else 0
    words = len(text) - keep
    pieces = min(d.integer(2, 4), words)
    if pieces < 2:
        return text
    cuts = sorted({keep + d.integer(1, words - 1) for _ in range(pieces - 1)})
    bounds = [0, *cuts, len(text)]
    return "\n".join(text[a:b] for a, b in zip(bounds, bounds[1:]))
