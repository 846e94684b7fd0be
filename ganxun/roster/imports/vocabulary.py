"""The Chinese words personnel files write for every choice the roster import reads.

Reading a file must not depend on the interface language or on a compiled catalogue, so these are the
Chinese forms themselves, written out: the first word of each entry is the standard form (the one the
messages and the preview name, the same as the zh-hans catalogue's label, which a test keeps in step),
the rest are what files also say.  The English labels and the stored values are accepted as well, so that
a file exported under an English interface comes back.
"""

from __future__ import annotations

from django.db import models
from django.utils import translation

from ..models import DemocraticParty, Gender, LeadershipLevel, PoliticalStatus, Rank, Status

GENDER: dict[str, tuple[str, ...]] = {
    Gender.MALE: ("男", "男性"),
    Gender.FEMALE: ("女", "女性"),
}

# 公务员职级序列 (公务员职务与职级并行规定, 2019).
RANK: dict[str, tuple[str, ...]] = {
    Rank.INSPECTOR_1: ("一级巡视员",),
    Rank.INSPECTOR_2: ("二级巡视员",),
    Rank.RESEARCHER_1: ("一级调研员",),
    Rank.RESEARCHER_2: ("二级调研员",),
    Rank.RESEARCHER_3: ("三级调研员",),
    Rank.RESEARCHER_4: ("四级调研员",),
    Rank.PRINCIPAL_CLERK_1: ("一级主任科员",),
    Rank.PRINCIPAL_CLERK_2: ("二级主任科员",),
    Rank.PRINCIPAL_CLERK_3: ("三级主任科员",),
    Rank.PRINCIPAL_CLERK_4: ("四级主任科员",),
    Rank.CLERK_1: ("一级科员",),
    Rank.CLERK_2: ("二级科员",),
}

# 领导职务层次, as files write them (often in the 现职级 column).
LEADERSHIP_LEVEL: dict[str, tuple[str, ...]] = {
    LeadershipLevel.DIVISION_CHIEF: (
        "处级正职",
        "正处级",
        "正处",
        "县处级正职",
        "正县处级",
        "正县级",
        "县处级正职领导",
    ),
    LeadershipLevel.DEPUTY_DIVISION_CHIEF: (
        "处级副职",
        "副处级",
        "副处",
        "县处级副职",
        "副县处级",
        "副县级",
        "县处级副职领导",
    ),
    LeadershipLevel.SECTION_CHIEF: (
        "科级正职",
        "正科级",
        "正科",
        "乡科级正职",
        "正乡科级",
        "乡科级正职领导",
    ),
    LeadershipLevel.DEPUTY_SECTION_CHIEF: (
        "科级副职",
        "副科级",
        "副科",
        "乡科级副职",
        "副乡科级",
        "乡科级副职领导",
    ),
}

# The eight democratic parties: the short name first, then the full name and the member forms that
# 政治面貌 is written in (GB/T 4762: 民革党员, 民盟盟员 …).
DEMOCRATIC_PARTY: dict[str, tuple[str, ...]] = {
    DemocraticParty.RCCK: ("民革", "中国国民党革命委员会", "民革党员", "民革会员", "中国国民党革命委员会党员"),
    DemocraticParty.CDL: ("民盟", "中国民主同盟", "民盟盟员", "中国民主同盟盟员"),
    DemocraticParty.CNDCA: ("民建", "中国民主建国会", "民建会员", "中国民主建国会会员"),
    DemocraticParty.CAPD: ("民进", "中国民主促进会", "民进会员", "中国民主促进会会员"),
    DemocraticParty.CPWDP: (
        "农工党",
        "中国农工民主党",
        "农工民主党",
        "农工党党员",
        "农工民主党党员",
        "中国农工民主党党员",
    ),
    DemocraticParty.CZGP: ("致公党", "中国致公党", "致公党党员", "中国致公党党员"),
    DemocraticParty.JIUSAN: ("九三学社", "九三学社社员", "九三"),
    DemocraticParty.TDSL: ("台盟", "台湾民主自治同盟", "台盟盟员", "台湾民主自治同盟盟员"),
}

# How 政治面貌 is written for each party's members (GB/T 4762).
MEMBER_WORDS = ("民革党员", "民盟盟员", "民建会员", "民进会员", "农工党党员", "致公党党员", "九三学社社员", "台盟盟员")

POLITICAL_STATUS: dict[str, tuple[str, ...]] = {
    PoliticalStatus.CPC_MEMBER: ("中共党员", "党员", "中国共产党党员", "共产党员"),
    PoliticalStatus.CPC_PROBATIONARY: ("中共预备党员", "预备党员", "中国共产党预备党员"),
    PoliticalStatus.CYL_MEMBER: ("共青团员", "团员", "中国共产主义青年团团员"),
    PoliticalStatus.DEMOCRATIC_PARTY: ("民主党派", "民主党派成员", "民主党派人士"),
    PoliticalStatus.NON_PARTISAN: ("无党派人士", "无党派", "无党派民主人士"),
    PoliticalStatus.MASSES: ("群众", "无"),
}

STATUS: dict[str, tuple[str, ...]] = {
    Status.ACTIVE: ("在职", "在岗", "在编"),
    Status.TRANSFERRED: ("调离", "调出", "调走"),
    Status.RETIRED: ("退休", "已退休"),
    Status.RESIGNED: ("辞职", "已辞职", "离职", "辞去公职"),
    Status.DECEASED: ("去世", "已故", "死亡", "病故"),
}

# Column key -> (choices, words).
TABLES: dict[str, tuple[type[models.TextChoices], dict[str, tuple[str, ...]]]] = {
    "gender": (Gender, GENDER),
    "rank": (Rank, RANK),
    "leadership_level": (LeadershipLevel, LEADERSHIP_LEVEL),
    "political_status": (PoliticalStatus, POLITICAL_STATUS),
    "democratic_party": (DemocraticParty, DEMOCRATIC_PARTY),
    "status": (Status, STATUS),
}


def chinese(key: str, value: str) -> str:
    """The standard Chinese form of a stored choice value (the value itself if unknown)."""
    words = TABLES[key][1].get(value)
    return words[0] if words else value


def allowed(key: str) -> list[str]:
    """The standard forms, in the order of the choices, for the message about a word not understood."""
    choices, words = TABLES[key]
    return [words[value][0] for value in choices.values]


def index(key: str, fold) -> dict[str, str]:
    """folded word -> stored value, for one choice column: the Chinese words, the English labels, the values."""
    choices, words = TABLES[key]
    found: dict[str, str] = {}
    for value, forms in words.items():
        for form in forms:
            found.setdefault(fold(form), value)
    with translation.override(None):  # the msgids, never a catalogue
        for value, label in choices.choices:
            found.setdefault(fold(str(label)), value)
            found.setdefault(fold(value), value)
    return found
