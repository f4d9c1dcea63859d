"""Which result URLs are downloaded, and under what names."""

import pytest

from studio.downloads import find_output_urls, host_allowed, safe_filename, unique_path


def test_only_output_is_scanned_in_first_seen_order():
    output = {
        "video": "https://playgrounds-storage-public.runcomfy.net/a.mp4",
        "videos": ["https://files.runcomfy.net/b.mp4", "https://playgrounds-storage-public.runcomfy.net/a.mp4"],
        "meta": {"thumb": "http://x.runcomfy.com/t.png", "note": "not a url", "n": 3},
    }
    assert find_output_urls(output) == [
        "https://playgrounds-storage-public.runcomfy.net/a.mp4",
        "https://files.runcomfy.net/b.mp4",
        "http://x.runcomfy.com/t.png",
    ]
    assert find_output_urls(None) == []


@pytest.mark.parametrize(
    "url, extra, ok",
    [
        ("https://playgrounds-storage-public.runcomfy.net/a.mp4?sig=1", (), True),
        ("https://FILES.RunComfy.NET/a.mp4", (), True),
        ("http://serverless-api-storage.runcomfy.com/a.mp4", (), True),
        ("https://runcomfy.net/a.mp4", (), False),
        ("https://evil-runcomfy.net/a.mp4", (), False),
        ("https://runcomfy.net.evil.com/a.mp4", (), False),
        ("https://files.runcomfy.net@evil.com/a.mp4", (), False),
        ("https://user:pw@files.runcomfy.net/a.mp4", (), False),
        ("https://evil.com\\@files.runcomfy.net/a.mp4", (), False),
        ("ftp://files.runcomfy.net/a.mp4", (), False),
        ("https://127.0.0.1/a.mp4", (), False),
        ("http://127.0.0.1:8123/files/a.mp4", ("127.0.0.1",), True),
        ("http://127.0.0.2:8123/files/a.mp4", ("127.0.0.1",), False),
        ("https://[::1]/a.mp4", (), False),
        ("not a url", (), False),
        ("https://files.runcomfy.net:99999/a.mp4", (), False),
    ],
)
def test_host_allowlist(url, extra, ok):
    assert host_allowed(url, extra) is ok


@pytest.mark.parametrize(
    "url, name",
    [
        ("https://h.runcomfy.net/x/clip.mp4?X-Amz-Signature=abc", "clip.mp4"),
        ("https://h.runcomfy.net/x/my%20clip%3F.mp4", "my_clip_.mp4"),
        ("https://h.runcomfy.net/x/..%2F..%2Fetc%2Fpasswd", "passwd"),
        ("https://h.runcomfy.net/", "output"),
        ("https://h.runcomfy.net/a/..", "output"),
        ("https://h.runcomfy.net/a/<b>:c|d*.mp4", "_b__c_d_.mp4"),
    ],
)
def test_safe_filename(url, name):
    assert safe_filename(url) == name


def test_unique_path(tmp_path):
    assert unique_path(tmp_path, "a.mp4") == tmp_path / "a.mp4"
    (tmp_path / "a.mp4").write_bytes(b"x")
    (tmp_path / "a-1.mp4").write_bytes(b"x")
    assert unique_path(tmp_path, "a.mp4") == tmp_path / "a-2.mp4"
