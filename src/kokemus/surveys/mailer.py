"""Invitation and reminder messages, and sending them through the configured SMTP server.

A message is plain text with an HTML alternative, in the invitation's language. One SMTP
connection serves a batch; a message that fails closes it, and the next one reconnects,
so one bad address or a dropped connection never stops the others.
"""

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from functools import cache
from importlib import resources
from types import TracebackType
from typing import Any

import yaml
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from kokemus.config import Settings

SMTP_TIMEOUT = 30.0
IMPLICIT_TLS_PORT = 465


@dataclass(frozen=True)
class Letter:
    to: str
    language: str
    title: str
    link: str
    reminder: bool = False


@cache
def _texts() -> dict[str, dict[str, str]]:
    text = resources.files("kokemus.surveys").joinpath("data/email.yaml").read_text("utf-8")
    texts: dict[str, dict[str, str]] = yaml.safe_load(text)
    return texts


@cache
def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("kokemus.surveys", "data"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def compose(letter: Letter, mail_from: str) -> EmailMessage:
    texts = _texts().get(letter.language) or _texts()["en"]
    kind = "reminder_" if letter.reminder else ""
    context: dict[str, Any] = {
        "lang": letter.language,
        "title": letter.title,
        "link": letter.link,
        "greeting": texts["greeting"],
        "body": texts[f"{kind}body"],
        "button": texts["button"],
        "link_help": texts["link_help"],
        "footer": texts[f"{kind}footer"],
    }
    message = EmailMessage()
    message["Subject"] = texts[f"{kind}subject"].format(title=letter.title)
    message["From"] = mail_from
    message["To"] = letter.to
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=_domain(mail_from))
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(_templates().get_template("invitation.txt").render(context))
    message.add_alternative(
        _templates().get_template("invitation.html").render(context), subtype="html"
    )
    # After the parts are made: making them moves every Content-* header into the first.
    message["Content-Language"] = letter.language
    return message


def _domain(address: str) -> str:
    _, email = parseaddr(address)
    return email.rpartition("@")[2] or "localhost"


class SendError(Exception):
    """`permanent`: the server refused the address for good. `server`: the server could not
    be reached or refused us (not this message's fault: it is tried again, uncounted)."""

    def __init__(self, message: str, *, permanent: bool = False, server: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.server = server


class Mailer:
    """Sends messages over one SMTP connection, opened on the first message."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> "Mailer":
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def send(self, letter: Letter) -> None:
        message = compose(letter, self._settings.mail_from)
        try:
            smtp = self._connection()
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"SMTP server: {type(error).__name__}: {error}", server=True) from None
        try:
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            detail = "; ".join(
                f"{code} {reply.decode(errors='replace')}"
                for code, reply in error.recipients.values()
            )
            self._drop()
            raise SendError(f"recipient refused: {detail}", permanent=min(codes) >= 500) from None
        except (smtplib.SMTPException, OSError) as error:
            self._drop()
            raise SendError(f"{type(error).__name__}: {error}") from None

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None

    def _drop(self) -> None:
        if self._smtp is not None:
            self._smtp.close()
            self._smtp = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is not None:
            return self._smtp
        settings = self._settings
        smtp: smtplib.SMTP
        if settings.smtp_port == IMPLICIT_TLS_PORT:
            smtp = smtplib.SMTP_SSL(
                settings.smtp_host,
                settings.smtp_port,
                timeout=SMTP_TIMEOUT,
                context=ssl.create_default_context(),
            )
        else:
            smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT)
        try:
            smtp.ehlo()
            if settings.smtp_starttls:
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            if settings.smtp_username:
                smtp.login(settings.smtp_username, settings.smtp_password or "")
        except BaseException:
            smtp.close()
            raise
        self._smtp = smtp
        return smtp
