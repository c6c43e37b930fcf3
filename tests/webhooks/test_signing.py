import base64
import hashlib
import hmac
from datetime import UTC, datetime

import pytest

from kokemus.webhooks.signing import InvalidSignature, headers, new_secret, sign, verify

# The example in the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_the_specification_example() -> None:
    assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE


def test_by_hand() -> None:
    secret = new_secret()
    assert secret.startswith("whsec_")
    key = base64.b64decode(secret.removeprefix("whsec_"))
    expected = hmac.new(key, b"msg_1.1700000000.{}", hashlib.sha256).digest()
    assert sign(secret, "msg_1", 1700000000, b"{}") == "v1," + base64.b64encode(expected).decode()


def test_verify_as_a_receiver() -> None:
    secret, old = new_secret(), new_secret()
    now = datetime.now(UTC)
    sent = headers(secret, "msg_2", int(now.timestamp()), b'{"a":1}')
    verify([secret], sent, b'{"a":1}', now)
    verify([old, secret], sent, b'{"a":1}', now)  # during a rotation
    with pytest.raises(InvalidSignature):
        verify([secret], sent, b'{"a":2}', now)
    with pytest.raises(InvalidSignature):
        verify([old], sent, b'{"a":1}', now)
    stale = headers(secret, "msg_2", int(now.timestamp()) - 600, b'{"a":1}')
    with pytest.raises(InvalidSignature, match="timestamp"):
        verify([secret], stale, b'{"a":1}', now)
