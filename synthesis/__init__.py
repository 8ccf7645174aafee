"""The FunReason-MT synthesis pipeline: three phases per turn, roles, verification, exports, report."""
