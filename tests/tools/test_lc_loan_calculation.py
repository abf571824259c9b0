"""The tool-calling agent gets the same calculators as the deterministic route, through one tool."""

from tools.lc_tools import AGENT_TOOLS, loan_calculation


def test_the_tool_returns_exact_figures_or_what_is_missing():
    done = loan_calculation.invoke({"question": "payment on $300,000 at 6.5% for 30 years"})
    assert done["Monthly principal and interest"] == "$1,896.20"
    missing = loan_calculation.invoke({"question": "payment on $300,000 for 30 years"})
    assert "interest rate" in missing["missing"]
    assert loan_calculation.invoke({"question": "What is an FHA loan?"}) == {"result": "not a calculation question"}
    assert loan_calculation in AGENT_TOOLS
