"""The text protocol for models served without tool calling: tools in the system prompt, calls as
Hermes-style `<tool_call>` blocks, results returned in `<tool_response>` blocks of a user message.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

TOOLS_INSTRUCTIONS = """\
You can call functions to carry out the user's requests. Their signatures, as JSON Schema, are listed \
inside <tools></tools>:
<tools>
{tools}
</tools>

To call functions, write one block per call:
<tool_call>
{{"name": "<function name>", "arguments": <the arguments as a JSON object>}}
</tool_call>
You may write several blocks in one reply. The results come back inside <tool_response></tool_response> \
blocks. When the request is done, or cannot be done with these functions, reply in plain text without \
any <tool_call> block."""


def tools_system_prompt(tools: Sequence[Mapping[str, Any]], preamble: str | None = None) -> str:
    """A system prompt describing `tools` (OpenAI format), after the caller's own `preamble` if any."""
    listing = "\n".join(json.dumps(tool.get("function", tool), ensure_ascii=False) for tool in tools)
    instructions = TOOLS_INSTRUCTIONS.format(tools=listing)
    return f"{preamble}\n\n{instructions}" if preamble else instructions


def tool_responses_text(results: Sequence[Mapping[str, Any]]) -> str:
    """Tool results (the observation's `tool_results`) as `<tool_response>` blocks, in call order."""
    blocks = (
        "<tool_response>\n"
        + json.dumps(
            {"name": result.get("name", ""), "content": result.get("content", "")}, ensure_ascii=False
        )
        + "\n</tool_response>"
        for result in results
    )
    return "\n".join(blocks)
