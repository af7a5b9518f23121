"""The words residents of a service terminal type, ranked first by the pinyin engine.

Why: librime's luna pinyin ranks by general text, so "loudaodengbuliangle" came out 楼道等不良了 and
"menkaibuliao" 们开不了 — wrong words an elderly resident sends without noticing. These entries go
into a dictionary the terminal ships (`kiosk_pinyin.dict.yaml`: luna pinyin imported, ours on top
with a weight above any of luna's, compiled at build time by rime_prebuilt.py), so whole-sentence
composition picks them. (The catalogue's quick phrases are not fed in: they are on the screen as chips.)

Each entry: the word and its pinyin, syllables separated by spaces (no tones).
"""

from __future__ import annotations

# weight of our words: luna's most frequent words are ~10^5 in essay.txt; ours rank above them
WEIGHT = 1_000_000

SERVICE_WORDS: tuple[tuple[str, str], ...] = (
    ("灯", "deng"),
    ("路灯", "lu deng"),
    ("楼道灯", "lou dao deng"),
    ("楼道", "lou dao"),
    ("不亮", "bu liang"),
    ("不亮了", "bu liang le"),
    ("灯不亮", "deng bu liang"),
    ("灯不亮了", "deng bu liang le"),
    ("电梯", "dian ti"),
    ("坏了", "huai le"),
    ("电梯坏了", "dian ti huai le"),
    ("门", "men"),
    ("单元门", "dan yuan men"),
    ("门禁", "men jin"),
    ("开不了", "kai bu liao"),
    ("门开不了", "men kai bu liao"),
    ("关不上", "guan bu shang"),
    ("漏水", "lou shui"),
    ("水管", "shui guan"),
    ("堵了", "du le"),
    ("下水道", "xia shui dao"),
    ("噪音", "zao yin"),
    ("停电", "ting dian"),
    ("停水", "ting shui"),
    ("跳闸", "tiao zha"),
    ("报修", "bao xiu"),
    ("维修", "wei xiu"),
    ("物业", "wu ye"),
    ("垃圾", "la ji"),
    ("卫生", "wei sheng"),
    ("暖气", "nuan qi"),
    ("不热", "bu re"),
    ("窗户", "chuang hu"),
    ("楼梯", "lou ti"),
    ("扶手", "fu shou"),
    ("松了", "song le"),
    ("电线", "dian xian"),
    ("插座", "cha zuo"),
    ("墙皮", "qiang pi"),
    ("脱落", "tuo luo"),
    ("渗水", "shen shui"),
    ("车棚", "che peng"),
    ("井盖", "jing gai"),
    ("已经", "yi jing"),
    ("一个星期", "yi ge xing qi"),
    ("单元", "dan yuan"),
)


def dict_yaml(name: str, words: tuple[tuple[str, str], ...]) -> str:
    """A librime dictionary importing luna pinyin, with `words` on top."""
    head = (
        "---\n"
        f"name: {name}\n"
        'version: "1"\n'
        "sort: by_weight\n"
        "use_preset_vocabulary: true\n"
        "import_tables:\n"
        "  - luna_pinyin\n"
        "...\n"
    )
    return head + "".join(f"{word}\t{code}\t{WEIGHT}\n" for word, code in words)
