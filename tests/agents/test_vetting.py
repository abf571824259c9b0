"""Sentence release rules for the streamed answer."""

import pytest

from agents.vetting import SentenceVetter, split_complete_sentences, without_placeholders


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


def test_a_placeholder_is_read_as_the_borrower_s_own_detail():
    """Named with the chat's nouns (tools.placeholders); a type no noun is known for is still words."""
    assert (
        without_placeholders("Check that <US_BANK_NUMBER_1> is on file.")
        == "Check that your account number is on file."
    )
    assert without_placeholders("<SOMETHING_NEW_2> is needed.") == "Your personal detail is needed."


FHA = "FHA loans allow down payments as low as 3.5 percent. The FHA does not lend the money directly."


def vetted(text: str, sources=(FHA,), **options) -> tuple[str, SentenceVetter]:
    vetter = SentenceVetter(list(sources), **options)
    pieces = vetter.feed(text) + vetter.flush()
    assert "".join(pieces).strip() == vetter.text
    return vetter.text, vetter


def test_a_supported_sentence_is_released_with_its_citation():
    text, vetter = vetted("FHA loans allow down payments as low as 3.5 percent [1]. ")
    assert text == "FHA loans allow down payments as low as 3.5 percent [1]."
    assert vetter.unsupported == []


def test_a_figure_the_source_lacks_is_never_released_as_if_it_were():
    text, vetter = vetted("FHA loans allow down payments as low as 3 percent [1]. ")
    assert "3 percent" not in text
    assert text == "“FHA loans allow down payments as low as 3.5 percent.” [1]"
    assert vetter.unsupported[0]["reason"] == "number not in the source"


def test_a_claim_with_nothing_in_the_sources_is_dropped():
    text, vetter = vetted("Closing costs are usually tax deductible for first-time buyers [1]. ")
    assert text == ""
    assert len(vetter.unsupported) == 1


ESCROW_THEN_FHA = ("Escrow holds taxes.", FHA)


@pytest.mark.parametrize(
    ("answer", "sources", "shown"),
    [
        pytest.param(
            "The FHA lends the money directly [1]. ",
            (FHA,),
            "“The FHA does not lend the money directly.” [1]",
            id="a flipped not is replaced by the source's words",
        ),
        pytest.param(
            "The FHA does not lend the money directly [2]. ",
            ESCROW_THEN_FHA,
            "The FHA does not lend the money directly [2].",
            id="the right source keeps its citation",
        ),
        pytest.param(
            "The FHA does not lend the money directly [1]. ",
            ESCROW_THEN_FHA,
            "The FHA does not lend the money directly [2].",
            id="a sentence citing the wrong source is cited to the right one",
        ),
        pytest.param(
            "Yes, FHA loans allow down payments as low as 3.5 percent [1]. ",
            (FHA,),
            "FHA loans allow down payments as low as 3.5 percent [1].",
            id="a bare yes opener is removed",
        ),
        pytest.param(
            "<PERSON_1> can get an FHA loan with down payments as low as 3.5 percent [1]. ",
            (FHA,),
            "You can get an FHA loan with down payments as low as 3.5 percent [1].",
            id="placeholders never reach the borrower",
        ),
        pytest.param(
            "[1] FHA loans allow down payments as low as 3.5 percent. ",
            (FHA,),
            "FHA loans allow down payments as low as 3.5 percent [1].",
            id="a leading source number becomes a citation",
        ),
        pytest.param(
            "## FHA loans allow down payments as low as 3.5 percent [1]. ",
            (FHA,),
            "FHA loans allow down payments as low as 3.5 percent [1].",
            id="a heading mark is dropped",
        ),
    ],
)
def test_what_the_borrower_is_shown_of_a_sentence(answer, sources, shown):
    """One sentence of the model's answer against the sources: the text the borrower sees of it."""
    assert vetted(answer, sources)[0] == shown


def test_the_answer_stops_after_the_sentence_limit_and_skips_what_was_already_quoted():
    quoted = "FHA loans allow down payments as low as 3.5 percent."
    vetter = SentenceVetter([FHA], shown=[quoted], max_sentences=1)
    vetter.feed(f"{quoted[:-1]} [1]. The FHA does not lend the money directly [1]. It is")
    assert vetter.done
    vetter.flush()
    assert vetter.text == "The FHA does not lend the money directly [1]."


def test_the_model_s_no_answer_sentence_is_not_counted_as_unsupported():
    text, vetter = vetted("The sources I have don't say. ")
    assert text == "" and vetter.unsupported == []


def test_a_yearly_income_restated_as_monthly_is_withheld():
    source = "Lenders compare your monthly debt payments with your gross monthly income."
    vetter = SentenceVetter([source], given="I earn $85,000 a year.\nIncome: $85,000 a year, $7,083.33 a month")

    released = vetter.feed("Your gross monthly income is $85,000 [1]. Lenders compare it with your debts [1]. ")

    assert "$85,000" not in "".join(released)
    assert vetter.unsupported


ARM_SOURCE = "In the later years of an ARM, your interest rate changes based on the market."


@pytest.mark.parametrize(
    ("question", "answer", "figure", "released"),
    [
        # The 0.5B model's sentence on the eighth fresh set: the "7" of "a 7/1 ARM" restated as a 7% rate change.
        (
            "lender offered a 7/1 ARM. what does the 7 mean and how often does the rate change after that?",
            "The 7/1 ARM means that the interest rate will change by 7% after the loan is offered [1]. ",
            "7%",
            False,
        ),
        (
            "my 5/1 ARM starts at 6%. does the rate change later?",
            "Your rate of 6% changes based on the market in the later years of an ARM [1]. ",
            "6%",
            True,
        ),
    ],
)
def test_a_percentage_is_released_only_if_a_source_or_the_borrower_gave_it_as_one(question, answer, figure, released):
    vetter = SentenceVetter([ARM_SOURCE], given=question, question=question)

    vetter.feed(answer)
    vetter.flush()

    assert (figure in vetter.text) is released
    assert [u["reason"] for u in vetter.unsupported] == ([] if released else ["number not in the source"])


RESCISSION = (
    "Within 20 calendar days after we receive your notice, we must take the steps necessary to reflect the fact that "
    "the mortgage on your home has been canceled, and we must return to you any money or property you have given to "
    "us or to anyone else in connection with this transaction."
)


@pytest.mark.parametrize(
    ("answer", "released"),
    [
        # The 1.5B model's sentence on the tenth fresh set: the borrower's "3 days" put where the source says 20.
        (
            "The lender must return the money or property you gave to them or to anyone else in connection with this "
            "transaction within 3 business days [1]. ",
            False,
        ),
        (
            "The lender must return the money or property you gave to them or to anyone else in connection with this "
            "transaction within 20 calendar days [1]. ",
            True,
        ),
    ],
)
def test_a_borrower_s_length_of_time_never_stands_for_the_one_the_source_gives(answer, released):
    question = "we backed out of our refi within the 3 days. when does the lender give back what we paid?"
    vetter = SentenceVetter([RESCISSION], given=question, question=question)

    vetter.feed(answer)
    vetter.flush()

    assert ("3 business days" in vetter.text) is False
    assert ("transaction within 20 calendar days" in vetter.text) is released
    assert [u["reason"] for u in vetter.unsupported] == ([] if released else ["number not in the source"])


@pytest.mark.parametrize(
    "copied",
    [
        "Get ready for closing [1].",  # a heading (the 1.5B's whole explanation on the eighth fresh set)
        "Review your Loan Estimate [1].",  # link text
        "PAGE 2 OF 3 LOAN ID # 123456789 [1].",  # page furniture of a form
        # a link and the page footer after it, run together (the 1.5B on the twelfth fresh set)
        "The CFPB owning a home page mentions mortgage-insurance-and-how-does-it-work.html 3 of 3Learn more at "
        "consumerfinance.gov/owning-a-home [1].",
        "Learn more at www.consumerfinance.gov/askcfpb/1953/what-is- [1].",
    ],
)
def test_a_passage_s_heading_or_link_text_restated_as_a_sentence_is_not_released(copied):
    source = (
        "Get ready for closing\nReview your Loan Estimate\nPAGE 2 OF 3 LOAN ID # 123456789\n"
        "Learn more at www.consumerfinance.gov/askcfpb/1953/what-is-\nmortgage-insurance-and-how-does-it-work.html\n"
        "3 of 3Learn more at consumerfinance.gov/owning-a-home\n"
        "Determine who will conduct your closing, where to be, and when."
    )
    vetter = SentenceVetter([source], question="closing is in 10 days, what should we do this week?")

    vetter.feed(f"{copied} Determine who will conduct your closing, where to be, and when [1]. ")
    vetter.flush()

    assert vetter.text == "Determine who will conduct your closing, where to be, and when [1]."
    assert vetter.unsupported == []


def test_a_line_of_bare_citation_marks_is_not_released():
    text, _ = vetted("[1], [2], [5]")
    assert text == ""
    assert vetted("FHA loans allow down payments as low as 3.5 percent [1].\n\n[1], [2], [5]")[0] == (
        "FHA loans allow down payments as low as 3.5 percent [1]."
    )


SERVICING = (
    "Your lender may transfer the servicing of your loan to another company after closing. "
    "The servicer collects your payments."
)
SERVICING_QUESTION = "after my loan closes will my lender always be the one taking my payments"


@pytest.mark.parametrize(
    ("answer", "released"),
    [
        # the question's own words turned into a claim: an echo, not an answer
        ("After my loan closes, my lender will always be the one taking my payments [1]. ", ""),
        # a sentence that adds words to the question is vetted as usual
        (
            "Your lender may transfer the servicing of your loan to another company [1]. ",
            "Your lender may transfer the servicing of your loan to another company [1].",
        ),
    ],
)
def test_a_sentence_is_released_only_when_it_says_more_than_the_question(answer, released):
    assert vetted(answer, sources=(SERVICING,), question=SERVICING_QUESTION)[0] == released


def test_a_figure_the_question_lacks_is_more_than_the_question():
    figure, _ = vetted("The down payment can be as low as 3.5 percent [1]. ", question="whats the fha down payment")
    assert figure == "The down payment can be as low as 3.5 percent [1]."


def test_a_sentence_another_source_supports_is_withheld_when_it_contradicts_the_quote_above_it():
    escrow = "Homeowner's association fees are often not included in the escrow account."
    other = "Association fees go into the escrow account each month."
    claim = "Association fees usually go into the escrow account each month [2]. "
    text, vetter = vetted(claim, sources=(escrow, other), shown=[escrow])
    assert text == ""
    assert vetter.unsupported[-1]["reason"] == "contradicts a quoted sentence"
    released, _ = vetted(claim, sources=(escrow, other), shown=[])
    assert released == claim.strip()
