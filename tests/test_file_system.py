"""The file-system domain: every tool's success and failure results, and its BFCL quirks."""

from __future__ import annotations

import json

import pytest

from funreason_envs.domains.file_system import LONG_CONTEXT_EXTRA_FILES, LONG_CONTEXT_PADDING, FileSystem
from tests.support.session_checks import Transcript
from tests.support.session_checks import results as run


@pytest.fixture
def fs(fs_config):
    return FileSystem(fs_config)


def test_navigation_and_pwd(fs):
    Transcript(fs).expect(r"""
        pwd() -> {"current_working_directory": "/workspace"}
        cd(folder='document/') -> {"current_working_directory": "document"}
        pwd() -> {"current_working_directory": "/workspace/document"}
        cd(folder='..') -> {}
        cd(folder='..') -> {"error": "Current directory is already the root. Cannot go back."}
        cd(folder='a/b') -> {"error": "cd: a/b: Unsupported path. Only one folder level at a time is supported."}
        cd(folder='missing') -> {"error": "cd: 'missing': No such file or directory"}
        """)  # noqa: E501


def test_ls_hides_dot_files_unless_asked(fs):
    assert json.loads(run(fs, "ls()")[0])["current_directory_content"] == ["document", "archive", "log.txt"]
    assert ".hidden" in json.loads(run(fs, "ls(a=True)")[0])["current_directory_content"]


def test_create_and_refuse_bad_names(fs):
    Transcript(fs).expect(r"""
        mkdir(dir_name='new') -> None
        mkdir(dir_name='new') -> {"error": "mkdir: cannot create directory 'new': File exists"}
        mkdir(dir_name='a*b') -> {"error": "mkdir: cannot create directory 'a*b': Invalid character"}
        touch(file_name='x.txt') -> None
        touch(file_name='x.txt') -> {"error": "touch: cannot touch 'x.txt': File exists"}
        touch(file_name='a/b') -> {"error": "touch: cannot touch 'a/b': Invalid character"}
        """)


def test_echo_writes_prints_and_fails(fs):
    Transcript(fs).expect(r"""
        echo(content='hi') -> {"terminal_output": "hi"}
        echo(content='hi', file_name='log.txt') -> None
        cat(file_name='log.txt') -> {"file_content": "hi"}
        echo(content='hi', file_name='nope.txt') -> {"error": "echo: cannot write to 'nope.txt': No such file"}
        echo(content='hi', file_name='a|b') -> {"error": "echo: cannot write to 'a|b': Invalid character"}
        echo(content='hi', file_name='archive') -> {"error": "echo: cannot write to 'archive': Is a directory"}
        """)  # noqa: E501


def test_cat_failures(fs):
    Transcript(fs).expect(r"""
        cat(file_name='archive') -> {"error": "cat: 'archive': Is a directory"}
        cat(file_name='nope') -> {"error": "cat: 'nope': No such file or directory"}
        cat(file_name='a?') -> {"error": "cat: 'a?': Invalid character"}
        """)


def test_find(fs):
    matches = json.loads(run(fs, "find(name='report')")[0])["matches"]
    assert matches == ["./document/report.txt"]
    everything = json.loads(run(fs, "find(path='/')")[0])["matches"]
    assert "/document/notes.md" in everything
    assert run(fs, "find(path='zzz')") == ['{"error": "find: \'zzz\': No such file or directory"}']


def test_text_tools_and_their_failures(fs):
    run(fs, "cd(folder='document')")
    Transcript(fs).expect(r"""
        wc(file_name='notes.md', mode='w') -> {"count": 3, "type": "words"}
        wc(file_name='report.txt') -> {"count": 3, "type": "lines"}
        wc(file_name='notes.md', mode='c') -> {"count": 13, "type": "characters"}
        wc(file_name='notes.md', mode='x') -> {"error": "wc: invalid mode 'x'"}
        wc(file_name='nope') -> {"error": "wc: nope: No such file or directory"}
        sort('report.txt') -> {"sorted_content": "alpha line\nbeta line\ngamma budget"}
        sort(file_name='nope') -> {"error": "sort: nope: No such file or directory"}
        grep(file_name='report.txt', pattern='line') -> {"matching_lines": ["beta line", "alpha line"]}
        grep(file_name='nope', pattern='x') -> {"error": "grep: nope: No such file or directory"}
        tail(file_name='report.txt', lines=1) -> {"last_lines": "gamma budget"}
        tail(file_name='nope') -> {"error": "tail: nope: No such file or directory"}
        diff(file_name1='report.txt', file_name2='notes.md') -> {"diff_lines": "- beta line\n+ one two three"}
        diff(file_name1='report.txt', file_name2='nope') -> {"error": "diff: report.txt or nope: No such file or directory"}
        """)  # noqa: E501


def test_tail_zero_lines_returns_everything_as_bfcl_does(fs):
    assert run(fs, "tail(file_name='log.txt', lines=0)") == ['{"last_lines": "a\\nb\\nc\\nd"}']


def test_du(fs):
    Transcript(fs).expect(r"""
        du() -> {"disk_usage": "59 bytes"}
        du(human_readable=True) -> {"disk_usage": "59.00 B"}
        """)


def test_mv_and_its_failures(fs):
    Transcript(fs).expect(r"""
        mv(source='log.txt', destination='archive') -> {"result": "'log.txt' moved to 'archive/log.txt'"}
        mv(source='log.txt', destination='archive') -> {"error": "mv: cannot move 'log.txt': No such file or directory"}
        mv(source='document', destination='a/b') -> {"error": "mv: path not allowed in destination. Provide only a file or directory name."}
        mv(source='document', destination='.hidden') -> {"error": "mv: cannot move 'document' to '.hidden': Not a directory"}
        mv(source='document', destination='docs') -> {"result": "'document' moved to 'docs'"}
        """)  # noqa: E501
    run(fs, "touch(file_name='log.txt')")
    assert run(fs, "mv(source='log.txt', destination='archive')") == [
        "{\"error\": \"mv: cannot move 'log.txt' to 'archive/log.txt': File exists\"}"
    ]


def test_cp_and_its_failures(fs):
    Transcript(fs).expect(r"""
        cp(source='log.txt', destination='archive') -> {"result": "'log.txt' copied to 'archive/log.txt'"}
        # BFCL raises here (its existence check looks up 'archive/log.txt'); the message is kept.
        cp(source='log.txt', destination='archive') -> Error during execution: File 'log.txt' already exists in directory 'archive'.
        cp(source='nope', destination='x') -> {"error": "cp: cannot copy 'nope': No such file or directory"}
        cp(source='log.txt', destination='.hidden') -> {"error": "cp: cannot copy 'log.txt' to '.hidden': Not a directory"}
        cp(source='log.txt', destination='x/y') -> {"error": "cp: path not allowed in destination. Provide only a file or directory name."}
        cp(source='log.txt', destination='copy.txt') -> {"result": "'log.txt' copied to 'copy.txt'"}
        """)  # noqa: E501


def test_copied_directory_shares_children_like_bfcl(fs):
    run(
        fs,
        "[cp(source='document', destination='twin'), cd(folder='twin'),"
        " echo(content='new', file_name='notes.md')]",
    )
    run(fs, "[cd(folder='..'), cd(folder='document')]")
    assert run(fs, "cat(file_name='notes.md')") == ['{"file_content": "new"}']


def test_rm_and_rmdir(fs):
    Transcript(fs).expect(r"""
        rmdir(dir_name='document') -> {"error": "rmdir: cannot remove 'document': Directory not empty"}
        rmdir(dir_name='log.txt') -> {"error": "rmdir: cannot remove 'log.txt': Not a directory"}
        rmdir(dir_name='nope') -> {"error": "rmdir: cannot remove 'nope': No such file or directory"}
        rmdir(dir_name='archive') -> {"result": "'archive' removed"}
        rm(file_name='document') -> {"result": "'document' removed"}
        rm(file_name='document') -> {"error": "rm: cannot remove 'document': No such file or directory"}
        """)


def test_state_dict_round_trips_and_hides_the_cwd(fs, fs_config):
    run(fs, "[cd(folder='document'), touch(file_name='new.txt')]")
    state = fs.state_dict()
    assert set(state) == {"root", "long_context"}
    assert "new.txt" in state["root"]["workspace"]["contents"]["document"]["contents"]
    assert FileSystem(state).state_dict() == state


def test_default_state_is_an_empty_root():
    fs = FileSystem()
    assert fs.state_dict() == {"root": {"/": {"type": "directory", "contents": {}}}, "long_context": False}
    assert run(fs, "pwd()") == ['{"current_working_directory": "//"}']


def test_long_context_pads_files_and_fills_leaf_folders(fs_config):
    fs = FileSystem(fs_config, long_context=True)
    document = fs.state_dict()["root"]["workspace"]["contents"]["document"]["contents"]
    assert document["notes.md"]["content"] == "one two three" + LONG_CONTEXT_PADDING
    assert (
        document["report.txt"]["content"] == "beta line\nalpha line\ngamma budget"
    )  # BFCL leaves it unpadded
    assert set(LONG_CONTEXT_EXTRA_FILES) <= set(document)
    assert len(LONG_CONTEXT_PADDING) == 3251 and len(LONG_CONTEXT_EXTRA_FILES) == 30


def test_copying_or_moving_a_folder_into_itself_is_refused(fs):
    before = fs.state_dict()
    Transcript(fs).expect(r"""
        cp(source='archive', destination='archive') -> {"error": "cp: cannot copy 'archive' into itself, 'archive/archive'"}
        mv(source='archive', destination='archive') -> {"error": "mv: cannot move 'archive' into itself, 'archive/archive'"}
        """)  # noqa: E501
    assert fs.state_dict() == before
