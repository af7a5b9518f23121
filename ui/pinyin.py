"""A small pinyin -> hanzi table for the on-screen keyboard, and the candidate lookup.

Why a table of our own and not Qt Virtual Keyboard's Pinyin plugin: in a Widgets program the virtual
keyboard is a separate QtQuick top-level window chosen process-wide with QT_IM_MODULE, which a
full-screen kiosk compositor places on its own, which our elder theme cannot size, which the
offscreen renderer and pytest-qt cannot see, and which pulls QtQuick and OpenGL into a Widgets
program. Residents type short texts here (a location, what is broken, a name): a few hundred common
characters and phrases of community life cover them, and the words are checked in tests/test_ui_keyboard.py.
The table lists characters by frequency for each syllable; phrases come first when they match.
"""

from __future__ import annotations

_SYLLABLES = """
a 啊阿 ai 爱矮哎 an 安按暗 ba 八吧把爸 bai 白百摆 ban 办半板班搬 bang 帮 bao 报保包 bei 北被备 ben 本 bi 比笔必 bian 边变便 biao 表 bie 别 bing 病并 bo 播 bu 不部步补布
ca 擦 cai 才菜 can 参餐 cao 草 ce 厕测 ceng 层 cha 查差 chang 长场常厂 che 车 chen 陈 cheng 成城 chi 吃 chu 出处 chuang 窗床 chui 吹 chun 春 ci 次 cong 从 cui 催 cun 村存 cuo 错
da 大打 dai 带 dan 单但 dang 当 dao 到道 de 的得 deng 等灯登 di 地第低 dian 电点店 diao 掉 ding 定 dong 东动栋 dou 都 du 读堵 duan 断短 dui 对 duo 多
e 饿 er 二儿 fa 发 fan 饭 fang 方房放 fei 费 fen 分 feng 风 fu 服付 gai 改 gan 干 gang 刚 gao 高告 ge 个 gei 给 gen 跟 gong 公工共 gou 够 gu 故 gua 挂 guan 管关 guang 广光 gui 贵 guo 过国 gun 滚
hai 还 han 喊 hao 好号 he 和合 hen 很 hong 红 hou 后 hu 户护 hua 话花 huai 坏 huan 换 hui 会回 huo 或火
ji 几机记急 jia 家加 jian 间见 jiang 将 jiao 交叫角 jie 接街 jin 进近紧 jing 经井 jiu 就旧 ju 居 jue 觉
kai 开 kan 看 kao 靠 ke 可 kong 空 kou 口 kuai 快块 la 拉垃 lai 来 lan 烂 lao 老 le 了 lei 类 leng 冷 li 里李理 lian 连 liang 两亮 lin 邻 ling 零 liu 流六刘 lou 楼漏 lu 路 lv 绿 luo 落
ma 马吗 mai 买 man 满 mao 毛 mei 没每 men 门们 mi 米 mian 面 ming 明 mu 木
na 那拿 nan 南难 nao 闹 ne 呢 nei 内 neng 能 ni 你 nian 年 nin 您 niu 牛 nong 弄 nv 女
pa 怕 pai 排 pang 旁 pao 跑 pen 喷 pi 皮 pian 片 ping 平 po 破
qi 气七起 qian 前钱 qiang 墙 qiao 桥 qing 请清情 qu 区去 quan 全
ran 然 rang 让 re 热 ren 人 ri 日 rong 容 ru 入
san 三 sao 扫 se 色 sha 沙 shan 山 shang 上 shao 少 she 设 shen 身 sheng 生 shi 是时十事 shou 手 shu 树书 shui 水 shuo 说 si 四 song 送 su 速 sui 碎 suo 所
ta 他她 tai 台 tan 坛 tang 堂 te 特 ti 梯 tian 天 tiao 条 ting 停 tong 通 tou 头 tu 土 tui 退
wa 瓦 wai 外 wan 晚 wang 王网 wei 为位 wen 问 wo 我 wu 五物屋
xi 西洗 xia 下 xian 现线 xiang 想 xiao 小 xie 谢 xin 新 xing 行 xiu 修 xu 需 xue 学
ya 压 yan 严 yang 样 yao 要 ye 也 yi 一以 yin 因 ying 应 yong 用 you 有 yu 雨 yuan 元院 yue 月 yun 云
za 杂 zai 在 zang 脏 zao 早 ze 责 zen 怎 zha 炸 zhan 站 zhang 张 zhao 照 zhe 这 zhen 真 zheng 正 zhi 只 zhong 中 zhou 周 zhu 住 zhuan 转 zhuang 装 zi 自 zong 总 zou 走 zu 组 zui 最 zuo 左
"""

_PHRASES = """
louti 楼梯 loudao 楼道 dianti 电梯 diandeng 电灯 ludeng 路灯 shuiguan 水管 loushui 漏水 huaile 坏了
xiaoqu 小区 danyuan 单元 tingchechang 停车场 guangchang 广场 lajitong 垃圾桶 laji 垃圾 menkou 门口
jianshen 健身 qiangmian 墙面 chuanghu 窗户 tiantai 天台 dongmen 东门 ximen 西门 nanmen 南门 beimen 北门
qingjinkuai 请尽快 xiexie 谢谢 zhangsan 张三 lisi 李四 wangwu 王五 zaoyin 噪音 tingdian 停电 tingshui 停水
"""


def _parse_pairs(text: str) -> list[tuple[str, str]]:
    parts = text.split()
    return list(zip(parts[::2], parts[1::2], strict=True))


SYLLABLES: dict[str, str] = dict(_parse_pairs(_SYLLABLES))
PHRASES: dict[str, str] = dict(_parse_pairs(_PHRASES))
_LONGEST = max(len(s) for s in SYLLABLES)


def candidates(composition: str, limit: int = 8) -> list[tuple[str, int]]:
    """Hanzi candidates for the letters typed so far: (text, how many letters it uses up).

    Phrases the letters start with come first (longest first), then the characters of the longest syllable
    the letters start with, then characters of syllables the letters could still become.
    """
    letters = composition.lower()
    if not letters:
        return []
    found: list[tuple[str, int]] = []
    for size in range(len(letters), 1, -1):  # phrases the letters start with, longest first
        phrase = PHRASES.get(letters[:size])
        if phrase:
            found.append((phrase, size))
    for size in range(min(_LONGEST, len(letters)), 0, -1):
        chars = SYLLABLES.get(letters[:size])
        if chars:
            found.extend((c, size) for c in chars)
            break
    if len(letters) <= _LONGEST:
        for syllable, chars in SYLLABLES.items():
            if syllable != letters and syllable.startswith(letters):
                found.append((chars[0], len(letters)))
    unique: list[tuple[str, int]] = []
    for item in found:
        if item[0] not in (u[0] for u in unique):
            unique.append(item)
    return unique[:limit]
