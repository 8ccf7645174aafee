"""The workspace domain: a calendar with free/busy and invitations, and a mailbox with attachments.

Written with the typed API (`TypedDomain`); its spec file `api_specs/workspace.json` is exported from
this class. Policies make calls fail for a reason: events may not overlap, an invitee who is busy
cannot be invited, a meeting holds at most eight people, attachments must be files (a name with an
extension, e.g. one the file system listed) and at most three per email, and only the organizer's own
events can be moved or cancelled.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from funreason_envs.domains.typed import ToolFailure, TypedDomain, condition, tool

ME = "me@northwind.example"
MAX_ATTENDEES = 8
MAX_ATTACHMENTS = 3

Day = Annotated[str, Field(min_length=10, max_length=10, examples=["2026-12-08", "2026-12-09", "2026-12-10"])]
Time = Annotated[str, Field(min_length=5, max_length=5, examples=["09:00", "10:30", "14:00", "16:00"])]
Email = Annotated[
    str,
    Field(
        min_length=3, examples=["lena@northwind.example", "omar@northwind.example", "ruth@partner.example"]
    ),
]
Title = Annotated[
    str, Field(min_length=1, examples=["Budget review", "Design sync", "Lunch with Omar", "1:1"])
]
Subject = Annotated[
    str, Field(min_length=1, examples=["Quarterly numbers", "Slides for Tuesday", "Trip notes"])
]
Body = Annotated[str, Field(min_length=1, examples=["Here are the files we talked about.", "See you then."])]
Folder = Literal["inbox", "archive", "trash"]

PEOPLE = (
    "lena@northwind.example",
    "omar@northwind.example",
    "ruth@partner.example",
    "ivan@northwind.example",
)


class Event(BaseModel):
    title: str
    day: str
    start: str
    end: str
    organizer: str = ME
    attendees: list[str] = []
    location: str = ""


class Invitation(BaseModel):
    event_title: str
    organizer: str
    day: str
    start: str
    end: str
    status: Literal["pending", "accepted", "declined"] = "pending"


class Message(BaseModel):
    sender: str
    to: list[str]
    subject: str
    body: str
    attachments: list[str] = []
    folder: Literal["inbox", "sent", "archive", "trash"] = "inbox"


class WorkspaceState(BaseModel):
    events: dict[str, Event] = {
        "E1": Event(
            title="Team standup", day="2026-12-08", start="09:00", end="09:30", attendees=list(PEOPLE[:2])
        )
    }
    busy: dict[str, list[list[str]]] = {  # colleague -> [day, start, end] blocks from their own calendars
        "lena@northwind.example": [["2026-12-08", "13:00", "15:00"]],
        "omar@northwind.example": [["2026-12-09", "10:00", "11:00"]],
    }
    invitations: dict[str, Invitation] = {
        "I1": Invitation(
            event_title="Partner kickoff",
            organizer="ruth@partner.example",
            day="2026-12-10",
            start="11:00",
            end="12:00",
        )
    }
    messages: dict[str, Message] = {
        "M1": Message(
            sender="lena@northwind.example",
            to=[ME],
            subject="Quarterly numbers",
            body="Could you send me the report before Friday?",
        )
    }
    next_id: int = 1


class Workspace(TypedDomain):
    """A work calendar and mailbox: events that may not overlap, colleagues' free/busy times, meeting
    invitations to accept or decline, and email with file attachments (at most three)."""

    name = "workspace"
    title = "Work calendar and email"
    State = WorkspaceState
    resources: ClassVar[dict[str, str]] = {
        "event_id": "The id of an event in the calendar.",
        "invitation_id": "The id of a meeting invitation.",
        "email_id": "The id of an email.",
        "email_address": "Someone's email address.",
        "event_title": "What an event is called.",
        "calendar_day": "A day as YYYY-MM-DD.",
        "clock_time": "A time of day as HH:MM.",
        "email_subject": "An email's subject line.",
        "text": "Free text, such as an email's body.",
        "file_name": "The name of a file to attach.",
        "city": "A city name, as an event's location.",
    }
    user_supplied = (
        "email_address",
        "event_title",
        "calendar_day",
        "clock_time",
        "email_subject",
        "text",
        "file_name",
        "city",
    )
    backstories: ClassVar[tuple[str, ...]] = (
        "my week is filling up with meetings",
        "I'm preparing for a client visit on Thursday",
        "I'm back from leave and catching up on mail",
        "I'm organising a planning day for the team",
    )
    known_resources = ()  # ids are found by looking them up
    state: WorkspaceState

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        """A calendar of one to three events, colleagues with busy blocks, pending invitations and a
        few emails (one with an attachment)."""
        days = ["2026-12-08", "2026-12-09", "2026-12-10"]
        events = {}
        for number, title in enumerate(
            rng.sample(["Team standup", "Budget review", "Design sync"], rng.randint(1, 3)), 1
        ):
            hour = rng.choice([9, 10, 13, 15])
            events[f"E{number}"] = {
                "title": title,
                "day": rng.choice(days),
                "start": f"{hour:02d}:00",
                "end": f"{hour:02d}:45",
                "attendees": rng.sample(PEOPLE, rng.randint(0, 2)),
            }
        busy = {person: [[rng.choice(days), "13:00", "15:00"]] for person in rng.sample(PEOPLE, 2)}
        invitations = {
            "I1": {
                "event_title": rng.choice(["Partner kickoff", "Hiring panel", "Offsite planning"]),
                "organizer": rng.choice(PEOPLE),
                "day": rng.choice(days),
                "start": rng.choice(["09:00", "11:00", "16:00"]),
                "end": "17:00",
            }
        }
        messages = {
            "M1": {
                "sender": rng.choice(PEOPLE),
                "to": [ME],
                "subject": rng.choice(["Quarterly numbers", "Trip notes", "Slides for Tuesday"]),
                "body": "Could you send me the file before Friday?",
                "attachments": rng.choice([[], ["agenda.pdf"]]),
            }
        }
        return {
            "events": events,
            "busy": busy,
            "invitations": invitations,
            "messages": messages,
            "next_id": 4,
        }

    def available_resources(self) -> dict[str, list[Any]]:
        state = self.state
        return {
            "event_id": list(state.events),
            "invitation_id": list(state.invitations),
            "email_id": list(state.messages),
        }

    @condition
    def calendar_has_events(self) -> bool:
        """The calendar holds at least one event."""
        return bool(self.state.events)

    # -- calendar ----------------------------------------------------------------------------------

    @tool(
        consumes={"day": "calendar_day"},
        produces={"event_id": "events[].event_id"},
        say=[
            "show me my calendar for {day}",
            "what's on my calendar on {day}?",
            "what meetings do I have on {day}?",
            "list [the events|everything] on my calendar for {day}",
            "pull up my schedule for {day}",
            "check what I've got on {day}[, since I need to plan around it|]",
            "go through my meetings on {day}",
        ],
        refer={"event_id": "the [event|meeting] on {day} [that came up|from that list]"},
        done="Here's your calendar for {day}: {result.events}.",
    )
    def list_events(self, day: Day) -> dict[str, Any]:
        """List the events in my calendar on one day.

        Args:
            day: The day as YYYY-MM-DD.
        """
        _check_day(day)
        found = [
            {"event_id": key, "title": e.title, "start": e.start, "end": e.end}
            for key, e in sorted(self.state.events.items(), key=lambda item: item[1].start)
            if e.day == day
        ]
        return {"day": day, "events": found}

    @tool(
        consumes={"event_id": "event_id"},
        produces={"email_address": "attendees[]"},
        requires=["calendar_has_events"],
        goal=False,
        refer={"email_address": "the [person|colleague] [attending|invited to] {event_id}"},
        done="{result.title} is on {result.day} from {result.start} to {result.end}, organized by "
        "{result.organizer}, with {result.attendees} attending.",
    )
    def get_event(self, event_id: str) -> dict[str, Any]:
        """Show an event: when and where it is, who organizes it and who attends.

        Args:
            event_id: The event's id.
        """
        return {"event_id": event_id, **self._event(event_id).model_dump()}

    @tool(
        mutates=True,
        consumes={
            "title": "event_title",
            "day": "calendar_day",
            "start": "clock_time",
            "end": "clock_time",
            "location": "city",
        },
        produces={"event_id": "event_id"},
        provides=["calendar_has_events"],
        say=[
            "put {title} on my calendar for {day} from {start} to {end}",
            "add {title} to my calendar on {day}, {start} to {end}",
            "schedule {title} on {day} from {start} until {end}",
            "block out {start} to {end} on {day} for {title}",
            "set up a meeting called {title} on {day}, starting at {start} and ending at {end}",
            "put {title} on my calendar for {day} from {start} to {end} in {location}",
            "schedule {title} in {location} on {day}, {start} to {end}",
            "add {title} on {day} from {start} to {end}, [taking place|held] in {location}",
        ],
        refer={"event_id": "the {title} [event|meeting] I [added|set up|scheduled]"},
        done="{title} is on your calendar for {day} from {start} to {end}; its id is {result.event_id}.",
    )
    def create_event(
        self, title: Title, day: Day, start: Time, end: Time, location: str = ""
    ) -> dict[str, Any]:
        """Add an event to my calendar; it may not overlap another event.

        Args:
            title: What the event is called.
            day: The day as YYYY-MM-DD.
            start: When it starts, as HH:MM.
            end: When it ends, as HH:MM.
            location: Where it takes place.
        """
        self._check_slot(day, start, end, ignore=None)
        event_id = self._new_id("E")
        self.state.events[event_id] = Event(title=title, day=day, start=start, end=end, location=location)
        return {"event_id": event_id}

    @tool(
        mutates=True,
        consumes={"event_id": "event_id", "day": "calendar_day", "start": "clock_time", "end": "clock_time"},
        requires=["calendar_has_events"],
        say=[
            "move {event_id} to {day}, {start} to {end}",
            "reschedule {event_id} for {day} from {start} to {end}",
            "push {event_id} to {day} from {start} until {end}",
            "can you move {event_id} to {day} between {start} and {end}?",
            "change {event_id} so it runs from {start} to {end} on {day}",
            "shift {event_id} to {day}, starting at {start} and ending at {end}[, as something came up|]",
        ],
        done="{event_id} now runs from {start} to {end} on {day}.",
    )
    def reschedule_event(self, event_id: str, day: Day, start: Time, end: Time) -> dict[str, Any]:
        """Move an event I organize to another time; it may not overlap another event.

        Args:
            event_id: The event to move.
            day: The new day as YYYY-MM-DD.
            start: The new start, as HH:MM.
            end: The new end, as HH:MM.
        """
        event = self._own_event(event_id)
        self._check_slot(day, start, end, ignore=event_id)
        event.day, event.start, event.end = day, start, end
        return {"event_id": event_id, "day": day, "start": start, "end": end}

    @tool(
        mutates=True,
        consumes={"event_id": "event_id"},
        requires=["calendar_has_events"],
        revokes=["calendar_has_events"],
        say=[
            "cancel {event_id}",
            "take {event_id} off my calendar",
            "call off {event_id}[, since it's not happening any more|, because plans changed||]",
            "drop {event_id} from my calendar",
            "scrap {event_id}",
            "can you cancel {event_id}?",
            "delete {event_id} from my schedule",
        ],
        done="{event_id} ({result.cancelled}) is cancelled and off your calendar.",
    )
    def cancel_event(self, event_id: str) -> dict[str, Any]:
        """Cancel an event I organize and take it off my calendar.

        Args:
            event_id: The event to cancel.
        """
        self._own_event(event_id)
        del self.state.events[event_id]
        return {"cancelled": event_id}

    @tool(
        consumes={"person": "email_address", "day": "calendar_day"},
        goal=False,
        done="On {day}, {person} is busy at these times: {result.busy}.",
    )
    def check_free_busy(self, person: Email, day: Day) -> dict[str, Any]:
        """Show when a colleague is busy on one day.

        Args:
            person: The colleague's email address.
            day: The day as YYYY-MM-DD.
        """
        _check_day(day)
        blocks = [
            {"start": start, "end": end}
            for when, start, end in self.state.busy.get(person, [])
            if when == day
        ]
        return {"person": person, "day": day, "busy": blocks}

    @tool(
        mutates=True,
        consumes={"event_id": "event_id", "person": "email_address"},
        requires=["calendar_has_events"],
        say=[
            "invite {person} to {event_id}",
            "add {person} to {event_id}[, since I'd like their input|, as they should be there||]",
            "send an invite for {event_id} to {person}",
            "can you invite {person} to {event_id}?",
            "ask {person} to join {event_id}",
            "put {person} on the guest list for {event_id}",
        ],
        done="Invited {person} to {event_id}; the guest list is now {result.attendees}.",
    )
    def invite_to_event(self, event_id: str, person: Email) -> dict[str, Any]:
        """Invite a colleague to an event I organize; they must be free then (at most eight attendees).

        Args:
            event_id: The event.
            person: The colleague's email address.
        """
        event = self._own_event(event_id)
        _check_address(person)
        if person in event.attendees:
            raise ToolFailure(f"{person} is already invited to {event_id}")
        if len(event.attendees) >= MAX_ATTENDEES:
            raise ToolFailure(f"{event_id} already has {MAX_ATTENDEES} attendees")
        for when, start, end in self.state.busy.get(person, []):
            if when == event.day and start < event.end and event.start < end:
                raise ToolFailure(f"{person} is busy from {start} to {end} on {when}; pick another time")
        event.attendees.append(person)
        return {"event_id": event_id, "attendees": list(event.attendees)}

    @tool(
        produces={"invitation_id": "invitations[].invitation_id"},
        goal=False,
        refer={"invitation_id": "the [meeting invitation|invitation|invite] [I got|in my inbox]"},
        done="Here are your invitations: {result.invitations}.",
    )
    def list_invitations(self) -> dict[str, Any]:
        """List the meeting invitations I received and my answers."""
        return {
            "invitations": [
                {"invitation_id": key, "title": i.event_title, "organizer": i.organizer, "day": i.day,
                 "start": i.start, "end": i.end, "status": i.status}
                for key, i in self.state.invitations.items()
            ]
        }  # fmt: skip

    @tool(
        mutates=True,
        consumes={"invitation_id": "invitation_id"},
        produces={"event_id": "event_id"},
        may_provide=["calendar_has_events"],
        say=[
            "say {accept} to {invitation_id}",
            "[RSVP|reply] {accept} to {invitation_id}",
            "respond to {invitation_id} with {accept}",
            "answer {invitation_id} with a {accept}",
            "give {invitation_id} my answer: {accept}",
        ],
        refer={"event_id": "the meeting I [accepted|said yes to]"},
        done="You've {result.status} {invitation_id}.",
    )
    def respond_to_invitation(self, invitation_id: str, accept: bool) -> dict[str, Any]:
        """Accept or decline a pending invitation; accepting puts it in my calendar if I am free.

        Args:
            invitation_id: The invitation.
            accept: True to accept, False to decline.
        """
        invite = self.state.invitations.get(invitation_id)
        if invite is None:
            raise ToolFailure(f"no invitation {invitation_id}")
        if invite.status != "pending":
            raise ToolFailure(f"invitation {invitation_id} was already {invite.status}")
        if not accept:
            invite.status = "declined"
            return {"invitation_id": invitation_id, "status": "declined"}
        self._check_slot(invite.day, invite.start, invite.end, ignore=None)
        invite.status = "accepted"
        event_id = self._new_id("E")
        self.state.events[event_id] = Event(
            title=invite.event_title,
            day=invite.day,
            start=invite.start,
            end=invite.end,
            organizer=invite.organizer,
        )
        return {"invitation_id": invitation_id, "status": "accepted", "event_id": event_id}

    # -- email -------------------------------------------------------------------------------------

    @tool(
        consumes={"query": "email_subject"},
        produces={"email_id": "emails[].email_id", "email_address": "emails[].sender"},
        say=[
            "find the emails about {query}",
            "search my mail for {query}",
            "look for emails mentioning {query}",
            "do I have any emails about {query}?",
            "dig up any mail about {query}[, since I know it's in there somewhere|]",
            "search my {folder} folder for {query}",
            "look in the {folder} folder for anything about {query}",
            "find emails about {query} in my {folder} folder",
        ],
        refer={
            "email_id": "the email about {query} [that came up|that turned up]",
            "email_address": "whoever sent the email about {query} [that came up|that turned up]",
        },
        done="Here are the emails about {query}: {result.emails}.",
    )
    def search_email(
        self, query: str, folder: Literal["inbox", "sent", "archive", "trash"] = "inbox"
    ) -> dict[str, Any]:
        """Find emails in a folder whose subject or body contains some words.

        Args:
            query: Words to look for.
            folder: The folder to search.
        """
        words = query.lower()
        return {
            "emails": [
                {"email_id": key, "sender": m.sender, "subject": m.subject}
                for key, m in self.state.messages.items()
                if m.folder == folder and (words in m.subject.lower() or words in m.body.lower())
            ]
        }

    @tool(
        consumes={"email_id": "email_id"},
        produces={"email_address": "sender", "file_name": "attachments[]", "text": "body"},
        say=[
            "read me {email_id}",
            "open {email_id}",
            "what does {email_id} say?",
            "show me {email_id}",
            "pull up {email_id} so I can read it",
            "tell me what's in {email_id}",
            "who sent {email_id}, and what does it say?",
        ],
        refer={
            "email_address": "whoever sent {email_id}",
            "file_name": "the [file|attachment] on {email_id}",
            "text": "the [text|body] of {email_id}",
        },
        done="The email from {result.sender} with subject '{result.subject}' says \"{result.body}\" "
        "(attachments: {result.attachments}).",
    )
    def read_email(self, email_id: str) -> dict[str, Any]:
        """Read an email: sender, recipients, subject, body and the names of its attachments.

        Args:
            email_id: The email's id.
        """
        return {"email_id": email_id, **self._message(email_id).model_dump()}

    @tool(
        mutates=True,
        consumes={
            "to": "email_address",
            "subject": "email_subject",
            "attachment": "file_name",
        },
        produces={"email_id": "email_id"},
        say=[
            "email {to} with the subject {subject} saying {body}",
            "send an email with the subject {subject} and the message {body} to {to}",
            "write to {to} with the subject {subject} and the message {body}",
            "drop a line to {to} with the subject {subject} saying {body}",
            "could you email {to} with the subject {subject} and tell them {body}?",
            "email {to} with the subject {subject} saying {body}, and attach {attachment}",
            "send {attachment} to {to} in an email titled {subject} that says {body}",
            "write to {to} with the subject {subject}, say {body} and attach {attachment}",
        ],
        refer={"email_id": "the email I sent about {subject}"},
        done="Your email {subject} went to {result.sent_to}; its id is {result.email_id}.",
    )
    def send_email(
        self, to: Email, subject: Subject, body: Body, attachment: str | None = None
    ) -> dict[str, Any]:
        """Send an email; one file may be attached.

        Args:
            to: The recipient's email address.
            subject: The subject line.
            body: The message.
            attachment: The name of a file to attach, e.g. 'report.pdf'.
        """
        _check_address(to)
        attachments = [] if attachment is None else [_check_file(attachment)]
        email_id = self._new_id("M")
        self.state.messages[email_id] = Message(
            sender=ME, to=[to], subject=subject, body=body, attachments=attachments, folder="sent"
        )
        return {"email_id": email_id, "sent_to": to}

    @tool(
        mutates=True,
        consumes={"email_id": "email_id"},
        produces={"email_id": "email_id"},
        say=[
            "reply to {email_id} saying {body}",
            "answer {email_id} with {body}",
            "send a reply to {email_id} that says {body}",
            "write back to {email_id} and tell them {body}",
            "respond to {email_id} with {body}",
            "reply to {email_id} with {body} and attach {attachment}",
            "answer {email_id} with {body}, attaching {attachment}",
            "write back to {email_id} saying {body}, with {attachment} attached",
        ],
        refer={"email_id": "[my reply|the reply I sent]"},
        done="Your reply went to {result.sent_to}; its id is {result.email_id}.",
    )
    def reply_to_email(self, email_id: str, body: Body, attachment: str | None = None) -> dict[str, Any]:
        """Reply to the sender of an email; one file may be attached.

        Args:
            email_id: The email to answer.
            body: The reply.
            attachment: The name of a file to attach.
        """
        original = self._message(email_id)
        if original.sender == ME:
            raise ToolFailure(f"{email_id} is an email I sent; use send_email to write to its recipients")
        attachments = [] if attachment is None else [_check_file(attachment)]
        reply_id = self._new_id("M")
        self.state.messages[reply_id] = Message(
            sender=ME, to=[original.sender], subject=f"Re: {original.subject}", body=body,
            attachments=attachments, folder="sent",
        )  # fmt: skip
        return {"email_id": reply_id, "sent_to": original.sender}

    @tool(
        mutates=True,
        consumes={"email_id": "email_id", "to": "email_address"},
        produces={"email_id": "email_id"},
        say=[
            "forward {email_id} to {to}",
            "send {email_id} on to {to}",
            "pass {email_id} along to {to}, attachments and all",
            "forward {email_id} with its attachments to {to}",
            "can you forward {email_id} to {to}?",
            "get {email_id} over to {to}[, since they need to see it|]",
        ],
        refer={"email_id": "the email I forwarded"},
        done="I forwarded {email_id} to {result.sent_to}; the copy's id is {result.email_id}.",
    )
    def forward_email(self, email_id: str, to: Email) -> dict[str, Any]:
        """Forward an email with its attachments to someone; at most three attachments travel along.

        Args:
            email_id: The email to forward.
            to: The recipient's email address.
        """
        original = self._message(email_id)
        _check_address(to)
        if len(original.attachments) > MAX_ATTACHMENTS:
            raise ToolFailure(f"{email_id} has more than {MAX_ATTACHMENTS} attachments; send them in parts")
        forward_id = self._new_id("M")
        self.state.messages[forward_id] = Message(
            sender=ME, to=[to], subject=f"Fwd: {original.subject}", body=original.body,
            attachments=list(original.attachments), folder="sent",
        )  # fmt: skip
        return {"email_id": forward_id, "sent_to": to}

    @tool(
        mutates=True,
        consumes={"email_id": "email_id"},
        say=[
            "move {email_id} to {folder}",
            "put {email_id} in the {folder} folder",
            "file {email_id} under {folder}",
            "shift {email_id} into my {folder} folder",
            "can you move {email_id} to {folder}?",
            "send {email_id} to the {folder}[, since I'm done with it|]",
        ],
        done="{email_id} is now in the {result.folder} folder.",
    )
    def move_email(self, email_id: str, folder: Folder) -> dict[str, Any]:
        """Move a received email to another folder: the inbox, the archive or the trash.

        Args:
            email_id: The email to move.
            folder: inbox, archive or trash.
        """
        message = self._message(email_id)
        if message.folder == "sent":
            raise ToolFailure(f"{email_id} is in sent mail, which keeps what I sent")
        if message.folder == folder:
            raise ToolFailure(f"{email_id} is already in {folder}")
        message.folder = folder
        return {"email_id": email_id, "folder": folder}

    # -- helpers -----------------------------------------------------------------------------------

    def _event(self, event_id: str) -> Event:
        event = self.state.events.get(event_id)
        if event is None:
            raise ToolFailure(f"no event {event_id}; list_events shows a day's events")
        return event

    def _own_event(self, event_id: str) -> Event:
        event = self._event(event_id)
        if event.organizer != ME:
            raise ToolFailure(f"{event_id} is organized by {event.organizer}; only they can change it")
        return event

    def _message(self, email_id: str) -> Message:
        message = self.state.messages.get(email_id)
        if message is None:
            raise ToolFailure(f"no email {email_id}; search_email finds emails")
        return message

    def _check_slot(self, day: str, start: str, end: str, ignore: str | None) -> None:
        _check_day(day)
        for when in (start, end):
            try:
                datetime.strptime(when, "%H:%M")
            except ValueError:
                raise ToolFailure(f"time {when!r} is not a time of day as HH:MM, e.g. 14:30") from None
        if start >= end:
            raise ToolFailure(f"the event would end ({end}) before it starts ({start})")
        for key, other in self.state.events.items():
            if key != ignore and other.day == day and start < other.end and other.start < end:
                raise ToolFailure(f"it overlaps {other.title} ({key}, {other.start}-{other.end}) on {day}")

    def _new_id(self, prefix: str) -> str:
        taken = {*self.state.events, *self.state.messages}
        while f"{prefix}{self.state.next_id}" in taken:
            self.state.next_id += 1
        new = f"{prefix}{self.state.next_id}"
        self.state.next_id += 1
        return new


def _check_day(day: str) -> None:
    try:
        datetime.strptime(day, "%Y-%m-%d")
    except ValueError:
        raise ToolFailure(f"day {day!r} is not a date as YYYY-MM-DD, e.g. 2026-12-08") from None


def _check_address(address: str) -> None:
    local, _, host = address.partition("@")
    if not local or "." not in host:
        raise ToolFailure(f"{address!r} is not an email address")


def _check_file(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem or not extension.isalnum():
        raise ToolFailure(f"{name!r} is not a file name with an extension; attach files, not folders")
    return name
