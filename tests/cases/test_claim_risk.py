from datetime import UTC, datetime, timedelta

from kokemus.cases.claim_risk import ClaimFacts, PastClaim, assess
from kokemus.cases.claims import address_key, payment_key

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
HOME = address_key("Kotikatu 1 A 2, 00100 Helsinki")


def past(
    case_id: int,
    customer_id: int,
    days_ago: float,
    address: str | None = HOME,
    payment: str | None = None,
) -> PastClaim:
    return PastClaim(case_id, customer_id, NOW - timedelta(days=days_ago), address, payment)


def test_a_first_ordinary_claim_is_low_risk_with_no_reasons() -> None:
    claim = ClaimFacts(
        1, customer_id=10, claimed_at=NOW, amount_minor=4990, currency="EUR", address_key=HOME
    )
    assessment = assess(claim, [])
    assert (assessment.score, assessment.level, assessment.reasons) == (0, "low", [])


def test_each_signal_with_its_weight_and_evidence() -> None:
    card = payment_key("card_abc")
    claim = ClaimFacts(
        9,
        customer_id=10,
        claimed_at=NOW,
        amount_minor=80_000,
        currency="EUR",
        address_key=HOME,
        payment_key=card,
        delivered_at=NOW - timedelta(minutes=4),
    )
    earlier = [
        past(1, 10, 30),  # the same customer
        past(2, 11, 60),  # another customer, same address
        past(3, 12, 90, address=None, payment=card),  # another, same card
        past(4, 13, 400),  # outside the year
    ]
    reasons = {r["signal"]: r for r in assess(claim, earlier).reasons}
    assert {name: r["weight"] for name, r in reasons.items()} == {
        "repeat_customer": 20,
        "same_address": 30,
        "same_payment": 30,
        "shared_by_accounts": 20,
        "high_value": 15,
        "soon_after_delivery": 10,
    }
    assert reasons["same_address"]["cases"] == [2]
    assert reasons["repeat_customer"]["cases"] == [1]
    assert "4 min after" in reasons["soon_after_delivery"]["detail"]
    assessment = assess(claim, earlier)
    assert (assessment.score, assessment.level) == (100, "high")


def test_the_same_address_however_written() -> None:
    assert address_key("KOTIKATU 1 a 2,  00100  helsinki") == HOME
    assert (
        address_key({"street": "Kotikatu 1 A 2", "postalCode": "00100", "city": "Helsinki"}) == HOME
    )
    assert address_key("Kotikatu 3, 00100 Helsinki") != HOME
    assert address_key(None) is None


def test_high_value_depends_on_the_currency() -> None:
    sek = ClaimFacts(1, customer_id=1, claimed_at=NOW, amount_minor=80_000, currency="SEK")
    eur = ClaimFacts(1, customer_id=1, claimed_at=NOW, amount_minor=80_000, currency="EUR")
    assert assess(sek, []).reasons == []
    assert [r["signal"] for r in assess(eur, []).reasons] == ["high_value"]
