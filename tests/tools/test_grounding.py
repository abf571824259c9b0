"""The support check and evidence selection: what a borrower is protected from, and what they are shown first."""

import pytest

from kb.embedding import get_embedder
from tools.grounding import (
    Evidence,
    Period,
    SupportReason,
    check_support,
    content_stems,
    figure_periods,
    is_form_line,
    is_heading,
    is_statement,
    names_form_field,
    numbers_in,
    passage_sentences,
    percentages_in,
    question_parts,
    select_evidence,
    with_following,
)

MI = (
    "Mortgage insurance usually adds to your costs.\n"
    "Mortgage insurance protects the lender if you fall behind on your payments. It does not protect you."
)
FHA = (
    "The FHA doesn’t lend the money directly–private lenders do. FHA loans:\n\n"
    "Allow for down payments as low as 3.5 percent.\n\n"
    "Allow lower credit scores than most conventional loans."
)
VA = "VA loans do not require monthly mortgage insurance premiums, but usually require an upfront fee at closing."


@pytest.mark.parametrize(
    "sentence",
    [
        "Mortgage insurance protects the lender if you fall behind on payments [1].",
        "It does not protect you [1].",
        "FHA loans allow down payments as low as 3.5% [1].",
        "VA loans usually require an upfront fee at closing [1].",
    ],
)
def test_a_faithful_sentence_is_supported(sentence):
    passage = {"M": MI, "F": FHA, "V": VA}[sentence[0]] if sentence[0] in "MFV" else MI
    assert check_support(sentence, passage).supported


@pytest.mark.parametrize(
    ("sentence", "passage", "reason"),
    [
        ("FHA loans allow down payments as low as 3 percent [1].", FHA, "number"),
        ("FHA loans require a minimum down payment of five percent [1].", FHA, "number"),
        ("Mortgage insurance does not protect the lender [1].", MI, "opposite"),
        ("VA loans require monthly mortgage insurance premiums [1].", VA, "opposite"),
        ("FHA loans require higher credit scores than conventional loans [1].", FHA, "opposite"),
        ("Mortgage insurance is tax deductible every year for veterans [1].", MI, "words"),
    ],
)
def test_a_figure_a_not_or_a_claim_the_source_lacks_is_unsupported(sentence, passage, reason):
    verdict = check_support(sentence, passage)
    assert not verdict.supported
    assert reason in verdict.reason.value


def test_figures_the_borrower_gave_may_be_repeated():
    sentence = "With your $300,000 loan, FHA loans allow down payments as low as 3.5 percent [1]."
    assert not check_support(sentence, FHA).supported
    assert check_support(sentence, FHA, allowed_numbers=numbers_in("a $300,000 loan")).supported


def test_numbers_compare_in_any_spelling():
    assert numbers_in("three business days, 3.50%, $424,100") == {"3", "3.5", "424100"}


def test_wrapped_pdf_lines_are_joined_and_list_items_keep_their_lead_in():
    sentences = passage_sentences(FHA + "\nClosing is when you\nlegally commit to your mortgage loan.")
    assert "FHA loans allow for down payments as low as 3.5 percent." in sentences
    assert "Closing is when you legally commit to your mortgage loan." in sentences


def test_a_line_cut_after_a_word_no_heading_ends_with_goes_on_but_a_heading_does_not():
    note = (
        "under this Note. Each monthly payment will be applied as of its scheduled due date and will be applied to "
        "interest before\nPrincipal. If, on the maturity date, I still owe amounts under this Note, I will pay them.\n"
        "Check that your Cash to Close matches your most recent Loan Estimate\nIf not, ask your lender to explain why."
    )
    sentences = passage_sentences(note)
    joined = "Each monthly payment will be applied as of its scheduled due date and will be applied to interest before"
    assert f"{joined} Principal." in sentences
    assert "Check that your Cash to Close matches your most recent Loan Estimate" in sentences
    assert "If not, ask your lender to explain why." in sentences


def test_a_line_cut_inside_a_name_the_passage_writes_whole_elsewhere_goes_on():
    checklist = (
        "6.\t\tCompare\tyour\tClosing\t\nDisclosure to your most \nrecent\tLoan\tEstimate.\n"
        "Look at the table on the top of page three of your \nClosing\tDisclosure. By law, you get it three days "
        "before closing.\nPoints\nAn upfront fee that you pay to your lender."
    )
    sentences = passage_sentences(checklist)
    assert "Compare your Closing Disclosure to your most recent Loan Estimate." in sentences
    assert "Disclosure to your most recent Loan Estimate." not in sentences
    assert sentences[-2:] == ["Points", "An upfront fee that you pay to your lender."], "a heading stays a heading"


def test_a_sentence_can_start_with_a_redaction_placeholder():
    text = "I may make a full Prepayment without paying a charge. <PERSON_1> will use my Prepayments to reduce it."
    assert passage_sentences(text) == [
        "I may make a full Prepayment without paying a charge.",
        "<PERSON_1> will use my Prepayments to reduce it.",
    ]


def test_evidence_is_the_sentence_that_answers_not_a_heading_or_question():
    passages = [
        "Prepayment Penalty\nDoes your loan have a prepayment penalty?\n"
        "A prepayment penalty means that the lender can charge you a fee if you pay off your mortgage early.",
        MI,
    ]
    best = select_evidence("what is a prepayment penalty", passages, embed=None, limit=2)
    assert best[0].source == 0
    assert best[0].text.startswith("A prepayment penalty means")
    assert all(not e.text.endswith("?") for e in best)


ARM_FORM = (
    "Adjustable Interest Rate (AIR) Table\nIndex + Margin MTA + 4%\nInitial Interest Rate 4%\n"
    "Minimum/Maximum Interest Rate 3.25%/12%\nChange Frequency\nFirst Change Beginning of 61st month\n"
    "Limits on Interest Rate Changes\nFirst Change 2%\nPage 2 of 3"
)


@pytest.mark.parametrize(
    ("line", "form_line"),
    [
        ("First Change 2%", True),
        ("Appraisal Fee $305", True),
        ("Minimum/Maximum Interest Rate 3.25%/12%", True),
        ("Limits on Interest Rate Changes", False),  # a heading: no figure
        ("Years 6-8", False),  # a column head: one word of label
        ("$703.33", False),
        ("Page 2 of 3", False),
        ("What is the most the rate can change at once, 2%?", False),
        ("5 / 1 Adjustable rate mortgage (ARM)", False),  # a heading that opens with its figures
        ("15 years 20 years 25 years 30 years", False),  # a table's header row
        ("Learn more about the 3 ways to lock 2.", False),  # link text
        ("Prepayment Penalty NO", True),  # a yes/no field and its printed answer
        ("Optional Payments? NO", True),
        ("x Property Taxes NO x Homeowner’s Insurance NO", False),  # two fields to the line
        ("NO", False),
        ("No one else may sign for you", False),
    ],
)
def test_a_form_line_is_a_label_with_its_figure(line, form_line):
    assert is_form_line(line) is form_line


@pytest.mark.parametrize(
    "line",
    [
        "Promissory Note " + "\ufffd" * 10 + " 1",  # dot leaders lost in a PDF's extraction
        "Right to Cancel form .................... 4",
        "Mortgage / Security Instrument . . . . . . . . 2",
    ],
)
def test_a_table_of_contents_entry_is_never_evidence(line):
    """Asked about the sample note, the answer quoted "Promissory Note ……… 1" from the guide's contents page."""
    guide = f"Guide to closing forms\n{line}\nThe Note is the legal document you sign to agree to repay your mortgage."
    assert not is_statement(line) and not is_form_line(line)
    chosen = [e.text for e in select_evidence("what is the promissory note or mortgage form", [guide], limit=4)]
    assert line not in chosen


def test_an_ellipsis_inside_a_sentence_is_no_table_of_contents():
    assert is_statement("The rate is fixed for five years... then it changes every year.")


def test_a_filled_in_form_answers_with_its_own_label_and_figure():
    chosen = select_evidence("sample arm: the minimum interest rate?", [ARM_FORM], limit=1)
    assert [e.text for e in chosen] == ["Minimum/Maximum Interest Rate 3.25%/12%"]
    chosen = [e.text for e in select_evidence("first change", [ARM_FORM], limit=9)]
    assert "First Change 2%" in chosen
    assert not [text for text in chosen if not is_statement(text) and not is_form_line(text)]


def test_a_yes_no_field_keeps_its_answer_and_answers_the_question_that_names_it():
    """Asked whether the sample loan has a prepayment penalty or optional payments, the answer quoted the
    explainer's definitions: the form's "Optional Payments? NO" was split into a question and a bare "NO"."""
    form = (
        "Loan Terms Can this amount increase after closing?\nLoan Amount $211,000 NO\nPrepayment Penalty NO\n"
        "Balloon Payment NO\nInterest Only Payments? YES for your first 60 payments\nOptional Payments? NO\n"
        "Step Payments? NO\nSeasonal Payments? NO\n"
    )
    prose = "A prepayment penalty means that the lender can charge you a fee if you pay off your mortgage early."
    assert "Optional Payments? NO" in passage_sentences(form)
    chosen = select_evidence("does the sample loan have a prepayment penalty?", [prose, form], limit=2)
    assert "Prepayment Penalty NO" in [e.text for e in chosen]
    chosen = select_evidence("can they make optional payments?", [prose, form], limit=1)
    assert [e.text for e in chosen] == ["Optional Payments? NO"]


@pytest.mark.parametrize(
    ("question", "line", "named"),
    [
        ("what's the sale price of the house on the example loan estimate", "SALE PRICE $240,000", True),
        ("What date was the sample Loan Estimate issued?", "DATE ISSUED 2/15/2013", True),
        ("how long is the loan term", "LOAN TERM 30 years", True),
        ("what fees are in the origination charges", "Application Fee $500", False),  # "application" not asked
        ("what exactly is the product called", "PRODUCT 5 Year Interest Only, 5/3 Adjustable Rate", False),  # 1 word
    ],
)
def test_a_question_names_a_form_field_when_it_names_every_word_of_its_label(question, line, named):
    assert names_form_field(content_stems(question), line) is named


def test_the_form_field_a_question_names_is_among_the_evidence_despite_prose_that_sounds_like_the_question():
    """With the product's encoder, "SALE PRICE $240,000" embeds far from the question: four prose sentences about
    Loan Estimates outranked it. Naming its label brings it into the four evidence sentences."""
    page = (
        "If you have an adjustable rate, your Loan Estimate form will have additional information on page 1.\n"
        "See a sample Loan Estimate for an adjustable-rate loan.\n"
        "Some lenders may lock your rate as part of issuing the Loan Estimate, but some may not.\n"
        "Your Loan Estimate shows the loan amount, the rate and the estimated closing costs.\n"
        "PROPERTY Anytown, ST 12345\nSALE PRICE $240,000\nLOAN TERM 30 years\nLOAN TYPE Conventional\n"
    )
    question = "what's the sale price of the house on the example adjustable rate loan estimate"
    chosen = select_evidence(question, [page], get_embedder().embed_documents, limit=4)
    assert "SALE PRICE $240,000" in [e.text for e in chosen]


def test_a_heading_that_repeats_the_question_gives_way_to_the_sentence_under_it():
    passage = (
        "Taxes and Other Government Fees\n"
        "Costs of transferring the property to you and recording your mortgage.\n"
        "Some lenders charge other fees for government programs."
    )

    def quotable(text: str) -> bool:
        return text.endswith(".")

    question = "what are taxes and other government fees for"
    assert select_evidence(question, [passage], limit=1)[0].text == "Taxes and Other Government Fees"
    chosen = [e.text for e in select_evidence(question, [passage], limit=2, quotable=quotable)]
    assert chosen == [
        "Costs of transferring the property to you and recording your mortgage.",
        "Taxes and Other Government Fees",
    ]


def test_near_repeats_are_not_chosen_twice():
    passages = [
        "Lender credits are typically provided in exchange for a higher interest rate.",
        "Lender credits are typically provided in exchange for you agreeing to a higher interest rate.\n"
        "A rebate from your lender that offsets some of your closing costs.",
    ]
    chosen = select_evidence("what are lender credits, whats the catch", passages, embed=None, limit=2)
    assert len(chosen) == 2
    assert any("rebate" in e.text for e in chosen)


def test_a_quote_brings_the_next_sentence_of_its_passage_where_the_answer_often_is():
    escrow = (
        "An escrow account is set up by your mortgage lender to pay certain property-related expenses. "
        "Your servicer pays your property taxes and homeowners insurance from it. "
        "Ask your lender how escrow works for your loan"
    )
    best = select_evidence("what is an escrow account", [MI, escrow], embed=None, limit=1)
    assert best[0].text.startswith("An escrow account")
    quoted = with_following(best, [MI, escrow])
    assert [e.text.split()[0] for e in quoted] == ["An", "Your"]
    assert all(e.source == 1 for e in quoted)
    # the last sentence has no following one, and a fragment without end punctuation is never quoted
    assert with_following([Evidence(1, quoted[1].text, 0.5)], [MI, escrow]) == [Evidence(1, quoted[1].text, 0.5)]


def test_a_link_is_neither_evidence_nor_the_sentence_quoted_after_one():
    page = (
        "Private mortgage insurance protects the lender, not you, if you stop making payments. "
        "Learn more about private mortgage insurance. "
        "You can usually cancel it once you have 20 percent equity.\n"
        "Get our closing checklist 3.\n"
        "Get answers to these questions at your closing."
    )
    chosen = select_evidence("does mortgage insurance protect me? learn more", [page], embed=None, limit=4)
    assert [e.text.split()[0] for e in chosen] == ["Private", "You", "Get"]
    assert chosen[2].text.startswith("Get answers to these questions"), "advice, not a link"
    assert [e.text.split()[0] for e in with_following(chosen[:1], [page])] == ["Private", "You"]


def test_following_sentences_are_not_quoted_twice():
    passage = "First claim here is long. Second claim here is long. Third claim here is long."
    chosen = [Evidence(0, "First claim here is long.", 0.9), Evidence(0, "Second claim here is long.", 0.8)]
    assert [e.text.split()[0] for e in with_following(chosen, [passage])] == ["First", "Second", "Third"]


def test_a_sentence_with_both_words_of_a_pair_is_not_an_opposite():
    assert check_support(VA.replace(".", " [1]."), VA).supported


def test_a_figure_the_borrower_gave_keeps_the_period_it_was_given_in():
    passage = "Lenders compare your monthly debt payments with your gross monthly income."
    given = figure_periods("I make $85,000 a year. Income: $85,000 a year, $7,083.33 a month")
    numbers = numbers_in("$85,000 a year, $7,083.33 a month")

    wrong = check_support("Your gross monthly income is $85,000 [1].", passage, numbers, allowed_periods=given)
    right = check_support("Your gross monthly income is $7,083.33 [1].", passage, numbers, allowed_periods=given)

    assert not wrong.supported and wrong.reason == SupportReason.NUMBER
    assert right.supported


@pytest.mark.parametrize(
    ("text", "percentages"),
    [
        ("rates rise 2% at the first change", {"2"}),
        ("two percentage points", {"2"}),
        ("a 7/1 ARM at 6.50 percent", {"6.5"}),
        ("a 7/1 ARM", set()),
    ],
)
def test_percentages_are_told_from_other_figures(text, percentages):
    assert percentages_in(text) == percentages


def test_a_borrower_s_figure_may_be_restated_but_not_as_the_source_s_length_of_time():
    rescission = "If you are refinancing a loan, you have a right to cancel the loan within three business days."
    restated = "You may cancel your refinance within 3 business days [1]."
    assert check_support(restated, rescission, allowed_numbers={"3"}).supported
    refund = "Within 20 calendar days after we receive your notice, we must return to you any money you have given."
    wrong = check_support("We must return any money you have given within 3 days [1].", refund, allowed_numbers={"3"})
    assert not wrong.supported and wrong.reason is SupportReason.NUMBER
    loan = "Lenders must give you a Loan Estimate within three business days of receiving your application."
    assert check_support(
        "Your $300,000 loan gets a Loan Estimate within 3 business days [1].", loan, {"300000"}
    ).supported


def test_a_figure_given_as_a_count_does_not_support_it_as_a_percentage():
    passage = "In the later years of an ARM, your interest rate changes based on the market."
    claim = "The rate of a 7/1 ARM changes by 7% in the later years [1]."
    given = "what does the 7 in a 7/1 ARM mean"
    verdict = check_support(claim, passage, numbers_in(given), allowed_percentages=percentages_in(given))
    assert not verdict.supported and verdict.reason == SupportReason.NUMBER
    assert check_support(claim, passage, numbers_in(given), allowed_percentages={"7"}).supported


def test_zero_percent_is_supported_by_zero_said_in_words():
    passage = "USDA loans offer zero down payments and are usually cheaper than FHA loans."
    assert check_support("USDA loans offer 0% down payments [1].", passage).supported


def test_a_period_belongs_to_its_own_figure():
    assert figure_periods("earning 120k a year at 6.5% with $450 per month in debts") == {
        "120": {Period.YEAR},
        "450": {Period.MONTH},
    }
    assert figure_periods("a monthly payment of $1,600") == {"1600": {Period.MONTH}}


def test_a_redaction_placeholder_in_a_passage_stays_whole_so_the_chat_can_show_it_as_words():
    sentences = passage_sentences("Items unpaid by <PERSON_5> are listed here. This is **bold** and _stressed_ text.")
    assert sentences == ["Items unpaid by <PERSON_5> are listed here.", "This is bold and stressed text."]


GLOSSARY = (
    "Lender Credits\nA rebate from your lender that offsets some of your closing costs.\n\n"
    "Points\nAn upfront fee that you pay to your lender in exchange for a lower interest rate than you would have "
    "paid otherwise.\n\nThe amount financed is the net amount of money you are borrowing from the lender."
)


def test_a_definition_chosen_as_evidence_carries_the_term_it_defines():
    chosen = select_evidence(
        "whats it called when you pay the lender an upfront fee to get a lower interest rate",
        [GLOSSARY],
        limit=3,
        quotable=lambda line: line.endswith("."),
    )
    assert chosen[0].text.startswith("An upfront fee") and chosen[0].heading == "Points"
    standalone = next(e for e in chosen if e.text.startswith("The amount financed"))
    assert standalone.heading == "", "a sentence that names its own subject needs no heading"


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("Points", True),
        ("Get any errors fixed now, before closing", True),
        ("Does your loan have a prepayment penalty?", True),
        ("2.", False),
        ("Congratulations!", False),
        ("Next:", False),
        ("Phone: $", False),
        ("MONTHLY PAYMENT WORKSHEET", False),
        ("Learn more about rate locks", False),
        ("Promissory Note " + "\ufffd" * 6 + " 1", False),
        ("This line is far too long to be the heading of anything in a passage", False),
    ],
)
def test_only_a_short_heading_is_shown_with_a_quote(line, heading):
    assert is_heading(line) is heading


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "whats the total loan costs number on line D and which sections get added up to make it?",
            ["whats the total loan costs number on line D", "which sections get added up to make it?"],
        ),
        (
            "closing disclosure came. can they raise the rate - what should i do",  # "what should i do" names nothing
            ["closing disclosure came.", "can they raise the rate"],
        ),
        ("can my taxes and insurance be paid through escrow?", []),  # one question about two things
        ("is it true? what is escrow", []),  # "is it true?" asks nothing of its own
    ],
)
def test_a_message_that_asks_several_things_is_split_into_its_questions(question, parts):
    assert question_parts(question) == parts
