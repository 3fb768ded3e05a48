"""Self-assessment through the engine, as a person takes it: answers, results, charts, history."""

from __future__ import annotations

import struct

from sqlmodel import col

from bot.services import instruments
from storage.models import Answer, AssessmentResult, Case, Target, User
from tests.people import Person, translated
from tests.stored import answers, rows

HUB = "🧭 Self-assessment"
PERSONALITY = "🪞 Personality (Big Five)"
INTERESTS = "🧩 Interests (RIASEC)"
PROFILER = "🧩 Interests: O*NET® Interest Profiler (60 items, English)"
ENJOY = ("Dislike", "Slightly dislike", "Neither like nor dislike", "Slightly enjoy", "Enjoy")
ACCURATE = (
    "Very inaccurate",
    "Moderately inaccurate",
    "Neither accurate nor inaccurate",
    "Moderately accurate",
    "Very accurate",
)


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


async def take_interests(person: Person, likes: str) -> None:
    """Answers the 48 interest items: Enjoy for the liked types' items, Dislike for the rest."""
    for item in instruments.interest_markers().items:
        await person.press(ENJOY[4] if item.dimension in likes else ENJOY[0])


async def begin(engine, instrument: str) -> Person:
    """A new person who agrees, opens the self-assessment menu and starts an instrument."""
    person = Person(engine)
    await person.join()
    await person.press(HUB)
    await person.press(instrument)
    return person


async def results_of(engine, instrument: str) -> list[AssessmentResult]:
    return await rows(engine, AssessmentResult, col(AssessmentResult.instrument) == instrument)


# ── taking an instrument ────────────────────────────────────────────────────────────────────
async def test_personality_is_scored_with_reverse_keys_and_shown_with_a_chart(engine):
    ann = Person(engine)
    await ann.join()
    await ann.press(HUB)
    assert "Self-assessment" in ann.last_text and "▫️ Personality (Big Five)" in ann.last_text
    await ann.press(PERSONALITY)
    assert "20 short statements" in ann.seen
    assert "1/20" in ann.last_text and "Am the life of the party." in ann.last_text
    assert ann.buttons[:5] == list(ACCURATE)
    for item in instruments.personality().items:
        # agree with every positively keyed statement, disagree with every reversed one
        await ann.press(ACCURATE[0] if item.reverse else ACCURATE[4])
    assert "Personality (Big Five)" in ann.seen
    assert "Extraversion 20/20" in ann.seen and "Neuroticism 20/20" in ann.seen
    assert "Intellect / imagination 20/20" in ann.seen
    assert "You draw energy from people" in ann.seen
    (photo,) = ann.photos
    width, height = png_size(photo.content)
    assert width >= 600 and height >= 300 and 5_000 < len(photo.content) < 400_000
    (result,) = await results_of(engine, "big_five")
    assert result.form == "personality" and result.form_version == 1
    assert result.scores == {"E": 20, "A": 20, "C": 20, "N": 20, "I": 20}
    assert result.responses["MINI_06"] == 1 and result.responses["MINI_01"] == 5
    assert await answers(engine, "personality") == {}, "answers move into the result"


async def test_interests_give_a_holland_code_and_a_hexagon_chart(engine):
    ann = await begin(engine, INTERESTS)
    assert "1/49" in ann.last_text or "1/48" in ann.last_text
    await take_interests(ann, likes="SE")
    assert "Your Holland code: SE" in ann.seen
    assert "Social 40/40" in ann.seen and "Realistic 8/40" in ann.seen
    assert "Helping, teaching, caring for and advising people." in ann.seen
    assert len(ann.photos) == 1 and png_size(ann.photos[0].content)[0] >= 600
    (result,) = await results_of(engine, "riasec")
    assert result.summary == {"code": "SE"} and result.form == "interests"


async def test_a_skipped_item_is_stored_as_skipped_and_its_scale_estimated(engine):
    ann = await begin(engine, PERSONALITY)
    await ann.press("Skip »")
    assert "2/20" in ann.last_text
    for _ in range(19):
        await ann.press(ACCURATE[2])
    assert "1 item skipped" in ann.seen
    (result,) = await results_of(engine, "big_five")
    assert result.responses["MINI_01"] is None and result.scores["E"] == 12


async def test_typed_numbers_and_labels_answer_a_rating_and_nonsense_asks_again(engine):
    ann = await begin(engine, PERSONALITY)
    await ann.send("9")
    assert "Please choose a number from 1 to 5." in ann.last_text and "1/20" in ann.last_text
    await ann.sticker()
    assert "1/20" in ann.last_text
    await ann.send("4")
    assert "2/20" in ann.last_text
    assert (await answers(engine, "personality")) == {"MINI_01": 4}


# ── flat answers ────────────────────────────────────────────────────────────────────────────
async def test_flat_interest_answers_get_a_warning_before_any_result(engine):
    ann = await begin(engine, INTERESTS)
    for _ in range(48):
        await ann.press(ENJOY[2])
    assert "Your answers are almost all the same" in ann.last_text
    assert await results_of(engine, "riasec") == []
    await ann.press("Answer again")
    assert "Let's start again" in ann.seen and "1/48" in ann.last_text
    assert await answers(engine, "interests") == {}
    for _ in range(48):
        await ann.press(ENJOY[2])
    await ann.press("Show my result anyway")
    (result,) = await results_of(engine, "riasec")
    assert result.scores == {t: 24 for t in "RIASEC"} and result.summary == {"code": ""}


async def test_varied_interest_answers_get_no_warning(engine):
    ann = await begin(engine, INTERESTS)
    await take_interests(ann, likes="IA")
    assert "almost all the same" not in ann.seen
    assert "Your Holland code: IA" in ann.seen


# ── pausing and resuming ────────────────────────────────────────────────────────────────────
async def test_the_60_item_profiler_resumes_mid_way_after_a_restart(engine, start_engine):
    ann = await begin(engine, PROFILER)
    assert "O*NET® Interest Profiler" in ann.seen
    assert "O*NET® is a trademark of USDOL/ETA. Used for career exploration only." in ann.seen
    assert ann.buttons[:5] == ["Strongly Dislike", "Dislike", "Unsure", "Like", "Strongly Like"]
    items = instruments.interest_profiler().items
    for item in items[:30]:
        await ann.press("Strongly Like" if item.dimension == "C" else "Strongly Dislike")
    assert "31/60" in ann.last_text
    await ann.press("☰ Menu")
    await engine.db.dispose()  # the bot process ends
    ann.engine = start_engine()
    await ann.press(HUB)
    assert "▶️ Interests: O*NET® Interest Profiler (60 items, English) — in progress" in (
        ann.last_text
    )
    await ann.press("▶️ Continue: Interests: O*NET® Interest Profiler (60 items, English)")
    assert "31/60" in ann.last_text and items[30].text in ann.last_text
    for item in items[30:]:
        await ann.press("Strongly Like" if item.dimension == "C" else "Strongly Dislike")
    (result,) = await results_of(ann.engine, "riasec")
    assert result.form == "interests_onet"
    assert result.scores == {"R": 0, "I": 0, "A": 0, "S": 0, "E": 0, "C": 40}
    assert "Your Holland code: C" in ann.seen


async def test_reopening_an_inventory_from_another_screen_continues_at_the_first_unanswered(
    engine,
):
    ann = await begin(engine, PERSONALITY)
    for _ in range(5):
        await ann.press(ACCURATE[3])
    await ann.press("☰ Menu")
    await ann.press("🙂 About me")  # another flow replaces the open one
    await ann.send("/menu")
    await ann.press(HUB)
    await ann.press(PERSONALITY)
    assert "6/20" in ann.last_text


# ── history and profile ─────────────────────────────────────────────────────────────────────
async def test_a_retake_keeps_the_earlier_result_and_the_profile_shows_the_newest(engine):
    ann = await begin(engine, INTERESTS)
    await take_interests(ann, likes="R")
    await ann.press("🔁 Take it again")
    assert "1/48" in ann.last_text and "Current answer" not in ann.last_text
    await take_interests(ann, likes="AS")
    history = await results_of(engine, "riasec")
    assert sorted(r.summary["code"] for r in history) == ["AS", "R"]
    await ann.press("« Self-assessment")
    await ann.press("👤 My profile")
    assert "Holland code: AS" in ann.last_text
    assert "(1 earlier result kept)" in ann.last_text
    assert history[0].taken_at.date().isoformat() in ann.last_text


async def test_every_instrument_can_be_taken_and_appears_on_the_profile(engine):
    ann = Person(engine)
    await ann.join()
    for instrument in instruments.all_instruments():
        await ann.press(HUB) if HUB in ann.buttons else await ann.press("« Self-assessment")
        label = next(b for b in ann.buttons if instrument_title(instrument.id) in b)
        await ann.press(label)
        for index, _ in enumerate(instrument.items):
            await ann.press(ann.buttons[index % 5])
        assert "—" in ann.seen  # a result with its date was shown
    await ann.press("« Self-assessment")
    await ann.press("👤 My profile")
    profile = ann.last_text
    for title in ("Personality", "Work values", "Skills", "Career readiness", "Learning"):
        assert title in profile
    stored = {r.instrument for r in await rows(engine, AssessmentResult)}
    assert stored == {"riasec", "big_five", "work_values", "skills", "readiness", "learning"}


def instrument_title(flow_id: str) -> str:
    return {
        "interests": "Interests (RIASEC)",
        "interests_onet": "Interest Profiler",
        "personality": "Personality",
        "values": "Work values",
        "skills": "Skills",
        "readiness": "Career readiness",
        "learning": "Learning preferences",
    }[flow_id]


async def test_readiness_gives_tips_for_the_weakest_areas_and_says_it_is_no_test(engine):
    ann = await begin(engine, "🧭 Career readiness")
    assert "reflection aid, not a test" in ann.seen
    for item in instruments.readiness().items:
        await ann.press("Not true of me" if item.dimension == "curiosity" else "Very true of me")
    assert "Exploring 1/5" in ann.seen and "Confidence 5/5" in ann.seen
    assert "informational-interview toolkit" in ann.seen  # the curiosity tip
    assert "Set aside half an hour" not in ann.seen  # no tip where they are strong


async def test_skills_show_strengths_and_gaps_by_name(engine):
    ann = await begin(engine, "🛠 Skills")
    assert "basic skills" in ann.seen
    assert "Reading Comprehension" in ann.last_text
    assert "Understanding written sentences" in ann.last_text  # the O*NET description
    for item in instruments.skills().items:
        rating = {"2.A.1.e": "Expert", "2.B.3.e": "Not yet"}.get(item.name, "Good")
        await ann.press(rating)
    assert "Your strengths" in ann.seen and "Mathematics 5/5" in ann.seen
    assert "Skills to build" in ann.seen and "• Programming" in ann.seen


# ── languages and data notices ──────────────────────────────────────────────────────────────
async def test_chinese_users_get_chinese_items_and_no_untranslatable_profiler(engine):
    li = Person(engine, telegram_id=77, name="Li", language_code="zh-hans")
    await li.join("简体中文")
    await li.press(next(b for b in li.buttons if b.startswith("🧭")))
    assert not any("Interest Profiler" in b for b in li.buttons)
    label = next(b for b in li.buttons if "兴趣" in b)
    await li.press(label)
    first = instruments.interest_markers().items[0]
    assert first.text_zh in li.last_text and first.text not in li.last_text
    for item in instruments.interest_markers().items:
        await li.press(li.buttons[4] if item.dimension == "S" else li.buttons[0])
    assert "社会型" in li.seen
    assert len(li.photos) == 1 and png_size(li.photos[0].content)[0] >= 600


async def test_about_the_data_carries_every_attribution(engine):
    ann = Person(engine)
    await ann.join()
    await ann.send("/about_data")
    text = ann.last_text
    assert "O*NET® 29.3 Database" in text and "CC BY 4.0" in text
    assert "USDOL/ETA has not approved, endorsed, or tested these modifications" in text
    assert "Interest Profiler™" in text and "Used for career exploration only" in text
    assert "International Personality Item Pool" in text and "Armstrong, Allison & Rounds" in text


# ── occupation matches ──────────────────────────────────────────────────────────────────────
async def reach_matches(person: Person, likes: str, zone_label: str) -> None:
    await person.press(HUB)
    await person.press(INTERESTS)
    await take_interests(person, likes)
    await person.press("🎯 Occupations for me")
    assert "How much preparation do you have" in person.last_text
    await person.press(zone_label)


ZONE_2 = "Some preparation: usually secondary school and up to a year of training."
ZONE_4 = "Considerable preparation: usually a bachelor's degree and several years' experience."


async def test_matches_come_ten_at_a_time_with_fit_zone_and_reason(engine):
    ann = Person(engine)
    await ann.join()
    await reach_matches(ann, "S", ZONE_2)
    cards = [m for m in ann.fresh if "Not for me" in " ".join(m.labels)]
    assert len(cards) == 10
    assert all("Job Zone 2" in card.text for card in cards)
    assert "Best fit" in cards[0].text
    assert "Suggested for your strong Social interests." in cards[0].text
    assert "More »" in ann.buttons
    await ann.press("More »")
    second = [m for m in ann.fresh if "Not for me" in " ".join(m.labels)]
    assert len(second) == 10 and "suggestions 11–20" in ann.seen
    assert {c.text for c in cards}.isdisjoint(c.text for c in second)


async def test_changing_the_preparation_level_changes_the_list(engine):
    ann = Person(engine)
    await ann.join()
    await reach_matches(ann, "I", ZONE_2)
    zone_2 = [m.text for m in ann.fresh if "✖ Not for me" in m.labels]
    assert len(zone_2) == 10 and all("Job Zone 2" in text for text in zone_2)
    await ann.press("🎓 Change preparation level")
    await ann.press(ZONE_4)
    zone_4 = [m.text for m in ann.fresh if "✖ Not for me" in m.labels]
    assert len(zone_4) == 10 and all("Job Zone 4" in text for text in zone_4)
    assert set(zone_2).isdisjoint(zone_4)


async def test_not_for_me_replaces_the_card_and_never_shows_that_occupation_again(engine):
    ann = Person(engine)
    await ann.join()
    await reach_matches(ann, "R", ZONE_2)
    cards = [m for m in ann.fresh if "✖ Not for me" in m.labels]
    titles = [card.text.splitlines()[0] for card in cards]
    await ann.press("✖ Not for me", on=titles[0])
    assert ann.notice == "Understood — it will not be suggested again."
    replacement = cards[0].text.splitlines()[0]  # the card was edited in place
    assert replacement not in titles
    await ann.press("More »")
    await ann.press("🎓 Change preparation level")
    await ann.press(ZONE_2)
    for _ in range(3):
        await ann.press("More »")
    later = [m.text.splitlines()[0] for m in ann.chat[ann.chat.index(cards[-1]) + 1 :]]
    assert len([t for t in later if "Job Zone" in t or t]) > 40
    assert titles[0] not in later
    assert replacement in later and titles[1] in later  # the rest keep coming


async def test_save_as_a_target_is_stored_once_and_shown_on_the_profile(engine):
    ann = Person(engine)
    await ann.join()
    await reach_matches(ann, "A", ZONE_4)
    card = next(m for m in ann.fresh if "⭐ Save as a target" in m.labels)
    title = card.text.splitlines()[0]
    save = ann.button_data("⭐ Save as a target", on=title)
    await ann.press("⭐ Save as a target", on=title)
    assert ann.notice == "Saved as a target."
    assert "⭐ Saved" in card.labels
    await ann.press_data(save)  # the old button, pressed again
    assert ann.notice == "This one is already among your targets."
    await ann.press("ℹ️ Details", on=title)
    assert "O*NET-SOC" in ann.last_text and "Preparation:" in ann.last_text
    (target,) = await rows(engine, Target)
    assert target.title == title and target.source == "match" and target.onetsoc_code
    await ann.send("/menu")
    await ann.press(HUB)
    await ann.press("👤 My profile")
    assert "My targets" in ann.last_text and title in ann.last_text


async def test_matches_need_the_interests_inventory_first(engine):
    ann = await begin(engine, "🎯 Occupations for me")
    assert "Take the interests inventory first" in ann.last_text
    await ann.press("🧩 Take the interests inventory")
    assert "1/48" in ann.last_text


async def test_chinese_matches_show_chinese_titles_and_reasons(engine):
    li = Person(engine, telegram_id=78, name="Li", language_code="zh-hans")
    await li.join("简体中文")
    await li.press(next(b for b in li.buttons if b.startswith("🧭")))
    await li.press(next(b for b in li.buttons if "兴趣" in b))
    for item in instruments.interest_markers().items:
        await li.press(li.buttons[4] if item.dimension == "S" else li.buttons[0])
    await li.press(translated("zh_Hans", "🎯 Occupations for me"))
    await li.press(li.buttons[1])  # Job Zone 2
    cards = [m for m in li.fresh if any(label.startswith("✖") for label in m.labels)]
    assert len(cards) == 10
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in c.text.splitlines()[0]) for c in cards)
    assert "社会型" in cards[0].text


# ── counselors ──────────────────────────────────────────────────────────────────────────────
async def test_the_counselor_sees_the_clients_results_and_targets_in_the_case(engine):
    ann = Person(engine, telegram_id=42)
    await ann.join()
    await reach_matches(ann, "SE", ZONE_4)
    card = next(m for m in ann.fresh if "⭐ Save as a target" in m.labels)
    await ann.press("⭐ Save as a target", on=card.text.splitlines()[0])
    (client,) = await rows(engine, User, col(User.telegram_id) == 42)
    boss = Person(engine, telegram_id=9, name="Wen")
    await boss.join()
    async with engine.db.unit_of_work() as session:
        counselor = (await session.exec(User.__table__.select())).all()
        counselor_id = next(row.id for row in counselor if row.telegram_id == 9)
        await session.exec(
            User.__table__.update()
            .where(User.__table__.c.id == counselor_id)
            .values(role="counselor")
        )
        session.add(Case(client_id=client.id, counselor_id=counselor_id, status="accepted"))
    (case,) = await rows(engine, Case)
    await boss.send(f"/case {case.id}")
    assert "Self-assessment" in boss.last_text
    assert "Interests (RIASEC)" in boss.last_text and "SE" in boss.last_text
    assert card.text.splitlines()[0] in boss.last_text


async def test_export_holds_results_and_targets_and_delete_erases_them(engine):
    ann = Person(engine)
    await ann.join()
    await reach_matches(ann, "C", ZONE_2)
    card = next(m for m in ann.fresh if "⭐ Save as a target" in m.labels)
    await ann.press("⭐ Save as a target", on=card.text.splitlines()[0])
    await ann.press("✖ Not for me", on=ann.fresh[0].text.splitlines()[0])
    await ann.send("/export")
    import json

    data = json.loads(ann.documents[-1].content)["data"]
    assert data["assessment_results"][0]["summary"] == {"code": "C"}
    assert data["targets"][0]["source"] == "match"
    assert len(data["occupation_dismissals"]) == 1
    await ann.send("/delete")
    await ann.press("Yes, erase everything")
    for table in (AssessmentResult, Target, Answer):
        assert await rows(engine, table) == []
