"""Which evidence sentences the answer quotes first, before the model speaks."""

from agents.answer import QUOTED_SENTENCES, SECOND_QUOTE_SHARE, choose_evidence, choose_quotes, quote_block, quotes_of
from chat.display import readable_placeholders
from tools.grounding import Evidence
from tools.retrieval import RetrievedChunk

CLOSING = (
    "Closing costs are the fees you pay to get the loan. Your lender must give you a Closing Disclosure three business "
    "days before closing. Compare it with your Loan Estimate. Bring a photo ID to the closing. The settlement agent "
    "runs the meeting."
)
ESCROW = (
    "An escrow account is set up by your lender to pay property taxes and homeowner's insurance. Your servicer "
    "collects part of the yearly bill with each monthly payment."
)


def sentence(n: int, score: float) -> Evidence:
    return Evidence(0, f"Sentence number {n} says something a borrower can use.", score)


def test_up_to_four_sentences_that_match_nearly_as_well_as_the_best_are_quoted():
    evidence = [sentence(1, 1.0), sentence(2, 0.9), sentence(3, 0.75), sentence(4, 0.71), sentence(5, 0.7)]
    quoted = quotes_of(evidence)
    assert QUOTED_SENTENCES == 4
    assert [e.text for e in quoted] == [e.text for e in evidence[:4]]


def test_a_sentence_well_below_the_best_is_not_quoted():
    evidence = [sentence(1, 1.0), sentence(2, 0.8), sentence(3, SECOND_QUOTE_SHARE - 0.05)]
    assert [e.text for e in quotes_of(evidence)] == [e.text for e in evidence[:2]]


def test_headings_fragments_and_weak_matches_are_never_quoted():
    heading = Evidence(0, "Limits on Interest Rate Changes", 1.2)
    weak = Evidence(1, "This sentence barely matches the question at all.", 0.3)
    assert quotes_of([heading, weak]) == []
    assert quotes_of([]) == []


def test_a_form_line_with_its_figure_is_quoted_verbatim():
    form_line = Evidence(0, "First Change 2%", 0.9)
    assert quotes_of([form_line]) == [form_line]
    assert quotes_of([Evidence(0, "First Change 2%", 0.3)]) == []


def test_a_short_list_item_with_its_full_stop_is_quoted():
    item = Evidence(0, "Your driver’s license or ID.", 0.9)
    assert quotes_of([item]) == [item]


def test_a_long_clause_cut_at_the_passage_end_is_quoted_with_an_ellipsis():
    clause = Evidence(
        0,
        "The notice shall specify a date, not less than 30 days from the date the notice is given to Borrower, by "
        "which the default must be cured and that failure to cure may result in acceleration of the sums secured",
        0.9,
    )
    fragment = Evidence(0, "If you want to opt-out of the offers, call", 0.9)
    assert quotes_of([clause, fragment]) == [clause]
    assert quote_block([clause]).startswith(f"> “{clause.text} …” [1]")


def test_a_name_the_document_s_redaction_removed_is_quoted_as_withheld_not_as_the_borrower_s():
    example = Evidence(0, "<PERSON_1> earns $90,000 a year, so her gross monthly income is $7,500.", 0.9)
    quoted = quote_block([example])
    assert quoted.startswith("> “[name withheld] earns $90,000 a year")
    assert "<PERSON_1>" not in quoted and "your name" not in readable_placeholders(quoted)


def test_a_definition_is_quoted_under_its_term():
    """ "A feature on some mortgages." means nothing without the term it defines."""
    definition = Evidence(1, "A feature on some mortgages.", 0.9, heading="Balloon Payment")
    assert quote_block([definition]) == "> **Balloon Payment:** “A feature on some mortgages.” [2]\n\n"
    step = Evidence(0, "Bring your photo ID to closing.", 0.9, heading="Before closing:")
    assert quote_block([step]).startswith("> **Before closing:** “Bring")
    asked = Evidence(0, "This feature is risky.", 0.9, heading="Does your loan have a balloon payment?")
    assert quote_block([asked]).startswith("> **Does your loan have a balloon payment?** “This")


def test_each_part_of_a_two_part_question_gets_its_own_quote():
    """The second question matches the whole message less well than the first one's answer does, so without a quote
    of its own the borrower would get half an answer."""
    chunks = [RetrievedChunk(t, t, 1, 0, 0, text, 0.6) for t, text in (("Closing", CLOSING), ("Escrow", ESCROW))]
    question = "how many days before closing do i get the closing disclosure? what should i bring to closing?"
    evidence = choose_evidence(question, chunks)
    assert [e.text for e in quotes_of(evidence)] == [
        "Your lender must give you a Closing Disclosure three business days before closing."
    ]
    assert [e.text for e in choose_quotes(question, chunks, evidence)] == [
        "Your lender must give you a Closing Disclosure three business days before closing.",
        "Bring a photo ID to the closing.",
    ]
    one_question = "how many days before closing do i get the closing disclosure?"
    one_evidence = choose_evidence(one_question, chunks)
    assert choose_quotes(one_question, chunks, one_evidence) == quotes_of(one_evidence)
