"""utils.mnist: the IDX reader's checks, the canonical-file note and the download with failover."""

import gzip
import hashlib
import http.server
import shutil
import threading
from pathlib import Path

import numpy as np
import pytest
from browser_helpers import free_port

from utils import mnist

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "datasets"
MNIST_TEST, MNIST_MINI = SHARED / "mnist-test", SHARED / "mnist-mini"
needs_shared = pytest.mark.skipif(
    not (MNIST_TEST.is_dir() and MNIST_MINI.is_dir()), reason="../shared/datasets is not here"
)


def idx_images(images: np.ndarray, magic: int = 2051) -> bytes:
    """An IDX image file's bytes."""
    n, rows, cols = images.shape
    return np.array([magic, n, rows, cols], ">u4").tobytes() + images.astype(np.uint8).tobytes()


def idx_labels(labels: np.ndarray, magic: int = 2049) -> bytes:
    """An IDX label file's bytes."""
    return np.array([magic, len(labels)], ">u4").tobytes() + np.asarray(labels, np.uint8).tobytes()


def write_set(folder: Path, images: bytes, labels: bytes, split: str = "train", gz: bool = True):
    """Write one split's two files (gzipped or not) into folder."""
    folder.mkdir(parents=True, exist_ok=True)
    image_name, label_name = mnist.FILES[split]
    for name, data in ((image_name, images), (label_name, labels)):
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)


@pytest.fixture
def tiny(tmp_path):
    """A valid 5-image train split in a temporary folder, with its arrays."""
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, size=(5, 28, 28), dtype=np.uint8)
    labels = np.array([5, 0, 4, 1, 9])
    write_set(tmp_path, idx_images(images), idx_labels(labels))
    return tmp_path, images, labels


def test_data_dir_from_environment_or_repo(monkeypatch, tmp_path):
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(tmp_path))
    assert mnist.data_dir() == tmp_path
    monkeypatch.delenv("NN_WORKBOOK_DATA")
    assert (REPO / "data").is_dir() and mnist.data_dir() == REPO / "data" / "mnist"


def test_data_dir_outside_a_checkout_is_the_users_cache(monkeypatch, tmp_path):
    """A normal install: no data/ beside utils/ (or only some other package's, in site-packages)."""
    monkeypatch.delenv("NN_WORKBOOK_DATA", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setattr(mnist.sys, "platform", "linux")
    monkeypatch.setattr(mnist, "REPO", tmp_path / "site-packages")
    (tmp_path / "site-packages" / "data").mkdir(parents=True)  # another package's data/
    assert mnist.data_dir() == tmp_path / "home" / ".cache" / "nn-workbook" / "mnist"
    monkeypatch.setattr(mnist, "REPO", tmp_path / "checkout")
    assert mnist.data_dir() == tmp_path / "home" / ".cache" / "nn-workbook" / "mnist"
    (tmp_path / "checkout" / "data").mkdir(parents=True)
    assert mnist.data_dir() == tmp_path / "checkout" / "data" / "mnist"


@pytest.mark.parametrize(
    ("platform", "variables", "expected"),
    [
        ("linux", {"XDG_CACHE_HOME": "{tmp}/xdg"}, "{tmp}/xdg/nn-workbook"),
        ("linux", {"XDG_CACHE_HOME": "relative/is/ignored"}, "{home}/.cache/nn-workbook"),
        ("darwin", {}, "{home}/Library/Caches/nn-workbook"),
        ("win32", {"LOCALAPPDATA": "{tmp}/Local"}, "{tmp}/Local/nn-workbook"),
        ("win32", {}, "{home}/AppData/Local/nn-workbook"),
    ],
)
def test_the_user_cache_folder_per_system(monkeypatch, tmp_path, platform, variables, expected):
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CACHE_HOME", "LOCALAPPDATA"):
        monkeypatch.delenv(name, raising=False)
    for name, value in variables.items():
        monkeypatch.setenv(name, value.format(tmp=tmp_path))
    monkeypatch.setattr(mnist.sys, "platform", platform)
    assert mnist.user_cache_dir() == Path(expected.format(tmp=tmp_path, home=home))


def test_reads_a_valid_set_from_the_environment_folder(tiny, monkeypatch, capsys):
    folder, images, labels = tiny
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(folder))
    got_images, got_labels = mnist.load_mnist("train", download=False)
    assert got_images.dtype == np.uint8 and got_images.shape == (5, 28, 28)
    assert got_labels.dtype == np.int64 and got_labels.shape == (5,)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    note = capsys.readouterr().out.strip().splitlines()
    assert len(note) == 1 and "not the canonical MNIST" in note[0]


def test_gzipped_and_raw_files_give_the_same_arrays(tiny, tmp_path_factory):
    folder, images, labels = tiny
    raw = tmp_path_factory.mktemp("raw")
    for path in folder.glob("*.gz"):
        (raw / path.stem).write_bytes(gzip.decompress(path.read_bytes()))
    got_images, got_labels = mnist.load_mnist("train", folder=raw, download=False)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


@needs_shared
def test_canonical_test_split_loads_without_a_note(capsys):
    images, labels = mnist.load_mnist("test", folder=MNIST_TEST, download=False)
    assert images.shape == (10000, 28, 28) and labels.shape == (10000,)
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(labels).tolist()[:2] == [980, 1135]
    assert capsys.readouterr().out == ""


@needs_shared
def test_canonical_content_is_recognised_unzipped(tmp_path, capsys):
    for path in MNIST_TEST.glob("*.gz"):
        (tmp_path / path.stem).write_bytes(gzip.decompress(path.read_bytes()))
    images, _ = mnist.load_mnist("test", folder=tmp_path, download=False)
    assert images.shape == (10000, 28, 28)
    assert capsys.readouterr().out == ""


@needs_shared
def test_non_canonical_set_is_noted_in_one_line_and_loaded(capsys):
    images, labels = mnist.load_mnist("train", folder=MNIST_MINI, download=False)
    assert images.shape == (8000, 28, 28) and set(np.unique(labels)) == set(range(10))
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    assert "not the canonical MNIST" in lines[0] and str(MNIST_MINI) in lines[0]


def test_truncated_gzip_names_the_file(tiny):
    folder, _, _ = tiny
    path = folder / "train-images-idx3-ubyte.gz"
    path.write_bytes(path.read_bytes()[:-200])
    with pytest.raises(mnist.MnistFileError, match="train-images-idx3-ubyte.gz"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_truncated_content_names_the_file(tiny):
    folder, images, labels = tiny
    write_set(folder, idx_images(images)[:-10], idx_labels(labels))
    with pytest.raises(mnist.MnistFileError, match="train-images-idx3-ubyte.gz is truncated"):
        mnist.load_mnist("train", folder=folder, download=False)
    write_set(folder, idx_images(images)[:9], idx_labels(labels))
    with pytest.raises(mnist.MnistFileError, match="shorter than the 16-byte IDX header"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_extra_bytes_are_an_error(tiny):
    folder, images, labels = tiny
    write_set(folder, idx_images(images), idx_labels(labels) + b"\x00")
    with pytest.raises(mnist.MnistFileError, match="train-labels-idx1-ubyte.gz has extra bytes"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_corrupt_gzip_names_the_file(tiny):
    folder, _, _ = tiny
    path = folder / "train-labels-idx1-ubyte.gz"
    path.write_bytes(b"this is no gzip file at all")
    with pytest.raises(mnist.MnistFileError, match="train-labels-idx1-ubyte.gz is not a readable"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_wrong_magic_names_the_file(tiny):
    folder, images, labels = tiny
    write_set(folder, idx_labels(labels), idx_labels(labels))  # a label file as the images
    with pytest.raises(mnist.MnistFileError, match=r"train-images-idx3-ubyte.gz has magic"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_wrong_image_size_and_label_range(tiny):
    folder, images, labels = tiny
    write_set(folder, idx_images(np.zeros((5, 32, 32), np.uint8)), idx_labels(labels))
    with pytest.raises(mnist.MnistFileError, match="32x32 pixels; expected 28x28"):
        mnist.load_mnist("train", folder=folder, download=False)
    write_set(folder, idx_images(images), idx_labels(np.array([1, 2, 3, 4, 10])))
    with pytest.raises(mnist.MnistFileError, match="label 10"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_count_mismatch_between_images_and_labels(tiny):
    folder, images, labels = tiny
    write_set(folder, idx_images(images), idx_labels(labels[:4]))
    with pytest.raises(mnist.MnistFileError, match="5 images but .* 4 labels"):
        mnist.load_mnist("train", folder=folder, download=False)


def test_missing_files_offline_say_where_and_which(tmp_path):
    with pytest.raises(FileNotFoundError) as error:
        mnist.load_mnist("test", folder=tmp_path / "nothing", download=False)
    message = str(error.value)
    assert str(tmp_path / "nothing") in message and "NN_WORKBOOK_DATA" in message
    assert "t10k-images-idx3-ubyte.gz" in message and "t10k-labels-idx1-ubyte.gz" in message


def test_bad_arguments():
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        mnist.load_mnist("validation")
    with pytest.raises(ValueError, match="mirrors"):
        mnist.download_mnist(mirrors=[])


# --- downloads from a local server --------------------------------------------------------------


class Handler(http.server.BaseHTTPRequestHandler):
    """/good/ serves the files, /corrupt/ serves altered bytes, /broken/ answers 500,
    /short/ promises more bytes than it sends, anything else 404."""

    files: dict[str, bytes] = {}

    def do_GET(self):
        prefix, _, name = self.path.strip("/").partition("/")
        data = self.files.get(name)
        if prefix == "broken":
            self.send_error(500)
        elif data is None or prefix not in ("good", "corrupt", "short"):
            self.send_error(404)
        else:
            if prefix == "corrupt":
                data = data[:100] + bytes(b ^ 0xFF for b in data[100:200]) + data[200:]
            self.send_response(200)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2] if prefix == "short" else data)

    def log_message(self, *args):
        """Keep the test output quiet."""


@pytest.fixture
def server():
    """A local HTTP server holding the canonical test-split files; yields its base URL."""
    if not MNIST_TEST.is_dir():
        pytest.skip("../shared/datasets/mnist-test is not here")
    Handler.files = {path.name: path.read_bytes() for path in MNIST_TEST.glob("*.gz")}
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def closed_port() -> str:
    """A URL on 127.0.0.1 where nothing listens."""
    return f"http://127.0.0.1:{free_port()}/"


def test_download_fails_over_and_verifies(server, tmp_path, capsys):
    mirrors = [closed_port(), f"{server}/broken/", f"{server}/corrupt/", f"{server}/good/"]
    images, labels = mnist.load_mnist("test", folder=tmp_path / "new", mirrors=mirrors)
    assert images.shape == (10000, 28, 28) and labels[:3].tolist() == [7, 2, 1]
    for name in mnist.FILES["test"]:
        data = (tmp_path / "new" / f"{name}.gz").read_bytes()
        assert hashlib.md5(data).hexdigest() == mnist.GZ_MD5[name]
    assert sorted(p.name for p in (tmp_path / "new").iterdir()) == [
        "t10k-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz",
    ]
    assert "not the canonical" not in capsys.readouterr().out


def test_mirrors_from_the_environment(server, tmp_path, monkeypatch):
    monkeypatch.setenv("NN_WORKBOOK_MNIST_MIRRORS", f"{server}/broken/, {server}/good")
    monkeypatch.setenv("NN_WORKBOOK_DATA", str(tmp_path))
    paths = mnist.download_mnist(splits=("test",))
    assert [p.parent for p in paths] == [tmp_path, tmp_path]
    assert all(p.is_file() for p in paths)


def test_failed_downloads_leave_no_file_behind(server, tmp_path):
    mirrors = [closed_port(), f"{server}/corrupt/", f"{server}/short/", f"{server}/missing/"]
    with pytest.raises(mnist.MnistFileError) as error:
        mnist.load_mnist("test", folder=tmp_path, mirrors=mirrors)
    message = str(error.value)
    assert "could not download t10k-images-idx3-ubyte.gz" in message
    assert "checksum" in message and "404" in message and "Copy them there by hand" in message
    assert list(tmp_path.iterdir()) == []  # no partial file, under the final name or any other


def test_existing_files_are_not_downloaded_again(server, tmp_path):
    shutil.copy(MNIST_TEST / "t10k-images-idx3-ubyte.gz", tmp_path)
    mnist.download_mnist(tmp_path, splits=("test",), mirrors=[f"{server}/good/"])
    assert (tmp_path / "t10k-labels-idx1-ubyte.gz").is_file()
    with pytest.raises(mnist.MnistFileError):
        mnist.download_mnist(tmp_path / "x", splits=("test",), mirrors=[closed_port()])


@needs_shared
def test_is_canonical(tmp_path):
    assert mnist.is_canonical("test", MNIST_TEST)
    assert not mnist.is_canonical("test", MNIST_MINI)
    assert not mnist.is_canonical("train", MNIST_TEST)  # missing files are not canonical
    assert not mnist.is_canonical("train", tmp_path)
    assert mnist.SIZES == {"train": 60000, "test": 10000}
