"""LangChain tool wrappers: schemas a model can call, and exact figures back."""

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ValidationError
from turns import context_with, tool_runtime

from tools.lc_tools import AGENT_TOOLS, LOAN_TOOLS, add_amounts, debt_to_income, loan_payment, loan_to_value


def test_loan_payment_returns_presentation_figures():
    assert loan_payment.invoke({"principal": 300000, "annual_rate_pct": 6.5, "years": 30}) == {
        "monthly_payment": "$1,896.20",
        "total_interest": "$382,636.71",
        "total_paid": "$682,636.71",
        "payments": "360",
    }


def test_ratios():
    assert debt_to_income.invoke({"monthly_debts": 1200, "gross_monthly_income": 6000}) == {"dti_pct": "20%"}
    assert loan_to_value.invoke({"loan": 280000, "value": 350000}) == {"ltv_pct": "80%"}


def test_schemas_are_typed_and_described():
    schemas = {tool.name: convert_to_openai_tool(tool)["function"] for tool in LOAN_TOOLS}
    assert set(schemas) == {"loan_payment", "debt_to_income", "loan_to_value", "add_amounts", "loan_calculation"}
    payment = schemas["loan_payment"]["parameters"]
    assert payment["required"] == ["principal", "annual_rate_pct", "years"]
    assert payment["properties"]["years"]["type"] == "integer"
    assert all(
        prop["description"] for schema in schemas.values() for prop in schema["parameters"]["properties"].values()
    )


def test_invalid_arguments_are_rejected_before_any_arithmetic():
    with pytest.raises(ValidationError):
        loan_payment.invoke({"principal": -1, "annual_rate_pct": 6.5, "years": 30})
    with pytest.raises(ValidationError):
        debt_to_income.invoke({"monthly_debts": 100, "gross_monthly_income": 0})


def test_amounts_are_added_exactly():
    assert add_amounts.invoke({"amounts": [0.1, 0.2, 1180.5]}) == {"total": "$1,180.80", "items": "3"}


def test_the_search_tool_takes_the_user_from_the_graph_state_never_from_the_model():
    seen = []
    runtime = tool_runtime(context_with(lambda query, user, k=None: seen.append(user) or []))
    search = next(t for t in AGENT_TOOLS if t.name == "search_knowledge_base")
    assert set(convert_to_openai_tool(search)["function"]["parameters"]["properties"]) == {"query"}
    arguments = {"query": "PMI", "user": "alice", "runtime": runtime}
    call = {"name": search.name, "args": arguments, "id": "1", "type": "tool_call"}
    assert "No relevant passages" in search.invoke(call).content
    assert seen == ["alice"]
