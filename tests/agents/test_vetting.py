"""Sentence release rules for the streamed answer."""

from agents.vetting import SentenceVetter, split_complete_sentences


def test_sentence_is_released_only_when_complete():
    done, rest = split_complete_sentences("APR includes fees [1]. The rate does")
    assert done == ["APR includes fees [1]. "]
    assert rest == "The rate does"


def test_citation_after_the_full_stop_stays_with_its_sentence():
    done, rest = split_complete_sentences("APR includes fees. [1] The rate")
    assert done == ["APR includes fees. [1] "]
    assert rest == "The rate"


def test_amounts_with_decimal_points_do_not_split():
    done, rest = split_complete_sentences("The payment is $1,896.20 per month")
    assert done == [] and rest == "The payment is $1,896.20 per month"


def test_vetter_streams_the_same_text_it_returns():
    vetter = SentenceVetter(["APR includes lender fees and points."])
    pieces = []
    for token in ["APR ", "includes ", "lender ", "fees ", "and ", "points. "]:
        pieces += vetter.feed(token)
    pieces += vetter.flush()
    assert "".join(pieces).strip() == vetter.text
    assert vetter.text.endswith("[1].")
