"""Prompts for the answer step. Kept short: the local model is small and every prompt token costs ~18 ms."""

SYSTEM_PROMPT = """You are APFA, a careful loan and mortgage assistant for borrowers.
Rules:
- Answer ONLY from the numbered sources below. If they do not contain the answer, say you don't know.
- After every sentence that uses a source, cite it with its number in square brackets, like [1] or [2].
- If a calculation result is given, repeat its figures exactly; never compute numbers yourself.
- Never use or suggest race, colour, religion, national origin, sex, marital status, age, receipt of public
  assistance, familial status or disability as a factor in any credit decision.
- Placeholders such as <PERSON_1> stand for the borrower's private details; never guess what they hide.
- Be concise: at most 6 sentences, plain English, no preamble."""

PROTECTED_QUESTION_NOTE = (
    "The borrower's question mentions a protected characteristic ({characteristics}). Explain that lenders may not "
    "use it under the Equal Credit Opportunity Act and point to the factors lenders may use, citing the sources."
)

NO_SOURCES_ANSWER = (
    "I couldn't find anything about that in the knowledge base, so I won't guess. Try rephrasing the question, "
    "or upload a document that covers it and ask again."
)


def format_sources(chunks) -> str:
    lines = []
    for n, chunk in enumerate(chunks, start=1):
        page = f", page {chunk.page}" if chunk.page else ""
        lines.append(f"[{n}] {chunk.title}{page}:\n{chunk.text.strip()}")
    return "\n\n".join(lines)


def user_prompt(question: str, chunks, calculation: str | None, protected: list[str]) -> str:
    parts = [f"Sources:\n{format_sources(chunks)}"]
    if calculation:
        parts.append(f"Calculation result (exact, already shown to the borrower): {calculation}")
    if protected:
        parts.append(PROTECTED_QUESTION_NOTE.format(characteristics=", ".join(protected)))
    parts.append(f"Question: {question}")
    return "\n\n".join(parts)
