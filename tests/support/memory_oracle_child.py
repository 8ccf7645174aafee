"""Child of the memory oracle: replays calls on bfcl-eval's memory backend; JSON on the last line.

Reads {"domain", "calls", "snapshot"} from stdin. The snapshot is loaded the way bfcl-eval's own
`_load_scenario` loads a prerequisite snapshot file; a call that raises gives bfcl-eval's error string.
"""

from __future__ import annotations

import json
import sys
from copy import deepcopy
from typing import Any

MODULE = "bfcl_eval.eval_checker.multi_turn_eval.func_source_code"


def _backend(domain: str, snapshot: dict[str, Any]) -> Any:
    if domain == "memory_kv":
        from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.memory_kv import MemoryAPI_kv

        api = MemoryAPI_kv()
        if snapshot:
            api.core_memory = deepcopy(snapshot["core_memory"])
            api.archival_memory = deepcopy(snapshot["archival_memory"])
    elif domain == "memory_vector":
        from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.memory_vector import MemoryAPI_vector

        api = MemoryAPI_vector()
        if snapshot:
            api.core_memory.load_from_snapshot(snapshot["core_memory"])
            api.archival_memory.load_from_snapshot(snapshot["archival_memory"])
    else:
        from bfcl_eval.eval_checker.multi_turn_eval.func_source_code.memory_rec_sum import MemoryAPI_rec_sum

        api = MemoryAPI_rec_sum()
        if snapshot:
            api.memory = deepcopy(snapshot["memory"])
    return api


def _state(domain: str, api: Any) -> dict[str, Any]:
    if domain == "memory_kv":
        return {"core_memory": api.core_memory, "archival_memory": api.archival_memory}
    if domain == "memory_vector":
        return {"core_memory": api.core_memory.export(), "archival_memory": api.archival_memory.export()}
    return {"memory": api.memory}


def main() -> None:
    request = json.loads(sys.stdin.read())
    api = _backend(request["domain"], request["snapshot"])
    results = []
    for name, arguments in request["calls"]:
        try:
            results.append(getattr(api, name)(**arguments))
        except Exception as exc:  # bfcl-eval's executor reports a raising call this way
            results.append(f"Error during execution: {exc}")
    state = json.loads(json.dumps(_state(request["domain"], api)))
    print(json.dumps({"results": json.loads(json.dumps(results)), "state": state}))


if __name__ == "__main__":
    main()
