"""MinHash fingerprints: similar texts agree, unrelated ones do not, and keys are stable."""

from __future__ import annotations

import itertools
import random

import numpy as np
import pytest

from helpers import PTC, SEED
from scrutiny.corpus.fingerprint import (
    BANDS,
    MIN_PASSAGE_WORDS,
    NUM_PERM,
    band_keys,
    fingerprint,
    from_bytes,
    passages,
    similarity,
    to_bytes,
)

ARTICLES = sorted((PTC / "train-articles").glob("article*.txt"))[:40]


def _seed() -> str:
    return SEED.read_text(encoding="utf-8")


def test_identical_texts_have_identical_signatures_and_keys() -> None:
    a, b = fingerprint(_seed()), fingerprint(_seed())
    assert a.shingles is not None and b.shingles is not None
    assert similarity(a.shingles, b.shingles) == 1.0
    assert band_keys(a.shingles) == band_keys(b.shingles)
    assert len(band_keys(a.shingles)) == BANDS


def test_case_and_typography_do_not_change_a_copy() -> None:
    text = _seed()
    variant = text.upper().replace("  ", " ")
    a, b = fingerprint(text), fingerprint(variant)
    assert a.shingles is not None and b.shingles is not None
    assert similarity(a.shingles, b.shingles) == 1.0


def test_light_edit_stays_near_and_shares_a_band() -> None:
    text = _seed()
    edited = text.replace("Atambayev", "Atambaev").replace("Kyrgyzstan", "Kirgizia")
    a, b = fingerprint(text), fingerprint(edited)
    assert a.shingles is not None and b.shingles is not None
    assert 0.7 < similarity(a.shingles, b.shingles) < 1.0
    assert set(band_keys(a.shingles)) & set(band_keys(b.shingles))


def test_shuffled_sentences_keep_words_but_lose_shingles() -> None:
    # A re-worded version keeps the vocabulary; the word signature is what recognises it.
    text = _seed()
    words = text.split()
    rng = random.Random(7)
    chunks = [words[i : i + 3] for i in range(0, len(words), 3)]
    rng.shuffle(chunks)
    shuffled = " ".join(w for chunk in chunks for w in chunk)
    a, b = fingerprint(text), fingerprint(shuffled)
    assert a.shingles is not None and b.shingles is not None
    assert a.words is not None and b.words is not None
    assert similarity(a.words, b.words) > 0.9
    assert similarity(a.shingles, b.shingles) < 0.3


def test_unrelated_news_articles_are_far_apart() -> None:
    prints = [fingerprint(p.read_text(encoding="utf-8")) for p in ARTICLES]
    worst = max(
        similarity(a.shingles, b.shingles)
        for a, b in itertools.combinations(prints, 2)
        if a.shingles is not None and b.shingles is not None
    )
    assert worst < 0.3


def test_estimate_tracks_true_jaccard() -> None:
    # Two texts built from a shared and a private vocabulary of single words with known overlap.
    shared = [f"shared{i}" for i in range(300)]
    a = " ".join(shared + [f"left{i}" for i in range(100)])
    b = " ".join(shared + [f"right{i}" for i in range(100)])
    fa, fb = fingerprint(a), fingerprint(b)
    assert fa.words is not None and fb.words is not None
    assert similarity(fa.words, fb.words) == pytest.approx(300 / 500, abs=0.12)


@pytest.mark.parametrize("text", ["", "   \n\n", "!!! ??? ...", "\u202e\u200f", "😀 😀"])
def test_texts_without_words_have_no_signature(text: str) -> None:
    found = fingerprint(text)
    assert found.shingles is None and found.words is None
    assert passages(text) == []


def test_short_text_still_gets_a_shingle_signature() -> None:
    found = fingerprint("Arrested")
    assert found.shingles is not None and found.words is not None


def test_passages_are_long_paragraphs_with_exact_offsets() -> None:
    text = _seed()
    found = passages(text)
    assert found
    for p in found:
        piece = text[p.start : p.end]
        assert piece == piece.strip()
        assert len(piece.split()) >= MIN_PASSAGE_WORDS
    assert [p.start for p in found] == sorted(p.start for p in found)


def test_hard_wrapped_paragraph_is_one_passage() -> None:
    sentence = "The committee met on Tuesday and decided to postpone the vote on the budget "
    wrapped = (sentence * 3).strip() + "."
    lines = [wrapped[i : i + 60] for i in range(0, len(wrapped), 60)]
    text = "Title\n\n" + "\n".join(lines) + "\n\nShort closing line."
    found = passages(text)
    assert len(found) == 1
    assert text[found[0].start : found[0].end].endswith("budget.")


def test_reused_paragraph_is_recognised_in_another_document() -> None:
    paragraph = max(_seed().split("\n"), key=len)
    other = ARTICLES[0].read_text(encoding="utf-8")
    host = other + "\n" + paragraph + "\n"
    ours = {tuple(p.signature) for p in passages(_seed())}
    matches = [p for p in passages(host) if tuple(p.signature) in ours]
    assert len(matches) == 1
    assert host[matches[0].start : matches[0].end] == paragraph.strip()


def test_signature_bytes_round_trip_and_reject_bad_length() -> None:
    sig = fingerprint(_seed()).shingles
    assert sig is not None
    assert np.array_equal(from_bytes(to_bytes(sig)), sig)
    assert len(to_bytes(sig)) == NUM_PERM * 4
    with pytest.raises(ValueError, match="bytes"):
        from_bytes(b"\x00" * 10)


def test_huge_single_word_text_is_bounded() -> None:
    found = fingerprint("spam " * 200_000)
    assert found.shingles is not None
