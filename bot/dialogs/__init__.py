"""The flows CareerPilot runs, one module per feature, assembled into one registry."""

from __future__ import annotations

from bot.dialogs import assessment, counselor, followup, intake, interviews, matches, plan
from bot.dialogs.about_me import ABOUT_ME
from bot.dialogs.common import CHOICE_LISTS
from bot.flow import Registry


def build_registry() -> Registry:
    """Returns a registry holding every shipped flow, choice list and feature."""
    registry = Registry()
    for name, options in (CHOICE_LISTS | intake.CHOICE_LISTS).items():
        registry.add_choices(name, options)
    registry.add_flow(ABOUT_ME)
    registry.add_flow(intake.build_flow(on_complete=counselor.hand_off))
    counselor.register(registry)
    assessment.register(registry)
    matches.register(registry)
    interviews.register(registry)
    followup.register(registry)
    plan.register(registry)
    return registry
