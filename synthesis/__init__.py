"""The FunReason-MT synthesis pipeline (filled in by the synthesis issue)."""
