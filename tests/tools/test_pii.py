"""PII guard: what gets redacted, what must stay readable, and that nothing touches the network.

Most cases sit in three tables, each grouped by the reason the guard could get them wrong; the reason and the text
name each case's test id."""

import logging
import socket
from pathlib import Path

import pytest
import tldextract

from tools import pii
from tools.pii import engine as pii_engine
from tools.pii import logs as pii_logs
from tools.pii.recognizers import OfflineEmailRecognizer


@pytest.fixture(scope="module", autouse=True)
def engines():
    return pii.get_engines()


def _found(text: str) -> dict[str, str]:
    """Map each detected value to its entity type."""
    return {text[entity.start : entity.end]: entity.type for entity in pii.redact(text).entities}


def _cases(table: dict[str, list]) -> list:
    """A table's cases as test parameters, each id the case's reason and its text (a case is a text or a tuple
    whose first item is the text)."""
    return [
        pytest.param(*case, id=f"{reason}: {case[0]}")
        for reason, cases in table.items()
        for case in (c if isinstance(c, tuple) else (c,) for c in cases)
    ]


# Each identifier found as its type, whole: (text, value, type).
IDENTIFIERS: dict[str, list[tuple[str, str, str]]] = {
    "each supported entity": [
        ("My name is Maria Gonzalez.", "Maria Gonzalez", "PERSON"),
        ("Write to me at maria.gonzalez@example.com please.", "maria.gonzalez@example.com", "EMAIL_ADDRESS"),
        ("Call me at (212) 555-0199 after five.", "(212) 555-0199", "PHONE_NUMBER"),
        ("My SSN is 536-22-8726.", "536-22-8726", "US_SSN"),
        ("Charge my card 4111 1111 1111 1111 for the appraisal.", "4111 1111 1111 1111", "CREDIT_CARD"),
        ("My IBAN is GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32", "IBAN_CODE"),
        ("My checking account number is 123456789012.", "123456789012", "US_BANK_NUMBER"),
        ("My driver's license is D1234567.", "D1234567", "US_DRIVER_LICENSE"),
        ("My passport number is 912803456.", "912803456", "US_PASSPORT"),
        ("I logged in from 192.168.1.20 yesterday.", "192.168.1.20", "IP_ADDRESS"),
        ("The house is at 123 Main St and needs a roof.", "123 Main St", "STREET_ADDRESS"),
        (
            "We live at 4521 North Oak Avenue, Apt 3B, Springfield, IL 62704.",
            "4521 North Oak Avenue, Apt 3B, Springfield, IL 62704",
            "STREET_ADDRESS",
        ),
        ("My date of birth is 04/12/1985.", "04/12/1985", "DATE_OF_BIRTH"),
        ("I was born on March 3, 1985.", "March 3, 1985", "DATE_OF_BIRTH"),
    ],
    "as borrowers type them": [
        ("my loan number is 7701234598", "7701234598", "LOAN_NUMBER"),
        ("my loan number is 7701234598, can you call me about it", "7701234598", "LOAN_NUMBER"),
        ("status on LN-2023-0045871?", "LN-2023-0045871", "LOAN_NUMBER"),
        ("application number APP-778812 still says pending", "APP-778812", "LOAN_NUMBER"),
        ("routing 021000021 for the wire", "021000021", "ABA_ROUTING_NUMBER"),
        ("florida drivers license S530-472-68-101-0", "S530-472-68-101-0", "US_DRIVER_LICENSE"),
        ("ny license number 123 456 789", "123 456 789", "US_DRIVER_LICENSE"),
        ("washington license WDLABCD456DG", "WDLABCD456DG", "US_DRIVER_LICENSE"),
        ("my email is kevin dot walsh at gmail dot com", "kevin dot walsh at gmail dot com", "EMAIL_ADDRESS"),
        ("my birthday is the 9th of june, 1990", "the 9th of june, 1990", "DATE_OF_BIRTH"),
        ("date of birth is 1990/07/15", "1990/07/15", "DATE_OF_BIRTH"),
        ("we rent at 2901 s king dr now", "2901 s king dr", "STREET_ADDRESS"),
        ("hello my name is svetlana ivanova", "svetlana ivanova", "PERSON"),
        ("my bank acct is 9911 2233 4455 at chase", "9911 2233 4455", "US_BANK_NUMBER"),
        (
            "logged in from 2601:646:8d00:3b0:5c1e:12ff:fe9a:77c1 and got an error",
            "2601:646:8d00:3b0:5c1e:12ff:fe9a:77c1",
            "IP_ADDRESS",
        ),
    ],
    "initials inside names": [
        ("meet emidio p lombardo tomorrow", "emidio p lombardo", "PERSON"),
        ("Agatha Á Ottarsdóttir is here", "Agatha Á Ottarsdóttir", "PERSON"),
    ],
}

# Personal data the guard must remove, in pieces that must not survive: (text, values).
REMOVED: dict[str, list[tuple[str, list[str]]]] = {
    "Census names the small model misses": [
        ("Is there a better crafted pop song on this list? Usamov and Bowers were precision engineers.", ["Bowers"]),
        ("Scott is a very sympathetic person.", ["Scott"]),
        ("Megan lives on the corner, ask her", ["Megan"]),
        ("the co-signer will be Zoe Young", ["Zoe Young"]),
        ("Have you been to a concert by Miklós Hajdu?", ["Miklós"]),  # a first name of the world list
    ],
    "a name of English words that a list holds": [("the appraisal was done by Dawn Baker last week", ["Dawn Baker"])],
    "a limit word after a name cue": [("my name is max", ["max"])],
    "names typed in lower case that a list holds": [
        ("follow up with patricia desrosiers in a couple of months.", ["patricia desrosiers"]),
        ("tracy: \"i'm roberto's daughter\".", ["roberto"]),
        ("my co-borrower is naomi ryan, she works nights", ["naomi ryan"]),
    ],
    "a name found once, where the text repeats it": [
        (
            "Zoolander is a 2017 Polish action-comedy film directed by Maciej Borkowski and starring Borkowski",
            ["Borkowski"],
        ),
        ("my name is borna jerković but everyone calls me borna", ["borna"]),
        ("The film was directed by Ivan P. Frost and starring Frost", ["Frost"]),
    ],
    "names in neither list that the sentence shapes as names": [
        ("What's your last name? Boyle", ["Boyle"]),
        ("she was born in 1989. her maiden name is nyberg", ["nyberg"]),
        ("Have you been to a Ravil G Yefimov concert before?", ["Yefimov"]),
        ("Csanád P Gere lives at 3178 254 Damvergi Street, Nicosia", ["Csanád"]),
        ("A great song made even greater by a mandolin coda (not by Elle Sandström).", ["Elle"]),
        ("Please send the documents to Priyanka Raghunathan.", ["Raghunathan"]),
        ("I want to add Tünde Hoffmann as a beneficiary to my account", ["Hoffmann"]),
        ("Unlike the Sokolov novel, it's not about necrophilia.", ["Sokolov"]),
        ("Have you been to a Calquín Cazares concert before?", ["Calquín"]),
        ("Trivo lives on Grössgstötten 50 street.", ["Trivo"]),
        ("I'm so jealous! said Maslin to Antonio", ["Maslin"]),
        (">Gyala Antall\n>Google Public Data Explorer", ["Gyala Antall"]),
    ],
    "names the message addresses or describes as a person": [
        ("Tamsin, could you check my loan status?", ["Tamsin"]),
        ("Hi Okonkwo, my closing is on Friday", ["Okonkwo"]),
        ("Szczepanik is very reliable. You can always depend on her.", ["Szczepanik"]),
        ("Tavita is from Apia and wants to co-sign", ["Tavita"]),
        ("Ndlovu and Brown were precision engineers.", ["Ndlovu"]),
        ("Unlike the Achebe novel, it is short.", ["Achebe"]),
        ("This song by ex-Zombie Oyelowo is a classic.", ["Oyelowo"]),
        ("The name on the loan estimate is wrong, please change it to Ama Owusu", ["Ama Owusu"]),
        ("Have you been to a Martin concert before?", ["Martin"]),
        ("What's your name? Oyelowo", ["Oyelowo"]),
        ("My great grandfather was called Tavita", ["Tavita"]),
        ("I would like to remove my kid Erle from the will.", ["Erle"]),
        ("I want to add Key as a beneficiary to my account", ["Key"]),
        ("please remove Jake from the loan", ["Jake"]),
        ("Directed By:    Latourelle", ["Latourelle"]),
        ("For my take on Leasing consultant Westgård, see Guilty Pleasures", ["Westgård"]),
        ("Barajas lives at Suite 541 136 Filadelfeos Str., Vordingborg", ["Barajas"]),
        ("Bergqvist\nImedicare\nNybyvägen 65\nMobile: 668 5702", ["Bergqvist"]),
        ("Erlendur G. Hafliðason\nZillow\nMobile: 655 437 108", ["Erlendur G. Hafliðason"]),
        ("Alma Jensen: What a wife.\nZizi Kónya: Remember me!\nCampos: You saved my life!", ["Campos"]),
        ("She had given Csanád his address yesterday", ["Csanád"]),
    ],
    "phone numbers named by the words around them": [
        ("I didn't get the code on my registered 761 204 583", ["761 204 583"]),
        ("please stop sending messages to 88 417395", ["88 417395"]),
        ("Name: Mohamed Arauš\nPhone: 3660170548", ["3660170548"]),
        ("Can someone call me on 9472 7916? I have some questions.", ["9472 7916"]),
        ("They're not answering at 71-33-52-22", ["71-33-52-22"]),
        ("Dreux Joly\n416 60 039 office\n3660170548-Fax", ["416 60 039", "3660170548"]),
    ],
    "address fragments with their house number, unit and postcode": [
        (">3369 24 Clarke Avenue\n>Apt. 805\n>Pines Beach\n>New Zealand 34694", ["3369", "Apt. 805", "34694"]),
        ("808 Kálmán Imre u. 12.\n Apt. 762\n Zalakaros\n Hungary 06554", ["808", "Apt. 762", "06554"]),
        ("Megan lives on Via Tasso 129 street.", ["Via Tasso 129"]),
        ("Pedestrians must enter on Hoge Wei 32 St. the first three months", ["Hoge Wei 32"]),
        ("The restaurant is at 5521 119 Countess Close", ["5521", "119 Countess Close"]),
        ("unit 1009 box 0219\ndpo ap 51065", ["1009"]),
        ("The bus drops you off at 9383 ul. Chrzanowska 61 St.", ["9383"]),
    ],
    "house numbers and streets written in other orders": [
        ("The bus drops you off at 70248 31 Rue tachkent St.", ["70248"]),
        ("The bus drops you off at 10963 Rua Vinte e Cinco de Setembro 1257 St.", ["10963", "Cinco de Setembro"]),
        (">770 26 rue des lieutemants Thomazo\n>Apt. 735", ["770", "lieutemants Thomazo"]),
        ("Mrs. Jennifer Alcaraz Suite 541 6343 Skogstien 106\nASKER nan 1386", ["6343", "Skogstien 106"]),
        ("He lives on the north side of Joaquin Suarez 2906.", ["Joaquin Suarez 2906"]),
        ("the property is located at Kastanienallee 45 in Berlin", ["Kastanienallee 45"]),
        ("send it to 41 nørrebrogade 12", ["nørrebrogade"]),
        ("address: 812 lyngholmen 14 st.", ["lyngholmen"]),
        ("the shop was on Dalmore Heights Road", ["Dalmore Heights"]),
        ("The letter arrived at Vesterskovvej 79 last night.", ["Vesterskovvej 79"]),
        ("Please return to Jagerij 64 in case of an issue.", ["Jagerij 64"]),
        ("gregory kudryashov\nmr.\nnybyvägen 65", ["nybyvägen 65", "gregory kudryashov"]),
    ],
    "an address block runs to its postcode": [
        ("We moved to 50541 Mlýnská 1540\nTrancoso\n, GU\n Portugal 44674", ["44674"]),
        ("My address: 213 Pilekrogen 53 Apt. 263, Grand-Leez, Belgium 18431", ["18431"]),
        ("4596 Tylova 285\n Suite 578\n Ostrov nad Ohrí\n Czech Republic 56655", ["56655"]),
    ],
}

# Text with no personal data, which the guard must return as typed.
LEFT_AS_TYPED: dict[str, list[str]] = {
    "loan figures": [
        "I want $350,000 at 6.5% for 30 years.",
        "My credit score is 720 and my DTI is 36%.",
        "What is the monthly payment on a $300,000 loan at 6.5% for 30 years?",
        "my debts are $1,200 a month and I earn $6,000 a month, what's my DTI?",
        "I bought my first home in 2019 and refinanced in 2021 at 2.875%.",
        "The closing date is June 30, 2025 and the rate lock expires in 45 days.",
        "Is a 15-year fixed at 5.75 percent better than a 5/1 ARM?",
    ],
    "lending vocabulary, not people or places": [
        "Should I choose an FHA or a VA loan?",
        "How do APR and PMI differ?",
        "Does Fannie Mae or Freddie Mac buy jumbo loans?",
        "What are the USDA and HUD rules for a HELOC?",
        "I'm in Virginia; are the FHA limits different in New York?",
    ],
    "amounts and lending abbreviations as borrowers type them": [
        "i am borrowing 350000 for a house in ohio",
        "my LE says 6.5% but the CD says 6.625%",
        "the arm has 5/1/5 caps, how high can the rate go",
        "my score is in the 680-720 band, what rate can i get",
        "i work 9-5 monday to friday and 10-2 on saturdays",
        "closing costs were 12500 on the LE",
        "can i use a visa or a mastercard to pay the appraisal fee",
        "my card expires 08/27, can i still pay the application fee with it",
        "my american express has a 12000 limit, will that hurt my score",
        "the loan amount is 766550, is that over the conforming limit",
        "we want to borrow 1200000 on a jumbo loan",
    ],
    "a limit word before a lending noun": [
        "is there a max loan amount for fha loans",
        "max dti for fha?",
        "is 43% dti the max for a qualified mortgage",
    ],
    "words that are also Census names, where they are not people": [
        "I am a Marine veteran, can I use my VA entitlement twice",
        "Will I qualify with a 620 score? May I add my bonus income?",
        "do Chase or Wells Fargo offer FHA loans in Georgia",
        "we got a Grant from the state for the down payment",
    ],
    "hours and years beside phone cues": [
        "I work 9-5 monday to friday, call me at work",
        "we lived there 2019-2023 home owners since",
        "call me at 5",
    ],
    "lower-case words that are not names": [
        "the loan officer hasnt called back, im worried",
        "my iban is on the wire form and my roth ira is separate",
        "is the amount financed the same as the loan amount",
    ],
    "places, brands and headings not shaped as names": [
        "my wife is in India working for a Swiss company, can we get a mortgage?",
        "PayPal wants me to add a bank account before the closing",
        "Total of Payments: the total you will have paid after all payments",
        "Agent: what is the loan amount?\nBorrower: about 350000",
        "Buying USA Stocks from Sri Lanka",
        "What is the best way to short the San Francisco real estate market?",
        "How do I resolve Free Fillable Tax Form error?",
        "why is my reg T margin lower",
    ],
    "references, durations and cities, not addresses or names": [
        "mail to the Note Holder at the address stated in Section 3(A) above",
        "Lender acquires the Property under Section 22 or otherwise",
        "we have lived in Austin 5 years and want to buy",
        "we are moving from Charlotte to a condo near Dallas next spring",
    ],
    "capitalised English words no name list holds": [
        "Energetic and driven salesperson. Awarded Salesperson of the Month three times.",
        "Capitalized words like Wisdom and Discipline are often mistaken with names.",
        "Check the spelling of your name. Borrower signs here. Principal and Interest. Form Explainer.",
        "Landlord Tax Relief Changes: the Pros and Cons of a Market Cap Screener",
    ],
    "interjections, terms and counts in the shapes that mark a name, phone or street": [
        "Hmm, can I still refinance at 6.5%?",
        "Sorry, can I pay 1200 a month?",
        "Escrow is very confusing",
        "Is the APR so high?",
        "a poem by the lender",
        "my registered 2019 honda is paid off",
        "i sent messages to 3-4 lenders about 350000",
        "paying 1450 rent 200 street parking",
        "we were stuck on the Drive home",
        "the name on my loan estimate is wrong, please change it to FHA",
        "Special Loan Progams\n\nFor people who qualify, special loan programs can be more affordable",
        "If I exercise underwater ISOs, can I claim a loss?",
        "Question about data from FTSE 100",
        "can i untie 2 loans from one heloc",
        "we paid Navient his fee",
        "we moved from Navient 2 years ago and I pay at Costco 3 times a month",
        "add Chase as a beneficiary? remove PMI from the loan?",
        "Question\nhow long is the rate lock on a 350000 loan",
        "Agent: what is the loan amount?\nBorrower Two: about 350000",
    ],
    "lenders and amounts typed in lower case": [
        "fannie mae and freddie mac guidelines for dti",
        "sofi offered me a personal loan, should i use it for the down payment",
        "my student loans are with navient, nelnet and mohela",
        "paying 1450 rent on elm st",
    ],
}


@pytest.mark.parametrize(("text", "value", "entity_type"), _cases(IDENTIFIERS))
def test_identifiers_are_found_whole_and_replaced_by_their_type(text, value, entity_type):
    redaction = pii.redact(text)
    assert _found(text).get(value) == entity_type
    assert value not in redaction.text
    assert f"<{entity_type}_1>" in redaction.text


@pytest.mark.parametrize(("text", "values"), _cases(REMOVED))
def test_personal_data_is_removed(text, values):
    redacted = pii.redact_text(text)
    assert not [value for value in values if value in redacted], redacted


@pytest.mark.parametrize("text", _cases(LEFT_AS_TYPED))
def test_text_without_personal_data_is_left_as_typed(text):
    assert pii.redact(text) == pii.Redaction(text, [])


def test_numbered_placeholders_reuse_the_same_number_for_the_same_value():
    text = "John Smith and Mary Jones co-sign. John Smith earns more."
    redaction = pii.redact(text)
    assert redaction.text == "<PERSON_1> and <PERSON_2> co-sign. <PERSON_1> earns more."
    assert [entity.placeholder for entity in redaction.entities] == ["<PERSON_1>", "<PERSON_2>", "<PERSON_1>"]
    first = redaction.entities[0]
    assert (first.type, text[first.start : first.end]) == ("PERSON", "John Smith")


def test_engine_is_built_once_per_process(engines):
    assert pii.get_engines() is engines
    assert pii.warm_up() == engines.warmup_seconds > 0


def test_redact_for_log_hides_values():
    logged = pii.redact_for_log("Jane Doe, SSN 536-22-8726, asked about a $400,000 loan.")
    assert "Jane Doe" not in logged and "536-22-8726" not in logged
    assert "$400,000" in logged


def test_redact_for_log_never_falls_back_to_raw_text(monkeypatch):
    def broken(text):
        raise RuntimeError("engine unavailable")

    monkeypatch.setattr(pii_logs, "redact", broken)
    logged = pii.redact_for_log("Jane Doe 536-22-8726")
    assert "Jane" not in logged and "536" not in logged


def test_no_network_connection_is_attempted(monkeypatch):
    attempts = []

    def refuse_connect(self, address):
        attempts.append(address)
        raise OSError("network disabled in tests")

    def refuse_lookup(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror("network disabled in tests")

    monkeypatch.setattr(socket.socket, "connect", refuse_connect)
    monkeypatch.setattr(socket, "getaddrinfo", refuse_lookup)
    monkeypatch.setattr(pii_engine, "_engines", None)
    monkeypatch.setattr(
        OfflineEmailRecognizer, "_extractor", tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    )
    redaction = pii.redact("Email jane.doe@example.co.uk or visit www.example.com, I'm Jane Doe.")
    assert "<EMAIL_ADDRESS_1>" in redaction.text
    assert attempts == []

    tldextract.TLDExtract(cache_dir=None)("jane.doe@example.co.uk")
    assert attempts, "the guard must notice the stock extractor's download attempt"


def test_presidios_own_log_records_are_withheld_because_they_quote_the_analysed_text():
    record = logging.LogRecord(
        "presidio-analyzer", logging.DEBUG, __file__, 1, "Context list is: %s account number", ("000123456789",), None
    )
    pii.RedactingLogFilter().filter(record)
    assert "000123456789" not in record.getMessage() and "withheld" in record.getMessage()


def test_the_name_list_takes_no_english_word_from_a_forms_headings():
    """ "Fee", "Holder", "Line" are Census surnames or first names elsewhere; in a form they are words."""
    engines = pii.get_engines()
    census = next(r for r in engines.analyzer.registry.recognizers if r.name == "CensusNameRecognizer")
    text = "Processing Fee. Pay the Note Holder. Copy Line F. Settle before you Close. Low rates."
    artifacts = engines.analyzer.nlp_engine.process_text(text, pii.LANGUAGE)
    assert census.analyze(text, ["PERSON"], artifacts) == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Is there a better crafted pop song on this list? Usamov and Bowers were precision engineers.", ["Usamov"]),
        ("They had 6: Matheus, Janet, Nicholas, Kevin, Brittany and Terri.", ["Matheus"]),
        ("they had 6: silvana, adam, christopher, kristina, chad and caleb.", ["adam", "chad", "caleb"]),
    ],
)
def test_words_enumerated_with_a_name_are_names(text, names):
    redacted = pii.redact_text(text)
    assert not [name for name in names if f" {name}" in redacted or f"{name}," in redacted], redacted


def test_an_enumeration_keeps_its_case_and_its_verbs():
    """ "Said" is a first name, but lower case after a capitalised name it is the verb."""
    text = "Kristíana Valbergsdóttir, the Cinematographer, said: it was withdrawn"
    assert ", said:" in pii.redact_text(text)


def test_speaker_labels_next_to_a_named_speaker_are_names():
    text = "Ella: What a wife.\nDestiny: Remember me, Maria?\nLeverett: You saved my life!"
    redacted = pii.redact_text(text)
    assert "Destiny" not in redacted and "Leverett" not in redacted


def test_a_listed_surname_that_is_a_word_is_not_enumerated_into_a_name():
    """ "Sales" and "Small" are Census surnames; capitalised beside a name they are still words."""
    assert "Wash Sales" in pii.redact_text("Wash Sales and Day Trading")


def test_a_decade_is_not_a_house_number():
    text = "see Guilty Pleasures: 5 Musicians Of The 70s You're Supposed To Hate"
    assert "5 Musicians Of The 70s" in pii.redact_text(text)


@pytest.mark.parametrize(
    "text",
    [
        "we rent at 3300 Oak Lawn Ave Apt 512\nincome is 6500 a month\nscore 720",
        "we rent at 3300 Oak Lawn Ave Apt 512\nI pay 1450",
        "We live at 12 Oak St, Dayton, Ohio, income 85000",
    ],
)
def test_amounts_on_the_lines_after_an_address_stay(text):
    redacted = pii.redact_text(text)
    assert "<STREET_ADDRESS_1>" in redacted
    assert all(amount in redacted for amount in ("6500", "720", "1450", "85000") if amount in text)


def test_a_lone_i_after_a_lower_case_name_is_no_initial():
    assert pii.redact_text("my name is maria and i want a loan") == "my name is <PERSON_1> and i want a loan"


def test_a_verb_after_a_lower_case_name_is_not_enumerated():
    assert pii.redact_text("my realtor, jen, said we should offer 410000") == (
        "my realtor, <PERSON_1>, said we should offer 410000"
    )


CFPB_TEXT = Path(__file__).resolve().parents[3] / "shared/data/cfpb_mortgage_docs/text"


@pytest.mark.skipif(not CFPB_TEXT.exists(), reason="the CFPB documents live in the shared data directory")
def test_the_cfpb_documents_keep_their_ordinary_words():
    """Shared documents are redacted before chunking; the small model reads many form headings as people."""
    words = {"Borrower", "Check", "Principal", "Seller", "Lender", "Appraisal", "Paid", "Credit", "Cancel", "Learn"}
    lost = set()
    for path in CFPB_TEXT.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        lost |= {text[e.start : e.end] for e in pii.redact(text).entities} & words
    assert not lost


@pytest.mark.parametrize(
    "text",
    [
        "Priya Shah priya.shah@gmail.com 415-555-0100 wants a quote on 300000",
        "Sandra Ortiz sandra.ortiz@gmail.com wants a quote",
    ],
)
def test_a_name_followed_by_its_e_mail_address_is_redacted_as_both(text):
    """The name's echo inside the address must not join the two and lose the name with the overlap."""
    types = sorted(_found(text).values())
    assert "PERSON" in types and "EMAIL_ADDRESS" in types


def test_a_surname_that_is_a_word_is_repeated_only_as_written():
    redacted = pii.redact_text("Ivan P. Frost scraped the frost off; Frost was late")
    assert redacted == "<PERSON_1> scraped the frost off; <PERSON_2> was late"


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("When comparing Loan Estimates, make sure to compare the origination charges.", "Loan Estimates"),
        ("Borrower shall act in accordance with Environmental Law.", "Environmental Law"),
        ("in violation of any Applicable Law, or", "Applicable Law"),
        ("The Note Holder will use my Prepayments to reduce the Principal.", "The Note Holder"),
        ("Loan Amount $211,000 NO\nInterest Rate 4% YES", "$211,000 NO\nInterest Rate 4%"),
        ("CFPB data on loans made in 2006-2009 show the pattern", "2006-2009"),
    ],
)
def test_a_document_s_defined_terms_amounts_and_years_stay(text, kept):
    """Found in the shared CFPB documents: a plural or articled lending term, a defined term of the note, the tail
    of an amount on a Loan Estimate, a span of years near 'loans' were redacted, and answers quoted placeholders."""
    assert kept in pii.redact(text).text


@pytest.mark.parametrize(
    "text",
    ["my loan number is 2006-2009-44", "I live at 450 Præstevænget 15", "Contact Michael Jones about the Note"],
)
def test_the_look_alikes_of_those_terms_are_still_redacted(text):
    assert pii.redact(text).entities
