"""The vector memory domain (BFCL's MemoryAPI_vector): two stores of texts searched by embedding similarity.

Embeddings are all-MiniLM-L6-v2 (L2-normalised, from the local model package) in a FAISS inner-product
index keyed by entry id, so similarity scores equal bfcl-eval 2026.3.23's, as do limits, messages and
result shapes. The state is BFCL's snapshot: per store, `next_id` and the id -> text `store`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain, config_value
from funreason_envs.domains.memory_embedding import encoder
from funreason_envs.errors import ConfigError

CORE_LIMITS = (7, 300)  # most entries, longest text (inclusive)
ARCHIVAL_LIMITS = (50, 2000)


class _Store:
    """One tier: texts by id, their vectors in a FAISS index built on first need."""

    def __init__(self, limits: tuple[int, int], snapshot: Mapping[str, Any], tier: str) -> None:
        self.max_size, self.max_length = limits
        try:
            self.next_id = int(snapshot.get("next_id", 0))
            self.texts = {int(key): str(text) for key, text in dict(snapshot.get("store", {})).items()}
        except (TypeError, ValueError) as exc:
            raise ConfigError(
                f"MemoryAPI_vector config: {tier} needs an integer next_id and a store mapping integer ids "
                f"to texts ({exc})"
            ) from exc
        self._index: Any = None
        if self.texts:  # re-embed in one batch in id order, as a snapshot reload does in BFCL
            ids = sorted(self.texts)
            self._vectors_in(ids, [self.texts[vid] for vid in ids])

    def __getstate__(self) -> dict[str, Any]:
        """Picklable: the FAISS index travels as its serialised bytes, so scores stay bit-identical."""
        state = dict(vars(self))
        if self._index is not None:
            import faiss

            state["_index"] = faiss.serialize_index(self._index)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        vars(self).update(state)
        if self._index is not None:
            encoder()  # sentence-transformers before faiss
            import faiss

            self._index = faiss.deserialize_index(self._index)

    def _embed(self, texts: list[str]) -> Any:
        import numpy

        return numpy.asarray(encoder().encode(texts, normalize_embeddings=True), dtype=numpy.float32)

    def _index_ready(self) -> Any:
        if self._index is None:
            model = encoder()  # first: sentence-transformers must load before faiss
            import faiss

            self._index = faiss.IndexIDMap(faiss.IndexFlatIP(model.get_embedding_dimension()))
        return self._index

    def _vectors_in(self, ids: list[int], texts: list[str]) -> None:
        import numpy

        self._index_ready().add_with_ids(self._embed(texts), numpy.array(ids, dtype=numpy.int64))

    def _vector_out(self, vec_id: int) -> None:
        import numpy

        self._index_ready().remove_ids(numpy.array([vec_id], dtype=numpy.int64))

    def _too_long(self) -> dict[str, str]:
        return {"error": f"Entry length exceeds maximum length of {self.max_length} characters."}

    def add(self, text: str) -> dict[str, Any]:
        if len(text) > self.max_length:
            return self._too_long()
        if len(self.texts) >= self.max_size:
            return {"error": f"Memory size exceeds maximum size of {self.max_size} entries."}
        vec_id = self.next_id
        self._vectors_in([vec_id], [text])
        self.next_id += 1
        self.texts[vec_id] = text
        return {"id": vec_id}

    def remove(self, vec_id: int) -> dict[str, str]:
        if vec_id not in self.texts:
            return {"error": f"ID {vec_id} not present in store."}
        self._vector_out(vec_id)
        del self.texts[vec_id]
        return {"status": f"ID {vec_id} removed from store."}

    def update(self, vec_id: int, new_text: str) -> dict[str, str]:
        if vec_id not in self.texts:
            return {"error": f"ID {vec_id} not present in store."}
        if len(new_text) > self.max_length:
            return self._too_long()
        self._vector_out(vec_id)
        self._vectors_in([vec_id], [new_text])
        self.texts[vec_id] = new_text
        return {"status": f"ID {vec_id} updated."}

    def clear(self) -> dict[str, str]:
        if self._index is not None:
            self._index.reset()
        self.texts.clear()
        self.next_id = 0
        return {"status": "Memory cleared."}

    def retrieve(self, query: str, top_k: int) -> list[dict[str, Any]]:
        if not self.texts:
            return []
        scores, ids = self._index_ready().search(self._embed([query]), min(top_k, len(self.texts)))
        return [
            {"id": int(vid), "similarity_score": float(score), "text": self.texts[int(vid)]}
            for score, vid in zip(scores[0], ids[0], strict=True)
            if vid != -1
        ]

    def retrieve_all(self) -> list[dict[str, Any]]:
        return [{"id": vid, "text": text} for vid, text in self.texts.items()]

    def snapshot(self) -> dict[str, Any]:
        return {"next_id": self.next_id, "store": {str(vid): text for vid, text in self.texts.items()}}


class VectorMemory(Domain):
    """Add, update, remove and search-by-meaning texts in a small core and a large archival store."""

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        for tier in ("core_memory", "archival_memory"):
            if not isinstance(config.get(tier, {}), Mapping):
                raise ConfigError(
                    f"MemoryAPI_vector config: {tier!r} must be an object with next_id and store"
                )
        self._core = _Store(CORE_LIMITS, config_value(config, "core_memory", {}), "core_memory")
        self._archival = _Store(
            ARCHIVAL_LIMITS, config_value(config, "archival_memory", {}), "archival_memory"
        )

    def state_dict(self) -> dict[str, Any]:
        """BFCL's snapshot shape: per store its next id and its id -> text map (ids as JSON strings)."""
        return {"core_memory": self._core.snapshot(), "archival_memory": self._archival.snapshot()}

    def core_memory_add(self, text: str) -> dict[str, Any]:
        return self._core.add(text)

    def core_memory_remove(self, vec_id: int) -> dict[str, str]:
        return self._core.remove(vec_id)

    def core_memory_update(self, vec_id: int, new_text: str) -> dict[str, str]:
        return self._core.update(vec_id, new_text)

    def core_memory_clear(self) -> dict[str, str]:
        return self._core.clear()

    def core_memory_retrieve(self, query: str, top_k: int = 5) -> dict[str, list[dict[str, Any]]]:
        return {"result": self._core.retrieve(query, top_k)}

    def core_memory_retrieve_all(self) -> dict[str, list[dict[str, Any]]]:
        return {"result": self._core.retrieve_all()}

    def archival_memory_add(self, text: str) -> dict[str, Any]:
        return self._archival.add(text)

    def archival_memory_remove(self, vec_id: int) -> dict[str, str]:
        return self._archival.remove(vec_id)

    def archival_memory_update(self, vec_id: int, new_text: str) -> dict[str, str]:
        return self._archival.update(vec_id, new_text)

    def archival_memory_clear(self) -> dict[str, str]:
        return self._archival.clear()

    def archival_memory_retrieve(self, query: str, top_k: int = 5) -> dict[str, list[dict[str, Any]]]:
        return {"result": self._archival.retrieve(query, top_k)}

    def archival_memory_retrieve_all(self) -> dict[str, list[dict[str, Any]]]:
        return {"result": self._archival.retrieve_all()}
