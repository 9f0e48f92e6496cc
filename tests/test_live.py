"""`pipedrive_mock.serve()`: the mock from Python outside pytest (README, "From Python")."""
from __future__ import annotations

import http.client
import socket
import threading
import time

import requests

import pipedrive_mock


def _refused(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_serve_gives_url_tokens_and_state_then_stops() -> None:
    with pipedrive_mock.serve(seed=3, activities=4) as mock:
        headers = {"x-api-token": mock.admin_token}
        listed = requests.get(f"{mock.v2_url}/activities", headers=headers, timeout=10).json()["data"]
        assert [a["id"] for a in listed] == [1, 2, 3, 4]
        added = requests.post(f"{mock.v2_url}/activities", json={"subject": "Call"}, headers=headers, timeout=10)
        assert mock.store.company(1).get(added.json()["data"]["id"]).subject == "Call"
        assert [entry.method for entry in mock.journal.entries()] == ["GET", "POST"]
        assert requests.get(f"{mock.url}/_mock/health", timeout=10).json()["status"] == "ok"
        mock.reset()
        assert len(requests.get(f"{mock.v2_url}/activities", headers=headers, timeout=10).json()["data"]) == 4
        port = int(mock.url.rsplit(":", 1)[1])
    assert _refused(port)


def test_serve_on_a_port_in_use_raises_before_serving() -> None:
    with pipedrive_mock.serve(activities=0) as first:
        port = int(first.url.rsplit(":", 1)[1])
        try:
            with pipedrive_mock.serve(activities=0, port=port):
                raise AssertionError("a second server bound the same port")
        except OSError:
            pass


def test_stop_closes_an_idle_keep_alive_connection_and_the_port() -> None:
    with pipedrive_mock.serve(activities=1) as mock:
        port = int(mock.url.rsplit(":", 1)[1])
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        client.request("GET", "/api/v2/activities/1", headers={"x-api-token": mock.admin_token})
        answer = client.getresponse()
        assert (answer.status, answer.getheader("connection"), len(answer.read()) > 0) == (200, None, True)
    assert client.sock is not None and client.sock.recv(1) == b""  # closed by the server as it stopped
    client.close()
    assert _refused(port)


def test_stop_sends_an_answer_in_flight_before_it_closes() -> None:
    answers: list[requests.Response] = []
    with pipedrive_mock.serve(activities=1) as mock:
        mock.faults.add(path="/api/v2/activities/1", latency_ms=300)  # the answer held 0.3 s on the loop
        slow = threading.Thread(target=lambda: answers.append(requests.get(
            f"{mock.v2_url}/activities/1", headers={"x-api-token": mock.admin_token}, timeout=10)))
        slow.start()
        deadline = time.monotonic() + 10
        while not mock.journal.entries() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert mock.journal.entries(), "the request did not reach the mock"
    slow.join(10)
    assert [(answer.status_code, answer.json()["data"]["id"]) for answer in answers] == [(200, 1)]


def test_connections_accepted_by_the_server_socket_send_without_delay() -> None:
    # asyncio (the thread server's loop) sets TCP_NODELAY only on sockets whose proto says TCP; without it
    # a keep-alive client's every answer after the first waited ~40 ms, the body held back (Nagle) until
    # the client's delayed ACK of the head.
    import asyncio

    from pipedrive_mock import serving

    listener = serving.bind("127.0.0.1", 0)

    async def accept_one() -> int:
        loop = asyncio.get_running_loop()
        accepted: asyncio.Future[int] = loop.create_future()

        class Probe(asyncio.Protocol):
            def connection_made(self, transport: asyncio.BaseTransport) -> None:
                sock = transport.get_extra_info("socket")
                accepted.set_result(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))

        server = await loop.create_server(Probe, sock=listener)
        async with server:
            _, writer = await asyncio.open_connection(*listener.getsockname()[:2])
            try:
                return await asyncio.wait_for(accepted, 10)
            finally:
                writer.close()

    assert asyncio.run(accept_one()) != 0
