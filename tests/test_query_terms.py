"""English questions reach Chinese BM25 only through words the glossary knows (no machine translation)."""

from assistant.query.terms import glossary_query, question_terms


def test_glossary_query_maps_domain_words_and_regional_names():
    q = glossary_query("What rent subsidy do companies get in the Greater Bay Area?")
    assert {"租金", "补贴", "大湾区"} <= set(q.split())
    assert "京津冀" in glossary_query("How much did Chongqing sign with Beijing-Tianjin-Hebei firms?")


def test_off_domain_english_has_no_chinese_query():
    assert glossary_query("Who won the 2022 World Cup?") == ""


def test_multiword_names_are_one_term():
    texts = [t.text for t in question_terms("Is the negative list still in force?")]
    assert "negative list" in texts and "negative" not in texts


def test_a_common_abbreviation_finds_its_full_form():
    """社保 is how people ask, 社会保险 how notices write it (query/data/synonyms.txt)."""
    from assistant.query.terms import match_strength, question_terms

    term = next(t for t in question_terms("湖北省免征参保单位社保缴费期限为多久？") if t.text == "社保")
    assert match_strength(term, "免征三项社会保险单位缴费部分") > 0
