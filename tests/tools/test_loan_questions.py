"""Reading borrowers' questions: every number gets one role, follow-ups reuse the last inputs, gaps are asked about."""

from decimal import Decimal

import float_loans as ref
import pytest

from tools.loan_questions import (
    Calculation,
    Calculator,
    Clarification,
    Scenario,
    answer_question,
    compute_from_question,
    normalize,
    read_scenario,
    scan_numbers,
    scenario_from_history,
)

ISSUE_QUESTION = (
    "I'm buying a $250,000 home with a $225,000 loan over 30 years. I earn $5,200 a month, the payment would be "
    "about $1,600 and I have no other debts, so my DTI is about 31%. What are my options?"
)


def figure(result, label: str) -> Decimal:
    return next(f.value for f in result.figures if f.label == label)


def test_the_price_is_never_taken_as_a_monthly_debt():
    scenario = read_scenario(ISSUE_QUESTION)
    assert scenario.price == 250_000 and scenario.loan == 225_000 and scenario.term_months == 360
    assert scenario.income == 5_200 and scenario.housing_payment == 1_600 and scenario.stated_dti == 31
    assert scenario.debts == () and scenario.no_other_debts
    result = answer_question(ISSUE_QUESTION)
    assert isinstance(result, Calculation) and result.kind is Calculator.DTI
    assert round(figure(result, "Back-end DTI"), 2) == Decimal("30.77")
    assert "4807" not in result.markdown() and "$250,000.00 in monthly debt" not in result.markdown()
    assert any("agrees with the 31%" in check for check in result.checks)


def test_a_stated_dti_that_differs_is_explained():
    result = answer_question("I make $6,000 a month, car $500, my new payment is $1,900. My DTI is 25% right?")
    assert round(figure(result, "Back-end DTI"), 2) == Decimal("40")
    assert "You mentioned 25%" in result.checks[0]


def test_every_debt_is_counted_once():
    result = answer_question(
        "I earn 85k a year, car payment $450, student loans $300, credit cards $120, "
        "new mortgage payment would be $2,100. whats my dti"
    )
    assert [label for label, _ in result.scenario.debts] == ["car", "student loan", "credit card"]
    assert round(figure(result, "Back-end DTI"), 2) == Decimal("41.93")
    assert round(figure(result, "Front-end DTI"), 2) == Decimal("29.65")


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("$300k", [Decimal(300_000)]),
        ("300,000", [Decimal(300_000)]),
        ("1.2 million", [Decimal(1_200_000)]),
        ("6.5 percent", [Decimal("6.5")]),
        ("$1,500-$1,700", [Decimal(1_500)]),
    ],
)
def test_number_forms(text, values):
    assert [m.value for m in scan_numbers(text)] == values


def test_fractions_words_and_typos():
    scenario = read_scenario("whats the paymnet on a 1.2 million morgage at 6 1/2 % for thirty years")
    assert scenario.loan == 1_200_000 and scenario.rate == Decimal("6.5") and scenario.term_months == 360


def test_a_range_uses_the_upper_end_and_says_so():
    result = answer_question("payment on a $300k loan at 6-6.5% for 30 years?")
    assert result.scenario.rate == Decimal("6.5")
    assert any("range" in note for note in result.assumptions)


def test_yearly_and_hourly_income():
    yearly = read_scenario("I make $72,000 a year and pay $900 a month in debts, what's my DTI?")
    assert yearly.income == 6_000
    hourly = answer_question("I make $30 an hour and my car payment is $400, what's my DTI")
    assert round(hourly.scenario.income, 2) == Decimal("5200.00")
    assert any("40 hours" in note for note in hourly.assumptions)


def test_missing_rate_is_asked_for_not_invented():
    result = answer_question("what's the monthly payment on a $300,000 loan for 30 years?")
    assert isinstance(result, Clarification)
    assert "interest rate" in result.text()


def test_implausible_dti_asks_instead_of_showing():
    result = answer_question("I earn $500 a month and my car payment is $900, what's my DTI?")
    assert isinstance(result, Clarification)
    assert "above 100%" in result.text()


def test_follow_ups_reuse_the_last_inputs():
    first = answer_question("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?")
    shorter = answer_question("what about 15 years?", first.scenario)
    assert shorter.kind is Calculator.PAYMENT and shorter.scenario.term_months == 180
    assert figure(shorter, "Monthly principal and interest") == Decimal("2613.32")
    house = answer_question("payment on a $400,000 house with 20% down at 7% for 30 years")
    with_ten = answer_question("and with 10% down?", house.scenario)
    assert with_ten.scenario.resolved_loan == 360_000


def test_follow_up_rebuilt_from_history_and_json():
    scenario = scenario_from_history(["What is the monthly payment on a $300,000 loan at 6.5% for 30 years?"])
    assert scenario.loan == 300_000
    assert Scenario.from_json(scenario.to_json()) == scenario
    result = answer_question("how much interest would I save paying $200 extra a month for that loan", scenario)
    assert result.kind is Calculator.EXTRA


@pytest.mark.parametrize(
    "question",
    [
        "What is an FHA loan?",
        "What is a good DTI?",
        "my credit score is 720, can I get a mortgage in 2025?",
        "Can lenders consider my age?",
        "What documents do I need for pre-approval?",
        "",
    ],
)
def test_non_calculation_questions_return_none(question):
    assert compute_from_question(question) is None


def test_schedule_is_attached_for_charts():
    result = answer_question("show me the amortization schedule for $200,000 at 6% over 30 years")
    assert result.kind is Calculator.SCHEDULE and len(result.schedule) == 360
    assert "| Loan amount | $200,000 |" in result.markdown()


@pytest.mark.parametrize(
    ("question", "kind", "fragment"),
    [
        (
            "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
            "payment",
            "$1,896.20 a month",
        ),
        ("payment for 250k at 7 percent over 15 years", "payment", "$2,247.07 a month"),
        ("What would my payment be on a 400k mortgage at 7.25% for 30 yrs", "payment", "$2,728.71 a month"),
        ("monthly payment for $200,000 at 0% for 120 months", "payment", "$1,666.67 a month"),
        ("payment on a 30-year mortgage of $450,000 at 6.875%", "payment", "$2,956.18 a month"),
        ("my debts are $1,200 a month and I earn $6,000 a month, what's my DTI?", "dti", "20%"),
        (
            "I earn $6,000 a month and my debts are $1,500 a month, what is my debt-to-income ratio?",
            "dti",
            "25%",
        ),
        (
            "I make $72,000 a year and pay $900 a month on my car loan and credit cards. What is my DTI?",
            "dti",
            "15%",
        ),
        ("LTV for a $280,000 loan on a $350,000 house", "ltv", "80%"),
        ("buying a $400,000 home with $80,000 down, what is my LTV?", "ltv", "80%"),
        (
            "how much interest would I save paying $200 extra per month on $300,000 at 6% for 30 years?",
            "extra_payment",
            "$91,173.87",
        ),
        (
            "How much can I borrow if I can afford $2,000 a month at 6.5% for 30 years?",
            "max_loan",
            "$316,421.64",
        ),
        (
            "What is the APR on a $300,000 loan at 6.5% for 30 years with $5,000 in closing costs?",
            "apr",
            "6.662%",
        ),
    ],
)
def test_compute_from_question(question, kind, fragment):
    result = compute_from_question(question)
    assert result is not None
    assert result.kind == kind
    assert fragment in result.summary


def test_compute_from_question_reports_inputs():
    result = compute_from_question("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?")
    assert ("Loan amount", "$300,000") in result.inputs and ("Interest rate", "6.5%") in result.inputs
    assert figure(result, "Monthly principal and interest") == Decimal("1896.20")
    dti_result = compute_from_question("I make $72,000 a year and pay $900 a month in debts, what's my DTI?")
    assert dti_result.scenario.income == Decimal(6000)


# Written after the data set was final; the first run got 7 of 15 right (docs/benchmarks.md). Kept as regressions.
FRESH = [
    (
        "hey so we're looking at a 3 bed for 415k, putting 15% down, rate quoted 6.99 on a 30 yr. monthly?",
        "Monthly principal and interest",
        ref.payment(415_000 * 0.85, 6.99, 360),
    ),
    (
        "my wife and i make 140,000 combined per year. we pay 650/mo for two cars and $200 student loans. what dti "
        "would we have with a $3,100 mortgage payment",
        "Back-end DTI",
        (650 + 200 + 3100) / (140_000 / 12) * 100,
    ),
    (
        "Can I afford a 500k house? I make 9k a month, no debts, rates ~7%, 30 years, 20% down",
        "Maximum loan",
        ref.max_loan(9000 * 0.43, 7, 360),
    ),
    (
        "is it worth paying 2 points ($7,000) to go from 7% to 6.5% on 350k over 30 years",
        "Break-even months",
        ref.break_even_months(7000, ref.payment(350_000, 7, 360), ref.payment(350_000, 6.5, 360)),
    ),
    (
        "we want to refinance: current balance 410k at 7.6%, 27 years left, new loan 6.4% 30 years, costs 8,500. "
        "break even?",
        "Break-even months",
        ref.break_even_months(8500, ref.payment(410_000, 7.6, 324), ref.payment(410_000, 6.4, 360)),
    ),
]


def test_a_stated_payment_is_checked_to_the_dollar_and_not_carried_to_follow_ups():
    first = answer_question("My payment is 2,250 on a 350k loan. Is that right at 6.8% for 30 years?")
    assert "$31.74 more" in first.checks[0]
    second = answer_question("what would the payment be if rates were 6% instead", first.scenario)
    assert second.checks == []


def test_arm_shows_the_highest_payment_the_caps_allow():
    result = answer_question("5/1 ARM $300,000 at 5.5% 30 years, caps 2/1/5, if the rate goes to 8% what's the payment")
    assert figure(result, "Rate after the reset") == Decimal("7.5")
    # independent: 5.5% -> 7.5% (payment 61) -> 8.5% -> 9.5% -> 10.5% (payment 97), each re-amortised
    balance, rate, payment, month = 300_000.0, 5.5, ref.payment(300_000, 5.5, 360), 0
    for reset, new_rate in ((60, 7.5), (72, 8.5), (84, 9.5), (96, 10.5)):
        for _ in range(reset - month):
            balance = balance * (1 + rate / 1200) - payment
        month, rate = reset, new_rate
        payment = ref.payment(balance, rate, 360 - month)
    assert abs(float(figure(result, "Highest possible payment")) - payment) < 0.005


def test_a_figure_without_a_role_is_asked_about_not_dropped():
    result = answer_question("payment on a $300,000 loan at 6% for 30 years, and I have $50,000")
    assert isinstance(result, Clarification)
    assert "what $50,000 is" in result.text()


def test_a_follow_up_that_restates_one_debt_keeps_the_others():
    first = answer_question(
        "I earn 85k a year, car payment $450, student loans $300, credit cards $120, "
        "new mortgage payment would be $2,100. whats my dti"
    )
    second = answer_question("what if my car payment was $250?", first.scenario)
    assert dict(second.scenario.debts) == {"student loan": 300, "credit card": 120, "car": 250}
    assert round(figure(second, "Back-end DTI"), 2) == Decimal("39.11")


# A second fresh set, written after the first was fixed: 10 of 15 right on the first run (docs/benchmarks.md).
FRESH_2 = [
    (
        "Whats the monthly on a 30 yr fixed for 285,000 at six and a half percent?",
        "Monthly principal and interest",
        ref.payment(285000, 6.5, 360),
    ),
    (
        "we're pre-approved for $350k at 6.625%, 30 years. what's the p&i?",
        "Monthly principal and interest",
        ref.payment(350000, 6.625, 360),
    ),
    (
        "gross pay is $4,200 every month. Car $310, cards $95, personal loan $150. Rent is $1,400. DTI please",
        "Back-end DTI",
        (310 + 95 + 150 + 1400) / 4200 * 100,
    ),
    (
        "how much do i still owe on my mortgage after 5 years if it was 240k at 4.5% for 30 years",
        "Balance remaining",
        ref.balance_after(240000, 4.5, 360, 60),
    ),
    (
        "If I add $150/month to my $220k 15-year loan at 5.25%, how much interest do I save?",
        "Interest saved",
        sum(r[1] for r in ref.schedule(220000, 5.25, 180))
        - sum(r[1] for r in ref.schedule(220000, 5.25, 180, extra_monthly=150)),
    ),
    (
        "home price 450,000, 5 percent down, rate 6.9, 30 year. when can pmi be removed automatically?",
        "Automatic termination after payment",
        ref.pmi_months(427500, 6.9, 360, 450000)[1],
    ),
    ("Loan to value if I owe 210k and the house is worth 300k", "LTV", 70.0),
    (
        "lender A: 6.75% no points. lender B: 6.375% with 1.25 points. loan is $410,000 for 30 years. "
        "how many months until B's points pay off?",
        "Break-even months",
        ref.break_even_months(410000 * 1.25 / 100, ref.payment(410000, 6.75, 360), ref.payment(410000, 6.375, 360)),
    ),
    ("what's the APR: $180,000, 7.25%, 30 years, fees of $2,700", "APR", ref.apr(180000, 7.25, 360, 2700)),
    (
        "Closing: down payment 25k, closing costs 7,800, seller paying 2,000 of costs, earnest money 2,500. "
        "cash needed?",
        "Cash to close",
        25000 + 7800 - 2000 - 2500,
    ),
    (
        "I make 58k/yr. Max house price with 36% DTI, no debts, 7% rate 30 yrs, $250/mo taxes and insurance, "
        "3.5% down?",
        "Maximum price",
        ref.max_loan(58000 / 12 * 0.36 - 250, 7, 360) / 0.965,
    ),
    (
        "interest only for 3 years on $400k at 7%, 30 yr term: payment after IO ends?",
        "Payment after the interest-only period",
        ref.payment(400000, 7, 324),
    ),
    ("total interest 20 year loan 160k 6.1%", "Total interest", ref.total_interest(160000, 6.1, 240)),
    (
        "our 7/1 ARM is $380,000 at 5.75% over 30 years; caps 5/2/5; it resets to 8.25%. new payment?",
        "Payment after the reset",
        ref.arm_payment(380000, 5.75, 360, 84, 8.25, 5, 5)[1],
    ),
    (
        "refi math: I pay $2,450 now; new loan payment would be $2,105; closing costs $5,900. breakeven?",
        "Break-even months",
        ref.break_even_months(5900, 2450, 2105),
    ),
]


# A third fresh set, written after the second was fixed: 11 of 15 right on the first run (docs/benchmarks.md).
FRESH_3 = [
    (
        "monthly paymnt for a 525k morgage, 7.125% intrest, 30yrs",
        "Monthly principal and interest",
        ref.payment(525000, 7.125, 360),
        None,
    ),
    (
        "if I borrowed two hundred thousand at 6% for 15 years whats the payment",
        "Monthly principal and interest",
        ref.payment(200000, 6, 180),
        None,
    ),
    (
        "how much would i pay per month on a $95k loan at 8.5% over 10 years",
        "Monthly principal and interest",
        ref.payment(95000, 8.5, 120),
        None,
    ),
    (
        "and if it was 15 years?",
        "Monthly principal and interest",
        ref.payment(95000, 8.5, 180),
        ["how much would i pay per month on a $95k loan at 8.5% over 10 years"],
    ),
    (
        "I earn $6,500/month before taxes. Monthly debts: car $425, student loan $275. Proposed housing payment "
        "$1,950. Front and back end ratios?",
        "Back-end DTI",
        (425 + 275 + 1950) / 6500 * 100,
        None,
    ),
    (
        "what's my front-end ratio? income 9,000 per month, house payment 2,300",
        "Front-end DTI",
        2300 / 9000 * 100,
        None,
    ),
    (
        "How much is left after 120 payments on $500k at 6.25% 30y?",
        "Balance remaining",
        ref.balance_after(500000, 6.25, 360, 120),
        None,
    ),
    (
        "We bought at $600,000 and financed $540,000 at 6.5% for 30 years. When does PMI automatically stop?",
        "Automatic termination after payment",
        ref.pmi_months(540000, 6.5, 360, 600000)[1],
        None,
    ),
    (
        "how much interest do i save by paying biweekly on a 400k 30-year at 7%",
        "Interest saved",
        sum(r[1] for r in ref.schedule(400000, 7, 360))
        - sum(r[1] for r in ref.schedule(400000, 7, 360, extra_yearly=ref.cents(ref.payment(400000, 7, 360)))),
        None,
    ),
    (
        "If I put a $20,000 lump sum toward my $350,000 mortgage at 6.25% (30 yr), how many months sooner do I finish?",
        "Months saved",
        len(ref.schedule(350000, 6.25, 360)) - len(ref.schedule(350000, 6.25, 360, lump=20000)),
        None,
    ),
    (
        "How big a mortgage can I get with $3,000/month for principal and interest at 6.75% for 30 years?",
        "Maximum loan",
        ref.max_loan(3000, 6.75, 360),
        None,
    ),
    ("LTV and CLTV: value $420k, first mortgage $300k, HELOC $40k", "CLTV", 340 / 420 * 100, None),
    ("APR if loan is $275,000 at 6.875% for 30 years with 2 points", "APR", ref.apr(275000, 6.875, 360, 5500), None),
    (
        "down payment is 10% of 350k, closing costs 9,200, lender credit 1,200. total cash to close?",
        "Cash to close",
        35000 + 9200 - 1200,
        None,
    ),
    (
        "Refinance question: my balance is $260k at 7.25% with 25 years left. New 20-year loan at 6%, costs $4,800. "
        "Break-even?",
        "Break-even months",
        ref.break_even_months(4800, ref.payment(260000, 7.25, 300), ref.payment(260000, 6, 240)),
        None,
    ),
]


# A fourth fresh set on the most common questions (DTI, affordability, PMI): 6 of 10 right on the first run, with
# two wrong DTIs ("mortgage would be $1,250" read as a loan amount) — the issue's own failure, in new words.
FRESH_4 = [
    (
        "Single mom, I make about 48,000 a year. I have a $320 car payment and $85 in credit card minimums. If my "
        "mortgage would be $1,250 what would my DTI be?",
        "Back-end DTI",
        (320 + 85 + 1250) / 4000 * 100,
        None,
    ),
    (
        "my husband makes $4,000 a month and I make $2,500 a month. debts are $600 total. new house payment $2,100. "
        "dti?",
        "Back-end DTI",
        (600 + 2100) / 6500 * 100,
        None,
    ),
    (
        "With a 45% DTI max, $11k/month income, $900 in other debts, 6.5% 30-yr, $500/mo taxes+insurance, how big a "
        "loan?",
        "Maximum loan",
        ref.max_loan(11000 * 0.45 - 900 - 500, 6.5, 360),
        None,
    ),
    (
        "how much house can I afford on a 75k salary with 10% down at 6.75%, 30 years, 43% dti, $400 a month for "
        "taxes and insurance, no debts",
        "Maximum price",
        ref.max_loan(75000 / 12 * 0.43 - 400, 6.75, 360) / 0.9,
        None,
    ),
    (
        "Put 8% down on a $310,000 townhome at 6.6% for 30 years. What month can I ask the lender to cancel PMI?",
        "Can request cancellation after payment",
        ref.pmi_months(310000 * 0.92, 6.6, 360, 310000)[0],
        None,
    ),
    ("what's my DTI if I earn 5k monthly and owe $700 a month on loans", "Back-end DTI", 14.0, None),
    (
        "and if I add a $1,500 mortgage?",
        "Back-end DTI",
        44.0,
        ["what's my DTI if I earn 5k monthly and owe $700 a month on loans"],
    ),
    (
        "payment on 350k, 30 yr, 6.375%, plus pmi $140, taxes $375 and insurance $110 a month?",
        "Total monthly housing payment",
        ref.cents(ref.payment(350000, 6.375, 360)) + 140 + 375 + 110,
        None,
    ),
    (
        "Is my DTI too high? Salary $92,000, car loan $510, student loans $380, mortgage would be $2,650",
        "Back-end DTI",
        (510 + 380 + 2650) / (92000 / 12) * 100,
        None,
    ),
    (
        "how much can I borrow? I make 7,200 a month, my car payment is 450, rates are around 7 percent for a 30 "
        "year, my lender's DTI limit is 43%",
        "Maximum loan",
        ref.max_loan(7200 * 0.43 - 450, 7, 360),
        None,
    ),
]


def test_an_unplaced_follow_up_figure_is_asked_about():
    scenario = scenario_from_history(["what's my DTI if I earn 5k monthly and owe $700 a month on loans"])
    assert isinstance(answer_question("what about 1,800?", scenario), Clarification)


# A fifth fresh set on the other calculators: 7 of 10 right on the first run, the misses asked or answered another
# question (the balance on a date, "one extra payment of $2,500 every year", "for 30." as the term).
FRESH_5 = [
    (
        "10 year interest-only period on 850k at 6.8%, 30 year loan. What's the interest only payment and what does "
        "it jump to?",
        "Payment after the interest-only period",
        ref.payment(850000, 6.8, 240),
        None,
    ),
    (
        "5/6 ARM, $275k, starts at 5.99% for 30 yrs. If it adjusts to 7.5% after the fixed period, payment?",
        "Payment after the reset",
        ref.arm_payment(275000, 5.99, 360, 60, 7.5)[1],
        None,
    ),
    (
        "APR check: 420,000 loan, 6.5% note rate, 30yr term, 1.5 points plus 2,250 in fees",
        "APR",
        ref.apr(420000, 6.5, 360, 420000 * 0.015 + 2250),
        None,
    ),
    (
        "How much cash do we need to close? Purchase price $265,000, 3.5% down, closing costs $8,900, seller credit "
        "$5,000",
        "Cash to close",
        265000 * 0.035 + 8900 - 5000,
        None,
    ),
    ("ltv for a cash out refi: home value 550k, new loan 440k", "LTV", 80.0, None),
    (
        "I started paying my $300,000 mortgage (5% for 30 years) on June 1, 2021. What will I owe on June 1, 2026?",
        "Balance remaining",
        ref.balance_after(300000, 5, 360, 61),
        None,
    ),
    (
        "If I make one extra payment of $2,500 every year on my $410k loan at 6.9% for 30 years, how many months do "
        "I save?",
        "Months saved",
        len(ref.schedule(410000, 6.9, 360)) - len(ref.schedule(410000, 6.9, 360, extra_yearly=2500)),
        None,
    ),
    (
        "what's the total interest paid over the life of a 25 year $330,000 mortgage at 6.45%?",
        "Total interest",
        ref.total_interest(330000, 6.45, 300),
        None,
    ),
    (
        "loan amount 260k at 6.25% for 30. what's the monthly",
        "Monthly principal and interest",
        ref.payment(260000, 6.25, 360),
        None,
    ),
    (
        "what if I did 20 years instead",
        "Monthly principal and interest",
        ref.payment(260000, 6.25, 240),
        ["loan amount 260k at 6.25% for 30. what's the monthly"],
    ),
]


def test_a_stated_share_of_income_is_never_an_interest_rate_and_the_price_is_the_home():
    """From the fairness groups: the loan is what is borrowed "to buy" the home, and "31% of my income" is a DTI."""
    question = (
        "I earn $60,000 a year and want to borrow $112,000 to buy a $140,000 home with a 30-year mortgage. "
        "My total monthly debt payments would be 31.0% of my income. Can I afford this?"
    )
    scenario = read_scenario(question)
    assert scenario.loan == Decimal("112000") and scenario.price == Decimal("140000")
    assert scenario.rate is None, "no interest rate was given"
    result = answer_question(question, None)
    # no rate: assessed with what can be computed, the rate asked for once (tests/tools/test_affordability.py)
    assert isinstance(result, Calculation) and result.text().count("interest rate") == 1


# A held-out set written after the fifth round (tests/data/calc_questions_fresh.jsonl): its tune half found these
# phrasings asked about or misread. Kept here in other words and figures, as rules.
FRESH_6 = [
    ("IO payment: $700k at 6.5%, 7 yr IO period, 30 yr term", "Interest-only payment", 700000 * 0.065 / 12),
    (
        "interest only for 10 years, then amortizing over the remaining 20. 800k at 7%. payment after the io period?",
        "Payment after the interest-only period",
        ref.payment(800000, 7, 240),
    ),
    (
        "how much could we borrow if we can handle $2,000 a month for principal and interest at 6.5% for 30 years",
        "Maximum loan",
        (2000 * (1 - (1 + 0.065 / 12) ** -360) / (0.065 / 12)),
    ),
    (
        "payment now is $1,900, refinancing would bring it down to $1,700, closing costs $5,000. break even?",
        "Break-even months",
        25,
    ),
    ("refi closing costs $3,000 and it saves me $120 a month. how long to recoup", "Break-even months", 25),
    (
        "apr on a $200,000 loan at 6% for 30 years with a 1% origination fee and $800 in other finance charges",
        "APR",
        ref.apr(200000, 6, 360, 2800),
    ),
    (
        "cash to close: down payment $40,000, closing costs $9,000, prepaid taxes and insurance $2,500",
        "Cash to close",
        51500,
    ),
]


def test_real_words_are_not_corrected_into_loan_words():
    scenario = read_scenario("IO period of 5 years on 400k at 6% for 30 years, other finance charges $900, apr?")
    assert scenario.io_months == 60 and scenario.fees == Decimal("900")


def test_a_saving_that_is_not_monthly_is_asked_about_not_used():
    result = answer_question("I want to save $20,000 first. payment on a $300,000 loan at 6% for 30 years?")
    assert isinstance(result, Clarification) and "$20,000" in result.text()


# Its report half, measured once after the rules above (21/30 on that run), then found these; kept as rules.
FRESH_6_REPORT = [
    (
        "borrowing two hundred fifty thousand at 6% for 30 years, payment?",
        "Monthly principal and interest",
        ref.payment(250000, 6, 360),
    ),
    (
        "back-end dti: income $8,000 a month, student loans 200 and 150, car 300, new mortgage payment 2,000",
        "Back-end DTI",
        (200 + 150 + 300 + 2000) / 8000 * 100,
    ),
    (
        "what's the most we could borrow? income $7,000/month, no debts, 36% dti limit, 6% 30 years, taxes $300 a "
        "month and insurance $100 a month",
        "Maximum loan",
        (7000 * 0.36 - 400) * (1 - (1 + 0.005) ** -360) / 0.005,
    ),
    ("ltv if we put down 15% on a $400k apartment", "LTV", 85.0),
    (
        "we paid $350k with 5% down at 6% for 30 years, when does pmi end automatically",
        "Automatic termination after payment",
        ref.pmi_months(332500, 6, 360, 350000)[1],
    ),
    (
        "how many months until i can request pmi removal? loan 280k, home value 320k, 6.5% 30 yr",
        "Can request cancellation after payment",
        ref.pmi_months(280000, 6.5, 360, 320000)[0],
    ),
    (
        "1 point takes the rate from 6.875 to 6.625 on a $300k 30 year loan. break even?",
        "Break-even months",
        ref.break_even_months(3000, ref.payment(300000, 6.875, 360), ref.payment(300000, 6.625, 360)),
    ),
    ("apr: $250k at 6.5% for 30 years, $5,000 prepaid finance charges", "APR", ref.apr(250000, 6.5, 360, 5000)),
    ("cash to close: 20k down, closing costs 6,000, the seller will pay 1,500", "Cash to close", 24500),
]


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("three hundred and twenty thousand", "$320000"),
        ("one hundred twenty-five thousand five hundred", "$125500"),
        ("half a million", "$500000"),
        ("a million", "$1000000"),
        ("1.2 million", "1.2 million"),
        ("thirty years", "30 years"),
    ],
)
def test_spelled_out_amounts(text, amount):
    assert normalize(text) == amount


# A seventh check of 18 questions written after the 60 were all right: 12 right on the first run; two wrong
# figures (a one-time payment read as monthly, "half a point" left out of the APR), three asks, one missed.
# Kept as rules.
FRESH_7 = [
    (
        "5/1 ARM, $280,000 at 5.5% for 30 years, caps 2/2/5. payment if the index pushes it to 8%?",
        "Payment after the reset",
        ref.arm_payment(280000, 5.5, 360, 60, 8, 2, 5)[1],
    ),
    (
        "if we put $250 a month toward the mortgage on 300k at 6% for 30 yrs, how many months sooner is it paid off?",
        "Months saved",
        len(ref.schedule(300000, 6, 360)) - len(ref.schedule(300000, 6, 360, extra_monthly=250)),
    ),
    (
        "a one-time extra payment of $10,000 on a $250,000 30yr at 6.5%, how much interest saved?",
        "Interest saved",
        ref.total_interest(250000, 6.5, 360) - ref.total_interest(250000, 6.5, 360, lump=10000),
    ),
    (
        "I owe $250k on a 30-year at 7% now, new 30-year at 6%, $6,000 closing. months to break even?",
        "Break-even months",
        ref.break_even_months(6000, ref.payment(250000, 7, 360), ref.payment(250000, 6, 360)),
    ),
    (
        "apr on $300,000 at 6.5% for 30 years with a quarter point and $2,000 fees",
        "APR",
        ref.apr(300000, 6.5, 360, 750 + 2000),
    ),
    ("funds needed at closing: 30k down, closing costs 8,000, lender credit 1,000", "Cash to close", 37000),
]


# How close a figure must be, as `apfa eval calc` judges: APR to a thousandth of a point, totals over a schedule to
# a dollar (float cent-rounding may differ by a cent in rare months), every other figure to the cent.
TOLERANCE = {"APR": 0.001, "Interest saved": 1.0, "Total interest": 1.0}
FRESH_SETS = {
    "first": FRESH,
    "second": FRESH_2,
    "third": FRESH_3,
    "fourth": FRESH_4,
    "fifth": FRESH_5,
    "sixth": FRESH_6,
    "sixth-report": FRESH_6_REPORT,
    "seventh": FRESH_7,
}


@pytest.mark.parametrize(
    ("question", "label", "expected", "history"),
    [
        pytest.param(*row, *[None] * (4 - len(row)), id=f"{name}-{number}")
        for name, rows in FRESH_SETS.items()
        for number, row in enumerate(rows, 1)
    ],
)
def test_fresh_questions(question, label, expected, history):
    """Each fresh set's questions (a follow-up with the question it follows): the figure asked for, computed."""
    previous = scenario_from_history(history) if history else None
    result = answer_question(question, previous)
    assert isinstance(result, Calculation), result
    assert abs(float(figure(result, label)) - expected) <= TOLERANCE.get(label, 0.011)


@pytest.mark.parametrize(
    ("question", "yearly_income", "cap", "rate"),
    [
        ("how much house can I afford with 36% DTI at 7% making 90k", 90000, 36, 7),
        ("how much house can I afford with a 43% dti at 6.5% making 100k", 100000, 43, 6.5),
        ("how much can I borrow at 6.25% and 40 percent DTI, earning 120k a year", 120000, 40, 6.25),
        ("how much can I borrow with a dti of 43% at 6.5% earning 120k a year", 120000, 43, 6.5),
        ("max loan at 7% with a DTI of 36%, income 90k a year", 90000, 36, 7),
        ("how much can I borrow at 6.5% with 43% DTI making 120k", 120000, 43, 6.5),
    ],
)
def test_a_dti_label_belongs_to_its_own_percent_not_the_rate_beside_it(question, yearly_income, cap, rate):
    """ "36% DTI at 7%": the label right after 36% is that percent's, so the 7% stays the interest rate."""
    scenario = read_scenario(question)
    assert (scenario.dti_cap, scenario.rate) == (cap, Decimal(str(rate)))
    result = answer_question(question)
    assert isinstance(result, Calculation) and result.kind is Calculator.MAX_LOAN, result
    expected = ref.max_loan(yearly_income / 12 * cap / 100, rate, 360)
    assert abs(float(figure(result, "Maximum loan")) - expected) <= 0.011
    assert "No term was given, so a 30-year term was assumed." in result.assumptions
