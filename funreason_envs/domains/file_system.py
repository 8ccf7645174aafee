"""The file-system domain: an in-memory tree navigated one folder at a time (BFCL's GorillaFileSystem).

Behaviour, messages and result shapes follow bfcl-eval 2026.3.23, quirks included where they change
what a model observes: `pwd` includes the root's name, a moved directory keeps its children's old
parent links, and copying a directory shares its children with the original. The working directory
is private: state checks compare only the tree. Two deliberate divergences: `echo` into a directory
and copying or moving a directory into itself return clear errors (bfcl-eval crashes on the first and
builds a cyclic tree on the second, which no later call could survive). Like a real disk, the tree
has limits (`MAX_DIRECTORY_DEPTH` levels, `MAX_TREE_NODES` entries): a call that would pass one is
refused with an error and changes nothing. Pickling and copying flatten the tree, so they never recurse.
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

from funreason_envs.domains.base import Domain
from funreason_envs.domains.filler import filler_text
from funreason_envs.errors import ConfigError
from funreason_envs.limits import MAX_DIRECTORY_DEPTH, MAX_TREE_NODES

INVALID_NAME_CHARACTERS = '|/\\?%*:"><'
# Files BFCL's long-context tasks read with tail/cat; their content is left unpadded (a BFCL fact).
UNPADDED_FILES = frozenset(
    {
        "log.txt",
        "report.txt",
        "report.csv",
        "DataSet1.csv",
        "file1.txt",
        "finance_report.txt",
        "config.py",
        "Q4_summary.doc",
        "file3.txt",
    }
)
LONG_CONTEXT_PADDING = filler_text(3251, seed=11)
# The 30 empty files BFCL adds to every leaf folder; ground truths delete them by name, so the names are kept.
LONG_CONTEXT_EXTRA_FILES = (
    "image_344822349461074042.jpg",
    "image_8219547643081662353.jpg",
    "image_5421509146842474663.jpg",
    "image_185391401034246046.jpg",
    "image_6824007961180780019.jpg",
    "image_2994974694593273051.jpg",
    "image_2537728455072851196.jpg",
    "image_2164918946836800275.jpg",
    "image_1745133864906284051.jpg",
    "image_7707563551789432679.jpg",
    "image_8190489168166590809.jpg",
    "image_2385660725381355820.jpg",
    "image_4771211633166048374.jpg",
    "image_3443718094055823214.jpg",
    "image_6838087561356843690.jpg",
    "image_605952633285970710.jpg",
    "image_6341510244180179744.jpg",
    "image_4119241148692325954.jpg",
    "image_5651066601163181955.jpg",
    "image_3747091333751395055.jpg",
    "image_4623743619379194431.jpg",
    "image_5072742684386583099.jpg",
    "image_1978458056362464778.jpg",
    "image_3090346927968358019.jpg",
    "image_7193806748674265039.jpg",
    "image_7169516574395086720.jpg",
    "image_8618240224293913315.jpg",
    "image_5514683852355062444.jpg",
    "image_8749630317332649147.jpg",
    "image_1912245706439755759.jpg",
)


class File:
    """A file node: a name and text content."""

    __slots__ = ("content", "name")

    def __init__(self, name: str, content: str = "") -> None:
        self.name = name
        self.content = content


class Directory:
    """A directory node: a name, a parent link and named children (files or directories)."""

    __slots__ = ("contents", "name", "parent")

    def __init__(self, name: str, parent: Directory | None = None) -> None:
        self.name = name
        self.parent = parent
        self.contents: dict[str, File | Directory] = {}

    def child(self, name: str) -> File | Directory | None:
        return self if name == "." else self.contents.get(name)

    def add_file(self, name: str, content: str = "") -> None:
        if name in self.contents:
            raise ValueError(f"File '{name}' already exists in directory '{self.name}'.")
        self.contents[name] = File(name, content)

    def add_directory(self, name: str) -> Directory:
        if name in self.contents:
            raise ValueError(f"Directory '{name}' already exists in directory '{self.name}'.")
        created = Directory(name, self)
        self.contents[name] = created
        return created

    def to_config(self) -> dict[str, Any]:
        return {
            "type": "directory",
            "contents": {name: _node_config(node) for name, node in self.contents.items()},
        }


def _node_config(node: File | Directory) -> dict[str, Any]:
    if isinstance(node, File):
        return {"type": "file", "content": node.content}
    return node.to_config()


def _same_tree(mine: Directory, theirs: Directory) -> bool:
    """Whether two directories' `to_config()` would be equal: the same names, kinds and file texts."""
    contents, others = mine.contents, theirs.contents
    if contents.keys() != others.keys():
        return False
    for name, node in contents.items():
        other = others[name]
        if isinstance(node, File):
            if not isinstance(other, File) or node.content != other.content:
                return False
        elif isinstance(other, File) or not _same_tree(node, other):
            return False
    return True


def _tree_size(node: File | Directory) -> int:
    if isinstance(node, File):
        return len(node.content.encode("utf-8"))
    return sum(_tree_size(child) for child in node.contents.values())


TOO_MANY_ENTRIES = f"No space left on device (at most {MAX_TREE_NODES} entries)"


def _tree_problem(root: Directory) -> str | None:
    """Why the tree under `root` is over a limit (counted as serialised, shared folders once per path;
    a cycle shows as too deep), or None. Stops as soon as a limit is passed."""
    count = 0
    stack: list[tuple[Directory, int]] = [(root, 0)]
    while stack:
        directory, depth = stack.pop()
        count += len(directory.contents)
        if count > MAX_TREE_NODES:
            return TOO_MANY_ENTRIES
        for child in directory.contents.values():
            if isinstance(child, Directory):
                if depth + 1 >= MAX_DIRECTORY_DEPTH:
                    return f"File name too long (folders nest at most {MAX_DIRECTORY_DEPTH} levels)"
                stack.append((child, depth + 1))
    return None


def _flatten(root: Directory, cwd: Directory) -> dict[str, Any]:
    """The node graph (children mappings shared between folders and parent links included) as flat lists."""
    nodes: list[File | Directory] = []
    node_index: dict[int, int] = {}
    mappings: list[dict[str, File | Directory]] = []
    mapping_index: dict[int, int] = {}

    def number(node: File | Directory) -> int:
        if id(node) not in node_index:
            node_index[id(node)] = len(nodes)
            nodes.append(node)
        return node_index[id(node)]

    number(root)
    number(cwd)
    position = 0
    while position < len(nodes):
        node = nodes[position]
        position += 1
        if isinstance(node, Directory):
            if node.parent is not None:
                number(node.parent)
            if id(node.contents) not in mapping_index:
                mapping_index[id(node.contents)] = len(mappings)
                mappings.append(node.contents)
            for child in node.contents.values():
                number(child)
    encoded_nodes = [
        ("f", node.name, node.content)
        if isinstance(node, File)
        else (
            "d",
            node.name,
            -1 if node.parent is None else node_index[id(node.parent)],
            mapping_index[id(node.contents)],
        )
        for node in nodes
    ]
    encoded_mappings = [[(name, node_index[id(child)]) for name, child in m.items()] for m in mappings]
    return {"nodes": encoded_nodes, "mappings": encoded_mappings, "root": 0, "cwd": node_index[id(cwd)]}


def _unflatten(flat: Mapping[str, Any]) -> tuple[Directory, Directory]:
    """(root, cwd) rebuilt from `_flatten`'s lists, with the same sharing."""
    nodes: list[File | Directory] = [
        File(entry[1], entry[2]) if entry[0] == "f" else Directory(entry[1]) for entry in flat["nodes"]
    ]
    mappings = [{name: nodes[index] for name, index in entries} for entries in flat["mappings"]]
    for node, entry in zip(nodes, flat["nodes"], strict=True):
        if isinstance(node, Directory):
            node.parent = None if entry[2] < 0 else nodes[entry[2]]  # type: ignore[assignment]
            node.contents = mappings[entry[3]]
    root, cwd = nodes[flat["root"]], nodes[flat["cwd"]]
    assert isinstance(root, Directory) and isinstance(cwd, Directory)
    return root, cwd


def _copy_loaded(directory: Directory, parent: Directory | None) -> Directory:
    """A copy of a folder of a tree as loaded from a config (a tree; parents as held), files included."""
    copied = Directory(directory.name, parent)
    contents = copied.contents
    for name, node in directory.contents.items():
        contents[name] = File(node.name, node.content) if type(node) is File else _copy_loaded(node, copied)
    return copied


def _valid_name(name: str) -> bool:
    return not any(character in name for character in INVALID_NAME_CHARACTERS)


class FileSystem(Domain):
    """A small Unix-like file system over an in-memory tree."""

    root: Directory
    long_context: bool

    def load(self, config: Mapping[str, Any], long_context: bool = False) -> None:
        self.long_context = long_context
        tree = config.get("root")
        if tree:
            root_name, root_data = next(iter(tree.items()))
            self.root = Directory(root_name)
            # counted while built (the depth limit is enforced there too): what `_tree_problem` would say
            if self._load_children(self.root, root_data.get("contents", {}), 0) > MAX_TREE_NODES:
                raise ConfigError(f"file_system root: the tree is too large: {TOO_MANY_ENTRIES}")
        else:
            self.root = Directory("/")
        self._cwd = self.root

    def _copy_as_loaded(self) -> FileSystem:
        """An equal, independent instance of one no call has run on (`domains.prototype`): its tree is as
        loaded (each folder's parent is the folder holding it, nothing shared, at the root), so it is
        copied node by node; any other instance goes through a pickle."""
        if self._cwd is not self.root:
            return pickle.loads(pickle.dumps(self))
        twin = type(self).__new__(type(self))
        vars(twin).update(vars(self))
        twin.root = twin._cwd = _copy_loaded(self.root, None)
        return twin

    def __getstate__(self) -> dict[str, Any]:
        state = dict(vars(self))
        state["_tree"] = _flatten(state.pop("root"), state.pop("_cwd"))
        return state

    def __setstate__(self, state: Mapping[str, Any]) -> None:
        state = dict(state)
        self.root, self._cwd = _unflatten(state.pop("_tree"))
        vars(self).update(state)

    def _load_children(self, directory: Directory, contents: Mapping[str, Any], depth: int) -> int:
        """Build `directory`'s entries from config; returns how many entries it holds, all levels down."""
        if depth >= MAX_DIRECTORY_DEPTH:
            raise ConfigError(f"file_system root: folders nest deeper than {MAX_DIRECTORY_DEPTH} levels")
        has_subdirectory = False
        below = 0
        for name, node in contents.items():
            if node["type"] == "directory":
                has_subdirectory = True
                child = Directory(name, directory)
                below += self._load_children(child, node.get("contents", {}), depth + 1)
                directory.contents[name] = child
            elif node["type"] == "file":
                content = node.get("content", "")
                if self.long_context and name not in UNPADDED_FILES:
                    content += LONG_CONTEXT_PADDING
                directory.contents[name] = File(name, content)
        if self.long_context and not has_subdirectory:
            for extra in LONG_CONTEXT_EXTRA_FILES:
                directory.add_file(extra)
        return len(directory.contents) + below

    def state_dict(self) -> dict[str, Any]:
        return {"root": {self.root.name: self.root.to_config()}, "long_context": self.long_context}

    def same_state_as(self, other: Domain) -> bool:
        """`Domain.same_state_as` for this view: the trees walked side by side, no config built."""
        if type(other) is not type(self) or type(self).state_dict is not FileSystem.state_dict:
            return False
        assert isinstance(other, FileSystem)
        return (
            self.long_context == other.long_context
            and self.root.name == other.root.name
            and _same_tree(self.root, other.root)
        )

    # -- state probes for the Environment-API graph ------------------------------------------------

    def conditions(self) -> set[str]:
        held: set[str] = set()
        for node in self._cwd.contents.values():
            if isinstance(node, File):
                held.add("file_here")
            elif not node.contents:
                held.add("empty_folder_here")
        if self._cwd.contents:
            held.add("entry_here")
        return held

    def available_resources(self) -> dict[str, list[Any]]:
        files = [name for name, node in self._cwd.contents.items() if isinstance(node, File)]
        folders = [name for name, node in self._cwd.contents.items() if isinstance(node, Directory)]
        return {
            "file_name": files,
            "directory_name": folders,
            "path": ["."] + [f"./{name}" for name in folders],
        }

    # -- helpers ---------------------------------------------------------------------------------

    def _resolve_directory(self, path: str | None) -> Directory | dict[str, str]:
        """The directory at `path` (relative to the cwd, or absolute), or a `cd`-style error."""
        if path is None or path == ".":
            return self._cwd
        if path == "/":
            return self.root
        here = self.root if path.startswith("/") else self._cwd
        for part in path.strip("/").split("/"):
            step = here.child(part)
            if not isinstance(step, Directory):
                return {"error": f"cd: '{path}': No such file or directory"}
            here = step
        return here

    def _local_file(self, file_name: str) -> File | None:
        node = self._cwd.contents.get(file_name)
        return node if isinstance(node, File) else None

    # -- tools -----------------------------------------------------------------------------------

    def pwd(self) -> dict[str, str]:
        names = []
        node: Directory | None = self._cwd
        while node is not None:
            names.append(node.name)
            node = node.parent
        return {"current_working_directory": "/" + "/".join(reversed(names))}

    def ls(self, a: bool = False) -> dict[str, list[str]]:
        names = list(self._cwd.contents)
        if not a:
            names = [name for name in names if not name.startswith(".")]
        return {"current_directory_content": names}

    def cd(self, folder: str) -> dict[str, str]:
        folder = folder.rstrip("/") or "/"
        if folder not in {".", "..", "/"} and "/" in folder:
            return {"error": f"cd: {folder}: Unsupported path. Only one folder level at a time is supported."}
        if folder == "..":
            if self._cwd.parent is not None:
                self._cwd = self._cwd.parent
                return {}
            return {"error": "Current directory is already the root. Cannot go back."}
        target = self._resolve_directory(folder)
        if isinstance(target, dict):
            return target
        self._cwd = target
        return {"current_working_directory": target.name}

    def mkdir(self, dir_name: str) -> dict[str, str] | None:
        if not _valid_name(dir_name):
            return {"error": f"mkdir: cannot create directory '{dir_name}': Invalid character"}
        if dir_name in self._cwd.contents:
            return {"error": f"mkdir: cannot create directory '{dir_name}': File exists"}
        self._cwd.add_directory(dir_name)
        problem = _tree_problem(self.root)
        if problem is not None:
            self._cwd.contents.pop(dir_name)
            return {"error": f"mkdir: cannot create directory '{dir_name}': {problem}"}
        return None

    def touch(self, file_name: str) -> dict[str, str] | None:
        if not _valid_name(file_name):
            return {"error": f"touch: cannot touch '{file_name}': Invalid character"}
        if file_name in self._cwd.contents:
            return {"error": f"touch: cannot touch '{file_name}': File exists"}
        self._cwd.add_file(file_name)
        problem = _tree_problem(self.root)
        if problem is not None:
            self._cwd.contents.pop(file_name)
            return {"error": f"touch: cannot touch '{file_name}': {problem}"}
        return None

    def echo(self, content: str, file_name: str | None = None) -> dict[str, str] | None:
        if file_name is None:
            return {"terminal_output": content}
        if not _valid_name(file_name):
            return {"error": f"echo: cannot write to '{file_name}': Invalid character"}
        if not file_name:
            return {"terminal_output": content}
        node = self._cwd.contents.get(file_name)
        if node is None:
            return {"error": f"echo: cannot write to '{file_name}': No such file"}
        if isinstance(node, Directory):
            return {"error": f"echo: cannot write to '{file_name}': Is a directory"}
        node.content = content
        return None

    def cat(self, file_name: str) -> dict[str, str]:
        if not _valid_name(file_name):
            return {"error": f"cat: '{file_name}': Invalid character"}
        node = self._cwd.contents.get(file_name)
        if node is None:
            return {"error": f"cat: '{file_name}': No such file or directory"}
        if isinstance(node, Directory):
            return {"error": f"cat: '{file_name}': Is a directory"}
        return {"file_content": node.content}

    def find(self, path: str = ".", name: str | None = None) -> dict[str, Any]:
        start = self._resolve_directory(path)
        if isinstance(start, dict):
            message = start["error"]
            return {"error": "find:" + message[3:]} if message.startswith("cd:") else start
        matches: list[str] = []

        def walk(directory: Directory, prefix: str) -> None:
            for child_name, child in directory.contents.items():
                child_path = f"{prefix}/{child_name}"
                if name is None or name in child_name:
                    matches.append(child_path)
                if isinstance(child, Directory):
                    walk(child, child_path)

        walk(start, path.rstrip("/"))
        return {"matches": matches}

    def wc(self, file_name: str, mode: str = "l") -> dict[str, Any]:
        if mode not in ("l", "w", "c"):
            return {"error": f"wc: invalid mode '{mode}'"}
        node = self._local_file(file_name)
        if node is None:
            return {"error": f"wc: {file_name}: No such file or directory"}
        text = node.content
        if mode == "l":
            return {"count": len(text.splitlines()), "type": "lines"}
        if mode == "w":
            return {"count": len(text.split()), "type": "words"}
        return {"count": len(text), "type": "characters"}

    def sort(self, file_name: str) -> dict[str, str]:
        node = self._local_file(file_name)
        if node is None:
            return {"error": f"sort: {file_name}: No such file or directory"}
        return {"sorted_content": "\n".join(sorted(node.content.splitlines()))}

    def grep(self, file_name: str, pattern: str) -> dict[str, Any]:
        node = self._local_file(file_name)
        if node is None:
            return {"error": f"grep: {file_name}: No such file or directory"}
        return {"matching_lines": [line for line in node.content.splitlines() if pattern in line]}

    def du(self, human_readable: bool = False) -> dict[str, str]:
        size: float = _tree_size(self._cwd)
        if not human_readable:
            return {"disk_usage": f"{size} bytes"}
        for unit in ("B", "KB", "MB", "GB", "TB"):
            if size < 1024:
                return {"disk_usage": f"{size:.2f} {unit}"}
            size /= 1024
        return {"disk_usage": f"{size:.2f} PB"}

    def tail(self, file_name: str, lines: int = 10) -> dict[str, str]:
        node = self._local_file(file_name)
        if node is None:
            return {"error": f"tail: {file_name}: No such file or directory"}
        all_lines = node.content.splitlines()
        count = min(lines, len(all_lines))
        return {"last_lines": "\n".join(all_lines[-count:])}

    def diff(self, file_name1: str, file_name2: str) -> dict[str, str]:
        first, second = self._local_file(file_name1), self._local_file(file_name2)
        if first is None or second is None:
            return {"error": f"diff: {file_name1} or {file_name2}: No such file or directory"}
        changed = [
            f"- {old}\n+ {new}"
            for old, new in zip(first.content.splitlines(), second.content.splitlines(), strict=False)
            if old != new
        ]
        return {"diff_lines": "\n".join(changed)}

    def mv(self, source: str, destination: str) -> dict[str, str]:
        return self._transfer("mv", source, destination)

    def cp(self, source: str, destination: str) -> dict[str, str]:
        return self._transfer("cp", source, destination)

    def _transfer(self, verb: str, source: str, destination: str) -> dict[str, str]:
        """`mv` and `cp` within the tree's limits: a transfer that would pass one is undone."""
        target = self._cwd.contents.get(destination)
        touched = [self._cwd] + ([target] if isinstance(target, Directory) else [])
        saved = [(directory, list(directory.contents.items())) for directory in touched]
        outcome = self._transfer_unchecked(verb, source, destination)
        if "error" in outcome:
            return outcome
        problem = _tree_problem(self.root)
        if problem is None:
            return outcome
        for directory, items in saved:  # in place: children mappings may be shared
            directory.contents.clear()
            directory.contents.update(items)
        label = "move" if verb == "mv" else "copy"
        return {"error": f"{verb}: cannot {label} '{source}' to '{destination}': {problem}"}

    def _transfer_unchecked(self, verb: str, source: str, destination: str) -> dict[str, str]:
        """`mv` and `cp`: into an existing directory, or to a new name in the cwd."""
        moving = verb == "mv"
        label = "move" if moving else "copy"
        done = "moved" if moving else "copied"
        item = self._cwd.contents.get(source)
        if item is None:
            return {"error": f"{verb}: cannot {label} '{source}': No such file or directory"}
        if "/" in destination:
            return {
                "error": f"{verb}: path not allowed in destination. Provide only a file or directory name."
            }
        target = self._cwd.contents.get(destination)
        if target is not None:
            if not isinstance(target, Directory):
                return {"error": f"{verb}: cannot {label} '{source}' to '{destination}': Not a directory"}
            if target is item:  # bfcl-eval would build a cycle here; GNU tools refuse, and so do we
                return {"error": f"{verb}: cannot {label} '{source}' into itself, '{destination}/{source}'"}
            if moving and source in target.contents:
                return {"error": f"mv: cannot move '{source}' to '{destination}/{source}': File exists"}
            if moving:
                self._cwd.contents.pop(source)
            self._place(item, target, source, share_children=moving)
            return {"result": f"'{source}' {done} to '{destination}/{source}'"}
        if moving:
            self._cwd.contents.pop(source)
        self._place(item, self._cwd, destination, share_children=moving)
        return {"result": f"'{source}' {done} to '{destination}'"}

    @staticmethod
    def _place(item: File | Directory, parent: Directory, name: str, *, share_children: bool) -> None:
        """Add a copy of `item` named `name` under `parent`.

        As in bfcl-eval, a moved directory keeps the very same children mapping and a copied one
        gets a shallow copy of it, so children objects (and their parent links) are shared.
        """
        if isinstance(item, File):
            parent.add_file(name, item.content)
        else:
            created = parent.add_directory(name)
            created.contents = item.contents if share_children else dict(item.contents)

    def rm(self, file_name: str) -> dict[str, str]:
        if file_name not in self._cwd.contents:
            return {"error": f"rm: cannot remove '{file_name}': No such file or directory"}
        self._cwd.contents.pop(file_name)
        return {"result": f"'{file_name}' removed"}

    def rmdir(self, dir_name: str) -> dict[str, str]:
        node = self._cwd.contents.get(dir_name)
        if node is None:
            return {"error": f"rmdir: cannot remove '{dir_name}': No such file or directory"}
        if not isinstance(node, Directory):
            return {"error": f"rmdir: cannot remove '{dir_name}': Not a directory"}
        if node.contents:
            return {"error": f"rmdir: cannot remove '{dir_name}': Directory not empty"}
        self._cwd.contents.pop(dir_name)
        return {"result": f"'{dir_name}' removed"}
