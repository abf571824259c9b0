# ruff: noqa: E501  (borrowers' questions are kept on one line each, as written)
"""Builds tests/data/calc_questions_fresh.jsonl: a held-out set written after calc_questions.jsonl was final.

Sixty new questions, four per calculator, in words the first set does not use (spelled-out amounts, "@", "P&I",
"refi", "10/6 arm", spouses' combined income, percentages of the price, follow-ups that say "that loan" or only
the change). Expected values come from tests/tools/float_loans.py, never from the product. Within each calculator
the cases alternate between the tune half (parser fixes may be informed by it) and the report half (measured once,
after those fixes). Run from the repository root: `.venv/bin/python tests/data/build_calc_questions_fresh.py`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

import float_loans as f  # noqa: E402
from calc_cases import CaseBook, Figure, Tolerance, max_under_dti, points_be, saved  # noqa: E402

BOOK = CaseBook()

payment = BOOK.calculator("payment", Figure.MONTHLY_PI, Tolerance.MONEY)
payment("hey whats the monthly on 285k @ 6.75 for 30yrs", f.payment(285_000, 6.75, 360))
payment(
    "If I borrow three hundred and twenty thousand at 6.1% for 25 years, what's the monthly payment?",
    f.payment(320_000, 6.1, 300),
)
payment(
    "ok and if i go 20 years instead",
    f.payment(415_000, 6.9, 240),
    history=["monthly payment on a $415,000 loan at 6.9% 30 year fixed?"],
)
payment(
    "Looking at a $529,000 townhouse, 15% down, 30 yr at 6.375%. How much will the mortgage be per month (just P&I)?",
    f.payment(529_000 * 0.85, 6.375, 360),
)

total_interest = BOOK.calculator("total_interest", Figure.TOTAL_INTEREST, Tolerance.SUMS)
total_interest(
    "how much interest will i pay in total on a 30 year 375k loan at 7.2%", f.total_interest(375_000, 7.2, 360)
)
total_interest("total interest on $150,000 at 5.5 percent for 15 yrs?", f.total_interest(150_000, 5.5, 180))
total_interest(
    "what would the total intrest be on a 15 year instead",
    f.total_interest(260_000, 6.4, 180),
    history=["how much interest over the life of a $260,000 loan at 6.4% for 30 years?"],
)
total_interest(
    "If I take a 40 year mortgage for 300k at 7%, how much interest do I end up paying overall?",
    f.total_interest(300_000, 7, 480),
)

schedule = BOOK.calculator("schedule", Figure.MONTHLY_PI, Tolerance.MONEY)
schedule("can you make me an amortization table for 240k at 6.625% 30 years", f.payment(240_000, 6.625, 360))
schedule("i want to see the payment schedule for a $135,000 loan, 7.75%, 20 yrs", f.payment(135_000, 7.75, 240))
schedule("amortization for 410,000 at 5.875% over 15 yr please", f.payment(410_000, 5.875, 180))
schedule(
    "can you show me the amortization schedule for that loan",
    f.payment(330_000, 6.2, 360),
    history=["what's the payment on $330k at 6.2% for 30 years"],
)

balance = BOOK.calculator("balance", Figure.BALANCE, Tolerance.MONEY)
balance("how much will i owe after 5 years on a 350k 30yr at 6.8%", f.balance_after(350_000, 6.8, 360, 60))
balance("balance after 100 payments? loan was $275,000 at 4.25% for 30 years", f.balance_after(275_000, 4.25, 360, 100))
balance(
    "we took out $420k at 3.875% 30-year fixed, first payment was june 1 2021. what will the balance be on june 1 2026",
    f.balance_after(420_000, 3.875, 360, 61),
)
balance(
    "After 7 yrs of payments on a 15 year $200k loan at 5.25%, what's left on the loan?",
    f.balance_after(200_000, 5.25, 180, 84),
)

interest_only = BOOK.calculator("interest_only", Figure.IO_PAYMENT, Tolerance.MONEY)
interest_only("interest-only payment for a $900k loan at 6.875%, 10 yr IO period, 30 yr term?", 900_000 * 0.06875 / 12)
interest_only(
    "what does the payment jump to after the interest only period ends? 480k at 7%, 30 years, first 10 years IO",
    f.payment(480_000, 7, 240),
    figure=Figure.AFTER_IO,
)
interest_only(
    "IO mortgage 1.5 million at 6.25%, interest only 5 yrs then amortizing over the remaining 25. monthly during IO?",
    1_500_000 * 0.0625 / 12,
)
interest_only(
    "I have an interest only loan of 615,000 at 6.5% for 30 years with a 7 year interest-only period. what will i pay once it starts amortizing",
    f.payment(615_000, 6.5, 276),
    figure=Figure.AFTER_IO,
)

arm = BOOK.calculator("arm", Figure.AFTER_RESET, Tolerance.MONEY)
arm(
    "5/1 arm 400k at 5.75% 30 yrs. caps are 2/2/5. if rates go to 8.5% what's my new payment at the first adjustment",
    f.arm_payment(400_000, 5.75, 360, 60, 8.5, 2, 5)[1],
)
arm(
    "7/1 ARM, $550,000, start rate 6.125%, 30 year. payment after reset if the rate becomes 7%?",
    f.arm_payment(550_000, 6.125, 360, 84, 7)[1],
)
arm(
    "what's the worst case payment after the first reset on a 5/1 ARM, 275k at 6%, 30 yr, caps 2/1/6",
    f.arm_payment(275_000, 6, 360, 60, 8, 2, 6)[1],
)
arm(
    "10/6 arm on 720k @ 6.5%, 30 years. if it adjusts to 7.5% after 10 years whats the payment",
    f.arm_payment(720_000, 6.5, 360, 120, 7.5)[1],
)

dti = BOOK.calculator("dti", Figure.BACK_END_DTI, Tolerance.PCT)
dti(
    "my gross pay is $5,500/mo. car $410, student loan $230, min credit card $85, and the new house payment would be $1,650. what's my dti?",
    (410 + 230 + 85 + 1650) / 5500 * 100,
)
dti("I make 68k a year, rent is 1,400, car payment 350. whats my debt to income", (1400 + 350) / (68_000 / 12) * 100)
dti(
    "front end ratio? income $11,000 per month, new mortgage payment $3,100, other debts $900",
    3100 / 11_000 * 100,
    figure=Figure.FRONT_END_DTI,
)
dti(
    "wife and I make 140,000 combined per year. car loans 600 and 450, student loans 380, and the mortgage would be 3,400/month. back-end dti?",
    (600 + 450 + 380 + 3400) / (140_000 / 12) * 100,
)

max_loan = BOOK.calculator("max_loan", Figure.MAX_LOAN, Tolerance.MONEY)
max_loan(
    "How much could I borrow if I can handle $2,300/month for principal and interest, 6.9% 30 year?",
    f.max_loan(2300, 6.9, 360),
)
max_loan(
    "what's the most I can borrow? I earn $9,000 a month, car payment $450, 43% dti limit, 6.5% for 30 yrs, taxes $400/mo and insurance $150/mo",
    max_under_dti(9000, 43, 6.5, 360, 450, 550),
)
max_loan(
    "max house price with a 36% DTI, making $120k/yr, no debts, 7% 30 yr, taxes 6,000/yr, insurance 1,800/yr, 20% down",
    max_under_dti(10_000, 36, 7, 360, 0, 500 + 150) / 0.8,
    figure=Figure.MAX_PRICE,
    tolerance=Tolerance.SUMS,
)
max_loan("budget is $1,800 a month, rate around 6.25%, 15 years. how big a loan is that", f.max_loan(1800, 6.25, 180))

ltv = BOOK.calculator("ltv", Figure.LTV, Tolerance.PCT)
ltv("house appraised at 480k, i still owe 312k. LTV?", 312 / 480 * 100)
ltv("whats my loan to value if I put down 12% on a $375k place", 88)
ltv("cltv? value $650,000, first mortgage $455,000, heloc $65,000", 520 / 650 * 100, figure=Figure.CLTV)
ltv("buying a 299,900 house with 10k down, what ltv is that", 289_900 / 299_900 * 100)

pmi = BOOK.calculator("pmi", Figure.AUTO_PMI_END, Tolerance.EXACT)
pmi(
    "when does pmi automatically stop? $380,000 loan on a $400,000 home, 6.75%, 30 yrs",
    f.pmi_months(380_000, 6.75, 360, 400_000)[1],
)
pmi(
    "when can I ask the lender to drop PMI? paid $425k with 10% down, 6.5% 30-year",
    f.pmi_months(382_500, 6.5, 360, 425_000)[0],
    figure=Figure.REQUEST_PMI_END,
)
pmi(
    "house price 260k, 3.5% down, rate 7.1%, 30 years. when does PMI go away on its own",
    f.pmi_months(250_900, 7.1, 360, 260_000)[1],
)
pmi(
    "how many payments until i can request pmi removal: loan 300k, value 340k, 6% 15 yr",
    f.pmi_months(300_000, 6, 180, 340_000)[0],
    figure=Figure.REQUEST_PMI_END,
)

extra_payment = BOOK.calculator("extra_payment", Figure.INTEREST_SAVED, Tolerance.SUMS)
extra_payment(
    "If I throw an extra $300 a month at my $275k loan (6.5%, 30 years), how much interest do i save",
    saved(275_000, 6.5, 360, extra_monthly=300)[0],
)
extra_payment(
    "how much sooner will I pay off a 200k 30 yr at 7% if i add 150 a month?",
    saved(200_000, 7, 360, extra_monthly=150)[1],
    figure=Figure.MONTHS_SAVED,
    tolerance=Tolerance.EXACT,
)
extra_payment(
    "switching to biweekly payments on 450k at 6.25% 30 year, how much interest saved",
    saved(450_000, 6.25, 360, extra_yearly=f.cents(f.payment(450_000, 6.25, 360)))[0],
)
extra_payment(
    "and if i pay an extra 250 every month how much interest would i save",
    saved(310_000, 6.6, 360, extra_monthly=250)[0],
    history=["what's the payment on a $310,000 loan at 6.6% for 30 years?"],
)

points = BOOK.calculator("points", Figure.BREAK_EVEN, Tolerance.EXACT)
points(
    "Should I pay 1 point to get 6.25% instead of 6.5%? loan is 350k, 30 yr. how many months to break even",
    points_be(350_000, 360, 6.5, 6.25, 1),
)
points(
    "2 points buys the rate down from 7.125 to 6.625 on a 30 year 280k loan, when do I break even?",
    points_be(280_000, 360, 7.125, 6.625, 2),
)
points(
    "paying $3,000 in discount points lowers my rate from 6.875% to 6.75%. $300,000, 30 yrs. break even point in months?",
    f.break_even_months(3000, f.payment(300_000, 6.875, 360), f.payment(300_000, 6.75, 360)),
)
points(
    "is it worth 1.25 points for a rate of 6.74% instead of 6.99%? 450k 30yr", points_be(450_000, 360, 6.99, 6.74, 1.25)
)

refinance = BOOK.calculator("refinance", Figure.BREAK_EVEN, Tolerance.EXACT)
refinance(
    "my payment is 2,350 now. a refi would make it 2,050 and cost 6,500 in closing costs. how long to break even",
    f.break_even_months(6500, 2350, 2050),
)
refinance(
    "refinance my 30-year $330,000 loan at 7.25% into a new 30-year at 6.25%, closing costs $8,000. months to break even?",
    f.break_even_months(8000, f.payment(330_000, 7.25, 360), f.payment(330_000, 6.25, 360)),
)
refinance("refi break-even: closing costs 4,200, it saves me $140 a month", f.break_even_months(4200, 140, 0))
refinance(
    "i owe 225k with 25 yrs left at 6.875%, current payment 1,573. refinancing to 5.875% for 25 years costs $4,800. break even?",
    f.break_even_months(4800, 1573, f.payment(225_000, 5.875, 300)),
)

apr = BOOK.calculator("apr", Figure.APR, Tolerance.APR)
apr("what's the APR on 250k at 6.25% 30yrs if fees are $4,200", f.apr(250_000, 6.25, 360, 4200))
apr("APR with 1 point + $2,500 fees on a $400k 30 year at 6.75%?", f.apr(400_000, 6.75, 360, 6500))
apr(
    "loan 180,000 15 years 5.99%, origination 1% and $1,200 other finance charges. what is the apr",
    f.apr(180_000, 5.99, 180, 3000),
)
apr(
    "true APR for a 320k mortgage, 7.25% rate, 30 yrs, $6,400 in prepaid finance charges",
    f.apr(320_000, 7.25, 360, 6400),
)

cash_to_close = BOOK.calculator("cash_to_close", Figure.CASH_TO_CLOSE, Tolerance.MONEY)
cash_to_close(
    "how much cash do i need at closing: purchase price 350k, 5% down, closing costs 10,500, earnest money 3,500",
    17_500 + 10_500 - 3_500,
)
cash_to_close(
    "cash needed to close? down payment $45,000, closing costs $8,750, seller is paying $2,000, lender credit $750",
    45_000 + 8_750 - 2_000 - 750,
)
cash_to_close(
    "buying at $615,000 with 20 percent down. closing costs about 14k, prepaid taxes/insurance 3,200. earnest money deposit was 10k. how much do I bring to closing?",
    123_000 + 14_000 + 3_200 - 10_000,
)
cash_to_close("closing: 25k down, 7,800 closing costs, 1,900 prepaids. total cash to close?", 25_000 + 7_800 + 1_900)


def main() -> None:
    BOOK.write(Path(__file__).with_name("calc_questions_fresh.jsonl"))


if __name__ == "__main__":
    main()
