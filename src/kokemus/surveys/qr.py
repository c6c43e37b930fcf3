"""QR codes and links for a survey at a touchpoint: a store counter, a delivery note."""

import io
from typing import Literal
from urllib.parse import urlencode

import segno

from kokemus.surveys.models import Survey


def survey_link(
    public_url: str,
    survey: Survey,
    *,
    touchpoint: str | None = None,
    unit: str | None = None,
    via: Literal["link", "qr", "widget"] = "qr",
) -> str:
    query = {
        "via": via,
        **({"tp": touchpoint} if touchpoint else {}),
        **({"unit": unit} if unit else {}),
    }
    return f"{public_url.rstrip('/')}/s/{survey.public_id}?{urlencode(query)}"


def qr_code(link: str, form: Literal["svg", "png"], *, scale: int = 8) -> bytes:
    # Error correction M survives a smudged print; the quiet zone is the standard four modules.
    code = segno.make_qr(link, error="m")
    buffer = io.BytesIO()
    if form == "svg":
        code.save(buffer, kind="svg", scale=scale, xmldecl=True, svgns=True, title=link)
    else:
        code.save(buffer, kind="png", scale=scale)
    return buffer.getvalue()
