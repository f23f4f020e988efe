#!/usr/bin/env python3
"""Validate eval/questions.jsonl against the corpus (standard library only).

Checks:
  * every line is a JSON object with exactly the required keys and value types;
  * ids are unique and look like "q001"; question texts are unique;
  * lang / type are from the allowed sets, and the question text matches its lang;
  * every gold quote is 8-40 characters, single-line, free of whitespace and an
    exact substring of the raw text of /work/main/corpus/<file>;
  * every must_contain string (whitespace removed) occurs in the
    whitespace-stripped text of at least one gold file, and in the reference answer;
  * unanswerable questions have empty must_contain / gold / notice; the others
    have 1-3 must_contain strings, at least one gold entry, a known notice title,
    and at least one gold quote taken from the file that holds that notice;
  * comparison / ambiguous questions list at least two gold entries;
  * coverage requirements (totals, per type, per language, per notice) -- only for
    the default file eval/questions.jsonl; other files on the sample corpus (e.g. a
    frozen split such as eval/sample_test.jsonl) get every per-line check, and their
    ids may use any lowercase letter prefix ("s001").

With --corpus DIR naming another corpus than the sample (/work/main/corpus), the
sample-specific checks are skipped (its known notice titles, the file holding each
notice, the id prefix "q", and the coverage requirements), while every per-line check
is kept; gold files are then any *.txt of DIR, ids may use any lowercase letter prefix
("n001", "t001"), and an answerable question's notice must be non-empty and occur
(whitespace removed) in the text of one of its gold files.

Prints a summary and exits non-zero on any error.
Usage: python3 eval/check_questions.py [--corpus DIR] [path/to/questions.jsonl]
"""
import argparse
import json
import os
import re
import sys
from collections import Counter, OrderedDict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CORPUS_DIR = os.path.join(ROOT, "corpus")
DEFAULT_PATH = os.path.join(HERE, "questions.jsonl")

REQUIRED_KEYS = {"id", "question", "lang", "type", "answer", "must_contain", "gold", "notice"}
LANGS = ("zh", "en")
TYPES = ("figure", "who", "when", "what", "list", "metadata", "table_row",
         "comparison", "ambiguous", "unanswerable", "status", "citizen")

ZG = "zhangdian-gazette-2023-08-30.txt"
WR = "zhangdian-government-work-report-2023.txt"
ZC = "zichuan-2023-key-tasks-green-low-carbon.txt"
LZ = "linzi-2023-work-report-tasks-september-progress.txt"
ZB = "zibo-gazette-2023-issue-07.txt"
CORPUS_FILES = (ZG, WR, ZC, LZ, ZB)

# notice title -> file that contains it (16 notices in all)
NOTICES = OrderedDict([
    ("张店区人民政府办公室关于公布2022年度“淄博英才计划—张店英才”入选名单的通知", ZG),
    ("张店区人民政府办公室关于成立张店区配套教育设施建设领导小组的通知", ZG),
    ("张店区人民政府办公室关于印发《2023赛季Robotex世界机器人大会山东省选拔赛实施方案》的通知", ZG),
    ("张店区人民政府办公室关于印发2023年张店区政务公开工作方案的通知", ZG),
    ("张店区人民政府办公室关于印发《张店区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务》的通知", ZG),
    ("淄博市张店区人民政府房屋征收决定", ZG),
    ("张店区人民政府关于公布部分领导同志工作分工的通知", ZG),
    ("政府工作报告", WR),
    ("淄川区人民政府办公室关于印发淄川区深化新旧动能转换推动绿色低碳高质量发展2023年重点工作任务的通知", ZC),
    ("2023年《政府工作报告》重点工作9月份完成情况通报表", LZ),
    ("淄博市人民政府关于印发淄博市碳达峰工作方案的通知", ZB),
    ("淄博市人民政府办公室关于印发淄博市市级国有投资城市建设项目管理办法的通知", ZB),
    ("淄博市人民政府办公室关于印发淄博市黄河防汛职责的通知", ZB),
    ("淄博市人民政府办公室关于印发淄博市推进乡村教育振兴工作方案的通知", ZB),
    ("淄博市人民政府办公室关于印发淄博12345政务服务便民热线运行管理办法(试行)的通知", ZB),
    ("淄博市人民政府办公室关于印发2023年淄博市政务公开工作方案的通知", ZB),
])

# coverage requirements
MIN_TOTAL = 170
MIN_PER_TYPE = {"figure": 20, "who": 20, "when": 12, "what": 15, "list": 10,
                "metadata": 12, "table_row": 15, "comparison": 10,
                "ambiguous": 10, "unanswerable": 15}
MIN_EN = 25
MIN_PER_NOTICE = 3
QUOTE_MIN, QUOTE_MAX = 8, 40
MUST_MAX_LEN = 25          # "short" strings
MUST_MAX_COUNT = 3

WS_RE = re.compile(r"\s+")
CJK_RE = re.compile(r"[\u3400-\u9fff]")


def strip_ws(s):
    return WS_RE.sub("", s)


def is_sample_corpus(corpus_dir):
    return os.path.realpath(corpus_dir) == os.path.realpath(CORPUS_DIR)


def load_corpus(corpus_dir=CORPUS_DIR):
    raw, stripped = {}, {}
    if is_sample_corpus(corpus_dir):
        names = CORPUS_FILES
    else:
        names = sorted(n for n in os.listdir(corpus_dir)
                       if n.endswith(".txt") and os.path.isfile(os.path.join(corpus_dir, n)))
    for name in names:
        path = os.path.join(corpus_dir, name)
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        raw[name] = text
        stripped[name] = strip_ws(text)
    return raw, stripped


def lang_ok(question, lang):
    chars = [c for c in question if not c.isspace()]
    if not chars:
        return False
    cjk = sum(1 for c in chars if CJK_RE.match(c))
    ascii_letters = sum(1 for c in chars if c.isascii() and c.isalpha())
    if lang == "zh":
        return cjk >= 4 and cjk >= ascii_letters
    return ascii_letters >= 15 and ascii_letters > cjk


def main(path, corpus_dir=CORPUS_DIR):
    errors = []
    sample = is_sample_corpus(corpus_dir)
    # coverage requirements and the "q" id prefix apply only to the default file
    default_file = os.path.realpath(path) == os.path.realpath(DEFAULT_PATH)
    raw, stripped = load_corpus(corpus_dir)
    id_re = r"q\d{3,}" if (sample and default_file) else r"[a-z]\d{3,}"

    def err(qid, msg):
        errors.append("%s: %s" % (qid, msg))

    items = []
    with open(path, encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                err("line %d" % lineno, "blank line")
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                err("line %d" % lineno, "invalid JSON: %s" % exc)
                continue
            if not isinstance(obj, dict):
                err("line %d" % lineno, "not a JSON object")
                continue
            items.append((lineno, obj))

    ids, questions = Counter(), Counter()
    for lineno, q in items:
        qid = q.get("id", "line %d" % lineno)
        keys = set(q)
        if keys != REQUIRED_KEYS:
            missing, extra = REQUIRED_KEYS - keys, keys - REQUIRED_KEYS
            err(qid, "keys mismatch (missing %s, extra %s)" % (sorted(missing), sorted(extra)))
            continue
        for k in ("id", "question", "lang", "type", "answer", "notice"):
            if not isinstance(q[k], str):
                err(qid, "%s must be a string" % k)
        if not isinstance(q["must_contain"], list) or not all(isinstance(m, str) for m in q["must_contain"]):
            err(qid, "must_contain must be a list of strings")
            continue
        if not isinstance(q["gold"], list):
            err(qid, "gold must be a list")
            continue
        if not isinstance(q["id"], str):
            continue
        ids[q["id"]] += 1
        if not re.fullmatch(id_re, q["id"]):
            err(qid, "id should look like %s" % ("q001" if (sample and default_file) else "n001"))
        if not q["question"].strip():
            err(qid, "empty question")
        if not q["answer"].strip():
            err(qid, "empty answer")
        questions[strip_ws(q["question"])] += 1
        if q["lang"] not in LANGS:
            err(qid, "bad lang %r" % q["lang"])
        elif not lang_ok(q["question"], q["lang"]):
            err(qid, "question text does not look like lang=%s" % q["lang"])
        if q["type"] not in TYPES:
            err(qid, "bad type %r" % q["type"])

        gold_files = []
        for g in q["gold"]:
            if not isinstance(g, dict) or set(g) != {"file", "quote"}:
                err(qid, "gold entry must be {file, quote}: %r" % (g,))
                continue
            f, quote = g["file"], g["quote"]
            if f not in raw:
                err(qid, "unknown gold file %r" % f)
                continue
            gold_files.append(f)
            if not isinstance(quote, str):
                err(qid, "quote must be a string")
                continue
            if not (QUOTE_MIN <= len(quote) <= QUOTE_MAX):
                err(qid, "quote length %d outside %d-%d: %r" % (len(quote), QUOTE_MIN, QUOTE_MAX, quote))
            if "\n" in quote or "\r" in quote:
                err(qid, "quote spans lines: %r" % quote)
            if WS_RE.search(quote):
                err(qid, "quote contains whitespace (noisy spot): %r" % quote)
            if quote not in raw[f]:
                err(qid, "quote not found verbatim in %s: %r" % (f, quote))

        must = q["must_contain"]
        if q["type"] == "unanswerable":
            if must:
                err(qid, "unanswerable must have empty must_contain")
            if q["gold"]:
                err(qid, "unanswerable must have empty gold")
            if q["notice"] != "":
                err(qid, "unanswerable must have empty notice")
            continue

        if not (1 <= len(must) <= MUST_MAX_COUNT):
            err(qid, "must_contain needs 1-%d strings, got %d" % (MUST_MAX_COUNT, len(must)))
        if not q["gold"]:
            err(qid, "gold is empty")
        if q["type"] in ("comparison", "ambiguous") and len(q["gold"]) < 2:
            err(qid, "%s needs one gold entry per source (>=2)" % q["type"])
        answer_s = strip_ws(q["answer"])
        for m in must:
            ms = strip_ws(m)
            if not ms:
                err(qid, "empty must_contain string")
                continue
            if len(ms) > MUST_MAX_LEN:
                err(qid, "must_contain string too long (%d): %r" % (len(ms), m))
            if not any(ms in stripped[f] for f in set(gold_files)):
                err(qid, "must_contain %r not found in any gold file" % m)
            if ms not in answer_s:
                err(qid, "must_contain %r not stated in the reference answer" % m)
        if not sample:
            notice_s = strip_ws(q["notice"]) if isinstance(q["notice"], str) else ""
            if not notice_s:
                err(qid, "answerable question needs a notice (the document's headline)")
            elif not any(notice_s in stripped[f] for f in set(gold_files)):
                err(qid, "notice not found in any gold file: %r" % q["notice"])
        elif q["notice"] not in NOTICES:
            err(qid, "unknown notice title %r" % q["notice"])
        elif NOTICES[q["notice"]] not in gold_files:
            err(qid, "no gold quote from %s, the file holding the cited notice" % NOTICES[q["notice"]])

    for i, n in ids.items():
        if n > 1:
            err(i, "duplicate id (%d times)" % n)
    for t, n in questions.items():
        if n > 1:
            err("question", "duplicate question text (%d times): %s" % (n, t))

    # ---- coverage --------------------------------------------------------
    qs = [q for _, q in items if isinstance(q, dict) and set(q) == REQUIRED_KEYS]
    by_type = Counter(q["type"] for q in qs)
    by_lang = Counter(q["lang"] for q in qs)
    by_type_lang = Counter((q["type"], q["lang"]) for q in qs)
    by_notice = Counter(q["notice"] for q in qs if q["notice"])
    gold_by_file = Counter(g["file"] for q in qs for g in q["gold"] if isinstance(g, dict) and "file" in g)

    if not sample:
        return summary_other(path, corpus_dir, qs, by_type, by_lang, by_type_lang, gold_by_file, errors)

    if default_file:
        if len(qs) < MIN_TOTAL:
            err("coverage", "only %d questions (< %d)" % (len(qs), MIN_TOTAL))
        for t, n in MIN_PER_TYPE.items():
            if by_type[t] < n:
                err("coverage", "type %s has %d questions (< %d)" % (t, by_type[t], n))
        if by_lang["en"] < MIN_EN:
            err("coverage", "only %d English questions (< %d)" % (by_lang["en"], MIN_EN))
        for title in NOTICES:
            if by_notice[title] < MIN_PER_NOTICE:
                err("coverage", "notice has %d questions (< %d): %s" % (by_notice[title], MIN_PER_NOTICE, title))

    # ---- summary ---------------------------------------------------------
    print("questions: %d (file: %s)" % (len(qs), os.path.relpath(path, ROOT)))
    print_counts(by_type, by_lang, by_type_lang)
    print("\nper notice:")
    for title in NOTICES:
        print("  %4d  %s" % (by_notice[title], title))
    print("  %4d  (unanswerable, no notice)" % by_type["unanswerable"])
    print("\ngold quotes per file:")
    for f in CORPUS_FILES:
        print("  %4d  %s" % (gold_by_file[f], f))

    return report_errors(errors)


def print_counts(by_type, by_lang, by_type_lang):
    print("\nper type (total / zh / en):")
    for t in TYPES:
        print("  %-13s %4d  %4d  %4d" % (t, by_type[t], by_type_lang[(t, "zh")], by_type_lang[(t, "en")]))
    print("\nper language:")
    for l in LANGS:
        print("  %-3s %4d" % (l, by_lang[l]))


def report_errors(errors):
    """Print the errors (if any); the exit status."""
    if errors:
        print("\nERRORS (%d):" % len(errors))
        for e in errors:
            print("  " + e)
        return 1
    print("\nOK: 0 errors")
    return 0


def summary_other(path, corpus_dir, qs, by_type, by_lang, by_type_lang, gold_by_file, errors):
    """Summary for a corpus other than the sample (no coverage requirements)."""
    print("questions: %d (file: %s, corpus: %s)" % (len(qs), path, corpus_dir))
    print_counts(by_type, by_lang, by_type_lang)
    docs = set(gold_by_file)
    print("\ndistinct gold documents: %d" % len(docs))
    print("answerable questions: %d, unanswerable: %d"
          % (len(qs) - by_type["unanswerable"], by_type["unanswerable"]))
    return report_errors(errors)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description="Validate an eval questions file against a corpus.")
    ap.add_argument("path", nargs="?", default=DEFAULT_PATH, help="questions .jsonl file")
    ap.add_argument("--corpus", default=CORPUS_DIR,
                    help="corpus directory (default: %(default)s, the sample corpus)")
    args = ap.parse_args()
    if not os.path.isdir(args.corpus):
        ap.error("corpus directory not found: %s" % args.corpus)
    sys.exit(main(args.path, args.corpus))
