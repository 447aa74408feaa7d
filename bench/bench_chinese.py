"""CPU time per text of the Chinese scorer (``score_chinese``) on hand-written customer messages.

Timed with process CPU time (``time.process_time``), not wall clock, so a busy shared machine disturbs
the figure less; each pass runs every text ``--loops`` times and the best pass is reported. The texts
are written here: simplified and traditional, praise and complaints, idioms, emoji, contrast, sarcasm,
from a few characters to long multi-clause messages. Prints one JSON object.

    .venv/bin/python bench/bench_chinese.py --loops 200 --repeat 5
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import statistics
import time

from pipeline.domain.emotion.chinese import score_chinese

TEXTS: tuple[str, ...] = (
    "等了一个小时还没有人接电话，太气人了！",
    "谢谢你们的耐心解答，问题已经解决了，客服小姐姐态度特别好",
    "快递太慢了，非常失望，下次不会再买了",
    "客服態度很好，謝謝！物流也很快，東西跟描述的一樣",
    "我担心我的账户被盗了，刚才收到一条陌生的验证码短信，怎么办",
    "东西还行吧，一般般，价格有点贵",
    "已经五天了还没发货，我要投诉，客服一直说在处理",
    "虽然价格有点贵，但是质量很好，很满意，会推荐给朋友",
    "等了一个星期还没发货，真是太好了[微笑]",
    "这什么破东西，用了两天就坏了，退货还要自己出运费，恶心死了😡😡",
    "打了五次电话都没人处理，转了三次人工，每次都让我重新说一遍问题",
    "新品什么时候发布？好期待啊！！",
    "我明天下午三点去公司开会，顺便取一下快递",
    "酒店房間很髒，毛巾也沒換，請馬上處理，不然我要退房",
    "航班延误了四个小时，登机口没有人管，也没有任何补偿，真的很无语",
    "退款还没到，再也不买了",
    "外婆去世了，心里好难过，这个月都没心情做事",
    "呵呵，服务真好，问了三遍都没人回",
    "天哪，居然这么快就到了，包装也很用心，超出预期",
    "银行卡被莫名扣了两笔钱，打客服电话一直占线，很着急，麻烦尽快回电",
    "不是很满意，颜色和图片差别有点大，不过客服处理得挺及时的",
    "回复@快乐小猪:明天几点到",
    "套餐莫名其妙多扣了话费，营业厅说要找客服，客服又说要去营业厅，踢皮球",
    "第一次在这家店买，发货快，质量好，性价比高，好评！",
    "上周五下的单，说好三天内发货，结果到今天还没动静，问客服只会说亲请耐心等待，"
    "我都催了四次了，再不发货我就申请退款，然后去消费者协会投诉你们",
    "这次入住的体验真的很棒，前台小哥很热情，房间干净整洁，早餐种类也多，"
    "唯一不足是隔音有点差，晚上能听到走廊的声音，总体还是很满意的，下次还来",
    "說實話有點失望，包裝破了一個角，裡面的杯子也有裂痕，聯繫客服後雖然很快就同意補發，"
    "但是要我自己先寄回去，運費也不給報銷，感覺不太合理",
    "宽带又断了，这个月已经第三次了，每次报修都要等两天才有人上门，工作全耽误了，"
    "真的很着急，麻烦你们尽快派人来看看，不然只能换运营商了",
    "谢谢你们的理财经理，耐心给我解释了每一款产品的风险，没有一味推销，让人很放心，"
    "以后有需要还会找她，也会推荐给家里人",
    "信用卡账单上有一笔我根本没消费过的境外交易，吓死我了，打电话一直转人工转不过去，"
    "担心钱被盗刷，现在很慌，希望银行马上冻结处理",
)


def _one_pass(texts: tuple[str, ...], loops: int) -> float:
    """CPU seconds for ``loops`` runs over every text."""
    started = time.process_time()
    for _ in range(loops):
        for text in texts:
            score_chinese(text)
    return time.process_time() - started


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--loops", type=int, default=200, help="runs over the texts per pass")
    parser.add_argument("--repeat", type=int, default=5, help="passes; the best is reported")
    args = parser.parse_args()

    for text in TEXTS:
        score_chinese(text)  # load the lexicon, script table and polarity weights outside the timing
    gc.collect()
    passes = [_one_pass(TEXTS, args.loops) for _ in range(args.repeat)]
    texts_scored = args.loops * len(TEXTS)
    best_us = min(passes) / texts_scored * 1e6
    mean_chars = sum(map(len, TEXTS)) / len(TEXTS)
    print(
        json.dumps(
            {
                "bench": "chinese_scorer",
                "texts": len(TEXTS),
                "mean_chars": round(mean_chars, 1),
                "cpu_us_per_text_best": round(best_us, 2),
                "cpu_us_per_text_median": round(statistics.median(passes) / texts_scored * 1e6, 2),
                "cpu_us_per_char_best": round(best_us / mean_chars, 3),
                "texts_per_cpu_s": round(1e6 / best_us),
                "python": platform.python_version(),
            }
        )
    )


if __name__ == "__main__":
    main()
