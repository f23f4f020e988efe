"""Every question file eval/run.py scores is valid against its corpus (eval/check_questions.py: gold quotes are
exact substrings of the named file, expected phrases occur in the gold text and the reference answer, ids and
types are well formed), so a score never rests on a question whose gold answer is not in the documents."""
from __future__ import annotations

import subprocess
import sys

import pytest

from eval.run import QUESTION_SETS
from conftest import ROOT

FILES = [(corpus, name) for _, corpus, dev, test in QUESTION_SETS for name in dev + test]


@pytest.mark.parametrize("corpus,name", FILES, ids=[name for _, name in FILES])
def test_question_file_is_valid_against_its_corpus(corpus, name):
    if not corpus.is_dir():
        pytest.fail(f"the corpus {corpus} is missing (../shared must sit beside the repository)")
    run = subprocess.run([sys.executable, str(ROOT / "eval" / "check_questions.py"), "--corpus", str(corpus),
                          str(ROOT / "eval" / name)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
