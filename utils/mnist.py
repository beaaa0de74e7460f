"""The MNIST loader: reads (and, online, downloads) the four IDX files of any MNIST-format set.

`load_mnist("train")` returns 60,000 images as uint8 (n, 28, 28) and their labels as int64 (n,).
Files live in `data_dir()`: the folder the environment variable NN_WORKBOOK_DATA names, else
<repo>/data/mnist in a checkout of the course, else a per-user cache folder (a normal install's
package folder may be read-only). They may be gzipped (`.gz`) or not. Every file is checked
(magic number, image size, counts against the file size, labels 0-9) and a broken one raises
MnistFileError naming it.
In the grader's sandbox (grading mode, utils.grading_mode) each split is cut to its first images.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import sys
import zlib
from pathlib import Path

import numpy as np

from . import grading_mode

REPO = Path(__file__).resolve().parents[1]
DATA_ENV = "NN_WORKBOOK_DATA"  # a folder holding the four files, e.g. on a classroom's share
MIRRORS_ENV = "NN_WORKBOOK_MNIST_MIRRORS"  # mirror URLs separated by spaces or commas

# Public mirrors of the original files, tried in this order.
MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
FILES = {
    "train": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "test": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
# The checksums every mirror publishes, of the gzipped files ...
GZ_MD5 = {
    "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
    "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
    "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
    "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
}
# ... and of their contents, so that unzipped (or re-zipped) canonical files are known too.
RAW_MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
SIZES = {"train": 60_000, "test": 10_000}  # images in the canonical MNIST splits
IMAGES_MAGIC, LABELS_MAGIC = 2051, 2049  # 0x00000803: unsigned bytes, 3 dims; 0x00000801: 1 dim
SIDE = 28


class MnistFileError(ValueError):
    """An MNIST file that is truncated, corrupt or not in the IDX format the name promises."""


def user_cache_dir() -> Path:
    """This user's cache folder for the course: ~/.cache/nn-workbook on Linux ($XDG_CACHE_HOME
    if set), ~/Library/Caches/nn-workbook on macOS, %LOCALAPPDATA%\\nn-workbook on Windows."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA", "").strip()
        return (Path(base) if base else Path.home() / "AppData" / "Local") / "nn-workbook"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "nn-workbook"
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(base) if Path(base).is_absolute() else Path.home() / ".cache") / "nn-workbook"


def data_dir() -> Path:
    """The MNIST folder: $NN_WORKBOOK_DATA if set, else <repo>/data/mnist when utils runs from a
    checkout (a data/ folder beside it), else the user's cache folder (user_cache_dir()/mnist)."""
    folder = os.environ.get(DATA_ENV, "").strip()
    if folder:
        return Path(folder).expanduser()
    # A package folder may hold some other project's data/: never a checkout.
    if (REPO / "data").is_dir() and REPO.name not in ("site-packages", "dist-packages"):
        return REPO / "data" / "mnist"
    return user_cache_dir() / "mnist"


def _mirrors(mirrors: object = None) -> list[str]:
    """The mirror URLs to try: the argument, else $NN_WORKBOOK_MNIST_MIRRORS, else MIRRORS."""
    if mirrors is None:
        mirrors = os.environ.get(MIRRORS_ENV, "").replace(",", " ").split() or MIRRORS
    if isinstance(mirrors, str):
        mirrors = [mirrors]
    urls = [str(url) for url in mirrors]
    if not urls:
        raise ValueError("mirrors must name at least one URL, got an empty list")
    return [url if url.endswith("/") else url + "/" for url in urls]


def _find(folder: Path, name: str) -> Path | None:
    """The file `name.gz` or `name` in folder (gzipped first), or None if neither is there."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def _read_bytes(path: Path) -> bytes:
    """The (decompressed) content of path; MnistFileError naming it when the gzip is broken."""
    try:
        if path.suffix == ".gz":
            with gzip.open(path, "rb") as stream:
                return stream.read()
        return path.read_bytes()
    except (OSError, EOFError, zlib.error) as error:
        raise MnistFileError(
            f"{path} is not a readable gzip file ({error}); delete it and download it again"
        ) from None


def _parse(path: Path, data: bytes, images: bool) -> np.ndarray:
    """The array in one IDX file's bytes, after checking its header against its size."""
    magic, header = (IMAGES_MAGIC, 16) if images else (LABELS_MAGIC, 8)
    kind = "images" if images else "labels"
    if len(data) >= 4 and int.from_bytes(data[:4], "big") != magic:
        raise MnistFileError(
            f"{path} has magic number {int.from_bytes(data[:4], 'big'):#010x}, but MNIST {kind}"
            f" files start with {magic:#010x}; is it the right file?"
        )
    if len(data) < header:
        raise MnistFileError(
            f"{path} is truncated: {len(data)} bytes, shorter than the {header}-byte IDX header"
        )
    fields = np.frombuffer(data, dtype=">u4", count=header // 4)
    count = int(fields[1])
    if images and (int(fields[2]), int(fields[3])) != (SIDE, SIDE):
        raise MnistFileError(
            f"{path} holds images of {int(fields[2])}x{int(fields[3])} pixels; expected 28x28"
        )
    expected = header + count * (SIDE * SIDE if images else 1)
    if len(data) != expected:
        what = "is truncated" if len(data) < expected else "has extra bytes"
        raise MnistFileError(
            f"{path} {what}: its header announces {count} {kind} ({expected} bytes),"
            f" but it holds {len(data)} bytes"
        )
    array = np.frombuffer(data, dtype=np.uint8, offset=header)
    if images:
        return array.reshape(count, SIDE, SIDE).copy()
    if count and array.max() > 9:
        raise MnistFileError(f"{path} holds label {int(array.max())}; labels must be 0 to 9")
    return array.astype(np.int64)


def _md5(data: bytes) -> str:
    """The MD5 hex digest of some bytes."""
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _missing_message(folder: Path, names: list[str]) -> str:
    """Where to put the MNIST files by hand, and under which names."""
    listed = ", ".join(f"{name}.gz" for name in names)
    return (
        f"MNIST files missing in {folder}: {listed} (gzipped or not). Copy them there by hand,"
        f" or point the environment variable {DATA_ENV} at a folder that holds them"
    )


def _download_one(name: str, folder: Path, mirrors: list[str], timeout: float) -> Path:
    """Fetch name.gz from the first mirror that serves it with the published MD5; atomic write."""
    import http.client
    import tempfile
    import urllib.request

    from tqdm.auto import tqdm

    target = folder / f"{name}.gz"
    failures = []
    for mirror in mirrors:
        url = mirror + target.name
        handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".part")
        try:
            digest = hashlib.md5(usedforsecurity=False)
            with os.fdopen(handle, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as r:
                size = int(r.headers.get("Content-Length") or 0) or None
                with tqdm(total=size, unit="B", unit_scale=True, desc=target.name) as bar:
                    while chunk := r.read(1 << 16):
                        out.write(chunk)
                        digest.update(chunk)
                        bar.update(len(chunk))
            if digest.hexdigest() != GZ_MD5[name]:
                failures.append(f"{url}: checksum {digest.hexdigest()} is not {GZ_MD5[name]}")
                continue
            os.replace(temporary, target)
            return target
        except (OSError, http.client.HTTPException, ValueError) as error:
            failures.append(f"{url}: {error}")
        finally:
            Path(temporary).unlink(missing_ok=True)
    raise MnistFileError(
        f"could not download {target.name} from any mirror:\n  "
        + "\n  ".join(failures)
        + "\n"
        + _missing_message(folder, [name])
    )


def download_mnist(
    folder: str | Path | None = None,
    splits: tuple[str, ...] = ("train", "test"),
    mirrors: list[str] | None = None,
    timeout: float = 30.0,
) -> list[Path]:
    """Download the missing MNIST files of the splits into folder, verified and written atomically."""
    folder = data_dir() if folder is None else Path(folder)
    names = [name for split in splits for name in FILES[_split(split)]]
    urls = _mirrors(mirrors)
    folder.mkdir(parents=True, exist_ok=True)
    return [_find(folder, name) or _download_one(name, folder, urls, timeout) for name in names]


def _split(split: object) -> str:
    """split checked: 'train' or 'test'."""
    if split not in FILES:
        raise ValueError(f"split must be 'train' or 'test', got {split!r}")
    return str(split)


def is_canonical(split: str = "train", folder: str | Path | None = None) -> bool:
    """Whether the split's two files in folder are the published MNIST ones (by checksum)."""
    names = FILES[_split(split)]
    folder = data_dir() if folder is None else Path(folder).expanduser()
    paths = [_find(folder, name) for name in names]
    return all(
        path is not None and _md5(_read_bytes(path)) == RAW_MD5[name]
        for name, path in zip(names, paths, strict=True)
    )


def load_mnist(
    split: str = "train",
    folder: str | Path | None = None,
    download: bool = True,
    mirrors: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """The split's images, uint8 (n, 28, 28), and labels, int64 (n,); downloads missing files."""
    names = FILES[_split(split)]
    folder = data_dir() if folder is None else Path(folder).expanduser()
    missing = [name for name in names if _find(folder, name) is None]
    if missing and not download:
        raise FileNotFoundError(_missing_message(folder, missing))
    if missing:
        download_mnist(folder, (split,), mirrors)
    arrays, unusual = [], []
    for name, images in zip(names, (True, False), strict=True):
        path = _find(folder, name)
        data = _read_bytes(path)
        arrays.append(_parse(path, data, images))
        if _md5(data) != RAW_MD5[name]:
            unusual.append(path.name)
    images, labels = arrays
    if len(images) != len(labels):
        raise MnistFileError(
            f"{folder}: {names[0]} holds {len(images)} images but {names[1]} holds"
            f" {len(labels)} labels; the two files must come from the same set"
        )
    if unusual:
        print(
            f"Note: {' and '.join(unusual)} in {folder} {'is' if len(unusual) == 1 else 'are'}"
            " not the canonical MNIST (checksum differs from the published one);"
            " loading as an MNIST-format set."
        )
    return _graded_cut(split, images, labels)


def _graded_cut(split: str, images: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, ...]:
    """The split's first images in grading mode (utils.grading_mode.IMAGES), said so; else all."""
    keep = grading_mode.IMAGES[split]
    if not grading_mode.grading() or len(images) <= keep:
        return images, labels
    print(
        f"Note: grading mode ({grading_mode.GRADING_ENV} is set): the first {keep:,} of"
        f" {len(images):,} {split} images, so that the lesson's training cells run quickly."
    )
    return images[:keep].copy(), labels[:keep].copy()
