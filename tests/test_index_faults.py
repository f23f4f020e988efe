"""The index on disk under faults: crash leftovers at every step of a write, damaged files, a full disk.

These write real index versions (SQLite, numpy, FAISS, BM25) from small made-up data: no model needed."""
from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import IndexCorruptError, IndexWriteError
from assistant.stores.local import POINTER, FileRecord, IndexData, current_version, open_index, write_index
from assistant.models import Chunk, Notice

FIX = "python ingest.py --rebuild"


def make_data(n_chunks: int, dim: int = 16, seed: int = 0, text_chars: int = 40) -> IndexData:
    rng = np.random.default_rng(seed)
    notice = Notice(title=f"桓台县关于第{seed}批工作的通知", id=f"n{seed}", file=f"f{seed}.txt", jurisdiction="桓台县")
    chunks = [Chunk(id=f"n{seed}#{i}", notice_id=notice.id, notice_title=notice.title, clause_path=[f"{i}."],
                    text=f"第{i}项任务：完成绿化{i}处。" + "字" * text_chars, index_text=f"绿化 任务 {i} 处 桓台县",
                    file=notice.file, line_start=i, line_end=i) for i in range(n_chunks)]
    vectors = rng.normal(size=(n_chunks, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return IndexData("test-model", dim, [FileRecord(notice.file, "0" * 64, 1, "indexed")], [notice], chunks,
                     vectors, ["桓台县"])


def chunk_ids(root: Path) -> list[str]:
    return [c.id for c in open_index(root).chunks]


def test_a_crash_at_any_step_of_a_write_leaves_the_last_complete_version_live(tmp_path):
    root = tmp_path / "index"
    live = write_index(root, make_data(5, seed=1))
    before = chunk_ids(root)
    spare = write_index(tmp_path / "other", make_data(7, seed=2))  # a complete second version to copy from
    # 1. killed while writing files: a half-written build folder
    partial = root / ".building-crashed"
    shutil.copytree(spare, partial)
    (partial / "vectors.npy").write_bytes((partial / "vectors.npy").read_bytes()[:50])
    assert chunk_ids(root) == before
    # 2. killed after the build was renamed, before CURRENT moved
    shutil.copytree(spare, root / "v-99999999-renamed")
    assert chunk_ids(root) == before
    # 3. killed after the new pointer was written beside CURRENT, before it replaced it
    (root / f".{POINTER}.tmp").write_text("v-99999999-renamed")
    assert chunk_ids(root) == before and current_version(root) == live
    # 4. killed after CURRENT moved, before old versions were removed: the new version is live
    (root / POINTER).write_text("v-99999999-renamed")
    assert len(chunk_ids(root)) == 7
    # The next complete write removes every leftover.
    final = write_index(root, make_data(3, seed=3))
    assert sorted(p.name for p in root.iterdir() if p.name != ".lock") == sorted([POINTER, final.name])
    assert len(chunk_ids(root)) == 3


def test_past_the_exact_limit_the_dense_index_is_hnsw_and_finds_the_same_neighbours(tmp_path):
    import faiss

    data = make_data(400, dim=32)
    root = tmp_path / "index"
    write_index(root, data, exact_limit=100)
    index = open_index(root)
    assert isinstance(index.dense, faiss.IndexHNSWFlat)
    found = [row for q in data.vectors[:20] for row, _ in index.search_dense(q, 10)[:1]]
    assert found == list(range(20))  # each vector's nearest neighbour is itself
    write_index(root, data)  # under the default limit: exact
    assert isinstance(open_index(root).dense, faiss.IndexFlatIP)


def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: max(1, path.stat().st_size // 3)])


def _flip_a_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[-5] ^= 0xFF  # same size, different content: only the checksum can tell
    path.write_bytes(bytes(data))


DAMAGE = {
    "store truncated": lambda v: _truncate(v / "store.sqlite"),
    "vectors truncated": lambda v: _truncate(v / "vectors.npy"),
    "vectors bit flip": lambda v: _flip_a_byte(v / "vectors.npy"),
    "faiss truncated": lambda v: _truncate(v / "dense.faiss"),
    "faiss emptied": lambda v: (v / "dense.faiss").write_bytes(b""),
    "bm25 file missing": lambda v: next(p for p in sorted((v / "bm25").iterdir()) if p.is_file()).unlink(),
    "bm25 file garbage": lambda v: next(p for p in sorted((v / "bm25").iterdir()) if p.is_file()).write_bytes(b"\x00" * 10),
    "manifest garbage": lambda v: (v / "manifest.json").write_bytes(b"\xff\xfe{not json"),
    "user dictionary changed": lambda v: (v / "userdict.txt").write_text("别的词"),
    "version folder deleted": lambda v: shutil.rmtree(v),
    "pointer garbage": lambda v: (v.parent / POINTER).write_bytes(b"\x89PNG\r\n\x1a\n\x00"),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_index_is_refused_with_the_command_that_fixes_it(tmp_path, damage):
    root = tmp_path / "index"
    version = write_index(root, make_data(6))
    DAMAGE[damage](version)
    with pytest.raises(IndexCorruptError) as caught:
        open_index(root)
    assert FIX in str(caught.value) and str(root) in str(caught.value)


def _can_mount_tmpfs(target: Path) -> bool:
    target.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(target)], capture_output=True)
    return done.returncode == 0


def test_a_full_disk_fails_the_write_cleanly_and_keeps_the_old_index(tmp_path):
    """A real 1 MB tmpfs: the first index fits, the second does not (ENOSPC from the kernel)."""
    mount_point = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    if not _can_mount_tmpfs(mount_point):
        pytest.skip("mounting a tmpfs needs root with CAP_SYS_ADMIN; test_index_and_ingest covers a file-size limit")
    try:
        root = mount_point / "index"
        write_index(root, make_data(5, seed=1))
        before = chunk_ids(root)
        with pytest.raises(IndexWriteError, match="previous index is unchanged"):
            write_index(root, make_data(3000, dim=64, seed=2, text_chars=200))
        assert chunk_ids(root) == before
        assert not any(p.name.startswith(".building-") for p in root.iterdir())
        # Once there is room again, writing works.
        write_index(root, make_data(4, seed=3))
        assert len(chunk_ids(root)) == 4
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], capture_output=True)


WRITE_UNDER_LIMIT = """
import sys
sys.path[:0] = [{root!r}, {tests!r}]
from test_index_faults import make_data
from assistant.errors import IndexWriteError
from assistant.stores.local import write_index
try:
    write_index(__import__("pathlib").Path({index!r}), make_data(3000, dim=64, seed=2, text_chars=200))
except IndexWriteError as exc:
    print(exc)
    sys.exit(1)
"""


def test_a_file_size_limit_fails_the_write_cleanly_and_keeps_the_old_index(tmp_path):
    """The kernel refuses writes past RLIMIT_FSIZE (EFBIG), as it refuses them on a full disk (ENOSPC)."""
    import resource
    import signal
    import sys

    root = tmp_path / "index"
    write_index(root, make_data(5, seed=1))
    before = chunk_ids(root)
    here = Path(__file__).resolve().parent

    def limit_file_size():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get an error from write(), not a killed process
        resource.setrlimit(resource.RLIMIT_FSIZE, (256 * 1024, 256 * 1024))

    done = subprocess.run([sys.executable, "-c", WRITE_UNDER_LIMIT.format(root=str(here.parent), tests=str(here),
                                                                           index=str(root))],
                          capture_output=True, text=True, preexec_fn=limit_file_size, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "previous index is unchanged" in done.stdout and "Traceback" not in done.stderr
    assert chunk_ids(root) == before
    assert not any(p.name.startswith(".building-") for p in root.iterdir())
