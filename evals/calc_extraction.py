"""`apfa eval calc-extraction`: the alternative to the parser, measured: the local model fills a JSON scenario.

llama.cpp constrains the model's output to the JSON schema below; every number it returns must appear in the
borrower's text (or it is dropped and counted), and the same calculators then run on the scenario. The figures are
judged exactly as `apfa eval calc` judges the parser, so the two methods compare on the same cases. The model never
does arithmetic here either: it only says which number plays which role.
"""

from __future__ import annotations

import dataclasses
import json
import time
from decimal import Decimal, InvalidOperation
from typing import Any

from openai import OpenAI
from openai.types.chat import ChatCompletionMessageParam
from openai.types.shared_params import ResponseFormatJSONSchema
from rich.console import Console

from agents.local_llm import server_url
from apfa.settings import Settings
from evals.calc import judge, load_cases, percentile
from evals.run import EvalRun
from tools.loan_questions import Calculator, Scenario, calculate, normalize, scan_numbers

NUMBER = {"type": ["number", "null"]}
# Each key the model fills: its JSON schema, and the Scenario field it is read into as a Decimal (None where
# `_to_scenario` converts it itself: years into months, income by its period, the list of debts).
FIELDS: dict[str, tuple[dict, str | None]] = {
    "loan_amount": (NUMBER, "loan"),
    "home_price": (NUMBER, "price"),
    "down_payment_amount": (NUMBER, "down_amount"),
    "down_payment_percent": (NUMBER, "down_pct"),
    "interest_rate_percent": (NUMBER, "rate"),
    "new_interest_rate_percent": (NUMBER, "new_rate"),
    "term_years": (NUMBER, None),
    "gross_income": (NUMBER, None),
    "income_period": ({"type": ["string", "null"], "enum": ["month", "year", "hour", None]}, None),
    "monthly_debt_payments": ({"type": "array", "items": {"type": "number"}}, None),
    "new_housing_payment": (NUMBER, "housing_payment"),
    "current_payment": (NUMBER, "current_payment"),
    "property_tax_monthly": (NUMBER, "taxes"),
    "insurance_monthly": (NUMBER, "insurance"),
    "hoa_monthly": (NUMBER, "hoa"),
    "pmi_monthly": (NUMBER, "pmi"),
    "points_percent": (NUMBER, "points"),
    "closing_costs": (NUMBER, "fees"),
    "extra_monthly": (NUMBER, "extra_monthly"),
    "extra_yearly": (NUMBER, "extra_yearly"),
    "lump_sum": (NUMBER, "lump_sum"),
    "payments_made": (NUMBER, None),
    "dti_limit_percent": (NUMBER, "dti_cap"),
    "second_mortgage": (NUMBER, "second_lien"),
    "interest_only_years": (NUMBER, None),
    "arm_fixed_years": (NUMBER, None),
    "rate_cap_initial": (NUMBER, "cap_initial"),
    "rate_cap_lifetime": (NUMBER, "cap_lifetime"),
    "lender_credit": (NUMBER, "lender_credits"),
    "seller_credit": (NUMBER, "seller_credits"),
    "earnest_money": (NUMBER, "deposit"),
    "biweekly": ({"type": "boolean"}, None),
}
SCHEMA: dict[str, object] = {
    "type": "object",
    "properties": {
        "calculation": {"type": "string", "enum": [c.value for c in Calculator]},
        **{key: schema for key, (schema, _) in FIELDS.items()},
    },
    "required": ["calculation", *FIELDS],
}
SCENARIO_FORMAT: ResponseFormatJSONSchema = {
    "type": "json_schema",
    "json_schema": {"name": "scenario", "schema": SCHEMA},
}
PROMPT = (
    "Read the borrower's loan question and fill the JSON. Copy numbers exactly as written (300k -> 300000); "
    "use null for anything not stated; never compute anything. calculation is what they ask for."
)


def _to_scenario(data: dict[str, Any]) -> Scenario:
    def dec(name: str) -> Decimal | None:
        value = data.get(name)
        try:
            return None if value is None else Decimal(str(value))
        except InvalidOperation:
            return None

    income = dec("gross_income")
    period = data.get("income_period") or "month"
    if income is not None:
        income = {"year": income / 12, "hour": income * 40 * 52 / 12}.get(period, income)
    term = dec("term_years")
    io_years, fixed_years = dec("interest_only_years"), dec("arm_fixed_years")
    payments_made = dec("payments_made")
    amounts: dict[str, Any] = {field: dec(key) for key, (_, field) in FIELDS.items() if field is not None}
    try:
        intent = Calculator(str(data.get("calculation")))
    except ValueError:
        intent = None
    return Scenario(
        intent=intent,
        term_months=int(term * 12) if term else None,
        income=income,
        income_read_as=period if income is not None else None,
        debts=tuple(("debt", Decimal(str(d))) for d in data.get("monthly_debt_payments") or []),
        elapsed_months=int(payments_made) if payments_made else None,
        io_months=int(io_years * 12) if io_years else None,
        arm_fixed_months=int(fixed_years * 12) if fixed_years else None,
        biweekly=bool(data.get("biweekly")),
        **amounts,
    )


def checked_against_text(data: dict[str, Any], text: str) -> tuple[dict[str, Any], list[str]]:
    """Drop every extracted number that does not appear in the text (model output is never trusted blindly)."""
    present = set()
    for mention in scan_numbers(normalize(text)):
        present.add(mention.value)
        if mention.high is not None:
            present.add(mention.high)
    dropped, kept = [], dict(data)
    for name, value in data.items():
        values = value if isinstance(value, list) else [value]
        numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
        if numbers and any(Decimal(str(v)) not in present for v in numbers):
            dropped.append(name)
            kept[name] = [] if isinstance(value, list) else None
    return kept, dropped


def evaluate_extraction(
    run: EvalRun, settings: Settings, per_calculator: int | None = None, console: Console | None = None
) -> dict:
    """`per_calculator` keeps the first N cases of each calculator: the model takes ~30 s a case on 2 cores."""
    console = console or Console()
    cases = load_cases(run.dataset, run.split)
    if per_calculator is not None:
        kept: list = []
        for case in cases:
            if sum(k.calculator == case.calculator for k in kept) < per_calculator:
                kept.append(case)
        cases = kept
    client = OpenAI(base_url=f"{server_url(settings)}/v1", api_key="local")
    correct, times, dropped_total = 0, [], 0
    for case in cases:
        text = " ".join([*case.history, case.question])
        started = time.perf_counter()
        messages: list[ChatCompletionMessageParam] = [
            {"role": "system", "content": PROMPT},
            {"role": "user", "content": text},
        ]
        reply = client.chat.completions.create(
            model="local", messages=messages, temperature=0, max_tokens=400, response_format=SCENARIO_FORMAT
        )
        times.append((time.perf_counter() - started) * 1000)
        try:
            data = json.loads(reply.choices[0].message.content or "{}")
        except json.JSONDecodeError:
            data = {}
        data, dropped = checked_against_text(data, text)
        dropped_total += len(dropped)
        scenario = _to_scenario(data)
        right, shown = judge(case, calculate(dataclasses.replace(scenario)))
        correct += right
        if not right:
            console.print(f"[red]FAIL[/red] [{case.calculator}] {case.question!r}: {shown}", highlight=False)
    return {
        "items": len(cases),
        "correct": correct,
        "accuracy": round(correct / len(cases), 4) if cases else 0.0,
        "numbers_dropped_not_in_text": dropped_total,
        "extraction_p95_ms": round(percentile(times, 0.95), 1),
        "extraction_median_ms": round(sorted(times)[len(times) // 2], 1) if times else 0.0,
        "split": run.split or "all",
    }
