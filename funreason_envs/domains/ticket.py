"""The ticket domain: a company support-ticket queue (BFCL's TicketAPI).

Behaviour, messages and result shapes follow bfcl-eval 2026.3.23. Any non-empty username and
password log in; tickets are found by comparing their `id` with the given id, so configs may use
string ids such as "ticket_001" and those tickets are reachable with a string argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, config_value
from funreason_envs.errors import ConfigError

DEFAULT_STATE: dict[str, Any] = {
    "ticket_queue": [],
    "ticket_counter": 1,
    "current_user": None,
}
EDITABLE_FIELDS = frozenset({"title", "description", "status", "priority"})

Ticket = dict[str, Any]
TicketId = int | str


def _no_ticket(ticket_id: TicketId) -> dict[str, str]:
    return {"error": f"Ticket with ID {ticket_id} not found."}


class TicketQueue(Domain):
    """Create, inspect, edit, resolve and close support tickets as a logged-in user."""

    ticket_queue: list[Ticket]
    ticket_counter: int
    current_user: str | None

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        queue = config_value(config, "ticket_queue", DEFAULT_STATE["ticket_queue"])
        if not isinstance(queue, list):
            raise ConfigError(
                f"TicketAPI config: 'ticket_queue' must be a list of tickets, got {type(queue).__name__}"
            )
        self.ticket_queue = queue
        self.ticket_counter = config_value(config, "ticket_counter", DEFAULT_STATE["ticket_counter"])
        self.current_user = config_value(config, "current_user", DEFAULT_STATE["current_user"])

    def _find(self, ticket_id: TicketId) -> Ticket | None:
        """The first ticket in the queue whose id equals `ticket_id`."""
        for ticket in self.ticket_queue:
            if ticket["id"] == ticket_id:
                return ticket
        return None

    # -- state probes (for the Environment-API graph; not tools) --------------------------------

    def conditions(self) -> set[str]:
        return {"ticket_logged_in"} if self.current_user else set()

    def available_resources(self) -> dict[str, list[Any]]:
        """The ids of the tickets in the queue (any ticket can be looked up, edited or closed);
        a config ticket without an id is skipped."""
        ids = (ticket["id"] for ticket in self.ticket_queue if "id" in ticket)
        return {"ticket_id": list(dict.fromkeys(ids))}

    # -- session ---------------------------------------------------------------------------------

    def ticket_login(self, username: str, password: str) -> dict[str, bool]:
        if username and password:
            self.current_user = username
            return {"success": True}
        return {"success": False}

    def ticket_get_login_status(self) -> dict[str, bool]:
        return {"login_status": bool(self.current_user)}

    def logout(self) -> dict[str, bool]:
        if self.current_user:
            self.current_user = None
            return {"success": True}
        return {"success": False}

    # -- tickets ---------------------------------------------------------------------------------

    def create_ticket(self, title: str, description: str = "", priority: int = 1) -> Ticket:
        if not self.current_user:
            return {"error": "User not authenticated. Please log in to create a ticket."}
        if priority < 1 or priority > 5:
            return {"error": "Invalid priority. Priority must be between 1 and 5."}
        ticket = {
            "id": self.ticket_counter,
            "title": title,
            "description": description,
            "status": "Open",
            "priority": priority,
            "created_by": self.current_user,
        }
        self.ticket_queue.append(ticket)
        self.ticket_counter += 1
        return ticket

    def get_ticket(self, ticket_id: TicketId) -> Ticket:
        ticket = self._find(ticket_id)
        return ticket if ticket else _no_ticket(ticket_id)

    def get_user_tickets(self, status: str | None = None) -> list[Ticket]:
        if not self.current_user:
            return [{"error": "User not authenticated. Please log in to view tickets."}]
        mine = [ticket for ticket in self.ticket_queue if ticket["created_by"] == self.current_user]
        if not status:
            return mine
        wanted = status.lower()
        return [ticket for ticket in mine if ticket["status"].lower() == wanted]

    def edit_ticket(self, ticket_id: TicketId, updates: dict[str, Any]) -> dict[str, str]:
        ticket = self._find(ticket_id)
        if not ticket:
            return _no_ticket(ticket_id)
        unknown = [field for field in updates if field not in EDITABLE_FIELDS]
        if unknown:
            return {"error": f"Invalid fields for update: {', '.join(unknown)}"}
        for field, value in updates.items():
            if value is not None:
                ticket[field] = value
        return {"status": f"Ticket {ticket_id} has been updated successfully."}

    def resolve_ticket(self, ticket_id: TicketId, resolution: str) -> dict[str, str]:
        ticket = self._find(ticket_id)
        if not ticket:
            return _no_ticket(ticket_id)
        if ticket["status"] == "Resolved":
            return {"error": f"Ticket with ID {ticket_id} is already resolved."}
        ticket["status"] = "Resolved"
        ticket["resolution"] = resolution
        return {"status": f"Ticket {ticket_id} has been resolved successfully."}

    def close_ticket(self, ticket_id: TicketId) -> dict[str, str]:
        ticket = self._find(ticket_id)
        if not ticket:
            return _no_ticket(ticket_id)
        if ticket["status"] == "Closed":
            return {"error": f"Ticket with ID {ticket_id} is already closed."}
        ticket["status"] = "Closed"
        return {"status": f"Ticket {ticket_id} has been closed successfully."}
