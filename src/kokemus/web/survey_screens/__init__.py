"""The signed-in app's survey screens: list, build, preview, publish, share, triggers,
responses. Who may do what is said in `access`."""

from fastapi import APIRouter

from kokemus.web.survey_screens import (
    builder,
    listing,
    publishing,
    questions,
    responses,
    sharing,
    triggers,
)

router = APIRouter(include_in_schema=False)
# /surveys/new before /surveys/{survey_id}: the listing's routes come first.
for part in (listing, builder, questions, publishing, sharing, triggers, responses):
    router.include_router(part.router)
