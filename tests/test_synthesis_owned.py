"""An action the user owns (`@tool(owned=True)`: putting a product in the cart) is never left for the
assistant to infer as a prerequisite: a reviewer found checkouts that put back an item the user had just
removed, unasked, and bought it."""

from __future__ import annotations

from funreason_envs.domains.retail import Retail
from funreason_envs.synthesis.kits.derived import derived_kit
from funreason_envs.synthesis.settings import Settings
from tests.support.synthesis_samples import kept_samples


def test_the_retail_kit_marks_the_cart_as_the_users_own():
    assert derived_kit(Retail).phrases.owned == ("add_to_cart",)


def test_an_owned_prerequisite_is_always_asked_for():
    settings = Settings(seed=5, domains=("retail",), implicit_rate=1.0)  # unsaid wherever it may be
    samples = kept_samples(settings, 40, 160)
    implicit, stated = [], []
    for sample in samples:
        for turn in sample.turns:
            calls = sample.task.ground_truth[turn.index]
            implicit += [calls[i].name for i in turn.implicit_calls or ()]
            stated += [calls[i].name for i in turn.stated_calls or ()]
    assert "add_to_cart" not in implicit
    assert "add_to_cart" in stated  # it was a prerequisite, said by the user
    assert "shop_login" in implicit  # a login still goes unsaid
