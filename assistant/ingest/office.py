"""Legacy word-processor files (.doc, WPS .wps, .rtf, .odt) converted to .docx by LibreOffice headless, then
read like any .docx: no maintained pure-Python reader handles Word 97 and WPS files with Chinese text.

    docx = convert_to_docx(Path("旧通知.doc"), Path(tmp))   # → tmp/旧通知.docx, or UnreadableFileError

LibreOffice is a Debian package (`scripts/setup.sh` installs libreoffice-writer-nogui); without it these files
fail with a message saying so, and every other format still reads.
"""
from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from assistant.errors import UnreadableFileError

LEGACY_WORD_SUFFIXES = {".doc", ".wps", ".rtf", ".odt"}
CONVERT_TIMEOUT_S = 90.0  # a 100-page .doc converts in about 5 s here; a file that takes longer is not a notice


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def _allow_converter_memory() -> None:
    """LibreOffice reserves more address space than the parsing ceiling: let it use the hard limit."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (hard, hard))


def convert_to_docx(path: Path, folder: Path, timeout_s: float = CONVERT_TIMEOUT_S) -> Path:
    """`path` converted into `folder` as .docx; a fresh LibreOffice profile per call, so conversions in
    several processes never share one (a shared profile makes a second soffice exit at once)."""
    program = soffice()
    if program is None:
        raise UnreadableFileError(
            f"{path.name}：读取 {path.suffix.lower()} 文件需要 LibreOffice，本机未安装；请运行 scripts/setup.sh"
            "（apt-get install libreoffice-writer-nogui），或把文件另存为 .docx 后再添加")
    # A plain name: LibreOffice names the output after the input, and some names upset its URL handling.
    source = folder / f"source{path.suffix.lower()}"
    shutil.copyfile(path, source)
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=folder))
    command = [program, "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.as_uri()}",
               "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(folder), str(source)]
    # Its own process group: soffice starts soffice.bin, and a timeout must stop both.
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               preexec_fn=_allow_converter_memory, env={**os.environ, "HOME": str(profile)},
                               start_new_session=True)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired as exc:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        raise UnreadableFileError(
            f"{path.name}：转换超时（LibreOffice 超过 {timeout_s:g} 秒），未入库；文件可能损坏或过大") from exc
    target = folder / "source.docx"
    if not target.exists() or target.stat().st_size == 0:
        raise UnreadableFileError(
            f"{path.name}：LibreOffice 无法读取该文件（已损坏，或不是真正的 {path.suffix.lower()} 文件；damaged）")
    return target
