"""Occupation matches: the interest profile (and work values) ranked against O*NET occupations.

The person first says how much preparation they have or will get (O*NET Job Zone 1–5, in
plain words); suggestions then come ten at a time as cards. A card's buttons stay valid while
it is on screen: "Save as a target" (targets feed the informational-interview toolkit), "Not
for me" (the card is replaced by the next suggestion and that occupation never comes back) and
"Details".

Buttons: g:OM:<page>  suggestions page · g:OS:<code> save · g:ON:<code>:<page> not for me ·
g:OD:<code> details · g:OZ change the preparation level.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.dialogs import assessment, common
from bot.events import Button
from bot.flow import N_, Answers, Flow, Kind, Option, Registry, Step
from bot.i18n import LIST_SEPARATORS
from bot.services import matching
from bot.services.matching import Match, Occupation
from storage import assessments as store

if TYPE_CHECKING:
    from bot.engine import Turn

SAVE = N_("⭐ Save as a target")
SAVED = N_("⭐ Saved")
NOT_FOR_ME = N_("✖ Not for me")
DETAILS = N_("ℹ️ Details")
MORE = N_("More »")
CHANGE_ZONE = N_("🎓 Change preparation level")
SAVED_NOTICE = N_("Saved as a target.")
ALREADY_SAVED = N_("This one is already among your targets.")
DISMISSED_NOTICE = N_("Understood — it will not be suggested again.")
TAKE_INTERESTS = N_("🧩 Take the interests inventory")
NEED_INTERESTS = N_(
    "Suggestions are built from your interests. Take the interests inventory first — it takes "
    "about 8 minutes."
)
NO_MORE = N_("There are no more suggestions at this preparation level. Try another level.")
UNKNOWN_OCCUPATION = N_("I could not find that occupation any more.")
FIT = {"best": N_("🟢 Best fit"), "great": N_("🔵 Great fit"), "good": N_("⚪ Good fit")}
WHY_INTERESTS = N_("Suggested for your strong {{ interests }} interests.")
WHY_BOTH = N_("Suggested for your strong {{ interests }} interests; it offers {{ values }}.")
WHY_SHAPE = N_("Its mix of interests is close to yours overall.")
WHY_SHAPE_VALUES = N_("Its mix of interests is close to yours overall; it offers {{ values }}.")
AND = N_("{{ first }} and {{ last }}")
ANY_ZONE = "any"

ZONES = {
    1: N_("Little or no preparation: a few days to a few months of training on the job."),
    2: N_("Some preparation: usually secondary school and up to a year of training."),
    3: N_("Medium preparation: vocational training, an apprenticeship or a college diploma."),
    4: N_("Considerable preparation: usually a bachelor's degree and several years' experience."),
    5: N_("Extensive preparation: a master's degree or more, and years of experience."),
}
ZONE_SHORT = {
    1: N_("Job Zone 1 (little or no preparation)"),
    2: N_("Job Zone 2 (some preparation)"),
    3: N_("Job Zone 3 (medium preparation)"),
    4: N_("Job Zone 4 (considerable preparation)"),
    5: N_("Job Zone 5 (extensive preparation)"),
}
ZONE_OPTIONS = tuple(Option(str(zone), label) for zone, label in ZONES.items()) + (
    Option(ANY_ZONE, N_("Show every level")),
)


async def _after_zone(turn: Turn, answers: Answers) -> None:
    """Shows the first page of suggestions for the level just chosen."""
    await show_page(turn, "1")


JOB_ZONE = Flow(
    id="job_zone",
    version=1,
    title=N_("Preparation level"),
    in_menu=False,
    steps=(
        Step(
            "zone",
            Kind.CHOICE,
            N_("How much preparation do you have, or are you ready to get, for your next job?"),
            hint=N_(
                "Occupations differ in the education, training and experience they need "
                "(O*NET® calls these Job Zones). Choose the level that fits you now or soon."
            ),
            choices="job_zones",
        ),
    ),
    after=_after_zone,
)


async def _zone(turn: Turn) -> int | None | str:
    """The chosen Job Zone, None for every level, or "" when the person has not chosen yet."""
    answers = await turn.engine.answers_of(turn.session, turn.user_id, JOB_ZONE)
    zone = answers.get("zone")
    if zone is None:
        return ""
    return None if zone == ANY_ZONE else int(zone)


async def ranking(turn: Turn) -> tuple[list[Match], Any] | None:
    """The person's ranked suggestions and chosen zone; None without an interests result."""
    latest = await store.latest_results(session=turn.session, user_id=turn.user_id)
    interests = latest.get("riasec")
    if interests is None:
        return None
    values = latest.get("work_values")
    zone = await _zone(turn)
    matches = matching.rank(
        interests.scores,
        values=values.scores if values else None,
        job_zone=zone if isinstance(zone, int) else None,
        exclude=await store.dismissed(session=turn.session, user_id=turn.user_id),
    )
    return matches, zone


def _join(turn: Turn, names: list[str]) -> str:
    if len(names) == 1:
        return names[0]
    separator = LIST_SEPARATORS.get(turn.locale, ", ")
    return str(turn.t(AND, first=separator.join(names[:-1]), last=names[-1]))


def why(turn: Turn, match: Match) -> str:
    """One sentence on why an occupation was suggested."""
    interests = [turn.plain(assessment.RIASEC_NAMES[t]) for t in match.shared_interests]
    values = [turn.plain(assessment.VALUE_NAMES[v]) for v in match.shared_values]
    if interests and values:
        return turn.t(WHY_BOTH, interests=_join(turn, interests), values=_join(turn, values))
    if interests:
        return turn.t(WHY_INTERESTS, interests=_join(turn, interests))
    if values:
        return turn.t(WHY_SHAPE_VALUES, values=_join(turn, values))
    return turn.t(WHY_SHAPE)


def card(turn: Turn, match: Match, page: int, saved: set[str]) -> Any:
    """One suggestion: title, fit, Job Zone, summary and why, with its three buttons."""
    occupation = match.occupation
    text = turn.render(
        "match_card.j2",
        title=occupation.title_in(turn.locale),
        fit=turn.t(FIT[match.fit]),
        zone=turn.t(ZONE_SHORT[occupation.job_zone]),
        summary=occupation.summary_in(turn.locale),
        why=why(turn, match),
    )
    first = (
        Button(turn.t(SAVED), f"g:OD:{occupation.code}")
        if occupation.code in saved
        else Button(turn.t(SAVE), f"g:OS:{occupation.code}")
    )
    buttons = [
        [first, Button(turn.t(NOT_FOR_ME), f"g:ON:{occupation.code}:{page}")],
        [Button(turn.t(DETAILS), f"g:OD:{occupation.code}")],
    ]
    return text, buttons


async def _saved_codes(turn: Turn) -> set[str]:
    targets = await store.targets(session=turn.session, user_id=turn.user_id)
    return {target.onetsoc_code for target in targets if target.onetsoc_code}


async def show_page(turn: Turn, arg: str) -> None:
    """Shows suggestions page `arg` (ten cards) with a More button."""
    turn.screen = "menu"
    page = int(arg) if arg.isdecimal() and 0 < int(arg) < 100 else 1
    ranked = await ranking(turn)
    if ranked is None:
        turn.send(
            turn.t(NEED_INTERESTS),
            [
                [Button(turn.t(TAKE_INTERESTS), "g:AT:interests")],
                [Button(turn.t(assessment.BACK_TO_HUB), "g:A")],
            ],
        )
        return
    matches, zone = ranked
    if zone == "":
        return await turn.engine.start_flow(turn, JOB_ZONE.id)
    shown = matches[(page - 1) * matching.PAGE : page * matching.PAGE]
    zone_text = turn.t(ZONE_SHORT[zone]) if zone else turn.t(ZONE_OPTIONS[-1].label)
    turn.send(
        turn.render("matches.j2", page=page, zone=zone_text, first=(page - 1) * matching.PAGE + 1)
    )
    if not shown:
        turn.send(turn.t(NO_MORE), [[Button(turn.t(CHANGE_ZONE), "g:OZ")]])
        return
    saved = await _saved_codes(turn)
    for match in shown:
        text, buttons = card(turn, match, page, saved)
        turn.send(text, buttons)
    footer = []
    if len(matches) > page * matching.PAGE:
        footer.append(Button(turn.t(MORE), f"g:OM:{page + 1}"))
    footer.append(Button(turn.t(CHANGE_ZONE), "g:OZ"))
    turn.send(
        turn.render("matches_footer.j2"),
        [footer, [Button(turn.t(assessment.BACK_TO_HUB), "g:A")]],
    )


async def save_target(turn: Turn, code: str) -> None:
    """Saves the occupation as a target and marks its card as saved."""
    occupation = matching.by_code().get(code)
    if occupation is None:
        turn.reply.notice = turn.t(UNKNOWN_OCCUPATION)
        return
    added = await store.add_target(
        session=turn.session,
        user_id=turn.user_id,
        title=occupation.title_in(turn.locale),
        onetsoc_code=code,
        source="match",
    )
    turn.reply.notice = turn.t(SAVED_NOTICE if added else ALREADY_SAVED)
    ranked = await ranking(turn)
    match = next((m for m in ranked[0] if m.occupation.code == code), None) if ranked else None
    if match is not None:
        position = ranked[0].index(match) if ranked else 0
        text, buttons = card(turn, match, position // matching.PAGE + 1, {code})
        turn.send(text, buttons, edit=True)


async def not_for_me(turn: Turn, arg: str) -> None:
    """Never suggests this occupation again; its card becomes the next suggestion."""
    code, _, raw_page = arg.partition(":")
    if code not in matching.by_code():
        turn.reply.notice = turn.t(UNKNOWN_OCCUPATION)
        return
    page = int(raw_page) if raw_page.isdecimal() and 0 < int(raw_page) < 100 else 1
    await store.dismiss(session=turn.session, user_id=turn.user_id, onetsoc_code=code)
    turn.reply.notice = turn.t(DISMISSED_NOTICE)
    ranked = await ranking(turn)
    if ranked is None:
        return
    matches, _ = ranked
    last = page * matching.PAGE - 1  # the first suggestion not yet on screen moves up
    if last < len(matches):
        text, buttons = card(turn, matches[last], page, await _saved_codes(turn))
        turn.send(text, buttons, edit=True)
    else:
        turn.send(turn.t(NO_MORE), [], edit=True)


async def details(turn: Turn, code: str) -> None:
    """Shows one occupation in full: description, preparation, interests and values."""
    occupation: Occupation | None = matching.by_code().get(code)
    if occupation is None:
        turn.reply.notice = turn.t(UNKNOWN_OCCUPATION)
        return
    saved = code in await _saved_codes(turn)
    text = turn.render(
        "match_details.j2",
        title=occupation.title_in(turn.locale),
        english_title=occupation.title,
        summary=occupation.summary_in(turn.locale),
        description=occupation.description,
        zone=turn.t(ZONE_SHORT[occupation.job_zone]),
        zone_words=turn.t(ZONES[occupation.job_zone]),
        interests=[turn.plain(assessment.RIASEC_NAMES[t]) for t in occupation.high_point],
        values=[
            turn.plain(assessment.VALUE_NAMES[v])
            for v in occupation.value_high_points
            if v in assessment.VALUE_NAMES
        ],
        code=code,
    )
    first = (
        Button(turn.t(SAVED), "g:OT") if saved else Button(turn.t(SAVE), f"g:OS:{occupation.code}")
    )
    turn.send(text, [[first], [Button(turn.t(assessment.ABOUT_DATA), "g:AD")]])


async def change_zone(turn: Turn, _: str) -> None:
    """Asks for the preparation level again, then shows the first page."""
    await turn.engine.start_flow(turn, JOB_ZONE.id)


async def show_targets(turn: Turn, _: str) -> None:
    """Lists the saved targets."""
    targets = await store.targets(session=turn.session, user_id=turn.user_id)
    turn.send(
        turn.render("targets.j2", targets=[t.title for t in targets]),
        [[Button(turn.t(assessment.MATCHES), "g:OM:1")], [Button(turn.t(common.MENU), "g:M")]],
    )


def register(registry: Registry) -> None:
    """Adds the preparation-level question and the suggestion screens to the registry."""
    registry.add_choices("job_zones", ZONE_OPTIONS)
    registry.add_flow(JOB_ZONE)
    for op, handler in (
        ("OM", show_page),
        ("OS", save_target),
        ("ON", not_for_me),
        ("OD", details),
        ("OZ", change_zone),
        ("OT", show_targets),
    ):
        registry.add_action(op, handler)
