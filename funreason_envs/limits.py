"""The limits a call, an action or an episode may hit, in one place (documented in the README).

Like a real API's request limits, they keep every step's work and memory bounded; hitting one gives a
clear error result or a refused action, never a crash or a hang. Each is far above anything BFCL's data
uses, so scoring BFCL tasks never meets them.
"""

from __future__ import annotations

# One action (one step): at most this many tool calls; more and the whole action is refused.
MAX_CALLS_PER_STEP = 256
# Call text longer than a few KB: brackets, commas, '=' and ':' outside string literals (what the parser's
# time and memory grow with); more and the text is refused unread.
MAX_CALL_TEXT_SYNTAX = 50_000
# Arguments: nesting depth, items in one array, digits of one integer.
MAX_ARGUMENT_DEPTH = 32
MAX_ARRAY_ITEMS = 10_000
MAX_INTEGER_DIGITS = 1_000
# Math: digits of precision (`logarithm`, `square_root`) and of an integer result (`power`; Python
# itself will not print an integer of more than 4,300 digits).
MAX_PRECISION = 1_000
MAX_RESULT_DIGITS = 4_000
# Messaging: message ids handed out per episode (bfcl-eval draws them from 90,000 five-digit ids).
MAX_MESSAGES = 10_000
# File system: folder nesting (a real one has PATH_MAX) and entries in the whole tree.
MAX_DIRECTORY_DEPTH = 64
MAX_TREE_NODES = 10_000
# Call texts remembered by the parser's cache: longer texts are not cached; the cache holds at most this.
MAX_CACHED_TEXT_CHARS = 16_384
MAX_CACHE_CHARS = 4_000_000


def digits_exceed(value: int, limit: int) -> bool:
    """Whether `abs(value)` has more than `limit` decimal digits, decided without converting it to text."""
    bits = abs(value).bit_length()
    if bits <= limit * 3:  # 2**(3d) < 10**d
        return False
    if bits > limit * 4:  # 2**(4d - 1) >= 10**d for d >= 1
        return True
    return abs(value) >= 10**limit
