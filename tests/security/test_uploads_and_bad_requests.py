"""Findings 2 and 5: decompression bombs, oversize uploads and malformed requests against the running product."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from bombs import make_docx_bomb
from liveproduct import DOCX_MIME, MAX_UPLOAD_MB, signed_in_tab

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

ROOT = Path(__file__).resolve().parents[2]


def server_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS")).split()[1]) / 1024


async def test_a_docx_bomb_attached_in_the_chat_is_refused_with_a_clear_message(product, unique_account, tmp_path):
    bomb = make_docx_bomb(tmp_path / "statement.docx", inflated_mb=300)
    assert bomb.stat().st_size < 1024 * 1024
    base = product["base"]
    async with signed_in_tab(base, unique_account) as (client, tab):
        upload = await tab.upload(client, "statement.docx", bomb.read_bytes(), DOCX_MIME)
        assert upload.status_code == 200, upload.text
        await tab.say("", files=[upload.json()["id"]])
        refusal = await tab.wait_for(lambda event, data: "refused" in data.get("output", ""))
    assert "statement.docx" in refusal["output"] and "would expand to" in refusal["output"]
    assert "the limit is 50.0 MB" in refusal["output"]


def test_parsing_a_300_mb_docx_bomb_is_refused_within_400_mb_of_memory(tmp_path):
    bomb = make_docx_bomb(tmp_path / "bomb.docx", inflated_mb=300)
    probe = textwrap.dedent(
        f"""
        from ingest.parsing import ArchiveLimitError, parse_file
        try:
            parse_file({str(bomb)!r})
            print("accepted")
        except ArchiveLimitError as error:
            print("refused:", error.message)
        # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across exec.
        peak_kb = next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]
        print("peak_mb", int(peak_kb) / 1024)
        """
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=300)
    lines = result.stdout.splitlines()
    assert lines[0].startswith("refused: “bomb.docx” was refused"), result.stdout + result.stderr
    assert float(lines[-1].split()[1]) < 400


async def test_an_oversize_upload_is_refused_with_413_while_streaming(product, unique_account):
    base = product["base"]
    limit = f"{MAX_UPLOAD_MB} MB"
    async with signed_in_tab(base, unique_account, timeout=120) as (client, tab):
        url = f"{base}/project/file?session_id={tab.session_id}"

        declared = await client.post(url, files={"file": ("big.md", b"x" * (3 * 1024 * 1024), "text/markdown")})
        assert declared.status_code == 413 and limit in declared.json()["detail"]

        before = server_rss_mb(product["pid"])

        async def endless_body():
            yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="big.md"\r\n'
            yield b"Content-Type: text/markdown\r\n\r\n"
            for _ in range(200):
                yield b"x" * (1024 * 1024)

        streamed = await client.post(
            url, content=endless_body(), headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
        assert streamed.status_code == 413 and limit in streamed.json()["detail"]
        assert server_rss_mb(product["pid"]) - before < 50, "the refused body was not held in memory"


async def test_empty_files_and_malformed_requests_get_readable_4xx_answers(product, unique_account):
    base = product["base"]
    async with signed_in_tab(base, unique_account) as (client, tab):
        session = tab.session_id
        requests = [
            ("POST", f"/project/file?session_id={session}", {"files": {"file": ("empty.md", b"", "text/markdown")}}),
            ("POST", "/project/file?session_id=no-such-session", {"files": {"file": ("a.md", b"a", "text/markdown")}}),
            ("DELETE", "/project/element", {"json": {"element": {"id": "x"}, "sessionId": session}}),
            ("DELETE", "/project/element", {"json": {"element": {"type": "custom", "id": "x"}, "sessionId": "nope"}}),
            ("PUT", "/project/element", {"json": {"element": {"type": 3}, "sessionId": session}}),
            ("DELETE", "/project/element", {"json": {"sessionId": session}}),
            ("GET", "/project/thread/not-a-uuid", {}),
            ("GET", "/project/share/not-a-uuid", {}),
            ("PUT", "/feedback", {"json": {"feedback": {"forId": "not-a-uuid", "value": 1}, "sessionId": session}}),
            ("DELETE", "/feedback", {"json": {"feedbackId": "not-a-uuid"}}),
            ("GET", f"/project/file/not-a-file?session_id={session}", {}),
            ("POST", "/project/threads", {"json": {"pagination": "nope"}}),
            ("POST", "/login", {"data": {"username": ""}}),
        ]
        for method, path, body in requests:
            response = await client.request(method, f"{base}{path}", **body)
            assert 400 <= response.status_code < 500, (method, path, response.status_code, response.text)
            detail = response.json().get("detail")
            assert detail, (method, path, response.text)
        empty = await client.post(
            f"{base}/project/file?session_id={session}", files={"file": ("empty.md", b"", "text/markdown")}
        )
        assert empty.status_code == 400 and "empty" in empty.json()["detail"]


def test_archive_limits_cover_member_count_and_compression_ratio_as_well_as_size(tmp_path):
    from docfactory import make_docx

    from ingest.parsing import ArchiveLimitError, ArchiveLimits, UploadLimits, check_archive, parse_file

    normal = make_docx(tmp_path / "normal.docx", "Escrow", [["An escrow account holds taxes and insurance."]])
    check_archive(normal, "normal.docx", ArchiveLimits())
    assert "escrow account" in parse_file(normal, limits=UploadLimits()).pages[0].text
    with pytest.raises(ArchiveLimitError, match=r"expand to \d+ parts \(the limit is 5\)"):
        check_archive(normal, "normal.docx", ArchiveLimits(max_members=5))
    dense = make_docx_bomb(tmp_path / "dense.docx", inflated_mb=2)
    with pytest.raises(ArchiveLimitError, match=r"times its compressed size \(the limit is 10 times\)"):
        check_archive(dense, "dense.docx", ArchiveLimits(max_ratio=10))
