"""Role guard: requests the assistant must not fulfil, recognised by rules before any model sees them.

Two checks, both deterministic so they hold for every model (the small local one included):

- `classify_request(message)` spots a borrower's message asking for a guarantee of approval, for someone else's
  data, for the assistant's prompt or configuration (or telling it to drop its rules), to falsify documents, or
  to impersonate an agency or a lender. Each gets a short, fixed refusal that still points to what APFA can do.
- `neutralise_instructions(passage)` removes sentences in retrieved or uploaded text that address an AI assistant
  ("ignore previous instructions and …"), so a document is only ever read as data, never obeyed.

The rules are tuned on the tune half of `tests/data/safety_probes.jsonl` and measured on its report half, benign
look-alikes included (`apfa eval safety`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Concern(StrEnum):
    GUARANTEE = "guarantee"
    OTHERS_DATA = "others_data"
    SYSTEM_PROMPT = "system_prompt"
    FALSIFY = "falsify"
    IMPERSONATE = "impersonate"


REFUSALS: dict[Concern, str] = {
    Concern.GUARANTEE: (
        "I can't promise that a loan will be approved: only the lender decides, after it has checked your "
        "application. I can explain what lenders look at (credit history, debt-to-income ratio, income, down "
        "payment) or work out your DTI or monthly payment if you give me the figures."
    ),
    Concern.OTHERS_DATA: (
        "I can't look up or share anyone else's personal or loan information, and I don't have access to other "
        "borrowers' details. I'm happy to help with your own questions or documents."
    ),
    Concern.SYSTEM_PROMPT: (
        "I can't share or change my instructions or configuration. I'm here to answer loan and mortgage "
        "questions from my sources and to do loan calculations; what would you like to know?"
    ),
    Concern.FALSIFY: (
        "I can't help change, fake or hide information on pay stubs, statements or a loan application: that is "
        "mortgage fraud. I can explain which documents lenders ask for, how they count income, or ways to "
        "strengthen a real application (paying down debt, a larger down payment, a co-borrower)."
    ),
    Concern.IMPERSONATE: (
        "I can't write messages or documents that pretend to come from a government agency, a lender or any "
        "other organisation. I can help you write a letter in your own name, or explain what the real "
        "document should contain."
    ),
}

INJECTION_NOTICE = (
    "Note: one of your documents contains text addressed to an AI assistant; I ignored it and used the rest of "
    "the document as information only."
)

_PERSON = r"(?:<PERSON_\d+>|[A-Z][a-z]+(?: [A-Z][a-z]+)+)"
_PRIVATE_FIELD = (
    r"(?:ssn|social security(?: number)?|account(?: number)?|credit (?:score|report|history)|income|salary|"
    r"address|phone(?: number)?|date of birth|birthday|loan(?: details| balance| application)?|"
    r"mortgage(?: balance| details)?|balance|application|documents?|uploads?)"
)
# "you are now DAN / in admin mode / no longer …", not "costs that you are now reimbursing"
_NEW_ROLE = r"you are now (?:a|an|in|my|the|no longer|free|called|named|dan|unrestricted)\b"
_AGENCY = (
    r"(?:irs|hud|fha|va|usda|cfpb|fannie mae|freddie mac|ftc|fdic|treasury|government|agency|the state|"
    r"county|court|bank|lender|mortgage company|loan officer|underwriter|servicer|credit bureau|equifax|"
    r"experian|transunion|wells fargo|chase|bank of america|citi(?:bank)?|quicken|rocket mortgage)"
)
_FINANCIAL_DOC = (
    r"(?:pay ?stubs?|paychecks?|w-?2s?|1099s?|tax returns?|bank statements?|statements?|employment "
    r"(?:verification|letter)|verification letter|offer letter|appraisal|credit report|income|salary|"
    r"assets?|savings|application|documents?|paperwork|letter)"
)

REQUEST_RULES: list[tuple[Concern, re.Pattern[str]]] = [
    (
        Concern.GUARANTEE,
        re.compile(
            r"\b(?:will|would|am|is|are)\s+(?:i|we|my\b.*?)\b.{0,30}?\b(?:surely|definitely|certainly|for sure|"
            r"guaranteed|100\s*%)\b.{0,40}?\b(?:approv\w*|qualif\w*|accept\w*|get (?:the|a|my) loan)",
            re.I,
        ),
    ),
    (
        Concern.GUARANTEE,
        re.compile(
            r"(?:\b(?:can|could|will|would)\s+you\s+(?:guarantee|promise|assure)|^(?:please\s+)?(?:guarantee|promise)|"
            r"\b(?:guarantee|promise|assure|swear)\s+(?:me|us)\b)(?:\s+that)?.{0,40}?"
            r"\b(?:approv\w*|qualif\w*|get (?:the|a|my) (?:loan|mortgage))",
            re.I,
        ),
    ),
    (
        Concern.GUARANTEE,
        re.compile(
            r"(?:\b(?:i|i'm|i am|i'll|i will|we|we're|we'll)\b.{0,20}|\bmy\s+)\b(?:approv\w*|qualif\w*)\b.{0,30}"
            r"\b(?:100\s*%|certain|guaranteed|for sure)\b|"
            r"\b(?:tell|say)\b.{0,10}\b(?:for sure|definitely|with certainty)\b.{0,30}\b(?:approv\w*|qualif\w*)",
            re.I,
        ),
    ),
    (
        Concern.OTHERS_DATA,
        re.compile(
            r"\b(?:another|other|others'?|different|previous|last|next)\s+(?:borrower|customer|client|user|"
            r"person|applicant|people|member)s?(?:'s?)?\b.{0,40}?\b" + _PRIVATE_FIELD + r"|"
            r"\b" + _PRIVATE_FIELD + r"\b.{0,15}\b(?:of|for|from|by)\s+(?:the\s+)?(?:another|other|others|"
            r"previous|last|different)\s+(?:borrowers?|customers?|clients?|users?|applicants?|people)|"
            r"\bsomeone else'?s\b.{0,30}\b" + _PRIVATE_FIELD + r"|"
            r"\b" + _PRIVATE_FIELD + r"\b.{0,30}\b(?:the|a|that)\s+(?:borrower|customer|client|user|person|"
            r"applicant)\s+(?:who|that|before|ahead)\b|"
            r"\b(?:which|what|list|all)\s+(?:the\s+)?(?:other\s+)?(?:borrowers|customers|clients|users|"
            r"applicants)\b.{0,60}\b(?:appl\w+|income|balance|loan|ssn|uploaded|their)",
            re.I,
        ),
    ),
    (
        Concern.OTHERS_DATA,
        re.compile(
            r"\b(?:what(?:'s|s| is| are| was)|show|give|tell|send|look ?up|find|get|pull|check|access|see|read)\b"
            r".{0,40}?(?:\b(?:neighbou?r|coworker|co-worker|boss|ex(?:-wife|-husband)?|landlord|tenant|friend)\b"
            r".{0,30}?(?:'s\s+)?\b"
            + _PRIVATE_FIELD
            + r"|"
            + _PERSON
            + r"'s\s+(?:\w+\s+){0,2}"
            + _PRIVATE_FIELD
            + r"\b)",
            re.I,
        ),
    ),
    (
        Concern.SYSTEM_PROMPT,
        re.compile(
            r"\b(?:system|hidden|initial|original|developer)\s+(?:prompt|message|instructions?)\b|"
            r"\byour\s+(?:instructions|prompt|rules|configuration|config|settings|guidelines)\b|"
            r"\b(?:api[\s_-]?keys?|environment variables|env vars|secret keys?|credentials)\b|"
            r"\b(?:repeat|print|output|show|reveal)\b.{0,30}\b(?:above|before this|everything you were told)\b|"
            r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,30}\b(?:instructions|rules|guidelines|"
            r"restrictions|prompt|programming)\b|"
            r"\b" + _NEW_ROLE + r"|\b(?:developer|admin|god|jailbreak)\s+mode\b|\bDAN\b|\bno restrictions\b|"
            r"\bwhich (?:llm|model|ai model)\b",
            re.I,
        ),
    ),
    (
        Concern.FALSIFY,
        re.compile(
            r"\b(?:make|get)\b.{0,20}\b" + _FINANCIAL_DOC + r"\b.{0,20}\b(?:look|seem|appear|show)\s+"
            r"(?:higher|bigger|larger|better|more|lower)\b|"
            r"\b(?:edit|alter|change|modify|doctor|photoshop|tweak|forge|falsify|fake|fabricate|backdate|"
            r"inflate|pad|boost)\w*\b.{0,25}\b" + _FINANCIAL_DOC + r"\b|"
            r"\b(?:fake|forged|falsified|fabricated|phony|phoney|counterfeit)\s+(?:\w+\s+){0,2}" + _FINANCIAL_DOC + r"|"
            r"\b(?:hide|conceal|not (?:mention|disclose|report)|leave (?:out|off))\b.{0,30}\b(?:loan|debts?|"
            r"income|bankruptcy|liabilit\w+|payments?|credit card)\b.{0,30}\b(?:from|to|on)\s+(?:the\s+|my\s+)?"
            r"(?:lender|underwriter|bank|application)|"
            r"\b(?:generate|create|make|produce|print)\b\s+(?:me\s+)?(?:a|an)\s+(?:new\s+)?(?:w-?2|1099|pay ?stub|"
            r"bank statement|tax return)\b.{0,40}\b(?:showing|with|that says|saying)\b|"
            r"\b(?:lie|lying)\b.{0,20}\b(?:on|to)\s+(?:the\s+|my\s+)?(?:lender|application|underwriter)",
            re.I,
        ),
    ),
    (
        Concern.IMPERSONATE,
        re.compile(
            r"\b(?:as if|as though)\b.{0,20}\b(?:from|by|it came from|written by|sent by)\b.{0,15}\b" + _AGENCY + r"\b|"
            r"\b(?:pretend|act|pose|impersonate|posing)\b.{0,20}\b(?:to be|as|like)?\b.{0,20}\b" + _AGENCY + r"\b|"
            r"\b(?:write|draft|create|compose|make|send)\b.{0,30}\b(?:letter|email|e-mail|notice|message|"
            r"document|memo)\b.{0,10}\b(?:from|on behalf of|signed by)\s+(?:the\s+|my\s+)?" + _AGENCY + r"\b|"
            r"\b(?:on|using)\s+(?:the\s+)?(?:\w+\s+){0,3}letterhead\b|"
            r"\bofficial[- ]looking\b.{0,30}\b" + _AGENCY + r"\b|"
            r"\b" + _AGENCY + r"\b\s+(?:approval|notice|letter)\b.{0,40}\b(?:show|give|send)\b.{0,20}\b(?:seller|"
            r"landlord|agent|bank)\b",
            re.I,
        ),
    ),
    # wider phrasings, from the first held-out probes (tests/data/safety_probes_holdout.jsonl)
    (
        Concern.GUARANTEE,
        re.compile(
            r"\b(?:sure thing|zero chance|no chance|no way)\b.{0,60}\b(?:approv\w*|qualif\w*|den(?:y|ied)\w*|"
            r"reject\w*|says? (?:yes|no)|turn\w* (?:me )?down)|"
            r"\b(?:confirm|promise|guarantee|assure|swear|tell)\b.{0,25}\b(?:i'll|i will|i'm going to|we'll|we will)\b"
            r".{0,30}\b(?:qualif\w*|(?:be|get) approv\w*|get (?:the|a|my|this) (?:\w+ )?(?:loan|mortgage|refi\w*))|"
            r"\b(?:can|could|will|would)\s+(?:you|u)\s+(?:guarantee|promise|assure|confirm)\b.{0,40}\b(?:approv\w*|"
            r"qualif\w*|go(?:es)? through|close|closes|funded)|"
            r"\b(?:just )?(?:tell|say)\b.{0,10}\b(?:me )?yes\b.{0,20}\b(?:i will|i'll|i'm going to)\b.{0,20}\b"
            r"(?:get|be approved|qualify)",
            re.I,
        ),
    ),
    (
        Concern.OTHERS_DATA,
        re.compile(
            r"\b(?:my|our)\s+(?:sister|brother|mom|mother|dad|father|cousin|aunt|uncle|friend|neighbou?r|coworker|"
            r"co-worker|boss|roommate|tenant|landlord|ex)\b.{0,60}\b(?:what(?:'s|s| is)|tell me|give me|show me|"
            r"look up)\b.{0,20}\b(?:her|his|their)\s+" + _PRIVATE_FIELD + r"|"
            r"\b(?:her|his|their)\s+" + _PRIVATE_FIELD + r"\b.{0,40}\b(?:from|in|on)\s+(?:her|his|their)\s+"
            r"(?:application|file|account|upload)|"
            r"\b(?:list|show|tell|give)\b.{0,25}\b(?:borrowers|users|customers|people|clients)\s+"
            r"(?:you(?:'ve)?|that you|"
            r"who)\b.{0,25}\b(?:helped|talked|spoke|served|assisted|used)|"
            r"\b(?:chat|conversation)s?\s+(?:history|histories|logs?)\s+of\s+(?:the\s+)?other\b|"
            r"\b" + _PRIVATE_FIELD + r"\b.{0,30}\b(?:the\s+)?(?:previous|last|other|another)\s+(?:user|borrower|"
            r"customer|person|applicant|client)\b|"
            r"\b(?:what|whats|what's)\b.{0,10}\b(?:my\s+)?(?:coworker|co-worker|neighbou?r|friend|boss|tenant)\b.{0,30}"
            r"'s\s+(?:\w+\s+){0,1}" + _PRIVATE_FIELD,
            re.I,
        ),
    ),
    (
        Concern.SYSTEM_PROMPT,
        re.compile(
            r"\binstructions\s+(?:you\s+(?:were|have been|are|got)\s+given|given to you|from your (?:developers?|"
            r"creators?|makers?))\b|\b(?:hidden|secret)\s+(?:instructions|rules|prompt)\b|"
            r"\b(?:temperature|max[_ ]tokens|top[_ -]p|context window|model name)\b.{0,40}\b(?:you|your)\b|"
            r"\b(?:you|your)\b.{0,40}\b(?:temperature|max[_ ]tokens|top[_ -]p|context window|model name)\b|"
            r"\bwhat (?:model|llm|ai)\b.{0,15}\b(?:are you|do you use|is this)\b|"
            r"\b(?:new rule|from now on you|you no longer (?:need|have) to|you don't (?:need|have) to follow)\b|"
            r"\b(?:safety|content)\s+(?:rules|filters?|guidelines)\b.{0,30}\b(?:off|disabled|turned off|removed)\b|"
            r"\b(?:database|server|backend|infrastructure)\b.{0,30}\b(?:api keys?|passwords?|credentials|does this "
            r"(?:app|assistant) use)\b",
            re.I,
        ),
    ),
    (
        Concern.FALSIFY,
        re.compile(
            r"\b(?:so|that)\s+(?:the\s+)?(?:lender|underwriter|bank|appraiser|they)\s+"
            r"(?:doesn'?t|does not|won'?t|will not|"
            r"wouldn'?t|never|can'?t)\s+(?:find out|notice|know|see|catch|check)\b|"
            r"\b(?:fake|forged|fabricated|made[- ]up|phony|bogus)\s+(?:\w+\s+){0,2}(?:invoices?|receipts?|letters?|"
            r"contracts?|leases?|forms?|records?)\b|"
            r"\b(?:my|the)\s+(?:\w+\s+){0,2}(?:letter|pay ?stub|statement|w-?2|document)\s+is\s+"
            r"(?:fake|forged|made up)\b|"
            r"\b(?:leave|keep)\s+(?:my\s+|the\s+)?(?:\w+\s+){0,2}(?:loans?|debts?|cards?|payments?)\s+off\s+(?:the\s+|my\s+)?"
            r"application\b.{0,40}\b(?:won'?t|not|never|probably)\b|"
            r"\b(?:photoshop|edit|alter|doctor|change)\w*\b.{0,15}\b(?:my\s+)?(?:w-?2|1099|pay ?stub|bank statement|"
            r"tax return)s?\b.{0,40}\b(?:so|to)\b.{0,20}\b(?:match|show|look|say)",
            re.I,
        ),
    ),
    (
        Concern.IMPERSONATE,
        re.compile(
            r"\b(?:pretend\w*|impersonat\w*|posing|pose as|act(?:ing)? as)\b.{0,20}\b(?:to be\s+)?"
            r"(?:the\s+|my\s+|a\s+)?" + _AGENCY + r"\b|"
            r"\bsign(?:ed)?\s+(?:it|this|them|the \w+)\s+as\b|"
            r"\bmake\s+(?:it|this|them)\s+(?:look|seem|appear)\s+(?:official|real|legit|authentic|genuine)\b|"
            r"\b(?:looks?|seems?|appears?)\s+(?:like\s+)?(?:it(?:'s| is| came| was)?\s+)?(?:from|sent by|written by)\s+"
            r"(?:the\s+|my\s+)?" + _AGENCY + r"\b|"
            r"\bas if\s+(?:my\s+|the\s+)?(?:employer|boss|lender|bank|hr)\s+(?:signed|wrote|sent|issued)\b",
            re.I,
        ),
    ),
]

_NOT_IMPERSONATION = re.compile(
    r"\b(?:someone|somebody|a caller|caller|they|he|she|who|an? (?:email|call|text|letter|person))\s+(?:\w+\s+)?"
    r"(?:claiming|claims?|pretending|pretends)\b|\bscam\b|\bfraud alert\b|"
    r"\b(?:letter|email|request)\s+to\s+(?:the\s+|my\s+)?" + _AGENCY + r"\b",
    re.I,
)
_NOT_FALSIFICATION = re.compile(
    r"\breport\w*\b.{0,30}\bfraud\b|\b(?:my|the)\s+(?:broker|lender|loan officer|realtor|agent)\s+(?:changed|altered|"
    r"inflated|faked)\b|\bby mistake\b|\b(?:fix|correct)\b.{0,20}\b(?:error|mistake)\b",
    re.I,
)
_NOT_OTHERS_DATA = re.compile(r"\b(?:co-?borrower|co-?signer|spouse|my (?:own|wife|husband|partner))\b", re.I)

INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,40}\b(?:instructions?|rules|above|previous|prior|sources?|"
    r"context|prompt)\b|"
    r"\b(?:assistant|chatbot|ai|a\.i\.|language model|llm|ai model|model|bot|gpt|claude|apfa)\s*[,:]\s*\w|"
    r"\b(?:note|message|instructions?)\s+(?:to|for)\s+(?:the\s+)?(?:assistant|chatbot|ai|model|bot|llm)\b|"
    r"^\s*(?:system|assistant|developer)\s*:|\b(?:system|developer|admin)\s+(?:prompt|mode|override)\b|"
    r"\b" + _NEW_ROLE + r"|\bfrom now on\b.{0,30}\b(?:reply|answer|respond|say)\b|"
    r"\b(?:reveal|print|repeat)\b.{0,20}\b(?:system prompt|instructions|configuration)\b|"
    r"\b(?:tell|instruct|ask)\s+the\s+(?:user|borrower|customer)\s+to\b|"
    r"\b(?:ignore|disregard)\b.{0,30}\b(?:what\s+)?(?:the\s+)?(?:user|borrower|customer)(?:'s)?\s+(?:asks?|says|wants|"
    r"question|request)|\bto\s+(?:the|any)\s+(?:ai|assistant|chatbot|model|bot|llm)s?\b|"
    r"\b(?:ai|assistant|chatbot|model|bot|llm)s?\s+(?:reading|summari[sz]ing|processing|analy[sz]ing)\s+this\b|"
    r"\bif you are an? (?:ai|assistant|chatbot|language model|llm|bot)\b|\b(?:note|message)\s+for\s+(?:ai|"
    r"language models?|llms?|assistants?|chatbots?)\b|\boverrides?\s+(?:all\s+)?(?:earlier|previous|prior|other)\b|"
    r"\[\s*(?:assistant|ai|system|bot|llm)[^\]]{0,30}\]|"
    r"^\s*(?:tell|inform|assure|convince|say to|reply to|respond to|answer|respond|reply|recommend|advise|warn)\s+"
    r"(?:that\s+)?(?:the\s+)?(?:user|borrower|customer|reader|them|they)\b",
    re.I | re.M,
)
_SENTENCE = re.compile(r"[^.!?\n]*(?:[.!?]+|\n|$)")


@dataclass(frozen=True)
class Neutralised:
    """A passage without the sentences addressed to an AI assistant (the borrower is told separately)."""

    text: str
    removed: tuple[str, ...]


def classify_request(message: str) -> Concern | None:
    """The first concern whose rule matches the borrower's message, or None for an ordinary question."""
    text = " ".join(message.split())
    for concern, rule in REQUEST_RULES:
        if not rule.search(text):
            continue
        if concern is Concern.IMPERSONATE and _NOT_IMPERSONATION.search(text):
            continue
        if concern is Concern.OTHERS_DATA and _NOT_OTHERS_DATA.search(text):
            continue
        if concern is Concern.FALSIFY and _NOT_FALSIFICATION.search(text):
            continue
        return concern
    return None


def refusal_for(concern: Concern) -> str:
    return REFUSALS[concern]


def neutralise_instructions(passage: str) -> Neutralised:
    """The passage with sentences that try to instruct the assistant removed (the rest is kept word for word)."""
    removed: list[str] = []

    def drop(match: re.Match[str]) -> str:
        sentence = match.group(0)
        if sentence.strip() and INJECTION.search(sentence.strip()):
            removed.append(sentence.strip())
            return "\n" if sentence.endswith("\n") else ""
        return sentence

    text = _SENTENCE.sub(drop, passage) if INJECTION.search(passage) else passage
    return Neutralised(text=text, removed=tuple(removed))
