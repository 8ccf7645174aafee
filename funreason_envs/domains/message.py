"""The message domain: users who log in and send, search and delete messages (BFCL's MessageAPI).

Behaviour, messages and result shapes follow bfcl-eval 2026.3.23, quirks included: the inbox is one
shared list of `{receiver_id: message}` entries, so "sent" views and statistics cover every entry
whoever is logged in; a message id is returned wrapped as `{"new_id": n}`; and a failed `add_contact`
still advances the user counter. Message ids come from a private RNG seeded by the config.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, SeededRandom, config_value
from funreason_envs.errors import ConfigError
from funreason_envs.limits import MAX_MESSAGES

Result = dict[str, Any]

# bfcl-eval's default workspace (data values).
DEFAULT_STATE: Mapping[str, Any] = {
    "user_count": 4,
    "user_map": {"Alice": "USR001", "Bob": "USR002", "Catherine": "USR003", "Daniel": "USR004"},
    "inbox": [
        {"USR002": "My name is Alice. I want to connect."},
        {"USR003": "Could you upload the file?"},
        {"USR004": "Could you upload the file?"},
    ],
    "message_count": 3,
    "current_user": None,
}
DEFAULT_RANDOM_SEED = 200191
MESSAGE_ID_RANGE = (10000, 99999)
NOT_LOGGED_IN = "No user is currently logged in."
QUOTA_REACHED = f"Message quota reached: at most {MAX_MESSAGES} messages can be sent in one session."


def _unpack(entry: Mapping[str, Any]) -> tuple[str, Any]:
    """An inbox entry's receiver id and message: its first key and value (entries normally have one)."""
    pair = next(iter(entry.items()), None)
    if pair is None:
        raise ConfigError("an inbox entry is empty; each entry must map a receiver id to a message")
    return pair


class Messaging(Domain):
    """A messaging workspace: users by name and id, one shared inbox, and who is logged in."""

    _rng = SeededRandom("_rng_seed")

    generated_ids: set[int]
    user_count: int
    user_map: dict[str, str]
    inbox: list[dict[str, Any]]
    message_count: int
    current_user: str | None

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        type(self)._rng.reseed(self, config.get("random_seed", DEFAULT_RANDOM_SEED))
        # A set in bfcl-eval; JSON configs can only spell it as a list.
        self.generated_ids = set(config.get("generated_ids", ()))
        self.user_count = config_value(config, "user_count", DEFAULT_STATE["user_count"])
        self.user_map = config_value(config, "user_map", DEFAULT_STATE["user_map"])
        self.inbox = config_value(config, "inbox", DEFAULT_STATE["inbox"])
        self.message_count = config_value(config, "message_count", DEFAULT_STATE["message_count"])
        self.current_user = config_value(config, "current_user", DEFAULT_STATE["current_user"])

    def conditions(self) -> set[str]:
        held = {"message_logged_in"} if self.current_user else set()
        if self.inbox:
            held.add("message_inbox_not_empty")
        return held

    def available_resources(self) -> dict[str, list[Any]]:
        # User ids are left out on purpose: a user knows names, and ids reach calls from get_user_id & co.
        return {"message_user_name": list(self.user_map)}

    def _new_message_id(self) -> int:
        """A 5-digit id not handed out before, drawn from the episode's RNG and recorded.

        Called only while fewer than `MAX_MESSAGES` of the 90,000 ids are taken, so a free one is found
        after about one draw (bfcl-eval draws the same sequence and would loop forever once all are taken).
        """
        low, high = MESSAGE_ID_RANGE
        candidate = self._rng.randint(low, high)
        while candidate in self.generated_ids:
            candidate = self._rng.randint(low, high)
        self.generated_ids.add(candidate)
        return candidate

    # -- users -----------------------------------------------------------------------------------

    def list_users(self) -> Result:
        return {"user_list": list(self.user_map)}

    def get_user_id(self, user: str) -> Result:
        if user not in self.user_map:
            return {"error": f"User '{user}' not found in the workspace."}
        return {"user_id": self.user_map[user]}

    def add_contact(self, user_name: str) -> Result:
        if user_name in self.user_map:
            return {"error": f"User name '{user_name}' already exists."}
        self.user_count += 1  # advanced even when the id below turns out to be taken
        user_id = "USR" + str(self.user_count).zfill(3)
        if user_id in self.user_map.values():
            return {"error": f"User ID '{user_id}' already exists."}
        self.user_map[user_name] = user_id
        return {
            "added_status": True,
            "user_id": user_id,
            "message": f"Contact '{user_name}' added successfully.",
        }

    # -- session ---------------------------------------------------------------------------------

    def message_login(self, user_id: str) -> Result:
        if user_id not in self.user_map.values():
            return {"login_status": False, "message": f"User ID '{user_id}' not found."}
        self.current_user = user_id
        return {"login_status": True, "message": f"User '{user_id}' logged in successfully."}

    def message_get_login_status(self) -> Result:
        return {"login_status": bool(self.current_user)}

    # -- messages --------------------------------------------------------------------------------

    def send_message(self, receiver_id: str, message: str) -> Result:
        if not self.current_user:
            return {"error": NOT_LOGGED_IN}
        if receiver_id not in self.user_map.values():
            return {"error": f"Receiver ID '{receiver_id}' not found."}
        if len(self.generated_ids) >= MAX_MESSAGES:
            return {"error": QUOTA_REACHED}
        message_id = self._new_message_id()
        self.inbox.append({receiver_id: message})
        self.message_count += 1
        return {
            "sent_status": True,
            "message_id": {"new_id": message_id},
            "message": f"Message sent to '{receiver_id}' successfully.",
        }

    def delete_message(self, receiver_id: str) -> Result:
        if not self.current_user:
            return {"error": NOT_LOGGED_IN}
        for entry in reversed(self.inbox):
            if _unpack(entry)[0] == receiver_id:
                # As in bfcl-eval, the first *equal* entry goes: with duplicates that is not the latest one.
                self.inbox.remove(entry)
                return {
                    "deleted_status": True,
                    "receiver_id": receiver_id,
                    "message": f"Receiver {receiver_id}'s latest message deleted successfully.",
                }
        return {"error": f"Receiver ID {receiver_id} not found."}

    def view_messages_sent(self) -> Result:
        if not self.current_user:
            return {"error": NOT_LOGGED_IN}
        grouped: dict[str, list[Any]] = {}
        for entry in self.inbox:
            receiver, content = _unpack(entry)
            grouped.setdefault(receiver, []).append(content)
        return {"messages": grouped}

    def search_messages(self, keyword: str) -> Result:
        if not self.current_user:
            return {"error": NOT_LOGGED_IN}
        needle = keyword.lower()
        matches = []
        for entry in self.inbox:
            receiver, content = _unpack(entry)
            if needle in content.lower():
                matches.append({"receiver_id": receiver, "message": content})
        return {"results": matches}

    def get_message_stats(self) -> Result:
        if not self.current_user:
            return {"error": NOT_LOGGED_IN}
        receivers = {_unpack(entry)[0] for entry in self.inbox}
        return {"stats": {"received_count": len(self.inbox), "total_contacts": len(receivers)}}
