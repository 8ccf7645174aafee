"""The retail domain: an online shop with a catalog, a cart, orders, shipping, returns and exchanges.

Written with the typed API (`TypedDomain`); its spec file `api_specs/retail.json` is exported from this
class. Policies make calls fail for a reason: orders and returns need a signed-in account, stock runs
out, a gift card covers only its balance, an order can be cancelled or re-addressed only before it
ships, and returns follow the return policy (delivered items, within 30 days, never final-sale ones);
refunds go back to the payment method used.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Annotated, Any, ClassVar, Literal

from pydantic import BaseModel, Field

from funreason_envs.domains.typed import ToolFailure, TypedDomain, condition, tool

TODAY = date(2026, 12, 6)
RETURN_DAYS = 30
EXPRESS_FEE = 12.0
FREE_SHIPPING_FROM = 50.0
STANDARD_FEE = 5.0

Sku = Annotated[str, Field(min_length=1, description="A product's SKU, e.g. 'KET-01'.")]
Quantity = Annotated[int, Field(ge=1, le=10)]
Query = Annotated[str, Field(min_length=1, examples=["kettle", "headphones", "running shoes", "lamp", "mug"])]
Address = Annotated[
    str, Field(min_length=5, examples=["12 Elm Street, Springfield", "4 Quay Road, Portsmouth"])
]
ShopEmail = Annotated[str, Field(min_length=3, examples=["sam.okafor@example.com"])]
ShopPassword = Annotated[str, Field(min_length=1, examples=["blue-Kettle-77", "Parcel#2026x"])]
ReturnReason = Literal["damaged", "wrong_item", "no_longer_needed", "does_not_fit"]


class Product(BaseModel):
    name: str
    category: str
    price: float
    stock: int = 5
    final_sale: bool = False


class PaymentMethod(BaseModel):
    kind: Literal["card", "gift_card"]
    label: str
    balance: float | None = None  # gift cards only
    refunded: float = 0.0


class Order(BaseModel):
    items: dict[str, int]
    prices: dict[str, float]
    total: float
    payment_method_id: str
    address: str
    shipping: Literal["standard", "express"] = "standard"
    status: Literal["placed", "shipped", "delivered", "cancelled"] = "placed"
    delivered_on: str | None = None


class ReturnRequest(BaseModel):
    order_id: str
    sku: str
    quantity: int
    kind: Literal["refund", "exchange"]
    reason: str
    refund: float = 0.0
    new_sku: str | None = None


CATALOG: dict[str, dict[str, Any]] = {
    "KET-01": {"name": "Steel electric kettle", "category": "kitchen", "price": 39.0},
    "MUG-02": {"name": "Stoneware mug", "category": "kitchen", "price": 12.5},
    "MUG-03": {"name": "Enamel camping mug", "category": "kitchen", "price": 12.5},
    "HPH-01": {"name": "Wireless headphones", "category": "audio", "price": 89.0},
    "SPK-01": {"name": "Pocket speaker", "category": "audio", "price": 45.0},
    "SHO-41": {"name": "Running shoes size 41", "category": "shoes", "price": 74.0},
    "SHO-42": {"name": "Running shoes size 42", "category": "shoes", "price": 74.0},
    "LMP-01": {"name": "Desk lamp", "category": "home", "price": 29.0},
    "SCF-01": {"name": "Wool scarf (clearance)", "category": "clothing", "price": 15.0, "final_sale": True},
}


class RetailState(BaseModel):
    catalog: dict[str, Product] = {sku: Product(**item) for sku, item in CATALOG.items()}
    cart: dict[str, int] = {}
    payment_methods: dict[str, PaymentMethod] = {
        "PM1": PaymentMethod(kind="card", label="Visa ending 4417"),
        "PM2": PaymentMethod(kind="gift_card", label="Gift card", balance=40.0),
    }
    orders: dict[str, Order] = {
        "O1001": Order(
            items={"HPH-01": 1},
            prices={"HPH-01": 89.0},
            total=89.0,
            payment_method_id="PM1",
            address="12 Elm Street, Springfield",
            status="delivered",
            delivered_on="2026-11-28",
        )
    }
    returns: dict[str, ReturnRequest] = {}
    customer: str = "sam.okafor@example.com"  # the shop account's email
    signed_in: bool = False
    next_id: int = 1


class Retail(TypedDomain):
    """An online shop: search the catalog, fill a cart and check out with a card or gift card, follow
    and change orders before they ship, and return or exchange delivered items under the return policy
    (30 days, no final-sale items), with refunds to the payment method used."""

    name = "retail"
    title = "Online shop"
    State = RetailState
    resources: ClassVar[dict[str, str]] = {
        "product_sku": "A product's SKU.",
        "search_query": "Words to search the catalog for.",
        "payment_method_id": "The id of a saved payment method.",
        "retail_order_id": "The id of a shop order.",
        "return_id": "The id of a return or exchange request.",
        "address": "A street address.",
        "money": "An amount of money in US dollars.",
        "shop_email": "The email address of a shop account.",
        "shop_password": "A shop account's password.",
    }
    user_supplied = ("search_query", "address", "money", "shop_email", "shop_password")
    backstories: ClassVar[tuple[str, ...]] = (
        "I'm setting up a new flat and ordering a few things",
        "a parcel came and not everything in it was right",
        "I'm buying some presents before the holidays",
        "I'm moving next week, so deliveries need sorting",
    )
    known_resources = ("retail_order_id", "payment_method_id")  # the rest is found by looking it up
    state: RetailState

    @classmethod
    def scenario(cls, rng: random.Random) -> dict[str, Any]:
        """The catalog with varied stock (sometimes sold out), a card and a gift card, maybe something in
        the cart, and a few past orders in different stages."""
        catalog = {sku: {**item, "stock": rng.choice([0, 1, 2, 5, 5, 9])} for sku, item in CATALOG.items()}
        cart = {sku: 1 for sku in rng.sample(sorted(CATALOG), rng.choice([0, 0, 1, 2]))}
        orders: dict[str, Any] = {}
        for number in range(rng.randint(1, 3)):
            sku = rng.choice(sorted(CATALOG))
            status = rng.choice(["placed", "shipped", "delivered", "delivered"])
            delivered = (
                f"2026-{rng.choice(['10-20', '11-15', '11-28', '12-02'])}" if status == "delivered" else None
            )
            price = CATALOG[sku]["price"]
            orders[f"O{1001 + number}"] = {
                "items": {sku: 1},
                "prices": {sku: price},
                "total": price,
                "payment_method_id": rng.choice(["PM1", "PM2"]),
                "address": rng.choice(["12 Elm Street, Springfield", "4 Quay Road, Portsmouth"]),
                "status": status,
                "delivered_on": delivered,
            }
        return {
            "catalog": catalog,
            "cart": cart,
            "payment_methods": {
                "PM1": {"kind": "card", "label": "Visa ending 4417"},
                "PM2": {
                    "kind": "gift_card",
                    "label": "Gift card",
                    "balance": rng.choice([10.0, 40.0, 120.0]),
                },
            },
            "orders": orders,
            "signed_in": rng.random() < 0.3,
        }

    def available_resources(self) -> dict[str, list[Any]]:
        state = self.state
        return {
            "product_sku": list(state.catalog),
            "payment_method_id": list(state.payment_methods),
            "retail_order_id": list(state.orders),
            "return_id": list(state.returns),
        }

    @condition
    def shop_session(self) -> bool:
        """The customer is signed in to the shop account."""
        return self.state.signed_in

    @condition
    def cart_has_items(self) -> bool:
        """The cart holds at least one product."""
        return bool(self.state.cart)

    # -- session ---------------------------------------------------------------------------------

    @tool(
        mutates=True,
        consumes={"email": "shop_email", "password": "shop_password"},
        provides=["shop_session"],
        say=[
            "sign me in to the shop as {email} with the password {password}",
            "log me in to my shop account: email {email}, password {password}",
            "log into the shop for me with {email} and the password {password}",
            "get me signed in to my shop account using {email} and the password {password}",
            "use {email} and {password} to sign me in to the shop",
            "[sign|log] me in to my [shop |]account with {email}, password {password}",
        ],
        done="You're signed in to the shop as {result.email}.",
    )
    def shop_login(self, email: ShopEmail, password: ShopPassword) -> dict[str, Any]:
        """Sign in to the shop account; orders, payment methods and returns need it.

        Args:
            email: The account's email address.
            password: The password (at least 8 characters).
        """
        if email != self.state.customer:
            raise ToolFailure(f"no shop account for {email}")
        if len(password) < 8:
            raise ToolFailure("the password is too short; it has at least 8 characters")
        self.state.signed_in = True
        return {"signed_in": True, "email": email}

    # -- catalog and cart --------------------------------------------------------------------------

    @tool(
        consumes={"query": "search_query"},
        produces={"product_sku": "products[].sku"},
        say=[
            "search the shop for {query}",
            "look up {query} in the catalog",
            "find me {query} in the shop",
            "what does the shop have for {query}?",
            "[see|check] whether the shop sells {query}",
            "search the catalog for {query} under ${max_price}",
            "find me {query} for ${max_price} or less",
            "is there anything for {query} under ${max_price}?",
        ],
        refer={"product_sku": "the {position} [product|item|result] you found for {query}"},
        done="Here's what the shop has for {query}: {result.products}.",
    )
    def search_catalog(self, query: Query, max_price: float | None = None) -> dict[str, Any]:
        """Search the catalog by words in a product's name or category.

        Args:
            query: Words to look for.
            max_price: Only products costing at most this many dollars.
        """
        words = query.lower().split()
        found = [
            {"sku": sku, "name": p.name, "price": p.price, "in_stock": p.stock > 0}
            for sku, p in self.state.catalog.items()
            if all(word in f"{p.name} {p.category}".lower() for word in words)
            and (max_price is None or p.price <= max_price)
        ]
        return {"products": found}

    @tool(
        consumes={"sku": "product_sku"},
        produces={"money": "price"},
        goal=False,
        refer={"money": "the price [you looked up|you checked|I asked about]"},
        done="{result.name} ({result.sku}) costs ${result.price}, {result.stock} left in stock.",
    )
    def get_product(self, sku: Sku) -> dict[str, Any]:
        """Show a product's details: price, stock and whether it is final sale.

        Args:
            sku: The product's SKU.
        """
        product = self._product(sku)
        return {"sku": sku, **product.model_dump()}

    @tool(
        mutates=True,
        consumes={"sku": "product_sku"},
        provides=["cart_has_items"],
        owned=True,  # what goes in the cart is the user's choice: never put there unasked
        say=[
            "add {sku} to my cart",
            "put {sku} in my cart",
            "pop {sku} into my basket",
            "[throw|stick] {sku} in my cart",
            "can you add {sku} to my cart?",
            "add {quantity} of {sku} to my cart",
            "put {quantity} of {sku} in my basket",
            "can you put {quantity} of {sku} in my cart?",
        ],
        done="Added {sku}; your cart now holds {result.cart}.",
    )
    def add_to_cart(self, sku: Sku, quantity: Quantity = 1) -> dict[str, Any]:
        """Put a product in the cart (no more than the shop has in stock).

        Args:
            sku: The product's SKU.
            quantity: How many.
        """
        product = self._product(sku)
        wanted = self.state.cart.get(sku, 0) + quantity
        if wanted > product.stock:
            raise ToolFailure(f"only {product.stock} of {sku} in stock; the cart would need {wanted}")
        self.state.cart[sku] = wanted
        return {"cart": dict(self.state.cart)}

    @tool(
        mutates=True,
        consumes={"sku": "product_sku"},
        requires=["cart_has_items"],
        revokes=["cart_has_items"],
        say=[
            "take {sku} out of my cart",
            "remove {sku} from my cart",
            "drop {sku} from my basket",
            "get rid of {sku} in my cart",
            "[delete|remove] {sku} from the cart",
            "can you take {sku} out of my basket?",
        ],
        done="I took {sku} out of your cart; it now holds {result.cart}.",
    )
    def remove_from_cart(self, sku: Sku) -> dict[str, Any]:
        """Take a product out of the cart.

        Args:
            sku: The product's SKU.
        """
        if self.state.cart.pop(sku, None) is None:
            raise ToolFailure(f"{sku} is not in the cart")
        return {"cart": dict(self.state.cart)}

    @tool(
        produces={"product_sku": "items[].sku", "money": "subtotal"},
        say=[
            "show me my cart",
            "check what's in my basket",
            "tell me what my cart comes to",
            "list what's in my shopping cart",
            "go through my cart with me",
            "what's in my cart?",
            "how much is in my cart right now?",
        ],
        refer={
            "product_sku": "the [item|product] [in|from] my cart",
            "money": "the [cart subtotal|subtotal of my cart]",
        },
        done="In your cart: {result.items}; subtotal ${result.subtotal} before shipping.",
    )
    def view_cart(self) -> dict[str, Any]:
        """Show what is in the cart and the subtotal."""
        items = [
            {"sku": sku, "quantity": n, "price": self.state.catalog[sku].price}
            for sku, n in self.state.cart.items()
        ]
        return {"items": items, "subtotal": self._subtotal()}

    # -- checkout and orders -----------------------------------------------------------------------

    @tool(
        produces={"payment_method_id": "methods[].payment_method_id"},
        goal=False,
        requires=["shop_session"],
        refer={"payment_method_id": "the {position} payment method [you listed|on my account|you found]"},
        done="Your saved payment methods: {result.methods}.",
    )
    def list_payment_methods(self) -> dict[str, Any]:
        """List the saved payment methods, with the balance left on gift cards."""
        self._signed_in()
        return {
            "methods": [
                {"payment_method_id": key, "kind": m.kind, "label": m.label, "balance": m.balance}
                for key, m in self.state.payment_methods.items()
            ]
        }

    @tool(
        mutates=True,
        consumes={"payment_method_id": "payment_method_id", "address": "address"},
        produces={"retail_order_id": "order_id", "money": "total"},
        requires=["shop_session", "cart_has_items"],
        revokes=["cart_has_items"],
        say=[
            "pay for my cart with {payment_method_id} and ship it to {address}",
            "place the order for what's in my cart, paid with {payment_method_id}, going to {address}",
            "buy everything in my cart using {payment_method_id} and send it to {address}",
            "order what's in my basket on {payment_method_id}, delivered to {address}",
            "place my order now: pay with {payment_method_id} and deliver to {address}",
            "pay for my cart with {payment_method_id}, {shipping} shipping to {address}",
            "place my order with {payment_method_id} and ship it to {address} by {shipping} delivery",
            "buy what's in my cart on {payment_method_id}, sent {shipping} to {address}",
        ],
        refer={
            "retail_order_id": "the order [I placed|you placed for me|I just paid for]",
            "money": "the total [of|for] the order I placed",
        },
        done="Order {result.order_id} is placed: ${result.total} on {payment_method_id}, "
        "shipping to {address}.",
    )
    def checkout(
        self, payment_method_id: str, address: Address, shipping: Literal["standard", "express"] = "standard"
    ) -> dict[str, Any]:
        """Order everything in the cart, paid with a saved payment method and shipped to an address.

        Args:
            payment_method_id: How to pay.
            address: Where to ship.
            shipping: standard (free from 50 dollars, else 5) or express (12 dollars).
        """
        self._signed_in()
        if not self.state.cart:
            raise ToolFailure("the cart is empty; add products first")
        method = self._method(payment_method_id)
        for sku, n in self.state.cart.items():
            if self.state.catalog[sku].stock < n:
                raise ToolFailure(f"{sku} sold out since it was added; remove it from the cart")
        subtotal = self._subtotal()
        fee = (
            EXPRESS_FEE
            if shipping == "express"
            else (0.0 if subtotal >= FREE_SHIPPING_FROM else STANDARD_FEE)
        )
        total = round(subtotal + fee, 2)
        if method.balance is not None:
            if method.balance < total:
                raise ToolFailure(
                    f"the gift card has {method.balance:.2f} dollars; the order costs {total:.2f}"
                )
            method.balance = round(method.balance - total, 2)
        for sku, n in self.state.cart.items():
            self.state.catalog[sku].stock -= n
        order_id = self._new_id("O")
        self.state.orders[order_id] = Order(
            items=dict(self.state.cart),
            prices={sku: self.state.catalog[sku].price for sku in self.state.cart},
            total=total,
            payment_method_id=payment_method_id,
            address=address,
            shipping=shipping,
        )
        self.state.cart = {}
        return {"order_id": order_id, "total": total, "status": "placed"}

    @tool(
        produces={"retail_order_id": "orders[].order_id"},
        requires=["shop_session"],
        say=[
            "show me my orders",
            "list my shop orders",
            "pull up my order history",
            "what have I ordered?",
            "which orders do I have?",
            "show me my orders with status {status}",
            "list the orders that have the status {status}",
            "which of my orders have the status {status}?",
        ],
        refer={"retail_order_id": "the {position} order [on the list|you listed|in my order history]"},
        done="Here are your orders: {result.orders}.",
    )
    def list_orders(
        self, status: Literal["placed", "shipped", "delivered", "cancelled"] | None = None
    ) -> dict[str, Any]:
        """List the shop orders, optionally only those with one status.

        Args:
            status: Only orders with this status.
        """
        self._signed_in()
        return {
            "orders": [
                {"order_id": key, "status": o.status, "total": o.total, "items": dict(o.items)}
                for key, o in self.state.orders.items()
                if status is None or o.status == status
            ]
        }

    @tool(
        consumes={"order_id": "retail_order_id"},
        produces={"product_sku": "items{}", "money": "total"},
        requires=["shop_session"],
        say=[
            "show me {order_id}",
            "pull up the details of {order_id}",
            "see how {order_id} is getting on",
            "look up {order_id}",
            "tell me what's going on with {order_id}",
            "what's in {order_id}?",
            "how is {order_id} doing?",
        ],
        refer={
            "product_sku": "the [item|product] in {order_id}",
            "money": "the total [of|on] {order_id}",
        },
        done="Order {result.order_id} ({result.status}) holds {result.items} for ${result.total}, "
        "addressed to {result.address}.",
    )
    def get_order(self, order_id: str) -> dict[str, Any]:
        """Show an order: its items, total, payment method, address, shipping and status.

        Args:
            order_id: The order's id.
        """
        self._signed_in()
        return {"order_id": order_id, **self._order(order_id).model_dump()}

    @tool(
        mutates=True,
        consumes={"order_id": "retail_order_id", "address": "address"},
        requires=["shop_session"],
        say=[
            "send {order_id} to {address} instead",
            "change the delivery address on {order_id} to {address}",
            "redirect {order_id} to {address}",
            "update {order_id} so it ships to {address}",
            "switch the shipping address for {order_id} to {address}",
            "can you have {order_id} delivered to {address} instead?",
        ],
        done="Order {result.order_id} will now go to {result.address}.",
    )
    def change_shipping_address(self, order_id: str, address: Address) -> dict[str, Any]:
        """Send an order that has not shipped yet to another address.

        Args:
            order_id: The order's id.
            address: The new address.
        """
        self._signed_in()
        order = self._order(order_id)
        if order.status != "placed":
            raise ToolFailure(
                f"order {order_id} is {order.status}; only orders not yet shipped can change address"
            )
        order.address = address
        return {"order_id": order_id, "address": address}

    @tool(
        mutates=True,
        consumes={"order_id": "retail_order_id"},
        produces={"money": "refund"},
        requires=["shop_session"],
        say=[
            "cancel {order_id}",
            "cancel {order_id} before it ships",
            "call off {order_id} and refund me",
            "scrap {order_id}, I don't need it any more",
            "stop {order_id} from shipping",
            "can you cancel {order_id} for me?",
        ],
        refer={"money": "the refund for cancelling {order_id}"},
        done="Order {result.order_id} is cancelled, and ${result.refund} goes back to "
        "the payment method you used.",
    )
    def cancel_shop_order(self, order_id: str) -> dict[str, Any]:
        """Cancel an order that has not shipped; the money goes back to the payment method used.

        Args:
            order_id: The order's id.
        """
        self._signed_in()
        order = self._order(order_id)
        if order.status != "placed":
            raise ToolFailure(
                f"order {order_id} is {order.status}; only orders not yet shipped can be cancelled"
            )
        for sku, n in order.items.items():
            if sku in self.state.catalog:
                self.state.catalog[sku].stock += n
        self._refund(order.payment_method_id, order.total)
        order.status = "cancelled"
        return {"order_id": order_id, "status": "cancelled", "refund": order.total}

    # -- returns and exchanges ---------------------------------------------------------------------

    @tool(
        mutates=True,
        consumes={"order_id": "retail_order_id", "sku": "product_sku"},
        produces={"return_id": "return_id", "money": "refund"},
        requires=["shop_session"],
        say=[
            "return {sku} from {order_id}, the reason is {reason}",
            "send back {sku} from {order_id} for a refund, reason {reason}",
            "start a return for {sku} from {order_id} as {reason}",
            "get me a refund for {sku} from {order_id}, marked {reason}",
            "can you return {sku} from {order_id} for me as {reason}?",
            "return {quantity} of {sku} from {order_id}, reason {reason}",
            "send back {quantity} of {sku} from {order_id} for a refund, the reason being {reason}",
            "refund {quantity} of {sku} from {order_id}, marked as {reason}",
        ],
        refer={
            "return_id": "the return I [filed|started|opened]",
            "money": "the refund [on|for] the return I [filed|started]",
        },
        done="Return {result.return_id} is open: ${result.refund} will be refunded to {result.refunded_to}.",
    )
    def request_return(
        self, order_id: str, sku: Sku, reason: ReturnReason, quantity: Quantity = 1
    ) -> dict[str, Any]:
        """Return delivered items for a refund to the payment method used (within 30 days of delivery,
        never final-sale items).

        Args:
            order_id: The order the items came in.
            sku: The product to return.
            reason: damaged, wrong_item, no_longer_needed or does_not_fit.
            quantity: How many to return.
        """
        self._signed_in()
        order = self._returnable(order_id, sku, quantity)
        refund = round(order.prices[sku] * quantity, 2)
        self._refund(order.payment_method_id, refund)
        return_id = self._new_id("R")
        self.state.returns[return_id] = ReturnRequest(
            order_id=order_id, sku=sku, quantity=quantity, kind="refund", reason=reason, refund=refund
        )
        return {"return_id": return_id, "refund": refund, "refunded_to": order.payment_method_id}

    @tool(
        mutates=True,
        consumes={"order_id": "retail_order_id", "sku": "product_sku", "new_sku": "product_sku"},
        produces={"return_id": "return_id"},
        requires=["shop_session"],
        say=[
            "exchange {sku} from {order_id} for {new_sku}",
            "swap {sku} from {order_id} for {new_sku}",
            "send back {sku} from {order_id} and get {new_sku} instead",
            "replace {sku} from {order_id} with {new_sku}",
            "trade {sku} from {order_id} in for {new_sku}",
            "can you exchange {sku} from {order_id} for {new_sku}?",
        ],
        refer={"return_id": "the exchange I [set up|asked for|requested]"},
        done="Exchange {result.return_id} is set up: {result.new_sku} is coming in place of {sku}.",
    )
    def request_exchange(self, order_id: str, sku: Sku, new_sku: Sku) -> dict[str, Any]:
        """Exchange one delivered item for another product of the same price that is in stock (same
        return policy as returns).

        Args:
            order_id: The order the item came in.
            sku: The product to send back.
            new_sku: The product wanted instead.
        """
        self._signed_in()
        order = self._returnable(order_id, sku, 1)
        wanted = self._product(new_sku)
        if new_sku == sku:
            raise ToolFailure("the new product is the same as the old one")
        if wanted.price != order.prices[sku]:
            raise ToolFailure(
                f"{new_sku} costs {wanted.price:.2f}, not {order.prices[sku]:.2f}; return and reorder"
            )
        if wanted.stock < 1:
            raise ToolFailure(f"{new_sku} is out of stock")
        wanted.stock -= 1
        return_id = self._new_id("R")
        self.state.returns[return_id] = ReturnRequest(
            order_id=order_id, sku=sku, quantity=1, kind="exchange", reason="exchange", new_sku=new_sku
        )
        return {"return_id": return_id, "new_sku": new_sku}

    @tool(
        produces={"return_id": "returns[].return_id"},
        requires=["shop_session"],
        say=[
            "show me my returns",
            "list my returns and exchanges",
            "look over my return requests",
            "go through my returns and exchanges",
            "what returns do I have open?",
            "have I got any returns or exchanges in progress?",
        ],
        refer={"return_id": "the {position} [return|request] [on the list|you listed]"},
        done="Here are your returns and exchanges: {result.returns}.",
    )
    def list_returns(self) -> dict[str, Any]:
        """List the return and exchange requests."""
        self._signed_in()
        return {
            "returns": [
                {"return_id": key, "order_id": r.order_id, "sku": r.sku, "kind": r.kind, "refund": r.refund}
                for key, r in self.state.returns.items()
            ]
        }

    @tool(
        consumes={"return_id": "return_id"},
        produces={"money": "refund", "retail_order_id": "order_id"},
        requires=["shop_session"],
        say=[
            "show me {return_id}",
            "see where {return_id} stands",
            "pull up the details of {return_id}",
            "look into {return_id} for me",
            "what's the status of {return_id}?",
            "how is {return_id} going?",
        ],
        refer={"money": "the refund on {return_id}", "retail_order_id": "the order behind {return_id}"},
        done="Request {result.return_id} ({result.kind}) covers {result.quantity} of {result.sku} "
        "from order {result.order_id}, refunding ${result.refund}.",
    )
    def get_return(self, return_id: str) -> dict[str, Any]:
        """Show a return or exchange request: the order, the product, and the refund or the new product.

        Args:
            return_id: The request's id.
        """
        self._signed_in()
        request = self.state.returns.get(return_id)
        if request is None:
            raise ToolFailure(f"no return {return_id}; list_returns shows the requests")
        return {"return_id": return_id, **request.model_dump()}

    # -- helpers -----------------------------------------------------------------------------------

    def _signed_in(self) -> None:
        if not self.state.signed_in:
            raise ToolFailure("not signed in; sign in to the shop account first")

    def _product(self, sku: str) -> Product:
        product = self.state.catalog.get(sku)
        if product is None:
            raise ToolFailure(f"no product {sku}; search_catalog finds products")
        return product

    def _method(self, payment_method_id: str) -> PaymentMethod:
        method = self.state.payment_methods.get(payment_method_id)
        if method is None:
            raise ToolFailure(f"no payment method {payment_method_id}; list_payment_methods shows them")
        return method

    def _order(self, order_id: str) -> Order:
        order = self.state.orders.get(order_id)
        if order is None:
            raise ToolFailure(f"no order {order_id}; list_orders shows the orders")
        return order

    def _returnable(self, order_id: str, sku: str, quantity: int) -> Order:
        """The order, if `quantity` of `sku` from it may still be returned under the policy."""
        order = self._order(order_id)
        if order.status != "delivered" or order.delivered_on is None:
            raise ToolFailure(f"order {order_id} is {order.status}; only delivered items can be returned")
        if (TODAY - date.fromisoformat(order.delivered_on)).days > RETURN_DAYS:
            raise ToolFailure(
                f"order {order_id} was delivered over {RETURN_DAYS} days ago; it can no longer be returned"
            )
        if sku not in order.items:
            raise ToolFailure(f"order {order_id} has no {sku}")
        product = self.state.catalog.get(sku)
        if product is not None and product.final_sale:
            raise ToolFailure(f"{sku} was final sale and cannot be returned")
        claimed = sum(
            r.quantity for r in self.state.returns.values() if r.order_id == order_id and r.sku == sku
        )
        if claimed + quantity > order.items[sku]:
            raise ToolFailure(f"order {order_id} had {order.items[sku]} of {sku}; {claimed} already returned")
        return order

    def _refund(self, payment_method_id: str, amount: float) -> None:
        method = self._method(payment_method_id)
        method.refunded = round(method.refunded + amount, 2)
        if method.balance is not None:
            method.balance = round(method.balance + amount, 2)

    def _subtotal(self) -> float:
        return round(sum(self.state.catalog[sku].price * n for sku, n in self.state.cart.items()), 2)

    def _new_id(self, prefix: str) -> str:
        taken = {*self.state.orders, *self.state.returns}
        while f"{prefix}{self.state.next_id}" in taken:
            self.state.next_id += 1
        new = f"{prefix}{self.state.next_id}"
        self.state.next_id += 1
        return new
