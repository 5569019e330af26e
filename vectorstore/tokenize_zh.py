"""Chinese + English tokens for BM25: rjieba search-mode cuts, lower-cased, punctuation and stopwords dropped."""

from __future__ import annotations

import re

import rjieba

_KEEP = re.compile(r"[\w\u3400-\u9fff]", re.UNICODE)
# Function words and question words carry no evidence; dropping them keeps BM25 from matching "的/是/有".
STOPWORDS = frozenset(
    "的 了 是 在 和 与 及 或 等 有 也 都 就 对 为 把 被 从 向 于 以 之 其 这 那 这个 那个 什么 怎么 怎样 如何 多少 哪些 哪里 哪 吗 呢 吧 啊"
    " 请问 请 我 我们 你 你们 他 她 它 可以 能 能否 是否 一个 有没有 还有 呢 么 the a an of to in on for and or is are was were"
    " what which who whom how where when do does did can could i we you it its there about with by at from as be"
    " please tell me any my our".split()
)


def tokens(text: str) -> list[str]:
    out = []
    for tok in rjieba.cut_for_search(text):
        tok = tok.strip().lower()
        if tok and _KEEP.search(tok) and tok not in STOPWORDS:
            out.append(tok)
    return out


def add_words(words: list[str]) -> None:
    """Teach the tokenizer domain words (park names, policy terms) so they are not cut apart (notes B3)."""
    for w in words:
        rjieba.add_word(w)
