"""Fair-lending check: a labelled table of sentences plus the rewrite and question behaviour.

Positives use a protected characteristic as a factor in a credit decision or in advice; negatives explain the
law, state rights, mention a characteristic without using it, or use lending vocabulary that merely looks
close.
"""

import pytest

from tools.bias import (
    ADJUSTMENT_NOTICE,
    SAFE_REFUSAL,
    check_question,
    check_text,
    enforce,
    split_sentences,
)

POSITIVE_CASES: list[tuple[str, str]] = [
    ("Because you are a woman you may get a higher rate.", "sex"),
    ("Married couples qualify more easily for a mortgage.", "marital status"),
    ("At your age lenders will be reluctant to give you a 30-year loan.", "age"),
    ("People on welfare are risky borrowers.", "public assistance"),
    ("Hispanic borrowers should expect higher interest rates.", "race"),
    ("Your religion could affect your approval.", "religion"),
    ("Single mothers often get turned down for mortgages.", "marital status"),
    ("Lenders prefer applicants who don't have kids.", "familial status"),
    ("Since you're 68, you'll find it harder to qualify.", "age"),
    ("Immigrants usually need a bigger down payment to get approved.", "national origin"),
    ("Women are less likely to repay large loans, so lenders charge them more.", "sex"),
    ("Black borrowers tend to be riskier, so expect extra scrutiny.", "race"),
    ("Being disabled will count against you in underwriting.", "disability"),
    ("If you are pregnant, the bank may deny your application.", "sex"),
    ("Muslim applicants get worse terms at most banks.", "religion"),
    ("Your Social Security income makes you a poor candidate for a jumbo loan.", "public assistance"),
    (
        "Because you disputed items on your credit report, lenders will see you as a risk.",
        "exercise of consumer credit rights",
    ),
    ("Divorced applicants are seen as less reliable by underwriters.", "marital status"),
    ("Retirees have slim chances of getting approved for a new mortgage.", "age"),
    ("You need your husband to co-sign because you are a woman.", "sex"),
    ("Lenders won't approve people with a foreign accent as easily.", "national origin"),
    ("Families with young children are a bad bet for lenders.", "familial status"),
    ("Asian applicants usually receive better pricing.", "race"),
    ("Older borrowers are more likely to default, so your rate will be higher.", "age"),
    ("People who receive food stamps should expect to be denied.", "public assistance"),
    ("Expect a lower limit because you are on disability benefits.", "public assistance"),
    ("As a young couple, you'll struggle to get approved.", "age"),
    ("Catholics are considered more trustworthy by some lenders.", "religion"),
    ("Planning to have children soon could hurt your chances of approval.", "familial status"),
    (
        "Because you filed a complaint against your last lender, banks will reject you.",
        "exercise of consumer credit rights",
    ),
    # Held-out batch: written after the rules above were tuned, scored once, then used to fix the rules.
    (
        "Since your wife stays home with the kids, the bank will probably see your household as a higher risk.",
        "familial status",
    ),
    ("Being over 60 means most banks will only offer you shorter terms.", "age"),
    ("Latino families generally get approved for smaller loans.", "race"),
    (
        "Because English is your second language, expect the underwriter to be more cautious.",
        "national origin",
    ),
    ("Lenders usually trust men more with large mortgages.", "sex"),
    ("With three kids, you will have a harder time getting approved.", "familial status"),
    ("People with a mental illness are often denied credit because they are unpredictable.", "disability"),
    ("Jewish applicants are often offered better terms.", "religion"),
    ("Your unemployment benefits make you a risky applicant.", "public assistance"),
    ("Widowed applicants are considered less stable by banks.", "marital status"),
    ("Being gay may affect how the lender prices your loan.", "sex"),
    ("Your Nigerian background might make lenders hesitant.", "national origin"),
    ("Since you're a single dad, the lender may want a co-signer.", "marital status"),
    ("Millennials tend to default more, so banks charge them higher fees.", "age"),
    ("Because you're Indian, you may be asked for a larger down payment.", "national origin"),
]

NEGATIVE_CASES: list[str] = [
    "Lenders may not consider your race, religion or marital status.",
    "ECOA prohibits discrimination based on age.",
    "If you think you were denied because of your sex, you can file a complaint.",
    "Lenders look at your income, credit history, DTI and LTV, not your race or religion.",
    "Your age cannot be used against you when you apply for credit.",
    "Income from Social Security counts as qualifying income just like a salary.",
    "Public assistance income must be considered the same way as other income.",
    "A reverse mortgage (HECM) requires at least one borrower to be 62 or older.",
    "You must be at least 18 to sign a mortgage contract.",
    "The Fair Housing Act protects families with children and people with disabilities.",
    "Whether you are married or single, lenders must apply the same standards.",
    "You may be asked about your race and sex for government monitoring purposes, but you don't have to answer.",
    "FHA loans allow a lower down payment than many conventional loans.",
    "A VA loan is available to eligible veterans and service members.",
    "Your debt-to-income ratio should usually be below 43% to qualify.",
    "A credit score of 720 typically gets better rates than a score of 640.",
    "Paying down credit card balances can raise your score within a few months.",
    "Your spouse's income can be included if you apply jointly.",
    "Child support payments you make count as monthly debt in your DTI.",
    "A single-family home usually appraises differently from a condo.",
    "Lenders are not allowed to treat you differently because you receive public assistance.",
    "No lender may deny you credit because of your national origin.",
    "Your interest rate depends on your credit score, loan-to-value ratio and the loan term.",
    "PMI is usually required when your down payment is below 20%.",
    "The average age of your credit accounts affects your credit score.",
    "Regardless of your religion, the same underwriting rules apply.",
    "Hispanic and Black homebuyers are protected by the Fair Housing Act.",
    "Fannie Mae and Freddie Mac set the conforming loan limits each year.",
    "If a lender asks whether you plan to have children, that is illegal.",
    "Many retirees use savings and pension income to qualify for a mortgage.",
    # Held-out batch (see POSITIVE_CASES).
    "Under federal law, a creditor cannot refuse to count your alimony or public assistance income.",
    "A lender cannot require your spouse to co-sign if you qualify on your own.",
    "Your gender has no bearing on your interest rate.",
    "The CFPB enforces the Equal Credit Opportunity Act.",
    "Lenders evaluate the stability of your income, not where you were born.",
    "Your rate depends on your credit score and how much you put down.",
    "A 15-year mortgage usually has a lower rate than a 30-year mortgage.",
    "If you are a veteran, a VA loan may let you buy with no down payment.",
    "Discrimination because of disability is illegal under the Fair Housing Act.",
    "First-time homebuyers can use state down payment assistance programs.",
    "Lenders must not ask about your plans to have children.",
    "It is against the law to charge women higher rates because of their sex.",
    "Keep your credit utilization below 30% to improve your score.",
    "Seniors can use retirement account income to qualify for a mortgage.",
    "Your age alone is not a reason to deny you a mortgage.",
]

QUESTION_POSITIVES: list[tuple[str, str]] = [
    ("Will being a woman affect my mortgage rate?", "sex"),
    ("I'm 70 years old, can I still get a 30-year mortgage?", "age"),
    ("Do married couples get better rates?", "marital status"),
    ("I'm on Social Security, can I qualify for a loan?", "public assistance"),
    ("Should I tell the lender that I'm pregnant?", "sex"),
    ("Can a lender deny me because I'm divorced?", "marital status"),
    ("Does my religion matter when applying for a loan?", "religion"),
    ("Are Hispanic borrowers charged higher rates?", "race"),
]

QUESTION_NEGATIVES: list[str] = [
    "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
    "How do FHA loans differ from conventional loans?",
    "Can my wife's income be counted on our application?",
    "What credit score do I need for a VA loan?",
    "Is there a halal mortgage option for Muslim buyers?",
    "How much can I afford with $6,000 a month income?",
]


@pytest.mark.parametrize(("sentence", "characteristic"), POSITIVE_CASES)
def test_flags_protected_characteristic_used_as_factor(sentence, characteristic):
    flags = check_text(sentence).flags
    assert characteristic in {flag.characteristic for flag in flags}
    assert all(flag.sentence == sentence and flag.reason for flag in flags)


@pytest.mark.parametrize("sentence", NEGATIVE_CASES)
def test_leaves_law_rights_and_neutral_lending_sentences_alone(sentence):
    assert check_text(sentence).flags == []


def test_table_precision_and_recall():
    true_positives = sum(check_text(sentence).flagged for sentence, _ in POSITIVE_CASES)
    false_positives = sum(check_text(sentence).flagged for sentence in NEGATIVE_CASES)
    assert len(POSITIVE_CASES) >= 25 and len(NEGATIVE_CASES) >= 25
    assert true_positives / len(POSITIVE_CASES) == 1.0
    assert true_positives / (true_positives + false_positives) == 1.0


def test_enforce_drops_only_the_flagged_sentence_and_explains_once():
    answer = (
        "Your DTI of 32% is within most lenders' limits. Because you are a woman you may get a higher rate. "
        "Married couples qualify more easily. A 20% down payment avoids PMI."
    )
    clean, flags = enforce(answer)
    assert {flag.characteristic for flag in flags} == {"sex", "marital status"}
    assert "woman" not in clean and "Married" not in clean
    assert clean.startswith("Your DTI of 32% is within most lenders' limits. A 20% down payment avoids PMI.")
    assert clean.count(ADJUSTMENT_NOTICE) == 1


def test_enforce_keeps_a_clean_answer_byte_for_byte():
    answer = "Lenders may not consider your age.\n\n- Keep your DTI below 43%.\n- Check your credit report."
    assert enforce(answer) == (answer, [])


def test_enforce_refuses_safely_when_everything_is_flagged():
    clean, flags = enforce("People on welfare are risky. Hispanic borrowers should expect higher rates.")
    assert clean == SAFE_REFUSAL
    assert len(flags) == 2
    for legitimate_factor in ("income", "credit history", "debt-to-income", "loan-to-value"):
        assert legitimate_factor in clean


def test_enforce_keeps_markdown_line_structure():
    answer = "Here is what matters:\n- Your credit score.\n- Single mothers are riskier borrowers.\n- Your DTI."
    clean, flags = enforce(answer)
    assert len(flags) == 1
    assert clean.startswith("Here is what matters:\n- Your credit score.\n- Your DTI.")


@pytest.mark.parametrize(("question", "characteristic"), QUESTION_POSITIVES)
def test_check_question_detects_requests_about_protected_characteristics(question, characteristic):
    assert characteristic in {flag.characteristic for flag in check_question(question).flags}


@pytest.mark.parametrize("question", QUESTION_NEGATIVES)
def test_check_question_ignores_ordinary_loan_questions(question):
    assert check_question(question).flags == []


def test_sentence_splitter_respects_abbreviations_and_newlines():
    text = "Lenders in the U.S. use DTI, e.g. 36%. Next sentence!\nNew line"
    sentences = [text[start:end].strip() for start, end in split_sentences(text)]
    assert sentences == ["Lenders in the U.S. use DTI, e.g. 36%.", "Next sentence!", "New line"]
