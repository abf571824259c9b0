# ruff: noqa: E501  (borrowers' questions are kept on one line each, as written)
"""Builds tests/data/calc_questions.jsonl: loan questions as borrowers write them, with expected figures.

Expected values come from tests/tools/float_loans.py (plain floats from the closed forms), never from the product.
Run once from the repository root: `.venv/bin/python tests/data/build_calc_questions.py`. Cases alternate between
the tune half (used while developing the parser) and the report half (the figure in docs/benchmarks.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import float_loans as f  # noqa: E402
from calc_cases import CaseBook, Figure, Tolerance, max_under_dti, points_be, saved  # noqa: E402

BOOK = CaseBook()

# ----- payment -----
payment = BOOK.calculator("payment", Figure.MONTHLY_PI, Tolerance.MONEY)
payment("What is the monthly payment on a $300,000 loan at 6.5% for 30 years?", f.payment(300_000, 6.5, 360))
payment("payment for 250k at 7 percent over 15 years??", f.payment(250_000, 7, 180))
payment("whats my morgage payment if i borrow 412,500 at 6.875 for 30 yrs", f.payment(412_500, 6.875, 360))
payment("how much a month on a 1.2 million mortgage at 6 1/2 % for thirty years", f.payment(1_200_000, 6.5, 360))
payment(
    "Buying a $450k house with 20% down, rate is 6.25% on a 30 year fixed. monthly payment?",
    f.payment(360_000, 6.25, 360),
)
payment(
    "house is $380,000 and I'm putting $40,000 down, 15 year loan at 5.99%, what will I pay each month",
    f.payment(340_000, 5.99, 180),
)
payment("What would my payment be on a $275,000 loan at 7.125% for 20 years", f.payment(275_000, 7.125, 240))
payment(
    "what about 15 years?",
    f.payment(300_000, 6.5, 180),
    history=["What is the monthly payment on a $300,000 loan at 6.5% for 30 years?"],
)
payment(
    "and with 10% down?",
    f.payment(360_000, 7, 360),
    history=["payment on a $400,000 house with 20% down at 7% for 30 years"],
)
payment(
    "what if the rate was 5.75% instead",
    f.payment(325_000, 5.75, 360),
    history=["I'm looking at a $325,000 mortgage at 6.6% for 30 years, what's the monthly payment"],
)
payment(
    "calculate P&I on $189,900 at 6.45% 30yr, plus taxes $310 a month and insurance $95 a month",
    f.cents(f.payment(189_900, 6.45, 360)) + 310 + 95,
    figure=Figure.TOTAL_HOUSING,
)

# ----- total interest -----
total_interest = BOOK.calculator("total_interest", Figure.TOTAL_INTEREST, Tolerance.SUMS)
for principal, rate, months, text in [
    (300_000, 6.5, 360, "how much interest will I pay in total on $300k at 6.5% for 30 years"),
    (200_000, 5.5, 180, "total interest on a 200,000 loan, 5.5%, 15 years?"),
    (
        350_000,
        7.0,
        360,
        "if i take a $350,000 mortgage at 7% 30 year how much intrest do i pay over the life of the loan",
    ),
    (150_000, 4.25, 240, "total cost in interest for $150k @ 4.25% for 20 yrs"),
    (500_000, 6.0, 360, "How much interest would I pay over 30 years on a $500,000 loan at 6%?"),
    (425_000, 6.75, 360, "what's the total interest on a 425k mortgage at 6.75 percent, 30-year"),
]:
    total_interest(text, f.total_interest(principal, rate, months))

# ----- schedule (checked through its first-year figures and payment) -----
schedule = BOOK.calculator("schedule", Figure.MONTHLY_PI, Tolerance.MONEY)
for principal, rate, months, text in [
    (200_000, 6.0, 360, "show me the amortization schedule for $200,000 at 6% over 30 years"),
    (320_000, 6.9, 360, "can i see a year by year breakdown for a 320k loan at 6.9% 30 yrs"),
    (180_000, 5.25, 180, "amortisation schedule please: 180,000, 5.25%, 15 years"),
    (260_000, 7.5, 360, "give me the schedule on $260k at 7.5% for 30 years"),
    (99_500, 8.0, 120, "month by month schedule for a $99,500 loan at 8% over 10 years"),
]:
    schedule(text, f.payment(principal, rate, months))

# ----- balance after N payments -----
balance = BOOK.calculator("balance", Figure.BALANCE, Tolerance.MONEY)
for principal, rate, months, made, text in [
    (300_000, 6.5, 360, 60, "what's my balance after 60 payments on a $300,000 loan at 6.5% for 30 years"),
    (250_000, 7.0, 360, 120, "How much will I still owe after 10 years on a 250k mortgage at 7% 30 year?"),
    (
        400_000,
        6.0,
        360,
        84,
        "I've made 84 payments on my $400,000 loan at 6% for 30 years. what's the remaining balance",
    ),
    (180_000, 5.0, 180, 36, "remaining balance on 180k, 5%, 15 yr loan after 3 years?"),
    (220_000, 6.25, 360, 12, "balance left after 12 payments: $220,000 at 6.25% 30-year"),
]:
    balance(text, f.balance_after(principal, rate, months, made))
balance(
    "My first payment was March 1, 2020 on a $310,000 loan at 3.5% for 30 years. What's the balance on March 1, 2025?",
    f.balance_after(310_000, 3.5, 360, 61),
)

# ----- interest-only -----
interest_only = BOOK.calculator("interest_only", Figure.AFTER_IO, Tolerance.MONEY)
interest_only(
    "interest only loan $500k at 6% for 30 years with 10 years interest only, what's the payment",
    500_000 * 0.06 / 12,
    figure=Figure.IO_PAYMENT,
)
interest_only(
    "what's the payment after the interest-only period? $500k at 6%, 30 years, 10 years interest only",
    f.payment(500_000, 6, 240),
)
interest_only(
    "I'm considering an interest-only mortgage of 750,000 at 6.25% for 30 years, interest only for the first 5 years. payments?",
    f.payment(750_000, 6.25, 300),
)
interest_only(
    "IO payment on 640k at 7.1% 30yr with 7 years interest-only", 640_000 * 0.071 / 12, figure=Figure.IO_PAYMENT
)
interest_only(
    "interest only for 10 years on a $1,000,000 jumbo at 6.5% for 30 years - what do I pay after the io period",
    f.payment(1_000_000, 6.5, 240),
)

# ----- ARM -----
arm = BOOK.calculator("arm", Figure.AFTER_RESET, Tolerance.MONEY)
arm(
    "5/1 ARM $300,000 at 5.5% 30 years, caps 2/1/5, if the rate goes to 8% what is my payment after the reset",
    f.arm_payment(300_000, 5.5, 360, 60, 8, 2, 5)[1],
)
arm(
    "I have a 7/1 arm, 450k loan at 6% for 30 yrs. if it resets to 7.25% whats the new payment",
    f.arm_payment(450_000, 6, 360, 84, 7.25)[1],
)
arm(
    "5/1 adjustable $250,000 at 4.5% 30 year with 2/2/5 caps, rate would reset to 9%. new payment?",
    f.arm_payment(250_000, 4.5, 360, 60, 9, 2, 5)[1],
)
arm(
    "10/1 ARM on $600k at 5.875%, 30 years. What's the payment after it adjusts to 6.5%?",
    f.arm_payment(600_000, 5.875, 360, 120, 6.5)[1],
)
arm(
    "worst case payment on my 5/1 arm: 320,000 at 6.25% for 30 years, caps 5/2/5",
    f.arm_payment(320_000, 6.25, 360, 60, 11.25, 5, 5)[1],
)

# ----- DTI -----
dti = BOOK.calculator("dti", Figure.BACK_END_DTI, Tolerance.PCT)
dti(
    "I'm buying a $250,000 home with a $225,000 loan over 30 years. I earn $5,200 a month, the payment would be about $1,600 and I have no other debts, so my DTI is about 31%. What are my options?",
    1600 / 5200 * 100,
)
dti("I make $72,000 a year and pay $900 a month on my car loan and credit cards. What is my DTI?", 900 / 6000 * 100)
dti(
    "I earn 85k a year, car payment $450, student loans $300, credit cards $120, new mortgage payment would be $2,100. whats my dti",
    (450 + 300 + 120 + 2100) / (85_000 / 12) * 100,
)
dti("my debts are $1,200 a month and I earn $6,000 a month, what's my debt to income ratio?", 20)
dti(
    "i make $32 an hour full time, my car note is $380 and credit card $60. house payment would be $1,750. dti?",
    (380 + 60 + 1750) / (32 * 40 * 52 / 12) * 100,
)
dti(
    "front end dti if I make 9,500 a month and the new payment is $2,650 plus $400 car and $250 student loan",
    2650 / 9500 * 100,
    figure=Figure.FRONT_END_DTI,
)
dti(
    "Household income 120k/yr. Mortgage payment would be 2,900, car 520, child support 600. What's my back end ratio?",
    (2900 + 520 + 600) / 10_000 * 100,
)
dti(
    "what is my DTI? gross income $4,800 a month, rent $1,350, car loan $275, student loans $190",
    (1350 + 275 + 190) / 4800 * 100,
)

# ----- max loan / price -----
max_loan = BOOK.calculator("max_loan", Figure.MAX_LOAN, Tolerance.MONEY)
max_loan(
    "how much house can i afford making $96,000 a year with $500 car payment, rates are 6.75% for 30 years, taxes $350/month insurance $120 a month, 43% dti max, 10% down",
    max_under_dti(8000, 43, 6.75, 360, 500, 470),
)
max_loan("How much can I borrow if I can afford $2,000 a month at 6.5% for 30 years?", f.max_loan(2000, 6.5, 360))
max_loan(
    "what's the biggest loan I can get with a 43% DTI limit? I earn $7,500/month, car $400, student loan $300, rate 7%, 30 years, taxes $300 a month and insurance $100 a month",
    max_under_dti(7500, 43, 7, 360, 700, 400),
)
max_loan(
    "max purchase price if I make 110k a year, 36% dti cap, no other debts, 6.5% 30 yr, property taxes 4,800 a year, insurance 1,200 a year, hoa $150 a month, $60,000 down",
    max_under_dti(110_000 / 12, 36, 6.5, 360, 0, 400 + 100 + 150) + 60_000,
    figure=Figure.MAX_PRICE,
)
max_loan(
    "what's the maximum loan I qualify for at a 45% dti? income $6,200 a month, credit cards $150, 6.25% for 30 years, pmi $90 a month, taxes $250 a month, insurance $80 a month",
    max_under_dti(6200, 45, 6.25, 360, 150, 90 + 250 + 80),
)
max_loan(
    "how much can we borrow with a budget of $2,500 a month at 7.25% on a 15 year loan", f.max_loan(2500, 7.25, 180)
)

# ----- LTV / CLTV -----
ltv = BOOK.calculator("ltv", Figure.LTV, Tolerance.PCT)
ltv("LTV for a $280,000 loan on a $350,000 house", 80)
ltv("buying a $400,000 home with $80,000 down, what is my LTV?", 80)
ltv("ltv on a 350k house with 280k loan and a 30k heloc", 310 / 350 * 100, figure=Figure.CLTV)
ltv("my home appraised at $515,000 and I owe $390,000, what's my loan to value", 390 / 515 * 100)
ltv(
    "combined ltv: house worth 600k, first mortgage balance 420k, 2nd mortgage 75k", 495 / 600 * 100, figure=Figure.CLTV
)
ltv("what's the ltv if i put 5% down on a $289,000 condo", 95)

# ----- PMI -----
pmi = BOOK.calculator("pmi", Figure.AUTO_PMI_END, Tolerance.EXACT)
pmi(
    "when does PMI come off on a $285,000 loan for a $300,000 house at 6.5% 30 years",
    f.pmi_months(285_000, 6.5, 360, 300_000)[1],
)
pmi(
    "when can i request to cancel pmi? bought for $400k with 10% down at 6.75% for 30 years",
    f.pmi_months(360_000, 6.75, 360, 400_000)[0],
    figure=Figure.REQUEST_PMI_END,
)
pmi(
    "$250,000 house, 5% down, 7% 30 yr fixed, when will mortgage insurance drop off automatically",
    f.pmi_months(237_500, 7, 360, 250_000)[1],
)
pmi(
    "how long until I can get rid of PMI on a $330,000 loan, home price $350,000, rate 6.125%, 30 years",
    f.pmi_months(330_000, 6.125, 360, 350_000)[0],
    figure=Figure.REQUEST_PMI_END,
)
pmi(
    "pmi question: purchase price 500k, loan 450k at 5.5% for 15 years. when does it end automatically?",
    f.pmi_months(450_000, 5.5, 180, 500_000)[1],
)

# ----- extra payments -----
extra_payment = BOOK.calculator("extra_payment", Figure.INTEREST_SAVED, Tolerance.SUMS)
extra_payment(
    "If I pay $200 extra a month on my $300k mortgage at 6% for 30 years how much interest do I save",
    saved(300_000, 6, 360, extra_monthly=200)[0],
)
extra_payment(
    "biweekly payments on a $300k loan at 6% 30 years - how much do I save",
    saved(300_000, 6, 360, extra_yearly=f.cents(f.payment(300_000, 6, 360)))[0],
)
extra_payment(
    "how many months sooner is it paid off if I put an extra $500 a month toward a 250k loan at 7% for 30 years",
    saved(250_000, 7, 360, extra_monthly=500)[1],
    figure=Figure.MONTHS_SAVED,
    tolerance=Tolerance.EXACT,
)
extra_payment(
    "paying an additional $2,000 once a year on 400k at 6.5% 30 yr, interest saved?",
    saved(400_000, 6.5, 360, extra_yearly=2000)[0],
)
extra_payment(
    "I got a bonus and want to make a $10,000 lump sum payment on my $200,000 mortgage at 6% for 30 years. how much interest does that save",
    saved(200_000, 6, 360, lump=10_000)[0],
)
extra_payment(
    "what if i paid $100 extra per month for that loan",
    saved(350_000, 6.8, 360, extra_monthly=100)[0],
    history=["what's the monthly payment on a $350,000 loan at 6.8% for 30 years"],
)

# ----- points -----
points = BOOK.calculator("points", Figure.BREAK_EVEN, Tolerance.EXACT)
points(
    "I'm paying 2 points to buy the rate down from 7% to 6.5% on a $400k 30 year loan, how long to break even",
    points_be(400_000, 360, 7, 6.5, 2),
)
points(
    "is 1 point worth it? $300,000 loan 30 years, 6.75% without points or 6.5% with 1 point. break even months?",
    points_be(300_000, 360, 6.75, 6.5, 1),
)
points(
    "lender offers 6.125% with 1.5 points vs 6.5% no points on a 250k 30-year. how long to recoup the points",
    points_be(250_000, 360, 6.5, 6.125, 1.5),
)
points(
    "buying down from 7.25% to 6.875% costs $4,500 on my $360,000 30 yr loan. break-even?",
    f.break_even_months(4500, f.payment(360_000, 7.25, 360), f.payment(360_000, 6.875, 360)),
)
points(
    "points breakeven: 0.5 points to go from 6.6% to 6.45%, loan 520k, 30 years",
    points_be(520_000, 360, 6.6, 6.45, 0.5),
)

# ----- refinance break-even -----
refinance = BOOK.calculator("refinance", Figure.BREAK_EVEN, Tolerance.EXACT)
refinance(
    "I owe 250k on my mortgage at 7% with 28 years left, payment is $1,700. refinance to 6% with $5,000 closing costs, whats the break even",
    f.break_even_months(5000, 1700, f.payment(250_000, 6, 336)),
)
refinance(
    "refinance break even: current payment $2,100, new payment $1,850, closing costs $6,000",
    f.break_even_months(6000, 2100, 1850),
)
refinance(
    "should i refi? balance $310,000 at 7.5% 30 years, new rate 6.25% for 30 years, closing costs 7,200. how many months to break even",
    f.break_even_months(7200, f.payment(310_000, 7.5, 360), f.payment(310_000, 6.25, 360)),
)
refinance(
    "if i refinance my $280k balance from 6.9% to 5.9% on a 30 year with $4,000 in fees how long to recoup",
    f.break_even_months(4000, f.payment(280_000, 6.9, 360), f.payment(280_000, 5.9, 360)),
)
refinance(
    "refinancing costs $3,500. my payment now is $1,480 and the new one would be $1,390. months to break even?",
    f.break_even_months(3500, 1480, 1390),
)

# ----- APR -----
apr = BOOK.calculator("apr", Figure.APR, Tolerance.APR)
apr(
    "What is the APR on a $300,000 loan at 6.5% for 30 years with $5,000 in closing costs?",
    f.apr(300_000, 6.5, 360, 5000),
)
apr("what is the APR on $300,000 at 6.5% for 30 years with 1 point and $3,000 fees", f.apr(300_000, 6.5, 360, 6000))
apr("apr for 200k at 6% 15 years, 2 points and $1,500 lender fees?", f.apr(200_000, 6, 180, 5500))
apr(
    "how do i figure the annual percentage rate: loan $450,000, rate 6.875%, 30 year, origination fee $4,500",
    f.apr(450_000, 6.875, 360, 4500),
)
apr("whats the real APR if the rate is 7% on 350k for 30 years and I pay 1.5 points", f.apr(350_000, 7, 360, 5250))

# ----- cash to close -----
cash_to_close = BOOK.calculator("cash_to_close", Figure.CASH_TO_CLOSE, Tolerance.MONEY)
cash_to_close(
    "how much do I need at closing? price $400,000, 10% down, closing costs $12,000, seller credit $3,000, earnest money $5,000",
    40_000 + 12_000 - 3000 - 5000,
)
cash_to_close("cash to close: $30,000 down payment, $9,500 closing costs, lender credit $1,000", 38_500)
cash_to_close(
    "what is my cash to close if the house is 325k, I put 5% down, closing costs are 8,400, prepaids and escrow 2,300 and I already paid a 3,000 earnest money deposit",
    16_250 + 8400 + 2300 - 3000,
)
cash_to_close(
    "how much cash do i need to bring to closing: down payment $50,000, closing costs $11,250, seller concessions $4,000",
    57_250,
)
cash_to_close(
    "estimated cash to close on a $500k purchase with 20% down, $15,000 closing costs, and a $2,500 lender credit",
    100_000 + 15_000 - 2500,
)


def main() -> None:
    BOOK.write(Path(__file__).with_name("calc_questions.jsonl"))


if __name__ == "__main__":
    main()
