"""An organ's printed name, made comparable: normalised, cut into its places and its office.

Reports print one organ many ways: "洪泽区人民政府" one year and "淮安市洪泽区人民政府" the next,
"平潭综合实验区管理委员会" and "平潭综合实验区管委会", full-width letters, spaces inside the name, the
long and the short name of a commission ("上海市科学技术委员会", "上海市科委"), a character a
recogniser read as another. `parse` reduces a name to what those variants share:

* its **places**, the administrative units it names from the top down ("淮安市", "洪泽区"), and
* its **office** ("" for the government of the last place, else the department: "科委"),

after width and spaces are folded and the usual long forms shortened. Two names with the same
places and office (`Name.key`) are the same organ. Which names differ only by a leading place or
by one confusable character is `join`'s to weigh; this module only describes one name. Pure.

    >>> n = parse("淮安市 洪泽区人民政府")
    >>> n.places, n.office, n.key, n.level, n.kind
    (('淮安市', '洪泽区'), '', '淮安市洪泽区|', '县', 'government')
    >>> parse("上海市科学技术委员会").key == parse("上海市科委").key
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ...normalize import compact

# Long forms and the short forms reports print for them, longest first (a shorter long form may
# be part of a longer one). Both sides become the short form, so either printing gives one key.
SHORT_FORMS: tuple[tuple[str, str], ...] = (
    ("人民政府办公室", "政府办"),
    ("人民政府办公厅", "政府办公厅"),
    ("政府办公室", "政府办"),
    ("管理委员会", "管委会"),
    ("街道办事处", "街道"),
    ("科学技术委员会", "科委"),
    ("科学技术局", "科技局"),
    ("发展和改革委员会", "发改委"),
    ("发展改革委员会", "发改委"),
    ("发展和改革局", "发改局"),
    ("卫生健康委员会", "卫健委"),
    ("卫生和健康委员会", "卫健委"),
    ("卫生健康局", "卫健局"),
    ("教育委员会", "教委"),
    ("经济和信息化委员会", "经信委"),
    ("经济和信息化局", "经信局"),
    ("人力资源和社会保障局", "人社局"),
    ("人力资源社会保障局", "人社局"),
    ("住房和城乡建设委员会", "住建委"),
    ("住房和城乡建设局", "住建局"),
    ("住房城乡建设局", "住建局"),
    ("市场监督管理局", "市场监管局"),
    ("自然资源和规划局", "自然资源规划局"),
    ("文化广电和旅游局", "文广旅局"),
    ("文化和旅游局", "文旅局"),
    ("退役军人事务局", "退役军人局"),
    ("应急管理局", "应急局"),
    ("交通运输局", "交通局"),
)

# What a place's name ends with, longest first ("自治州" before "州").
PLACE_ENDINGS = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "街道", "苏木", "省", "市", "州", "盟", "区", "县", "旗", "乡", "镇")
# Words that end like a place but name none: read as places they would cut an office in two
# ("城市管理局" is no place "城市" and an office "管理局").
NOT_PLACES = frozenset(
    "城市 社区 园区 景区 街区 小区 山区 牧区 市区 片区 辖区 全市 全区 全县 全省 本市 本区 本县 本省 城乡 省市 市县 县区 县乡 乡镇 都市 农村".split()
)
# Characters of offices, never of places ("教育局", "科委", "办公室").
OFFICE_CHARACTERS = frozenset("局委厅办院部署站队室司所处庭")
# What follows the last place when the name is its government's: the office is then "".
GOVERNMENT = frozenset({"", "人民政府", "政府", "管委会", "办事处", "政府办事处"})
# Places a whole country level above their ending: the four municipalities are provinces.
MUNICIPALITIES = frozenset({"北京市", "上海市", "天津市", "重庆市"})
# Zones whose level their ending does not tell (a 综合实验区 may stand as a prefecture).
ZONES = ("实验区", "开发区", "高新区", "新区", "示范区", "管理区", "试验区")
LONGEST_PLACE = 12  # 黔东南苗族侗族自治州 has ten

# Characters recognisers (and typists of old and new forms) take for one another, in classes.
# A class's first character stands for all of it when names are grouped (`fold`); whether two
# names differing by one such character are one organ is `join`'s to decide.
CONFUSABLE: tuple[str, ...] = (
    "郏郟", "区區", "县縣", "乡鄉", "镇鎮", "阳陽", "门門", "东東", "华華", "广廣", "湾灣", "龙龍", "马馬",
    "宁寧", "兴興", "丰豐", "会會", "业業", "开開", "发發", "务務", "卫衛", "团團", "汉漢", "云雲", "贵貴",
    "辽遼", "长長", "峡峽", "台臺", "苏蘇", "郑鄭", "张張", "黄黃", "济濟", "汤湯", "关關", "陈陳", "岭嶺",
    "己已巳", "未末", "土士", "日曰", "人入八", "千干于", "大太犬", "王玉主", "白自", "天夭", "刀力",
    "儿几", "贝见", "折拆", "候侯", "汩汨", "戊戌戍", "栗粟", "微徽", "衰哀", "泾经", "沐沭", "洲州",
    "浦蒲", "埔浦", "汀订", "阴阳", "坝埧", "岗冈", "圩坪", "沂圻", "淮准", "泽洚", "兖衮", "亳毫", "睢雎",
)
_FOLD = {ch: cls[0] for cls in CONFUSABLE for ch in cls}


def fold(text: str) -> str:
    """`text` with every confusable character as its class's first: the group names are sought in."""
    return "".join(_FOLD.get(ch, ch) for ch in text)


def confusable(a: str, b: str) -> bool:
    """Whether two different characters are of one confusable class."""
    return a != b and _FOLD.get(a, a) == _FOLD.get(b, b)


_GOVERNMENT_FOLDED = frozenset(fold(g) for g in GOVERNMENT)


@dataclass(frozen=True)
class Name:
    """One printed name, described."""

    printed: str
    places: tuple[str, ...]  # the administrative units named, from the top down
    office: str  # "" for the government of the last place; else the department, short forms made alike

    @property
    def key(self) -> str:
        """Equal for names of one organ printed alike but for width, spaces and short forms."""
        return "".join(self.places) + "|" + self.office

    @property
    def group(self) -> str:
        """Every name this one could be joined to shares it: the last place and the office,
        confusable characters folded (a leading place, or a confusable character, may differ)."""
        last = self.places[-1] if self.places else ""
        return fold(last + "|" + self.office)

    @property
    def kind(self) -> str:
        return "government" if self.office == "" else "department"

    @property
    def level(self) -> str | None:
        """省, 市, 县 or 乡, where the name's places tell it; None where they do not."""
        return level_of(self.places)


def level_of(places: tuple[str, ...]) -> str | None:
    if not places:
        return None
    last, above = places[-1], places[:-1]
    if last.endswith(("乡", "镇", "街道", "苏木")):
        return "乡"
    if last.endswith(("省", "自治区", "特别行政区")) or last in MUNICIPALITIES:
        return "省"
    if last.endswith(("自治州", "州", "盟", "地区")):
        return "市"
    if last.endswith(("县", "旗")):
        return "县"
    if last.endswith("市"):  # a city under a prefecture is a county-level city
        return "县" if any(p.endswith(("市", "州", "盟", "地区")) and p not in MUNICIPALITIES for p in above) else "市"
    if last.endswith("区") and not last.endswith(ZONES):
        return "县"
    return None


# The old forms of the places' endings, which some sites still print (郟縣, 兴安區).
OLD_ENDINGS = str.maketrans("區縣鄉鎮", "区县乡镇")


def normalised(printed: str) -> str:
    """Width and spaces folded (NFKC, no whitespace or quotes), old forms of the endings and
    the short forms taken."""
    text = compact(printed).strip("·.,，、").translate(OLD_ENDINGS)
    for long, short in SHORT_FORMS:
        text = text.replace(long, short)
    return text


def _place_at(text: str, start: int) -> int | None:
    """Where a place that starts at `start` ends, or None if none does."""
    for end in range(start + 2, min(len(text), start + LONGEST_PLACE) + 1):
        word = text[start:end]
        if OFFICE_CHARACTERS & set(word):
            return None
        if not word.endswith(PLACE_ENDINGS):
            continue
        if word in NOT_PLACES:
            return None
        # "苏州" is not a place of "苏州市": a 州 followed by 市, 区 or 县 belongs to a longer one.
        if word.endswith("州") and text[end : end + 1] in ("市", "区", "县"):
            continue
        return end
    return None


def _places(text: str) -> tuple[tuple[str, ...], str]:
    places: list[str] = []
    at = 0
    while at < len(text):
        end = _place_at(text, at)
        if end is None:
            break
        places.append(text[at:end])
        at = end
    return tuple(places), text[at:]


@lru_cache(maxsize=65536)
def parse(printed: str) -> Name:
    """A printed name described: its places and its office."""
    places, rest = _places(normalised(printed))
    # "入民政府" is a government too: a recogniser's 入 for 人 does not make it a department.
    office = "" if places and fold(rest) in _GOVERNMENT_FOLDED else rest
    return Name(printed, places, office)


def region_chain(name: Name) -> str:
    """The places, for people: "淮安市 › 洪泽区"."""
    return " › ".join(name.places)


def mentions(printed: str) -> bool:
    """Whether a name is worth joining at all: it names a place or an office."""
    return bool(re.sub(r"\W", "", printed))
