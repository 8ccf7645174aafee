"""The banking domain: accounts, transfers under daily limits, payees, bill pay, cards and statements.

Written with the typed API (`TypedDomain`); its spec file `api_specs/banking.json` is exported from this
class. Policies make calls fail for a reason: nothing works before signing in, a payment to a payee
waits for `confirm_transfer` (funds and limits are checked again then), outgoing money counts against
each account's daily limit, a payee with a payment in flight cannot be removed, and a card frozen as
stolen stays frozen.
"""

from __future__ import annotations

import random
import re
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from funreason_envs.domains.typed import ToolFailure, TypedDomain, condition, tool

MAX_DAILY_LIMIT = 10000.0
MAX_PAYEES = 8
TODAY = "2026-12-06"

AccountId = Annotated[str, Field(min_length=1, description="The account's id, e.g. 'CHK-1001'.")]
Amount = Annotated[float, Field(gt=0, le=100000, examples=[25.0, 120.5, 480.0, 1500.0])]
PayeeName = Annotated[str, Field(min_length=1, examples=["Rosa Delgado", "City Water", "Kenji Mori"])]
AccountNumber = Annotated[
    str, Field(min_length=8, max_length=12, examples=["40021877", "93310045", "555120934"])
]
Month = Annotated[str, Field(min_length=7, max_length=7, examples=["2026-11", "2026-12"])]
FreezeReason = Literal["lost", "stolen", "travel", "suspicious"]
Username = Annotated[str, Field(min_length=1, examples=["alex.rivera"])]
Password = Annotated[str, Field(min_length=1, examples=["harbour-Lights-42", "Tulip#2026x"])]


class Account(BaseModel):
    name: str
    kind: Literal["checking", "savings"] = "checking"
    balance: float = 0.0
    daily_limit: float = 2500.0
    sent_today: float = 0.0


class Payee(BaseModel):
    name: str
    account_number: str


class Card(BaseModel):
    account_id: str
    last4: str
    frozen: bool = False
    freeze_reason: str | None = None


class Bill(BaseModel):
    biller: str
    amount: float
    due_date: str
    paid: bool = False


class Transfer(BaseModel):
    from_account_id: str
    payee_id: str
    amount: float
    memo: str = ""
    status: Literal["awaiting_confirmation", "completed", "cancelled"] = "completed"


class Entry(BaseModel):
    account_id: str
    date: str
    description: str
    amount: float  # negative: money out


class BankState(BaseModel):
    accounts: dict[str, Account] = {
        "CHK-1001": Account(name="Everyday checking", balance=2140.35),
        "SAV-2001": Account(name="Rainy day savings", kind="savings", balance=8200.0, daily_limit=1000.0),
    }
    payees: dict[str, Payee] = {"P1": Payee(name="Rosa Delgado", account_number="40021877")}
    cards: dict[str, Card] = {"C1": Card(account_id="CHK-1001", last4="4821")}
    bills: dict[str, Bill] = {
        "B1": Bill(biller="City Water", amount=64.2, due_date="2026-12-15"),
        "B2": Bill(biller="Brightline Internet", amount=49.99, due_date="2026-12-20"),
    }
    transfers: dict[str, Transfer] = {}
    history: list[Entry] = [
        Entry(account_id="CHK-1001", date="2026-11-03", description="Salary", amount=3100.0),
        Entry(account_id="CHK-1001", date="2026-11-12", description="Grocer", amount=-86.4),
    ]
    customer: str = "alex.rivera"  # the online-banking user name
    signed_in: bool = False
    next_id: int = 1


class Banking(TypedDomain):
    """A personal bank: checking and savings accounts, transfers between them, payments to saved payees
    (each needs a confirmation, every account has a daily limit), bill pay, debit cards that can be
    frozen and unfrozen, and monthly statements."""

    name = "banking"
    title = "Online banking"
    backstories: ClassVar[tuple[str, ...]] = (
        "I'm sorting out my finances before the end of the month",
        "I just got paid and want my bills and payments in order",
        "I'm travelling soon and want my cards and payments sorted first",
        "my partner and I are reorganising our accounts",
    )
    State = BankState
    resources: ClassVar[dict[str, str]] = {
        "bank_account_id": "The id of one of the customer's bank accounts.",
        "payee_id": "The id of a saved payee.",
        "payee_name": "The name of a person or company to pay.",
        "bank_account_number": "An outside bank account number a payee is paid into.",
        "bill_id": "The id of a bill on file.",
        "bank_card_id": "The id of a debit card.",
        "transfer_id": "The id of a payment to a payee.",
        "money": "An amount of money in US dollars.",
        "statement_month": "A calendar month as YYYY-MM.",
        "bank_username": "An online-banking user name.",
        "bank_password": "An online-banking password.",
    }
    user_supplied = (
        "payee_name",
        "bank_account_number",
        "money",
        "statement_month",
        "bank_username",
        "bank_password",
    )
    known_resources = ("bank_account_id", "payee_id")  # the rest is found by looking it up
    state: BankState

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        """Two or three accounts with varied balances and limits, some payees, bills, cards (one may be
        frozen) and sometimes a payment waiting for confirmation."""
        accounts = {
            "CHK-1001": {"name": "Everyday checking", "balance": round(rng.uniform(150, 4000), 2)},
            "SAV-2001": {
                "name": "Rainy day savings",
                "kind": "savings",
                "balance": round(rng.uniform(500, 15000), 2),
                "daily_limit": rng.choice([500.0, 1000.0, 2000.0]),
            },
        }
        if rng.random() < 0.4:
            accounts["CHK-1002"] = {"name": "Joint checking", "balance": round(rng.uniform(50, 2500), 2)}
        for account in accounts.values():
            account["daily_limit"] = account.get("daily_limit", rng.choice([1500.0, 2500.0, 5000.0]))
            account["sent_today"] = rng.choice([0.0, 0.0, round(rng.uniform(0, 400), 2)])
        people = rng.sample(
            [("Rosa Delgado", "40021877"), ("Kenji Mori", "93310045"), ("Ada Brandt", "61200458")], 2
        )
        payees = {
            f"P{n}": {"name": name, "account_number": number} for n, (name, number) in enumerate(people, 1)
        }
        billers = rng.sample(
            [("City Water", 64.2), ("Brightline Internet", 49.99), ("Metro Power", 131.75)], 2
        )
        bills = {
            f"B{n}": {"biller": biller, "amount": amount, "due_date": f"2026-12-{rng.randint(10, 28)}"}
            for n, (biller, amount) in enumerate(billers, 1)
        }
        cards = {"C1": {"account_id": "CHK-1001", "last4": str(rng.randint(1000, 9999))}}
        if rng.random() < 0.3:
            cards["C1"].update(frozen=True, freeze_reason=rng.choice(["lost", "travel", "stolen"]))
        transfers = {}
        if rng.random() < 0.25:
            transfers["T1"] = {
                "from_account_id": "CHK-1001",
                "payee_id": "P1",
                "amount": 1200.0,
                "status": "awaiting_confirmation",
            }
        return {
            "accounts": accounts,
            "payees": payees,
            "bills": bills,
            "cards": cards,
            "transfers": transfers,
            "history": [
                {"account_id": "CHK-1001", "date": "2026-11-03", "description": "Salary", "amount": 3100.0},
                {"account_id": "CHK-1001", "date": "2026-11-12", "description": "Grocer", "amount": -86.4},
            ],
            "signed_in": rng.random() < 0.5,
            "next_id": 2,
        }

    def available_resources(self) -> dict[str, list[Any]]:
        state = self.state
        return {
            "bank_account_id": list(state.accounts),
            "payee_id": list(state.payees),
            "bill_id": list(state.bills),
            "bank_card_id": list(state.cards),
            "transfer_id": list(state.transfers),
        }

    # -- conditions --------------------------------------------------------------------------------

    @condition
    def bank_session(self) -> bool:
        """The customer is signed in to online banking."""
        return self.state.signed_in

    @condition
    def transfer_pending(self) -> bool:
        """A payment is waiting for confirmation."""
        return any(t.status == "awaiting_confirmation" for t in self.state.transfers.values())

    @condition
    def card_frozen(self) -> bool:
        """At least one debit card is frozen."""
        return any(card.frozen for card in self.state.cards.values())

    # -- session ---------------------------------------------------------------------------------

    @tool(
        mutates=True,
        consumes={"username": "bank_username", "password": "bank_password"},
        provides=["bank_session"],
        say=[
            "sign me in to online banking as {username} with the password {password}",
            "log me in as {username}, password {password}",
            "[log|sign] in to my bank account: username {username}, password {password}",
            "get me into online banking with {username} and the password {password}",
            "sign in as {username}, my password is {password}",
            "can you log me in as {username} with the password {password}?",
        ],
        done="You're signed in to online banking as {result.customer}.",
    )
    def bank_login(self, username: Username, password: Password) -> dict[str, Any]:
        """Sign in to online banking; every other banking tool needs a session.

        Args:
            username: The online-banking user name.
            password: The password (at least 8 characters).
        """
        if username != self.state.customer:
            raise ToolFailure(f"unknown user {username!r}")
        if len(password) < 8:
            raise ToolFailure("the password is too short; it has at least 8 characters")
        self.state.signed_in = True
        return {"signed_in": True, "customer": username}

    # -- accounts ----------------------------------------------------------------------------------

    @tool(
        produces={"bank_account_id": "accounts[].account_id"},
        requires=["bank_session"],
        say=[
            "show me my accounts and their balances",
            "list my bank accounts",
            "[give me|pull up] an overview of my accounts",
            "how much do I have in each account?",
            "what accounts do I have, and what's in them?",
            "go through my accounts and tell me the balances",
        ],
        refer={"bank_account_id": "the {position} account on the list you [showed me|pulled up|gave me]"},
        done="Here are your accounts: {result.accounts}.",
    )
    def list_bank_accounts(self) -> dict[str, Any]:
        """List the current user's bank accounts with their balances."""
        self._signed_in()
        return {
            "accounts": [
                {"account_id": key, "name": a.name, "kind": a.kind, "balance": a.balance}
                for key, a in self.state.accounts.items()
            ]
        }

    @tool(
        consumes={"account_id": "bank_account_id"},
        produces={"money": "balance"},
        requires=["bank_session"],
        say=[
            "check the balance on {account_id}",
            "how much is in {account_id}?",
            "tell me what's in {account_id} and how much more it can send today",
            "look up the balance of {account_id}[ for me|]",
            "what's the balance on {account_id}, and how much can I still send from it today?",
            "find out how much money is left in {account_id}",
            "[see|check] what {account_id} holds",
        ],
        refer={"money": "the balance of {account_id}"},
        done="{result.account_id} has ${result.balance}; ${result.can_send_today} can still go out today.",
    )
    def get_account_balance(self, account_id: AccountId) -> dict[str, Any]:
        """Look up the balance of a bank account and how much more it may send today.

        Args:
            account_id: The account to look at.
        """
        self._signed_in()
        account = self._account(account_id)
        left = round(account.daily_limit - account.sent_today, 2)
        return {"account_id": account_id, "balance": account.balance, "can_send_today": left}

    @tool(
        mutates=True,
        consumes={
            "from_account_id": "bank_account_id",
            "to_account_id": "bank_account_id",
            "amount": "money",
        },
        requires=["bank_session"],
        say=[
            "move {amount} from {from_account_id} to {to_account_id}",
            "transfer {amount} from {from_account_id} into {to_account_id}[ right away|]",
            "take {amount} out of {from_account_id} and put it in {to_account_id}",
            "shift {amount} over from {from_account_id} to {to_account_id}",
            "top up {to_account_id} with {amount} from {from_account_id}",
            "can you move {amount} from {from_account_id} over to {to_account_id}?",
        ],
        done=(
            "Moved {amount} from {from_account_id} to {to_account_id}; {from_account_id} now holds"
            " ${result.from_balance} and {to_account_id} ${result.to_balance}."
        ),
    )
    def transfer_between_accounts(
        self, from_account_id: AccountId, to_account_id: AccountId, amount: Amount
    ) -> dict[str, Any]:
        """Move money between two of the current user's accounts, right away.

        Args:
            from_account_id: The account the money leaves.
            to_account_id: The account the money goes into.
            amount: How much to move, in US dollars.
        """
        self._signed_in()
        if from_account_id == to_account_id:
            raise ToolFailure("the two accounts are the same; pick two different accounts")
        source, target = self._account(from_account_id), self._account(to_account_id)
        self._take(source, from_account_id, amount, f"To {to_account_id}", counts_to_limit=False)
        target.balance = round(target.balance + amount, 2)
        self._record(to_account_id, f"From {from_account_id}", amount)
        return {"from_balance": source.balance, "to_balance": target.balance}

    @tool(
        mutates=True,
        consumes={"account_id": "bank_account_id"},
        requires=["bank_session"],
        say=[
            "set the daily limit on {account_id} to ${limit}",
            "change the daily sending limit of {account_id} to ${limit}",
            "let {account_id} send up to ${limit} a day",
            "cap what {account_id} can pay out each day at ${limit}",
            "put a daily limit of ${limit} on {account_id}",
            "can you make the daily limit for {account_id} ${limit}?",
        ],
        done="The daily limit on {result.account_id} is now ${result.daily_limit}.",
    )
    def set_daily_limit(self, account_id: AccountId, limit: Annotated[float, Field(ge=0)]) -> dict[str, Any]:
        """Set how much an account may send to payees and billers per day (at most 10000 dollars).

        Args:
            account_id: The account whose limit changes.
            limit: The new daily limit in US dollars.
        """
        self._signed_in()
        account = self._account(account_id)
        if limit > MAX_DAILY_LIMIT:
            raise ToolFailure(f"the daily limit can be at most {MAX_DAILY_LIMIT:.0f} dollars")
        account.daily_limit = limit
        return {"account_id": account_id, "daily_limit": limit}

    @tool(
        consumes={"account_id": "bank_account_id", "month": "statement_month"},
        produces={"money": "money_out"},
        requires=["bank_session"],
        say=[
            "get me the statement for {account_id} for {month}",
            "show me the {month} statement of {account_id}",
            "what went in and out of {account_id} in {month}?",
            "pull up the statement of {account_id} for {month}",
            "fetch the statement of {account_id} for {month}",
            "list what happened on {account_id} during {month}",
        ],
        refer={"money": "the total paid out in {month}"},
        done=(
            "In {result.month}, {result.account_id} took in ${result.money_in} and paid out"
            " ${result.money_out} (entries: {result.entries})."
        ),
    )
    def get_statement(self, account_id: AccountId, month: Month) -> dict[str, Any]:
        """Get an account's statement for one month: its entries and the money in and out.

        Args:
            account_id: The account to report on.
            month: The month as YYYY-MM.
        """
        self._signed_in()
        self._account(account_id)
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
            raise ToolFailure(f"month {month!r} is not a month as YYYY-MM, e.g. 2026-11")
        entries = [e for e in self.state.history if e.account_id == account_id and e.date.startswith(month)]
        money_in = round(sum(e.amount for e in entries if e.amount > 0), 2)
        money_out = round(-sum(e.amount for e in entries if e.amount < 0), 2)
        listed = [{"date": e.date, "description": e.description, "amount": e.amount} for e in entries]
        return {
            "account_id": account_id,
            "month": month,
            "entries": listed,
            "money_in": money_in,
            "money_out": money_out,
        }

    # -- payees and payments -----------------------------------------------------------------------

    @tool(
        mutates=True,
        consumes={"name": "payee_name", "account_number": "bank_account_number"},
        produces={"payee_id": "payee_id"},
        requires=["bank_session"],
        say=[
            "save {name} as a payee with account number {account_number}",
            "add {name} to my payees, their account number is {account_number}",
            "add {name} as a new payee, paid into account {account_number}",
            "add a payee: {name}, account number {account_number}",
            "register {name} with account {account_number} so I can pay them",
            "can you add {name} as a payee with account number {account_number}?",
        ],
        refer={"payee_id": "[my|the] new payee {name}"},
        done="{result.name} is saved as payee {result.payee_id}.",
    )
    def add_payee(self, name: PayeeName, account_number: AccountNumber) -> dict[str, Any]:
        """Save a new payee: a person or company and the account number they are paid into.

        Args:
            name: Who the payee is.
            account_number: Their bank account number (8 to 12 digits).
        """
        self._signed_in()
        if not account_number.isdigit():
            raise ToolFailure(f"account number {account_number!r} must be 8 to 12 digits")
        for key, payee in self.state.payees.items():
            if payee.account_number == account_number:
                raise ToolFailure(f"account number {account_number} is already saved as payee {key}")
        if len(self.state.payees) >= MAX_PAYEES:
            raise ToolFailure(f"at most {MAX_PAYEES} payees can be saved; remove one first")
        payee_id = self._new_id("P")
        self.state.payees[payee_id] = Payee(name=name, account_number=account_number)
        return {"payee_id": payee_id, "name": name}

    @tool(
        produces={"payee_id": "payees[].payee_id", "payee_name": "payees[].name"},
        goal=False,
        requires=["bank_session"],
        refer={"payee_id": "the payee you looked up", "payee_name": "the name of the payee you looked up"},
        done="Your saved payees: {result.payees}.",
    )
    def list_payees(self) -> dict[str, Any]:
        """List the saved payees."""
        self._signed_in()
        return {"payees": [{"payee_id": key, "name": p.name} for key, p in self.state.payees.items()]}

    @tool(
        mutates=True,
        consumes={"payee_id": "payee_id"},
        requires=["bank_session"],
        say=[
            "remove {payee_id} from my payees",
            "take {payee_id} off my payee list",
            "get rid of {payee_id} as a payee",
            "drop {payee_id} from my saved payees[, since I don't pay them anymore|]",
            "delete {payee_id} from the payees",
            "can you remove {payee_id} from my saved payees?",
        ],
        done="Payee {result.removed} is removed.",
    )
    def remove_payee(self, payee_id: str) -> dict[str, Any]:
        """Remove a saved payee (not while a payment to them waits for confirmation).

        Args:
            payee_id: The payee to remove.
        """
        self._signed_in()
        self._payee(payee_id)
        for key, transfer in self.state.transfers.items():
            if transfer.payee_id == payee_id and transfer.status == "awaiting_confirmation":
                raise ToolFailure(
                    f"payment {key} to this payee awaits confirmation; confirm or cancel it first"
                )
        del self.state.payees[payee_id]
        return {"removed": payee_id}

    @tool(
        mutates=True,
        consumes={"from_account_id": "bank_account_id", "payee_id": "payee_id", "amount": "money"},
        produces={"transfer_id": "transfer_id"},
        provides=["transfer_pending"],
        requires=["bank_session"],
        say=[
            "pay {amount} to {payee_id} from {from_account_id}",
            "set up a payment of {amount} to {payee_id} from {from_account_id}",
            "send {amount} to {payee_id} out of {from_account_id}",
            "use {from_account_id} to pay {amount} to {payee_id}",
            "can you pay {amount} from {from_account_id} to {payee_id}?",
            "pay {amount} to {payee_id} from {from_account_id} with the note {memo}",
            "send {amount} from {from_account_id} to {payee_id} and put {memo} in the memo",
            "set up a payment of {amount} from {from_account_id} to {payee_id}, memo {memo}",
        ],
        refer={"transfer_id": "my payment of {amount}"},
        done="Payment {result.transfer_id} of {amount} to {payee_id} is set up; it goes out once confirmed.",
    )
    def send_payment(
        self, from_account_id: AccountId, payee_id: str, amount: Amount, memo: str = ""
    ) -> dict[str, Any]:
        """Set up a payment to a saved payee from an account; it is sent once confirmed.

        Args:
            from_account_id: The account the money leaves.
            payee_id: The payee to pay.
            amount: How much to pay, in US dollars.
            memo: A note for the payee.
        """
        self._signed_in()
        account = self._account(from_account_id)
        self._payee(payee_id)
        self._check_funds(account, amount, counts_to_limit=True)
        transfer_id = self._new_id("T")
        self.state.transfers[transfer_id] = Transfer(
            from_account_id=from_account_id,
            payee_id=payee_id,
            amount=amount,
            memo=memo,
            status="awaiting_confirmation",
        )
        return {"transfer_id": transfer_id, "status": "awaiting_confirmation"}

    @tool(
        mutates=True,
        consumes={"transfer_id": "transfer_id"},
        requires=["bank_session", "transfer_pending"],
        revokes=["transfer_pending"],
        say=[
            "confirm {transfer_id}",
            "go ahead and send {transfer_id}",
            "approve {transfer_id} so it goes out",
            "confirm {transfer_id}[, since it's all correct|]",
            "push {transfer_id} through",
            "can you confirm {transfer_id}?",
        ],
        done="Payment {result.transfer_id} is sent; the account balance is now ${result.balance}.",
    )
    def confirm_transfer(self, transfer_id: str) -> dict[str, Any]:
        """Confirm a payment that waits for confirmation, which sends it.

        Args:
            transfer_id: The payment to confirm.
        """
        self._signed_in()
        transfer = self._waiting(transfer_id)
        account = self._account(transfer.from_account_id)
        payee = self._payee(transfer.payee_id)
        self._take(
            account,
            transfer.from_account_id,
            transfer.amount,
            f"Payment to {payee.name}",
            counts_to_limit=True,
        )
        transfer.status = "completed"
        return {"transfer_id": transfer_id, "status": "completed", "balance": account.balance}

    @tool(
        mutates=True,
        consumes={"transfer_id": "transfer_id"},
        requires=["bank_session", "transfer_pending"],
        revokes=["transfer_pending"],
        say=[
            "cancel {transfer_id}[, because I've changed my mind|]",
            "call {transfer_id} off",
            "stop {transfer_id} before it goes out",
            "scrap {transfer_id}",
            "drop {transfer_id}, I don't want it sent",
            "can you cancel {transfer_id}?",
        ],
        done="Payment {result.transfer_id} is cancelled; nothing was sent.",
    )
    def cancel_transfer(self, transfer_id: str) -> dict[str, Any]:
        """Cancel a payment that waits for confirmation.

        Args:
            transfer_id: The payment to cancel.
        """
        self._signed_in()
        self._waiting(transfer_id).status = "cancelled"
        return {"transfer_id": transfer_id, "status": "cancelled"}

    @tool(
        produces={"transfer_id": "transfers[].transfer_id"},
        requires=["bank_session"],
        say=[
            "show me the payments to my payees",
            "list my payments to payees",
            "what payments have I made?",
            "go through my payments",
            "list my payments with status {status}",
            "which of my payments are {status}?",
            "show me only the payments that are {status}",
        ],
        refer={"transfer_id": "the {position} payment on the list you [showed me|pulled up]"},
        done="Here are the payments: {result.transfers}.",
    )
    def list_transfers(
        self, status: Literal["awaiting_confirmation", "completed", "cancelled"] | None = None
    ) -> dict[str, Any]:
        """List payments to payees, optionally only those with one status.

        Args:
            status: Only payments with this status.
        """
        self._signed_in()
        return {
            "transfers": [
                {"transfer_id": key, "payee_id": t.payee_id, "amount": t.amount, "status": t.status}
                for key, t in self.state.transfers.items()
                if status is None or t.status == status
            ]
        }

    # -- bills -------------------------------------------------------------------------------------

    @tool(
        produces={"bill_id": "bills[].bill_id", "money": "bills[].amount"},
        requires=["bank_session"],
        say=[
            "show me my unpaid bills",
            "list the bills I still have to pay",
            "what bills are due?",
            "go through the bills on file",
            "list my bills (include paid ones: {include_paid})",
            "show me the bills on file, with paid ones included: {include_paid}",
        ],
        refer={
            "bill_id": "the {position} bill on the list you [showed me|pulled up]",
            "money": "the amount due on the bill you listed",
        },
        done="Here are your bills: {result.bills}.",
    )
    def list_bills(self, include_paid: bool = False) -> dict[str, Any]:
        """List the bills on file, by default only the unpaid ones.

        Args:
            include_paid: Also list bills already paid.
        """
        self._signed_in()
        return {
            "bills": [
                {
                    "bill_id": key,
                    "biller": b.biller,
                    "amount": b.amount,
                    "due_date": b.due_date,
                    "paid": b.paid,
                }
                for key, b in self.state.bills.items()
                if include_paid or not b.paid
            ]
        }

    @tool(
        mutates=True,
        consumes={"bill_id": "bill_id", "from_account_id": "bank_account_id"},
        requires=["bank_session"],
        say=[
            "pay {bill_id} from {from_account_id}",
            "settle {bill_id} out of {from_account_id}",
            "pay off {bill_id} in full from {from_account_id}",
            "use {from_account_id} to pay {bill_id}",
            "clear {bill_id} using the money in {from_account_id}",
            "can you pay {bill_id} from {from_account_id}?",
        ],
        done="Paid ${result.paid} for bill {result.bill_id}; {from_account_id} now has ${result.balance}.",
    )
    def pay_bill(self, bill_id: str, from_account_id: AccountId) -> dict[str, Any]:
        """Pay a bill in full from an account.

        Args:
            bill_id: The bill to pay.
            from_account_id: The account the money leaves.
        """
        self._signed_in()
        bill = self.state.bills.get(bill_id)
        if bill is None:
            raise ToolFailure(f"no bill {bill_id}; list_bills shows the bills on file")
        if bill.paid:
            raise ToolFailure(f"bill {bill_id} from {bill.biller} is already paid")
        account = self._account(from_account_id)
        self._take(account, from_account_id, bill.amount, f"Bill: {bill.biller}", counts_to_limit=True)
        bill.paid = True
        return {"bill_id": bill_id, "paid": bill.amount, "balance": account.balance}

    # -- cards -------------------------------------------------------------------------------------

    @tool(
        produces={"bank_card_id": "cards[].card_id"},
        requires=["bank_session"],
        say=[
            "show me my debit cards",
            "list my cards and whether they're frozen",
            "which of my debit cards are frozen?",
            "check the status of my debit cards",
            "is any of my cards frozen?",
            "go through my debit cards",
        ],
        refer={"bank_card_id": "the card we looked at"},
        done="Here are your debit cards: {result.cards}.",
    )
    def list_bank_cards(self) -> dict[str, Any]:
        """List the debit cards and whether each is frozen."""
        self._signed_in()
        return {
            "cards": [
                {"card_id": key, "account_id": c.account_id, "last4": c.last4, "frozen": c.frozen}
                for key, c in self.state.cards.items()
            ]
        }

    @tool(
        mutates=True,
        consumes={"card_id": "bank_card_id"},
        provides=["card_frozen"],
        requires=["bank_session"],
        say=[
            "freeze {card_id}",
            "block {card_id} so nobody can pay with it",
            "put a freeze on {card_id} for now",
            "can you freeze {card_id}?",
            "lock {card_id}[, because I can't find it anywhere|]",
            "freeze {card_id} and give {reason} as the reason",
            "put a freeze on {card_id}, reason: {reason}",
            "block {card_id} and mark it {reason}",
        ],
        done="Card {result.card_id} is frozen, so no one can pay with it.",
    )
    def freeze_card(self, card_id: str, reason: FreezeReason = "lost") -> dict[str, Any]:
        """Freeze a debit card so no one can pay with it.

        Args:
            card_id: The card to freeze.
            reason: Why: lost, stolen, travel or suspicious (a stolen card stays frozen).
        """
        self._signed_in()
        card = self._card(card_id)
        if card.frozen:
            raise ToolFailure(f"card {card_id} is already frozen ({card.freeze_reason})")
        card.frozen, card.freeze_reason = True, reason
        return {"card_id": card_id, "frozen": True}

    @tool(
        mutates=True,
        consumes={"card_id": "bank_card_id"},
        requires=["bank_session", "card_frozen"],
        revokes=["card_frozen"],
        say=[
            "unfreeze {card_id}",
            "lift the freeze on {card_id}",
            "unlock {card_id} again",
            "make {card_id} work again",
            "can you unfreeze {card_id}?",
            "take the block off {card_id}",
        ],
        done="Card {result.card_id} is unfrozen and works again.",
    )
    def unfreeze_card(self, card_id: str) -> dict[str, Any]:
        """Unfreeze a frozen debit card (a card reported stolen cannot be unfrozen).

        Args:
            card_id: The card to unfreeze.
        """
        self._signed_in()
        card = self._card(card_id)
        if not card.frozen:
            raise ToolFailure(f"card {card_id} is not frozen")
        if card.freeze_reason == "stolen":
            raise ToolFailure(f"card {card_id} was reported stolen and stays frozen; order a new card")
        card.frozen, card.freeze_reason = False, None
        return {"card_id": card_id, "frozen": False}

    # -- helpers -----------------------------------------------------------------------------------

    def _signed_in(self) -> None:
        if not self.state.signed_in:
            raise ToolFailure("not signed in; sign in to online banking first")

    def _account(self, account_id: str) -> Account:
        account = self.state.accounts.get(account_id)
        if account is None:
            raise ToolFailure(f"no account {account_id}; list_bank_accounts shows the accounts")
        return account

    def _payee(self, payee_id: str) -> Payee:
        payee = self.state.payees.get(payee_id)
        if payee is None:
            raise ToolFailure(f"no payee {payee_id}; list_payees shows the saved payees")
        return payee

    def _card(self, card_id: str) -> Card:
        card = self.state.cards.get(card_id)
        if card is None:
            raise ToolFailure(f"no card {card_id}; list_bank_cards shows the cards")
        return card

    def _waiting(self, transfer_id: str) -> Transfer:
        transfer = self.state.transfers.get(transfer_id)
        if transfer is None:
            raise ToolFailure(f"no payment {transfer_id}")
        if transfer.status != "awaiting_confirmation":
            raise ToolFailure(f"payment {transfer_id} is {transfer.status}, not awaiting confirmation")
        return transfer

    def _check_funds(self, account: Account, amount: float, counts_to_limit: bool) -> None:
        if amount > account.balance:
            raise ToolFailure(f"insufficient funds: the balance is {account.balance:.2f} dollars")
        left = round(account.daily_limit - account.sent_today, 2)
        if counts_to_limit and amount > left:
            raise ToolFailure(f"over the daily limit: {left:.2f} dollars can still be sent today")

    def _take(
        self, account: Account, account_id: str, amount: float, what: str, counts_to_limit: bool
    ) -> None:
        self._check_funds(account, amount, counts_to_limit)
        account.balance = round(account.balance - amount, 2)
        if counts_to_limit:
            account.sent_today = round(account.sent_today + amount, 2)
        self._record(account_id, what, -amount)

    def _record(self, account_id: str, what: str, amount: float) -> None:
        self.state.history.append(Entry(account_id=account_id, date=TODAY, description=what, amount=amount))

    def _new_id(self, prefix: str) -> str:
        taken = {*self.state.payees, *self.state.transfers}
        while f"{prefix}{self.state.next_id}" in taken:
            self.state.next_id += 1
        new = f"{prefix}{self.state.next_id}"
        self.state.next_id += 1
        return new
