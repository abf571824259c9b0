"""Finding 6: CORS and the websocket accept only configured origins; security headers everywhere; files download."""

from __future__ import annotations

import httpx
import pytest
import socketio
from liveproduct import Tab, sign_in, signed_in_tab

pytestmark = [pytest.mark.integration, pytest.mark.timeout(600)]

EVIL = "https://evil.example"


async def test_cross_origin_requests_and_sockets_from_unknown_origins_are_refused(product, unique_account):
    base = product["base"]
    own_origin = base
    async with httpx.AsyncClient(timeout=60) as client:
        token = await sign_in(client, base, unique_account)
        client.cookies.set("access_token", token)
        foreign = await client.get(f"{base}/user", headers={"Origin": EVIL})
        assert "access-control-allow-origin" not in foreign.headers
        preflight = await client.options(
            f"{base}/project/threads", headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
        )
        assert preflight.status_code == 400 and "access-control-allow-origin" not in preflight.headers
        own = await client.get(f"{base}/user", headers={"Origin": own_origin})
        assert own.headers["access-control-allow-origin"] == own_origin

        with pytest.raises(socketio.exceptions.ConnectionError):
            await Tab(base, token).connect(origin=EVIL)
        tab = await Tab(base, token).connect(origin=own_origin)
        await tab.wait_for(lambda event, data: event == "new_message")
        await tab.close()


async def test_every_page_carries_security_headers(product):
    base = product["base"]
    async with httpx.AsyncClient(timeout=60) as client:
        for path in ["/", "/login", "/auth/config", "/user", "/project/translations?language=en-US"]:
            response = await client.get(f"{base}{path}")
            headers = response.headers
            assert "frame-ancestors 'none'" in headers["content-security-policy"], path
            assert "script-src 'self' 'sha256-" in headers["content-security-policy"], path
            assert headers["x-frame-options"] == "DENY", path
            assert headers["x-content-type-options"] == "nosniff", path


async def test_an_uploaded_html_file_is_served_as_a_download_not_a_page(product, unique_account):
    base = product["base"]
    async with signed_in_tab(base, unique_account) as (client, tab):
        page = b"<html><body><script>fetch('/user').then(r => r.text()).then(alert)</script></body></html>"
        upload = await tab.upload(client, "guide.html", page, "text/html")
        assert upload.status_code == 200, upload.text
        served = await client.get(f"{base}/project/file/{upload.json()['id']}", params={"session_id": tab.session_id})
    assert served.status_code == 200 and served.content == page
    assert served.headers["content-disposition"] == "attachment"
    assert served.headers["x-content-type-options"] == "nosniff"
