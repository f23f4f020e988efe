"""The decline model: more evidence never lowers the probability of answering; signals come from the hits."""
from dataclasses import fields, replace

from assistant.answering.decline import Signals, answer_probability, signals_of
from assistant.answering.extractive import Evidence
from assistant.models import Chunk, Hit
from assistant.tuning import DEFAULT_TUNING


def chunk(text: str) -> Chunk:
    return Chunk(id="c", notice_id="n", notice_title="t", clause_path=[], text=text, index_text=text, file="f",
                 line_start=1, line_end=1)


def test_every_signal_raises_the_probability_of_answering():
    base = Signals(coverage=0.4, ask_coverage=0.4, similarity=0.8, agreement=0.0, shows_kind=0.0, length=0.2,
                   fused=0.5, sentence_similarity=0.8)
    p = answer_probability(base)
    for signal in fields(Signals):
        assert answer_probability(replace(base, **{signal.name: getattr(base, signal.name) + 0.1})) >= p
    assert answer_probability(Signals(0.9, 0.9, 0.9, 1.0, 1.0, 0.2, 1.2, 0.9)) > p


def test_an_on_topic_clause_answers_and_an_unrelated_one_does_not():
    # Ranked first by both retrievers with most words covered (fused 1 + 0.6 × coverage), against a clause
    # found far down both lists.
    strong = Signals(coverage=0.9, ask_coverage=0.9, similarity=0.88, agreement=1.0, shows_kind=1.0,
                     fused=1.5, sentence_similarity=0.9)
    weak = Signals(coverage=0.05, ask_coverage=0.05, similarity=0.70, agreement=0.0, shows_kind=0.0,
                   fused=0.3, sentence_similarity=0.72)
    assert answer_probability(strong) >= DEFAULT_TUNING.answer_threshold > answer_probability(weak)


def test_signals_read_off_hits_and_evidence():
    top = Hit(chunk("新增充电桩1775个。"), 0.05, bm25_rank=1, dense_rank=3, coverage=0.6, dense_score=0.83)
    other = Hit(chunk("加强农村公路养护。"), 0.04, bm25_rank=9, dense_rank=1, coverage=0.2, dense_score=0.86)
    evidence = [Evidence(top, ["新增充电桩1775个。"], answers_kind=True), Evidence(other, ["加强农村公路养护。"], False)]
    s = signals_of([top, other], evidence)
    assert s == Signals(coverage=0.6, ask_coverage=0.6, similarity=0.86, agreement=1.0, shows_kind=1.0,
                        fused=0.05 * 61 / 2, sentence_similarity=0.86)
    assert signals_of([top], evidence[:1], ask_coverage=1.0).ask_coverage == 1.0
    top.sentence_similarity, other.sentence_similarity = (0.91, 0.7), (0.8,)  # the closest sentence of any
    assert signals_of([top, other], evidence).sentence_similarity == 0.91
    assert signals_of([], []) == Signals(0.0, 0.0, 0.0, 0.0, 0.0)


def test_a_long_question_needs_less_similarity_to_be_answered():
    short = Signals(coverage=0.5, ask_coverage=0.5, similarity=0.80, agreement=1.0, shows_kind=0.0, length=0.1,
                    fused=1.0, sentence_similarity=0.8)
    story = replace(short, length=1.0)
    assert answer_probability(story) > answer_probability(short)
    top = Hit(chunk("新增充电桩1775个。"), 0.05, bm25_rank=1, dense_rank=1, coverage=0.6, dense_score=0.83)
    assert signals_of([top], [], n_terms=15).length == 1.0  # a resident's whole story
    assert signals_of([top], [], n_terms=1).length < 0.1
