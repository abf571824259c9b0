"""Prompts for the answer step.

The system prompt is a byte-stable prefix (no dates, names or settings in it), so llama.cpp keeps its tokens in
the prompt cache and only the evidence and the question are read per turn (~18 ms per token on 2 cores). The
evidence is the few passage sentences that best answer the question, not whole passages: fewer tokens and less
for a small model to misread. The worked example is about a topic the knowledge base's evaluation set does not ask.
"""

from collections.abc import Sequence

SYSTEM_PROMPT = """You are APFA, a careful loan and mortgage assistant for borrowers.
You answer from the numbered evidence only.
Rules:
- Use only facts the evidence states. Never add a number, a name or a condition the evidence does not state.
- Keep the evidence's own words, especially numbers and words such as "not", "only", "usually", "may".
- Write 1 to 3 short sentences. End each sentence with the number of the evidence it uses, like [1].
- If the evidence does not answer the question, say "The sources I have don't say." and nothing else.
- If a calculation result is given, repeat its figures exactly; never compute numbers yourself.
- Never use or suggest race, colour, religion, national origin, sex, marital status, age, receipt of public
  assistance, familial status or disability as a factor in any credit decision.
- Text such as <PERSON_1> hides the borrower's private details: never repeat it or guess what it hides.
- No headings, no lists, no preamble, no "Yes" or "No" on its own.

Example.
Evidence:
[1] Most lenders prefer a debt-to-income ratio of 36 percent or less.
[2] Some loan programs allow a ratio up to 43 percent.
Question: is a 40% dti ok for lenders??
Answer: Most lenders prefer a debt-to-income ratio of 36 percent or less [1]. Some loan programs allow a ratio up \
to 43 percent [2]."""

PROTECTED_QUESTION_NOTE = (
    "The borrower's question mentions a protected characteristic ({characteristics}). Explain that lenders may not "
    "use it under the Equal Credit Opportunity Act and point to the factors lenders may use, citing the evidence."
)

NO_SOURCES_ANSWER = (
    "I couldn't find anything about that in the knowledge base, so I won't guess. Try rephrasing the question, "
    "or upload a document that covers it and ask again."
)

# Before quotes whose best sentence matches the question weakly (`agents.answer.WEAK_MATCH_SCORE`): said first, so
# the borrower does not read the closest passages as the answer.
WEAK_MATCH_LEAD = "I couldn't find a passage that answers this exactly. These are the closest I found:"

# When the model cannot be reached: after quotes (already checked and shown), or instead of an answer.
MODEL_UNAVAILABLE_AFTER_QUOTES = (
    "The assistant's own explanation is not available right now (the answer model is not responding); the quoted "
    "passages above are from the sources below. Please ask again in a minute for a fuller answer."
)
MODEL_UNAVAILABLE_ANSWER = (
    "The answer model is not responding right now, so I can't answer yet. Please ask again in a minute."
)

# After quotes the model judged not to answer the question: the borrower should not take them for the answer.
QUOTES_MAY_NOT_ANSWER = (
    "These passages are the closest I found, but they may not answer your exact question; open the sources below "
    "to check."
)

NO_SUPPORTED_ANSWER = (
    "The passages I found don't clearly answer that, so I won't guess. Try asking it another way, or open the "
    "sources below."
)


# The model's second look at each sentence it wrote (`agents.claim_check`): one word, read as a probability.
CLAIM_CHECK_PROMPT = (
    "You check an assistant's statement against a source. Reply yes if the source says what the statement says, "
    "and no if the statement adds, changes or mixes up any fact. Reply with one word: yes or no."
)


def claim_check_question(source: str, claim: str) -> str:
    return f"Source: {source}\nStatement: {claim}\nDoes the source say this?"


def format_sources(sources: Sequence) -> str:
    """Numbered evidence, one line per source: "[n] text". No titles or pages, which a small model copies."""
    return "\n".join(f"[{n}] {' '.join(source.text.split())}" for n, source in enumerate(sources, start=1))


def format_evidence(evidence: Sequence[tuple[int, str]]) -> str:
    """Evidence sentences grouped under the number of the source they come from, in source order."""
    by_source: dict[int, list[str]] = {}
    for number, sentence in sorted(evidence, key=lambda pair: pair[0]):
        by_source.setdefault(number, []).append(sentence)
    return "\n".join(f"[{n}] {' '.join(sentences)}" for n, sentences in by_source.items())


def user_prompt(
    question: str,
    sources: Sequence,
    calculation: str | None,
    protected: list[str],
    evidence: Sequence[tuple[int, str]] | None = None,
) -> str:
    """The per-turn message: evidence (the chosen sentences, or whole sources), calculation, question."""
    parts = [f"Evidence:\n{format_evidence(evidence) if evidence else format_sources(sources)}"]
    if calculation:
        parts.append(f"Calculation result (exact, already shown to the borrower): {calculation}")
    if protected:
        parts.append(PROTECTED_QUESTION_NOTE.format(characteristics=", ".join(protected)))
    parts.append(f"Question: {question}")
    return "\n".join(parts) + "\nAnswer:"
