"""`funreason new-domain NAME`: write a working typed-domain skeleton and a test for it.

The skeleton is a small shelf of items (add, look up, list, remove) showing every part of the typed
API: the state model, `@tool` with graph annotations, a `@condition`, `ToolFailure`, `scenario` for
synthesis and `available_resources`. The test registers it and runs Gymnasium's `check_env` on it.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from funreason_envs.errors import ConfigError

NAME = re.compile(r"^[a-z][a-z0-9_]*$")

DOMAIN_TEMPLATE = '''"""The {name} domain: replace this with what the service is, in a sentence or two."""

from __future__ import annotations

import random
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, Field

from funreason_envs.domains.typed import ToolFailure, TypedDomain, condition, tool

Label = Annotated[str, Field(min_length=1, examples=["passport", "spare keys", "birthday card"])]
ItemId = Annotated[int, Field(ge=1)]
CAPACITY = 5


class {cls}State(BaseModel):
    """Everything the domain remembers; `initial_config` is validated against this model."""

    items: dict[str, str] = {{}}  # item id (as text) -> label
    next_id: int = 1


class {cls}(TypedDomain):
    """A shelf that keeps up to five labelled items."""

    name = "{name}"
    title = "{title}"
    State = {cls}State
    resources: ClassVar[dict[str, str]] = {{
        "item_id": "The id the shelf gave an item.",
        "label": "What an item is called.",
    }}
    user_supplied = ("label",)

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        labels = rng.sample(["umbrella", "charger", "notebook", "torch"], rng.randint(0, 2))
        return {{"items": {{str(n): label for n, label in enumerate(labels, 1)}}, "next_id": len(labels) + 1}}

    def available_resources(self) -> dict[str, list[Any]]:
        return {{"item_id": [int(key) for key in self.state.items]}}

    @condition
    def shelf_has_items(self) -> bool:
        """The shelf holds at least one item."""
        return bool(self.state.items)

    @tool(
        mutates=True,
        consumes={{"label": "label"}},
        produces={{"item_id": "item_id"}},
        provides=["shelf_has_items"],
    )
    def add_item(self, label: Label) -> dict[str, Any]:
        """Put an item on the shelf; returns the id it gets.

        Args:
            label: What the item is called.
        """
        if len(self.state.items) >= CAPACITY:
            raise ToolFailure(f"the shelf is full ({{CAPACITY}} items); remove one first")
        item_id = self.state.next_id
        self.state.items[str(item_id)] = label
        self.state.next_id += 1
        return {{"item_id": item_id}}

    @tool(consumes={{"item_id": "item_id"}}, requires=["shelf_has_items"])
    def get_item(self, item_id: ItemId) -> dict[str, Any]:
        """Look up the label of an item on the shelf.

        Args:
            item_id: The item's id.
        """
        if str(item_id) not in self.state.items:
            raise ToolFailure(f"no item {{item_id}} on the shelf")
        return {{"item_id": item_id, "label": self.state.items[str(item_id)]}}

    @tool(produces={{"item_id": "items[].item_id"}})
    def list_items(self) -> dict[str, Any]:
        """List the items on the shelf."""
        shelf = self.state.items.items()
        return {{"items": [{{"item_id": int(key), "label": label}} for key, label in shelf]}}

    @tool(
        mutates=True,
        consumes={{"item_id": "item_id"}},
        requires=["shelf_has_items"],
        revokes=["shelf_has_items"],
    )
    def remove_item(self, item_id: ItemId) -> dict[str, Any]:
        """Take an item off the shelf.

        Args:
            item_id: The item's id.
        """
        if self.state.items.pop(str(item_id), None) is None:
            raise ToolFailure(f"no item {{item_id}} on the shelf")
        return {{"removed": item_id}}
'''

TEST_TEMPLATE = '''"""The {name} domain registers, passes Gymnasium's env checker and refuses bad calls."""

from __future__ import annotations

import json

import gymnasium as gym
from gymnasium.utils.env_checker import check_env

import funreason_envs
from {name} import {cls}


def test_{name}_works_as_an_env():
    with funreason_envs.registered_domain({cls}) as domain:
        env = gym.make("{env_id}")
        check_env(env.unwrapped, skip_render_check=True)
        env.reset(seed=0)
        observation, *_ = env.step({{"name": "add_item", "arguments": {{"label": "passport"}}}})
        assert json.loads(observation["content"]) == {{"item_id": 1}}
        observation, *_ = env.step({{"name": "get_item", "arguments": {{"item_id": 9}}}})
        assert "no item 9" in observation["content"]
        assert env.unwrapped.state_dict()[domain]["items"] == {{"1": "passport"}}
        env.close()
'''


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", help="the domain id: lower case, digits and underscores (e.g. pantry)")
    parser.add_argument("--out-dir", type=Path, default=Path("."), help="where to write (default: here)")


def run(args: argparse.Namespace) -> int:
    name: str = args.name
    if not NAME.match(name):
        raise ConfigError(
            f"domain name {name!r}: use lower case letters, digits and underscores, e.g. pantry"
        )
    if not args.out_dir.is_dir():
        raise ConfigError(
            f"folder {str(args.out_dir)!r} does not exist; create it or choose another --out-dir"
        )
    cls = "".join(part.capitalize() for part in name.split("_"))
    fields = {
        "name": name,
        "cls": cls,
        "title": name.replace("_", " ").capitalize(),
        "env_id": f"FunReason/{cls}-v0",
    }
    files = {
        args.out_dir / f"{name}.py": DOMAIN_TEMPLATE.format(**fields),
        args.out_dir / f"test_{name}.py": TEST_TEMPLATE.format(**fields),
    }
    existing = [str(path) for path in files if path.exists()]
    if existing:
        raise ConfigError(f"{', '.join(existing)} already exist; choose another name or --out-dir")
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    print(f"next: edit {name}.py, run pytest test_{name}.py, then funreason_envs.register_domain({cls})")
    return 0
