"""Rebuild the shipped technique model: ``python -m scrutiny.analyzers.techniques.train``.

Trains :class:`~.model.TechniqueModel` on every labelled PTC article and writes the artifact
(``model/techniques.npz`` and ``model/meta.json``) with what is needed to trust it later: the
sha256 of the training files, the seed, both configurations and, with ``--cv``, the 5-fold
cross-validation scores of the very same training recipe. Training is deterministic (fixed seeds
and solvers, articles sorted by id, fixed zip timestamps), so the same data gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scrutiny.analyzers.techniques.model import MODEL_DIR, TechniqueModel

DEFAULT_DATA = Path("../shared/data")


def corpus_root(data: Path) -> Path:
    """The PTC directory under ``data`` (``data/ptc``), or ``data`` itself when it is one."""
    return data / "ptc" if (data / "ptc" / "train-articles").is_dir() else data


def training_files(root: Path) -> list[Path]:
    """The files training reads: articles and both label folders, sorted by relative path."""
    subdirs = ("train-articles", "train-labels-task-si", "train-labels-task-flc-tc")
    files = [p for sub in subdirs if (root / sub).is_dir() for p in (root / sub).iterdir()]
    return sorted((p for p in files if p.is_file()), key=lambda p: p.relative_to(root).as_posix())


def data_hash(root: Path) -> str:
    """sha256 over the sorted training files' relative paths and bytes."""
    digest = hashlib.sha256()
    for path in training_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _cross_validate(root: Path, k: int, report: Path | None) -> dict[str, Any]:
    """Scores of ``k``-fold CV of this recipe; the full Markdown report goes to ``report``."""
    from scrutiny.eval.cli import render_markdown
    from scrutiny.eval.cv import cross_validate
    from scrutiny.eval.ptc import load_corpus

    result = cross_validate(load_corpus(root), k=k)
    if report is not None:
        command = f"python -m scrutiny.analyzers.techniques.train --cv {k} --report {report}"
        report.write_text(render_markdown(result, command), encoding="utf-8")
    si_mean, si_std = result.mean_std(lambda f: f.si.f1)
    tc_mean, tc_std = result.mean_std(lambda f: f.tc.micro.f1)
    return {
        "k": k,
        "seed": result.seed,
        "si_f1_mean_std": [round(si_mean, 4), round(si_std, 4)],
        "tc_micro_f1_mean_std": [round(tc_mean, 4), round(tc_std, 4)],
    }


def build(
    data: Path, out: Path, *, cv_folds: int = 0, report: Path | None = None
) -> dict[str, Any]:
    """Train on the corpus under ``data``, write the artifact to ``out``; return its metadata."""
    from scrutiny.eval.ptc import load_corpus

    root = corpus_root(data)
    model = TechniqueModel.fit(load_corpus(root))
    extra: dict[str, Any] = {
        "data_sha256": data_hash(root),
        "training_files": len(training_files(root)),
    }
    if cv_folds:
        extra["cv"] = _cross_validate(root, cv_folds, report)
    model.save(out, extra)
    return {**model.meta, **extra}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="shared data directory")
    parser.add_argument("--out", type=Path, default=MODEL_DIR, help="artifact directory")
    parser.add_argument(
        "--cv", type=int, default=5, metavar="K", help="folds of the recorded CV (0: skip)"
    )
    parser.add_argument("--report", type=Path, help="write the CV report (Markdown) here")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    meta = build(args.data, args.out, cv_folds=args.cv, report=args.report)
    elapsed = time.perf_counter() - started
    print(f"wrote {args.out} ({meta['articles']} articles, {elapsed:.0f} s)", file=sys.stderr)
    if "cv" in meta:
        print(f"cv: {meta['cv']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
