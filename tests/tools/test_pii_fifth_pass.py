"""PII guard, fifth pass: each rule added in session 7 catches its case and leaves a look-alike.

Every case was written for this file or taken from the tuning half (presidio_synth even rows); none is a report
half's value."""

import pytest

from tools import pii


@pytest.fixture(scope="module", autouse=True)
def engines():
    return pii.get_engines()


def _found(text: str) -> dict[str, str]:
    return {text[entity.start : entity.end]: entity.type for entity in pii.redact(text).entities}


# (text, value, type): the value is found whole, as its type.
CAUGHT: dict[str, list[tuple[str, str, str]]] = {
    "a name cue's name stays on its line": [
        ("Date: 2001-02-03\nName: Toshimi Arata\nPhone: 0490 75 40 81", "Toshimi Arata", "PERSON"),
    ],
    "a contact card's label before a six-digit group": [
        ("Kenji Sato\nMobile: 88 417395\nDesk: 416 60 039", "88 417395", "PHONE_NUMBER"),
        ("fax: 22 6844123", "22 6844123", "PHONE_NUMBER"),
    ],
    "a courtesy title before a dictionary word": [
        ("could you please correct it to Mrs. Glyceria?", "Glyceria", "PERSON"),
        ("Dr. Ronner flew to Hungary.", "Ronner", "PERSON"),
    ],
    "a person added to an account as guardian": [
        ("we need to add Quinzia as guardian", "Quinzia", "PERSON"),
    ],
    "listed first names that are also words, as whole items of an enumeration with names": [
        ("They had 4: Matheus, Teresa, Hope and Ariana.", "Teresa", "PERSON"),
        ("They had 4: Matheus, Teresa, Hope and Ariana.", "Hope", "PERSON"),
        ("They had 4: Matheus, Teresa, Hope and Ariana.", "Ariana", "PERSON"),
    ],
    "a street typed in lower case between its numbers, with its unit and lower-case town lines": [
        (
            "send it to 12 rue des lilas 45\napt. 7\nnamur\nbelgium 50231",
            "12 rue des lilas 45\napt. 7\nnamur\nbelgium 50231",
            "STREET_ADDRESS",
        ),
        ("it is 31 trg slobode 4 apt. 12", "31 trg slobode 4 apt. 12", "STREET_ADDRESS"),
        ("we moved to 12 malý háj 7 last year", "12 malý háj 7", "STREET_ADDRESS"),
        (
            "my address is 0605 πεντέλης 210 apt. 999\ndelmas, mp 35739",
            "0605 πεντέλης 210 apt. 999\ndelmas, mp 35739",
            "STREET_ADDRESS",
        ),
    ],
    "a German street word at a name's end": [
        ("meet at the corner of kaiserbrücke 12", "kaiserbrücke 12", "STREET_ADDRESS"),
    ],
    "a Hungarian street, its word after the name": [
        ("she lives on rákosi út 14. st. now", "rákosi út 14. st.", "STREET_ADDRESS"),
        ("Kossuth Lajos utca 3, Budapest", "Kossuth Lajos utca 3", "STREET_ADDRESS"),
    ],
    "a name on its own line above a street the model also reads as a name": [
        ("Billing address: Wilson\n    Avenida Pedro Ulisses 888\n   Bessastaðahreppur", "Wilson", "PERSON"),
        ("Billing address: Abbas Kadyrov\n    Avenida Pedro Ulisses 888", "Abbas Kadyrov", "PERSON"),
    ],
    "the person a found speaker speaks to": [
        ("I'm so jealous! said Timotea to Shovda", "Shovda", "PERSON"),
        ("I'm so jealous! said Bryce to Maria", "Maria", "PERSON"),
    ],
    "the addressee on the line of 'Billing address:' above the street": [
        ("Billing address: Westgård\n    Aqqusinersuaq 176 Pinto Hill\n Suite 487", "Westgård", "PERSON"),
    ],
    "a contact card's first line after a lost bullet": [
        ("??? Quinzia\n??? Hdscores Inc\n??? Unit 5477 Box 8244\nDPO AP 15730", "Quinzia", "PERSON"),
    ],
    "the subject of 'give' or 'spend', in no dictionary": [
        ("Natasja had given Juliusz A Kwiatkowski his address: 3378 Via dei Fiorentini 17", "Natasja", "PERSON"),
    ],
    "a phone with its extension before its label": [
        ("Alice\nDatamarket\n+1-903-140-4508x769 office", "+1-903-140-4508x769", "PHONE_NUMBER"),
    ],
    "a name-and-number line below a found address": [
        (
            "Marisa Alves\n\nApt. 050 Vesterskovvej 79\n Maneeži 75\n Czech Republic",
            "Apt. 050 Vesterskovvej 79\n Maneeži 75",
            "STREET_ADDRESS",
        ),
    ],
    "described as a person": [
        ("Joly is a very sympathetic person. They are also good listeners.", "Joly", "PERSON"),
    ],
    "named him ...": [
        ("She named him Maclean", "Maclean", "PERSON"),
    ],
    "a performer before a version or recording": [
        ("The Campos version recorded for Opencounter became a hit.", "Campos", "PERSON"),
    ],
    "a word in no dictionary after 'the gender of'": [
        ("The true gender of Quinzia has been under debate for years.", "Quinzia", "PERSON"),
    ],
    "what people call someone, in lower case": [
        ("sometimes people call me piusz", "piusz", "PERSON"),
    ],
    "a lower-case first name, initial and surname": [
        ("follow up with eugene a karlsson in a couple of months.", "eugene a karlsson", "PERSON"),
    ],
    "a lower-case surname by its ending": [
        ("nováková began writing as a teenager", "nováková", "PERSON"),
    ],
}

# (text, value): the value stays in the redacted text.
LEFT: dict[str, list[tuple[str, str]]] = {
    "the next line's label is no part of the name": [
        ("Name: Toshimi Arata\nPhone: 0490 75 40 81", "Phone"),
    ],
    "a label without a colon before an amount": [
        ("my phone bill is 45 120000 dollars a year?", "120000"),
        ("work 40 hours, income 85000", "85000"),
    ],
    "a dictionary word after a word that is no title": [
        ("the Glyceria genus of grasses", "Glyceria"),
        ("I miss Glyceria", "Glyceria"),
    ],
    "a word that is no whole item of the enumeration": [
        ("Mary and Teresa Street Bakery", "Street"),
        ("Wash Sales and Day Trading with Mary", "Sales"),
    ],
    "lower-case words between numbers that are no street": [
        ("we have 2 kids 3 dogs and a cat", "2 kids 3"),
        ("I pay 1500 a month 200 more than before", "1500 a month 200"),
        ("score 680 fico 720 last week", "680 fico 720"),
        ("30 year fixed 6 percent", "30 year fixed 6"),
        ("rent a 1200 sqft 2 bedroom apartment", "1200 sqft 2"),
        ("college in 2015 versus 2033", "2015 versus 2033"),
        ("you get 2 brandpunten. 100 brandpunten", "2 brandpunten. 100"),
    ],
    "a sentence, not a town, after a lower-case street": [
        ("here they are: unit 1009 box 0219\ndpo ap 51065, and 4596 too", "4596"),
        ("i live at 12 rue du lac 4\nincome 65000", "income 65000"),
    ],
    "a Hungarian street word after English words": [
        ("the new tér 5 rule", "tér 5"),
    ],
    "what a speaker speaks to, in a dictionary": [
        ("John Smith said to Congress.", "Congress"),
        ("Mary asked to Refinance.", "Refinance"),
    ],
    "words in a dictionary after 'Billing address:'": [
        ("Billing address: Same As Above\n 12 Main Street", "Same As Above"),
    ],
    "a lender as the subject of 'give'": [
        ("Chase gave me a rate of 6.5%", "Chase"),
    ],
    "a dictionary word and a number below an address": [
        ("I live at Apt. 050 Vesterskovvej 79\nPage 3 of the form", "Page 3"),
    ],
    "a lending word described as a friend": [
        ("Escrow is a good friend of buyers", "Escrow"),
    ],
    "a product's version": [
        ("Is the Excel version better than the Roth version?", "Excel"),
        ("Is the Excel version better than the Roth version?", "Roth"),
    ],
    "a place after 'the age of'": [
        ("the age of Bucharest's buildings", "Bucharest"),
    ],
    "what people call me, in a dictionary": [
        ("people call me crazy", "crazy"),
        ("you can call me tomorrow.", "tomorrow"),
    ],
    "a first name, 'a' and an English word": [
        ("we need martin a lot more", "martin"),
    ],
    "a typo with a surname-like ending": [
        ("which types of investments should be choosen for 401k", "choosen"),
    ],
    "add ... as without a role": [
        ("can I add Escrow as a line item", "Escrow"),
    ],
}


def _params(table: dict) -> list:
    return [pytest.param(*case, id=f"{reason}: {case[0]!r}") for reason, cases in table.items() for case in cases]


@pytest.mark.parametrize(("text", "value", "entity_type"), _params(CAUGHT))
def test_the_new_rules_catch_their_case(text, value, entity_type):
    assert _found(text).get(value) == entity_type, pii.redact_text(text)


@pytest.mark.parametrize(("text", "value"), _params(LEFT))
def test_the_new_rules_leave_the_look_alike(text, value):
    assert value in pii.redact_text(text)
