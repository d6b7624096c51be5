import gzip
import urllib.error
import urllib.request

import pytest

from simulator.replay import ReplayServer


@pytest.fixture
def mirror(tmp_path):
    (tmp_path / "vi").mkdir()
    page = "<html><body><p>Trang chủ</p></body></html>".encode()
    (tmp_path / "vi" / "trang-chu.html.gz").write_bytes(gzip.compress(page))
    (tmp_path / "style.css").write_text("p{}")
    (tmp_path / "index.html").write_text("<html>root</html>")
    (tmp_path.parent / "secret.txt").write_text("outside the mirror")
    with ReplayServer(tmp_path) as server:
        yield server


def get(url, method="GET"):
    request = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.headers.get("Content-Type"), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type"), error.read()


def test_serves_gzipped_pages_decompressed_with_html_type(mirror):
    status, content_type, body = get(mirror.url("/vi/trang-chu.html"))
    assert (status, content_type) == (200, "text/html")
    assert "Trang chủ".encode() in body


def test_query_strings_are_ignored_like_httrack(mirror):
    assert get(mirror.url("/vi/trang-chu.html?p_p_id=101&_101_cur=3"))[0] == 200


def test_other_files_and_directory_index(mirror):
    assert get(mirror.url("/style.css"))[1] == "text/css"
    assert get(mirror.url("/"))[2] == b"<html>root</html>"


@pytest.mark.parametrize(
    "path", ["/missing.html", "/vi/", "/../secret.txt", "/%2e%2e/secret.txt", "/%00", "/a%00.html"]
)
def test_what_the_mirror_lacks_is_404(mirror, path):
    assert get(mirror.url(path))[0] == 404


def test_head_has_no_body(mirror):
    assert get(mirror.url("/vi/trang-chu.html"), method="HEAD")[2] == b""


def test_listens_on_loopback_only(mirror):
    assert mirror.base_url.startswith("http://127.0.0.1:")


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError):
        ReplayServer(tmp_path / "nope")
