"""Contact data is cut out of the text the NLU sees; questions stay as they are."""
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message

from components.contact_data import ContactDataRemover, without_contact_data


def test_phone_numbers_emails_and_ibans_are_cut_out() -> None:
    text = "Wo gibt es Migrationsberatung? Erreichbar unter +49 561 9876543 oder hans.beispiel@example.net"
    assert without_contact_data(text) == "Wo gibt es Migrationsberatung? Erreichbar unter oder"
    assert without_contact_data("IBAN DE89 3704 0044 0532 0130 00 bitte") == "IBAN bitte"


def test_questions_numbers_and_places_stay() -> None:
    for text in ("Deutschkurs in Kassel", "Notruf 112", "Ich bin 34 Jahre alt und habe 3 Kinder",
                 "Wie ist die Telefonnummer?", "35390 Gießen", "Einbürgerungstest 2025"):
        assert without_contact_data(text) == text


def test_the_component_cuts_contact_data_from_the_message_text() -> None:
    message = Message(data={TEXT: "Deutschkurs in Fulda, Tel 0661 123456"})
    ContactDataRemover().process([message])
    assert message.get(TEXT) == "Deutschkurs in Fulda, Tel"
