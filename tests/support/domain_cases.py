"""Per-domain data for the tests parametrized over domains: configs, real calls whose results every
`produces` path must find values in, the walks expected to reach each domain's tools, and the data
edges BFCL's own flows need."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from funreason_envs.synthesis.kits import kit_for
from tests.support.fs_tree import directory, file

Config = dict[str, Any] | Callable[[], dict[str, Any]]


def travel_account(**overrides: Any) -> dict[str, Any]:
    """A signed-in travel account with two funded cards and one booking, in BFCL's config shape."""
    config = {
        "credit_card_list": {
            "card_1": {"card_number": "4111", "cardholder_name": "Ada Byron", "balance": 9000.0},
            "card_2": {"card_number": "4222", "cardholder_name": "Ada Byron", "balance": 400.0},
        },
        "booking_record": {
            "5550001": {
                "card_id": "card_1",
                "travel_date": "2026-03-04",
                "travel_from": "SFO",
                "travel_to": "LAX",
                "travel_class": "economy",
                "travel_cost": 200.0,
                "transaction_id": "81234567",
            }
        },
        "access_token": "tok_held",
        "token_type": "Bearer",
        "token_expires_in": 3600,
        "token_scope": "read_write",
        "user_first_name": "Ada",
        "user_last_name": "Byron",
        "budget_limit": 1000.0,
    }
    return {**config, **overrides}


def message_workspace(**overrides: Any) -> dict[str, Any]:
    """Three users, two inbox messages, nobody logged in (BFCL's config shape)."""
    config = {
        "user_count": 3,
        "user_map": {"Ann": "USR001", "Ben": "USR002", "Cleo": "USR003"},
        "inbox": [{"USR002": "Lunch at noon?"}, {"USR003": "The budget is ready."}],
        "message_count": 2,
        "current_user": None,
    }
    return {**config, **overrides}


def tweet(
    tweet_id: int, username: str, content: str, tags: tuple[str, ...] = (), mentions: tuple[str, ...] = ()
) -> dict[str, Any]:
    """One post in BFCL's config shape."""
    return {
        "id": tweet_id,
        "username": username,
        "content": content,
        "tags": list(tags),
        "mentions": list(mentions),
    }


def posting_account() -> dict[str, Any]:
    """Ana, logged in, following Ben; three posts (one with a comment, one retweeted) in BFCL's shape."""
    return {
        "username": "ana",
        "password": "pw1",
        "authenticated": True,
        "tweets": {
            "0": tweet(0, "ana", "Morning run done", ("#Fitness",), ("@coach",)),
            "1": tweet(1, "ben", "New fitness gear review", ("#Gear",)),
            "5": tweet(5, "ben", "Coffee time", ("#fitness",)),
        },
        "comments": {"1": [{"username": "ana", "content": "Nice!"}]},
        "retweets": {"ben": [0]},
        "following_list": ["ben"],
        "tweet_counter": 6,
    }


def ticket(ticket_id: Any, status: str = "Open", created_by: str = "mia", **extra: Any) -> dict[str, Any]:
    """One ticket in BFCL's config shape."""
    return {
        "id": ticket_id,
        "title": f"Issue {ticket_id}",
        "description": "",
        "status": status,
        "priority": 2,
        "created_by": created_by,
        **extra,
    }


def ticket_desk() -> dict[str, Any]:
    """Mia's queue: open, closed, lower-case resolved, resolved and imported tickets, in BFCL's shape."""
    return {
        "ticket_queue": [
            ticket(1),
            ticket(2, status="Closed"),
            ticket(3, status="resolved", created_by="sam"),
            ticket(4, status="Resolved", resolution="Rebooted"),
            {"id": "ticket_001", "issue": "Imported", "status": "Open", "created_by": "ops"},
        ],
        "ticket_counter": 5,
        "current_user": "mia",
    }


@dataclass(frozen=True)
class Setup:
    """A fresh instance from `config`, then `calls` in order; `<key>` in a call is replaced by that key's
    value in an earlier dict result of the same setup."""

    config: Config
    calls: tuple[str, ...]
    long_context: bool = False

    def make_config(self) -> dict[str, Any]:
        return self.config() if callable(self.config) else self.config


@dataclass(frozen=True)
class ProduceCase:
    """Real calls that together exercise every `produces` path of a domain, and values some must find."""

    setups: tuple[Setup, ...]
    expected: dict[tuple[str, str, str], list[Any]]
    may_be_empty: frozenset[tuple[str, str, str]] = frozenset()


FS_TREE = {
    "root": {
        "ws": directory(
            docs=directory(
                inner=directory(),
                **{"a.txt": file("line one\nline two\nthree"), "b.txt": file("line one\nline 2")},
            )
        )
    }
}
VEHICLE_CALLS = (
    "check_tire_pressure()",
    "displayCarStatus(option='doors')",
    "displayCarStatus(option='fuel')",
    "estimate_distance(cityA='83214', cityB='74532')",
    "fillFuelTank(fuelAmount=12.5)",
    "find_nearest_tire_shop()",
    "get_zipcode_based_on_city(city='Rivermist')",
    "liter_to_gallon(liter=20)",
)
TRAVEL_LONG_CONTEXT_ONLY = ("book_flight", "booking_id", "booking_history{}")
TRAVEL_BOOKING = (
    "book_flight(access_token='tok_held', card_id='card_1', travel_date='2026-03-05', travel_from='SFO',"
    " travel_to='LAX', travel_class='economy')"
)

PRODUCE_CASES: dict[str, ProduceCase] = {
    "file_system": ProduceCase(
        (
            Setup(
                FS_TREE,
                (
                    "cd(folder='docs')",
                    "ls()",
                    "pwd()",
                    "cat(file_name='a.txt')",
                    "grep(file_name='a.txt', pattern='line')",
                    "tail(file_name='a.txt', lines=2)",
                    "sort(file_name='a.txt')",
                    "wc(file_name='a.txt')",
                    "diff(file_name1='a.txt', file_name2='b.txt')",
                    "echo(content='hello')",
                    "du()",
                    "find(path='.', name='txt')",
                    "cd(folder='inner')",
                ),
            ),
        ),
        {
            ("ls", "file_name", "current_directory_content[]"): ["inner", "a.txt", "b.txt"],
            ("find", "directory_name", "matches[]|parts"): ["a.txt", "b.txt"],
            ("pwd", "directory_name", "current_working_directory|parts"): ["ws", "docs"],
            ("wc", "number", "count"): [3],
        },
    ),
    "math": ProduceCase(
        (
            Setup(
                {},
                (
                    "absolute_value(number=-4.5)",
                    "add(a=16, b=9)",
                    "divide(a=22, b=8)",
                    "imperial_si_conversion(value=12, unit_in='km', unit_out='miles')",
                    "max_value(numbers=[3, 16, 60])",
                    "mean(numbers=[3, 16, 60])",
                    "min_value(numbers=[3, 16, 60])",
                    "multiply(a=2.5, b=4)",
                    "percentage(part=30, whole=120)",
                    "power(base=3, exponent=2)",
                    "si_unit_conversion(value=2500, unit_in='m', unit_out='km')",
                    "standard_deviation(numbers=[2, 4, 4, 4, 5, 5, 7, 9])",
                    "subtract(a=10, b=25)",
                    "sum_values(numbers=[3, 16, 60])",
                ),
            ),
        ),
        {
            ("add", "computed_value", "result"): [25],
            ("subtract", "difference", "result"): [-15],
            ("standard_deviation", "list_statistic", "result"): [2.0],
            ("percentage", "ratio", "result"): [25.0],
            ("absolute_value", "magnitude", "result"): [4.5],
        },
    ),
    "message": ProduceCase(
        (
            Setup(
                message_workspace(current_user="USR001"),
                (
                    "list_users()",
                    "get_user_id(user='Ben')",
                    "add_contact(user_name='Dora')",
                    "search_messages(keyword='budget')",
                    "view_messages_sent()",
                ),
            ),
        ),
        {
            ("list_users", "message_user_name", "user_list[]"): ["Ann", "Ben", "Cleo"],
            ("get_user_id", "message_user_id", "user_id"): ["USR002"],
            ("add_contact", "message_contact_id", "user_id"): ["USR004"],
            ("search_messages", "message_receiver_id", "results[].receiver_id"): ["USR003"],
            ("view_messages_sent", "message_receiver_id", "messages{}"): ["USR002", "USR003"],
        },
    ),
    "posting": ProduceCase(
        (
            Setup(
                lambda: kit_for("posting").scenario(random.Random(1)) | {"authenticated": True},
                (
                    "post_tweet(content='Sourdough again', tags=['#baking'], mentions=['@kim'])",
                    "get_tweet(tweet_id=<id>)",
                    "get_user_tweets(username='<username>')",
                    "search_tweets(keyword='Sourdough')",
                    "list_all_following()",
                ),
            ),
        ),
        {("get_tweet", "mention", "mentions[]"): ["@kim"]},
    ),
    "memory_kv": ProduceCase(
        (
            Setup(
                {"core_memory": {"first_name": "Michael"}, "archival_memory": {"home_city": "Seattle"}},
                (
                    "core_memory_retrieve(key='first_name')",
                    "core_memory_list_keys()",
                    "archival_memory_retrieve(key='home_city')",
                    "archival_memory_list_keys()",
                ),
            ),
        ),
        {
            ("core_memory_retrieve", "memory_text", "value"): ["Michael"],
            ("core_memory_list_keys", "memory_key", "keys[]"): ["first_name"],
            ("archival_memory_retrieve", "memory_text", "value"): ["Seattle"],
            ("archival_memory_list_keys", "memory_key", "keys[]"): ["home_city"],
        },
    ),
    "memory_rec_sum": ProduceCase(
        (Setup({"memory": "Michael, 35, Seattle."}, ("memory_retrieve()",)),),
        {("memory_retrieve", "summary_text", "memory_content"): ["Michael, 35, Seattle."]},
    ),
    "memory_vector": ProduceCase(
        (
            Setup(
                {},
                (
                    "core_memory_add(text='Michael lives in Seattle.')",
                    "core_memory_retrieve(query='Where does Michael live?')",
                    "core_memory_retrieve_all()",
                    "archival_memory_add(text='Michael is 35.')",
                    "archival_memory_retrieve(query='age', top_k=1)",
                    "archival_memory_retrieve_all()",
                ),
            ),
        ),
        {
            ("core_memory_add", "memory_entry_id", "id"): [0],
            ("core_memory_retrieve", "memory_text", "result[].text"): ["Michael lives in Seattle."],
            ("core_memory_retrieve_all", "memory_entry_id", "result[].id"): [0],
            ("archival_memory_retrieve", "memory_entry_id", "result[].id"): [0],
            ("archival_memory_retrieve_all", "memory_text", "result[].text"): ["Michael is 35."],
        },
    ),
    "web_search": ProduceCase(
        (Setup({}, ("search_engine_query(keywords='Daken Summit', max_results=3)",)),),
        {
            ("search_engine_query", "web_url", "[].href"): [
                "https://www.orbipedia.org/wiki/Daken_Summit",
                "https://news.dailyquill.com/2007/daken_summit-opens",
                "https://www.orbipedia.org/wiki/Toufu_Thunyrol",
            ]
        },
    ),
    "banking": ProduceCase(
        (
            Setup(
                {"signed_in": True},
                (
                    "list_bank_accounts()",
                    "get_account_balance(account_id='CHK-1001')",
                    "get_statement(account_id='CHK-1001', month='2026-11')",
                    "add_payee(name='Kenji Mori', account_number='93310045')",
                    "list_payees()",
                    "send_payment(from_account_id='CHK-1001', payee_id='<payee_id>', amount=1200.0)",
                    "list_transfers()",
                    "list_bills()",
                    "list_bank_cards()",
                ),
            ),
        ),
        {
            ("get_account_balance", "money", "balance"): [2140.35],
            ("get_statement", "money", "money_out"): [86.4],
            ("add_payee", "payee_id", "payee_id"): ["P2"],
            ("list_payees", "payee_name", "payees[].name"): ["Rosa Delgado", "Kenji Mori"],
            ("send_payment", "transfer_id", "transfer_id"): ["T3"],
            ("list_bills", "money", "bills[].amount"): [64.2, 49.99],
            ("list_bank_cards", "bank_card_id", "cards[].card_id"): ["C1"],
        },
    ),
    "retail": ProduceCase(
        (
            Setup(
                {"signed_in": True},
                (
                    "search_catalog(query='mug')",
                    "get_product(sku='MUG-02')",
                    "add_to_cart(sku='MUG-02', quantity=2)",
                    "view_cart()",
                    "list_payment_methods()",
                    "checkout(payment_method_id='PM1', address='12 Elm Street, Springfield')",
                    "cancel_shop_order(order_id='<order_id>')",
                    "list_orders()",
                    "get_order(order_id='O1001')",
                    "request_return(order_id='O1001', sku='HPH-01', reason='damaged')",
                    "get_return(return_id='<return_id>')",
                    "list_returns()",
                ),
            ),
            Setup(
                {
                    "signed_in": True,
                    "orders": {
                        "O7": {
                            "items": {"MUG-02": 1},
                            "prices": {"MUG-02": 12.5},
                            "total": 12.5,
                            "payment_method_id": "PM1",
                            "address": "4 Quay Road, Portsmouth",
                            "status": "delivered",
                            "delivered_on": "2026-12-01",
                        }
                    },
                },
                ("request_exchange(order_id='O7', sku='MUG-02', new_sku='MUG-03')",),
            ),
        ),
        {
            ("search_catalog", "product_sku", "products[].sku"): ["MUG-02", "MUG-03"],
            ("get_product", "money", "price"): [12.5],
            ("view_cart", "money", "subtotal"): [25.0],
            ("checkout", "money", "total"): [30.0],
            ("get_order", "product_sku", "items{}"): ["HPH-01"],
            ("request_return", "money", "refund"): [89.0],
            ("request_exchange", "return_id", "return_id"): ["R1"],
        },
    ),
    "workspace": ProduceCase(
        (
            Setup(
                {},
                (
                    "list_events(day='2026-12-08')",
                    "get_event(event_id='E1')",
                    "create_event(title='Budget review', day='2026-12-08', start='10:00', end='11:00')",
                    "list_invitations()",
                    "respond_to_invitation(invitation_id='I1', accept=True)",
                    "search_email(query='report')",
                    "read_email(email_id='M1')",
                    "send_email(to='omar@northwind.example', subject='Numbers', body='Attached.',"
                    " attachment='report.pdf')",
                    "read_email(email_id='<email_id>')",
                    "reply_to_email(email_id='M1', body='On its way.')",
                    "forward_email(email_id='M1', to='ruth@partner.example')",
                ),
            ),
        ),
        {
            ("get_event", "email_address", "attendees[]"): [
                "lena@northwind.example",
                "omar@northwind.example",
            ],
            ("create_event", "event_id", "event_id"): ["E2"],
            ("respond_to_invitation", "event_id", "event_id"): ["E3"],
            ("search_email", "email_address", "emails[].sender"): ["lena@northwind.example"],
            ("read_email", "file_name", "attachments[]"): ["report.pdf"],
            ("read_email", "text", "body"): ["Could you send me the report before Friday?", "Attached."],
        },
    ),
    "ticket": ProduceCase(
        (
            Setup(
                {"current_user": "amy"},
                (
                    "create_ticket(title='Printer', description='Jams daily')",
                    "get_ticket(ticket_id=1)",
                    "get_user_tickets()",
                ),
            ),
        ),
        {
            ("get_ticket", "ticket_id", "id"): [1],
            ("get_ticket", "text", "description"): ["Jams daily"],
            ("get_user_tickets", "ticket_text", "[].title"): ["Printer"],
            ("get_user_tickets", "ticket_text", "[].description"): ["Jams daily"],
        },
    ),
    "trading": ProduceCase(
        (
            Setup(
                {"market_status": "Open"},
                (
                    "trading_login(username='ana', password='pw')",
                    "get_symbol_by_name(name='Nvidia')",
                    "get_stock_info(symbol='NVDA')",
                    "get_available_stocks(sector='Technology')",
                    "filter_stocks_by_price(stocks=['AAPL', 'ZETA'], min_price=100.0, max_price=300.0)",
                    "notify_price_change(stocks=['NVDA', 'MSFT'], threshold=0.2)",
                    "get_current_time()",
                    "add_to_watchlist(stock='AAPL')",
                    "get_watchlist()",
                    "place_order(order_type='Buy', symbol='AAPL', price=227.0, amount=3)",
                    "get_order_history()",
                    "get_order_details(order_id=12345)",
                    "cancel_order(order_id=12446)",
                    "get_account_info()",
                    "fund_account(amount=500.0)",
                    "withdraw_funds(amount=200.0)",
                ),
            ),
            # a long-context watchlist is a bare list: the `[]` path reads it
            Setup({"authenticated": True}, ("get_watchlist()",), long_context=True),
        ),
        {
            ("get_symbol_by_name", "stock_symbol", "symbol"): ["NVDA"],
            ("filter_stocks_by_price", "stock_symbol", "filtered_stocks[]"): ["AAPL"],
            ("get_order_details", "stock_symbol", "symbol"): ["AAPL"],
            ("get_stock_info", "stock_price", "price"): [220.34],
            ("withdraw_funds", "cash_amount", "new_balance"): [10300.0],
            ("get_watchlist", "watchlist_symbol", "watchlist[]"): ["NVDA", "AAPL"],
        },
    ),
    "travel": ProduceCase(
        (
            Setup(
                travel_account,
                (
                    "get_nearest_airport_by_city(location='Rivermist')",
                    "list_all_airports()",
                    "get_flight_cost(travel_from='SFO', travel_to='LAX', travel_date='2026-03-05',"
                    " travel_class='business')",
                    "compute_exchange_rate(base_currency='USD', target_currency='EUR', value=400.0)",
                    "get_all_credit_cards()",
                    "get_credit_card_balance(access_token='tok_held', card_id='card_2')",
                    "get_booking_history(access_token='tok_held')",
                    "retrieve_invoice(access_token='tok_held', booking_id='5550001')",
                    "register_credit_card(access_token='tok_held', card_number='4333',"
                    " expiration_date='01/2030', cardholder_name='Ada Byron', card_verification_number=123)",
                    TRAVEL_BOOKING,
                    "purchase_insurance(access_token='tok_held', insurance_type='travel',"
                    " booking_id='5550001', insurance_cost=50.0, card_id='card_1')",
                    "authenticate_travel(client_id='c', client_secret='s', refresh_token='r',"
                    " grant_type='read', user_first_name='Ada', user_last_name='Byron')",
                ),
            ),
        ),
        {
            ("get_nearest_airport_by_city", "airport_code", "nearest_airport"): ["RMS"],
            ("get_flight_cost", "money", "travel_cost_list[]"): [800.0],  # business, even date
            ("get_all_credit_cards", "card_id", "credit_card_list{}"): ["card_1", "card_2"],
            ("retrieve_invoice", "money", "invoice.travel_cost"): [200.0],
        },
        may_be_empty=frozenset({TRAVEL_LONG_CONTEXT_ONLY}),
    ),
    "vehicle": ProduceCase(
        tuple(Setup({"fuelLevel": 7.5}, (call,)) for call in VEHICLE_CALLS),
        {
            ("get_zipcode_based_on_city", "zipcode", "zipcode"): ["83214"],
            ("displayCarStatus", "door_name", "doorStatus{}"): [
                "driver",
                "passenger",
                "rear_left",
                "rear_right",
            ],
            ("displayCarStatus", "fuel_level", "fuelLevel"): [7.5],
            ("fillFuelTank", "fuel_level", "fuelLevel"): [20.0],
            ("estimate_distance", "distance", "distance"): [750.0],
            ("find_nearest_tire_shop", "address", "shopLocation"): ["456 Oakwood Avenue, Rivermist, 83214"],
        },
    ),
}


@dataclass(frozen=True)
class WalkCase:
    """Graphs (this domain alone, or joined with others) whose walks must reach the domain's tools with
    prerequisites: at least `min_targets` of them, including `must_reach`."""

    graphs: tuple[str, ...]
    must_reach: frozenset[str] = frozenset()
    min_targets: int = 0


WALK_CASES: dict[str, WalkCase] = {
    "file_system": WalkCase(("file_system",), frozenset({"cat", "rm", "rmdir", "echo"}), 10),
    "math": WalkCase(("math",)),  # every tool is callable from nothing
    "message": WalkCase(
        ("message", "message,file_system"),
        frozenset({"message_login", "send_message", "delete_message", "search_messages"}),
    ),
    "memory_kv": WalkCase(("memory_kv",), frozenset({"core_memory_retrieve", "archival_memory_remove"})),
    "memory_rec_sum": WalkCase(("memory_rec_sum",), frozenset({"memory_replace"})),
    "memory_vector": WalkCase(
        ("memory_vector",), frozenset({"core_memory_update", "archival_memory_remove"})
    ),
    "posting": WalkCase(("posting",), min_targets=6),
    "web_search": WalkCase(("web_search",), frozenset({"fetch_url_content"})),
    "banking": WalkCase(
        ("banking", "banking,travel"),
        frozenset({"confirm_transfer", "pay_bill", "unfreeze_card", "remove_payee"}),
    ),
    "retail": WalkCase(
        ("retail", "retail,vehicle"),
        frozenset({"checkout", "request_return", "get_return", "remove_from_cart"}),
    ),
    "workspace": WalkCase(
        ("workspace", "workspace,file_system"),
        frozenset({"respond_to_invitation", "invite_to_event", "reply_to_email", "forward_email"}),
    ),
    "ticket": WalkCase(("ticket",), min_targets=6),
    "trading": WalkCase(
        ("trading",),
        frozenset({"place_order", "get_order_details", "cancel_order", "withdraw_funds", "get_watchlist"}),
    ),
    "travel": WalkCase(
        ("travel", "travel,file_system"),
        frozenset({"book_flight", "cancel_booking", "retrieve_invoice", "purchase_insurance"}),
    ),
    # a car starts only from the live state (no tool surely locks every door or presses the brake
    # fully): its walks re-read the probes, see test_graph_vehicle
    "vehicle": WalkCase(()),
}
# Walk settings every domain's walks are checked under: plain, and gathering with detours.
WALK_SETTINGS: tuple[dict[str, float], ...] = (
    {},
    {"gather": 0.7, "explore": 0.3},
    {"gather": 0.7, "explore": 0.2},
)


@dataclass(frozen=True)
class FlowCase:
    """Data edges (producer, consumer, parameter) BFCL's ground truth uses, in the graph of `graphs`,
    and producer -> consumer pairs that must stay unlinked."""

    graphs: str
    edges: tuple[tuple[str, str, str], ...]
    unlinked: tuple[tuple[str, str], ...] = field(default=())


FLOW_CASES: dict[str, FlowCase] = {
    "travel": FlowCase(
        "travel",
        (
            ("authenticate_travel", "book_flight", "access_token"),
            ("book_flight", "retrieve_invoice", "booking_id"),
            ("retrieve_invoice", "contact_customer_support", "booking_id"),
            ("compute_exchange_rate", "set_budget_limit", "budget_limit"),
            ("get_flight_cost", "compute_exchange_rate", "value"),
            ("list_all_airports", "get_flight_cost", "travel_to"),
            ("get_nearest_airport_by_city", "book_flight", "travel_from"),
            ("register_credit_card", "purchase_insurance", "card_id"),
            ("purchase_insurance", "retrieve_invoice", "insurance_id"),
        ),
        (("get_budget_fiscal_year", "book_flight"),),
    ),
    "message": FlowCase(
        "message,file_system",
        (
            ("add_contact", "send_message", "receiver_id"),
            ("view_messages_sent", "delete_message", "receiver_id"),
            ("get_user_id", "send_message", "receiver_id"),
            ("get_user_id", "delete_message", "receiver_id"),
            ("get_user_id", "message_login", "user_id"),
            ("search_messages", "delete_message", "receiver_id"),
            ("cat", "send_message", "message"),
        ),
        # nobody logs in as a contact just added, or as the receiver of a message
        (
            ("add_contact", "message_login"),
            ("view_messages_sent", "message_login"),
            ("search_messages", "message_login"),
        ),
    ),
    "vehicle": FlowCase(
        "vehicle",
        (
            ("get_zipcode_based_on_city", "estimate_distance", "cityA"),
            ("get_zipcode_based_on_city", "estimate_distance", "cityB"),
            ("estimate_distance", "estimate_drive_feasibility_by_mileage", "distance"),
            ("find_nearest_tire_shop", "set_navigation", "destination"),
            ("displayCarStatus", "lockDoors", "door"),
            ("fillFuelTank", "gallon_to_liter", "gallon"),
        ),
        (("liter_to_gallon", "gallon_to_liter"),),  # no round-trip conversions
    ),
    "math": FlowCase("math,file_system", (("wc", "mean", "numbers"), ("wc", "logarithm", "value"))),
}


@dataclass(frozen=True)
class SessionCase:
    """A config, a script to run first, and a probe whose results and effects a pickled copy must
    reproduce (and two fresh instances, given the script, must agree on)."""

    config: Config
    script: str
    probe: str


SESSION_CASES: dict[str, SessionCase] = {
    "memory_kv": SessionCase(
        {"core_memory": {"user_name": "Ada"}},
        "[core_memory_add(key='pet', value='a cat'), archival_memory_add(key='city', value='Oslo')]",
        "[core_memory_key_search(query='pet name'), core_memory_replace(key='pet', value='a dog')]",
    ),
    "memory_rec_sum": SessionCase(
        {"memory": "User: Ada. "},
        "memory_append(text='Lives in Oslo.')",
        "[memory_retrieve(), memory_clear()]",
    ),
    "memory_vector": SessionCase(
        {"core_memory": {"next_id": 1, "store": {"0": "The user is called Ada."}}},
        "[core_memory_add(text='Ada keeps a cat.'), archival_memory_add(text='Ada lives in Oslo.')]",
        "[core_memory_retrieve(query='What pet?'), core_memory_update(vec_id=1, new_text='Ada has a dog.')]",
    ),
    "file_system": SessionCase(FS_TREE, "[cd(folder='docs'), touch(file_name='c.txt')]", "[ls(), du()]"),
    "math": SessionCase({}, "add(a=1, b=2)", "logarithm(value=10, base=3, precision=30)"),
    "message": SessionCase(
        {"current_user": "USR001"},
        "send_message(receiver_id='USR002', message='first')",
        "send_message(receiver_id='USR002', message='x')",
    ),
    "posting": SessionCase(
        posting_account,
        "[post_tweet(content='x'), retweet(tweet_id=6), comment(tweet_id=6, comment_content='y')]",
        "[post_tweet(content='kept'), get_tweet(6)]",
    ),
    "web_search": SessionCase(
        {"show_snippet": False},
        "search_engine_query(keywords='Daken Summit', max_results=2)",
        "[fetch_url_content(url='https://www.orbipedia.org/wiki/Daken_Summit', mode='markdown'),"
        " search_engine_query(keywords='Toufu Thunyrol')]",
    ),
    "banking": SessionCase(
        {"signed_in": True},
        "[add_payee(name='Kenji Mori', account_number='93310045'), send_payment('CHK-1001', 'P2', 40.0)]",
        "[send_payment('CHK-1001', 'P2', 1500.0), list_transfers()]",
    ),
    "retail": SessionCase(
        {"signed_in": True},
        "[add_to_cart(sku='LMP-01'),"
        " checkout(payment_method_id='PM1', address='12 Elm Street, Springfield')]",
        "[get_order(order_id='O1'), cancel_shop_order(order_id='O1')]",
    ),
    "workspace": SessionCase(
        {},
        "[create_event('Design sync', '2026-12-09', '14:00', '15:00'),"
        " send_email('omar@northwind.example', 'Hi', 'x')]",
        "[invite_to_event(event_id='E1', person='ivan@northwind.example'),"
        " search_email(query='Hi', folder='sent')]",
    ),
    "ticket": SessionCase(
        ticket_desk,
        "[create_ticket(title='a'), close_ticket(ticket_id=5), edit_ticket(1, {'priority': 3})]",
        "[create_ticket(title='kept'), get_ticket(5)]",
    ),
    "trading": SessionCase(
        {"authenticated": True, "market_status": "Open"},
        "[fund_account(amount=1.0), place_order(order_type='Buy', symbol='AAPL', price=227.0, amount=3)]",
        "[fund_account(amount=2.0), get_order_history()]",
    ),
    "travel": SessionCase(travel_account, "get_booking_history(access_token='tok_held')", TRAVEL_BOOKING),
    "vehicle": SessionCase(
        {"random_seed": 99},
        "[lockDoors(unlock=False, door=['driver']), get_current_speed()]",
        "[get_current_speed(), get_outside_temperature_from_google(), get_current_speed()]",
    ),
}


@dataclass(frozen=True)
class MissingIdCase:
    """Calls that name an id the state does not hold, and the one error each must report."""

    config: Config
    calls: tuple[str, ...]
    error: str


MISSING_ID_CASES: dict[str, MissingIdCase] = {
    "memory_kv": MissingIdCase(
        {"core_memory": {"user_name": "Ada"}},
        (
            "core_memory_retrieve(key='age')",
            "archival_memory_remove(key='age')",
            "core_memory_replace('x', 'y')",
        ),
        '{"error": "Key not found."}',
    ),
    "memory_vector": MissingIdCase(
        {"core_memory": {"next_id": 1, "store": {"0": "The user is called Ada."}}},
        ("core_memory_remove(vec_id=7)", "core_memory_update(vec_id=7, new_text='x')"),
        '{"error": "ID 7 not present in store."}',
    ),
    "posting": MissingIdCase(
        posting_account,
        (
            "retweet(tweet_id=9)",
            "comment(tweet_id=9, comment_content='hi')",
            "mention(tweet_id=9, mentioned_usernames=['@a'])",
            "get_tweet(tweet_id=9)",
            "get_tweet_comments(tweet_id=9)",
        ),
        '{"error": "Tweet with ID 9 not found."}',
    ),
    "banking": MissingIdCase(
        {"signed_in": True},
        ("freeze_card(card_id='C9')", "unfreeze_card(card_id='C9')"),
        '{"error": "no card C9; list_bank_cards shows the cards"}',
    ),
    "retail": MissingIdCase(
        {"signed_in": True},
        (
            "get_order(order_id='O9')",
            "cancel_shop_order(order_id='O9')",
            "change_shipping_address('O9', '1 Main St')",
        ),
        '{"error": "no order O9; list_orders shows the orders"}',
    ),
    "workspace": MissingIdCase(
        {},
        ("read_email(email_id='M9')", "reply_to_email(email_id='M9', body='x')", "move_email('M9', 'trash')"),
        '{"error": "no email M9; search_email finds emails"}',
    ),
    "ticket": MissingIdCase(
        ticket_desk,
        (
            "get_ticket(ticket_id=99)",
            "close_ticket(ticket_id=99)",
            "resolve_ticket(ticket_id=99, resolution='x')",
            "edit_ticket(ticket_id=99, updates={'title': 'x'})",
        ),
        '{"error": "Ticket with ID 99 not found."}',
    ),
}
