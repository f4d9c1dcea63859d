"""The public client's transport: connections that read the socket in big pieces.

httpx's default transport reads through anyio, which hands httpcore's HTTP/1.1 parser at most
64 KiB per read over plain TCP and one TLS record (16 KiB) per read over TLS, pausing and
resuming the event loop's reader around every call; a 1 GiB download costs about 1.5 s of CPU
that way over http and 3.6 s over https on the bench machine. :class:`BulkReadTransport` is an
``httpx.AsyncBaseTransport`` over an ``httpcore.AsyncConnectionPool`` whose network backend
opens TCP sockets itself and reads them with ``loop.sock_recv``, up to ``read_size`` bytes at a
time (256 KiB: large enough to cut the per-read overhead, small enough for the parser's copies
to stay in cache). Over TLS it feeds those bytes to the standard library's ``ssl.SSLObject``
(memory BIOs, as asyncio's own TLS does) and hands the parser every record already decrypted,
up to ``read_size``; certificate and host name checks are the ``ssl`` context's, httpx's own
(certifi, ``SSL_CERT_FILE``). HTTP semantics (h11 parsing, keep-alive, pooling, timeouts) are
httpcore's, unchanged.

The studio uses it for result downloads and public image checks (:func:`bulk_read_mounts`);
API calls keep httpx's default transport. Every httpcore error leaves as the httpx error of the
same name, as with httpx's own transport. It needs an asyncio event loop (and Python 3.11's
``asyncio.timeout``).
"""

from __future__ import annotations

import asyncio
import select
import socket
import ssl
import urllib.request
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = ["READ_SIZE", "BulkReadTransport", "bulk_read_mounts"]

READ_SIZE = 256 * 1024  # bytes asked of the socket per read


def bulk_read_mounts() -> dict[str, httpx.AsyncBaseTransport]:
    """``mounts`` for an ``httpx.AsyncClient``: one :class:`BulkReadTransport` for ``http://`` and ``https://``.

    A scheme for which the environment names a proxy (``HTTP_PROXY``, ``HTTPS_PROXY``,
    ``ALL_PROXY``) is left out, so that httpx's own proxy handling stays in charge of it.
    """
    proxied = set(urllib.request.getproxies())
    transport = BulkReadTransport()
    return {f"{scheme}://": transport for scheme in ("http", "https") if not {scheme, "all"} & proxied}


class BulkReadTransport(httpx.AsyncBaseTransport):
    """httpx transport whose connections read up to ``read_size`` bytes at once (http and https)."""

    def __init__(self, *, read_size: int = READ_SIZE, ssl_context: ssl.SSLContext | None = None) -> None:
        limits = httpx.Limits()  # httpx's defaults
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context or httpx.create_ssl_context(),  # verified, as httpx's own
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_SocketBackend(read_size),
        )

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.scheme not in ("http", "https"):
            raise httpx.UnsupportedProtocol(f"this transport serves http:// and https://, not {request.url.scheme}://")
        assert isinstance(request.stream, httpx.AsyncByteStream)
        core = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream,
            extensions=request.extensions,
        )
        with _as_httpx_errors():
            response = await self._pool.handle_async_request(core)
        return httpx.Response(
            status_code=response.status,
            headers=response.headers,
            stream=_Body(response.stream),
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._pool.aclose()


@contextmanager
def _as_httpx_errors() -> Iterator[None]:
    """Re-raise an httpcore error as the httpx error of the same name (ReadTimeout, ...)."""
    try:
        yield
    except Exception as exc:
        for cls in type(exc).__mro__:
            if cls.__module__.startswith("httpcore"):
                mapped = getattr(httpx, cls.__name__, None)
                if isinstance(mapped, type) and issubclass(mapped, httpx.HTTPError):
                    raise mapped(str(exc)) from exc
        raise


class _Body(httpx.AsyncByteStream):
    def __init__(self, stream: Any) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _as_httpx_errors():
            async for part in self._stream:
                yield part

    async def aclose(self) -> None:
        with _as_httpx_errors():
            await self._stream.aclose()


class _SocketBackend(httpcore.AsyncNetworkBackend):
    """TCP connections on the running asyncio loop's socket API (TLS on top; no unix sockets)."""

    def __init__(self, read_size: int) -> None:
        self._read_size = read_size

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            async with asyncio.timeout(timeout):
                sock = await _connect(host, port, local_address, socket_options or ())
        except TimeoutError as exc:
            raise httpcore.ConnectTimeout(f"connecting to {host}:{port} timed out") from exc
        except OSError as exc:
            raise httpcore.ConnectError(str(exc)) from exc
        return _SocketStream(sock, self._read_size)

    async def connect_unix_socket(self, path: str, timeout: float | None = None, socket_options: Any = None) -> Any:
        raise httpcore.UnsupportedProtocol("unix sockets are not supported by this transport")

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


async def _connect(host: str, port: int, local_address: str | None, options: Any) -> socket.socket:
    loop = asyncio.get_running_loop()
    error: OSError | None = None
    for family, kind, proto, _, address in await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM):
        sock = socket.socket(family, kind, proto)
        try:
            sock.setblocking(False)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for option in options:
                sock.setsockopt(*option)
            if local_address:
                sock.bind((local_address, 0))
            await loop.sock_connect(sock, address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error or OSError(f"no address found for {host}")


class _SocketStream(httpcore.AsyncNetworkStream):
    def __init__(self, sock: socket.socket, read_size: int) -> None:
        self._sock = sock
        self._read_size = read_size

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        # httpcore asks for 64 KiB; whatever the kernel already holds, up to read_size, is
        # returned at once (never waiting for more than one byte). The loop gets a turn first,
        # as anyio gives it: a fast local download must not starve the UI's other tasks.
        try:
            async with asyncio.timeout(timeout):
                await asyncio.sleep(0)
                return await asyncio.get_running_loop().sock_recv(self._sock, max(max_bytes, self._read_size))
        except TimeoutError as exc:
            raise httpcore.ReadTimeout("the read timed out") from exc
        except OSError as exc:
            raise httpcore.ReadError(str(exc)) from exc

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        if not buffer:
            return
        try:
            async with asyncio.timeout(timeout):
                await asyncio.get_running_loop().sock_sendall(self._sock, buffer)
        except TimeoutError as exc:
            raise httpcore.WriteTimeout("the write timed out") from exc
        except OSError as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._sock.close()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        return await _TLSStream.connect(self._sock, ssl_context, server_hostname, self._read_size, timeout)

    def get_extra_info(self, info: str) -> Any:
        return _socket_info(self._sock, info)


class _TLSStream(httpcore.AsyncNetworkStream):
    """TLS over a :class:`_SocketStream`'s socket: ``ssl.SSLObject`` between two memory BIOs."""

    def __init__(
        self, sock: socket.socket, tls: ssl.SSLObject, incoming: ssl.MemoryBIO, outgoing: ssl.MemoryBIO, read_size: int
    ) -> None:
        self._sock, self._tls, self._in, self._out, self._read_size = sock, tls, incoming, outgoing, read_size

    @classmethod
    async def connect(
        cls, sock: socket.socket, context: ssl.SSLContext, server_hostname: str | None, read_size: int, timeout: float | None
    ) -> _TLSStream:
        incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
        stream = cls(sock, context.wrap_bio(incoming, outgoing, server_hostname=server_hostname), incoming, outgoing, read_size)
        try:
            async with asyncio.timeout(timeout):
                while True:
                    try:
                        stream._tls.do_handshake()
                        break
                    except ssl.SSLWantReadError:
                        await stream._flush()
                        if not await stream._fill():
                            raise httpcore.ConnectError("the server closed the connection during the TLS handshake") from None
                await stream._flush()
        except BaseException as exc:
            sock.close()  # a failed handshake leaves no socket behind
            if isinstance(exc, TimeoutError):
                raise httpcore.ConnectTimeout("the TLS handshake timed out") from exc
            if isinstance(exc, (ssl.SSLError, OSError)):  # a certificate that fails verification among them
                raise httpcore.ConnectError(str(exc)) from exc
            raise
        return stream

    async def _flush(self) -> None:
        """Send what the TLS object has written (handshake, records, alerts)."""
        data = self._out.read()
        if data:
            await asyncio.get_running_loop().sock_sendall(self._sock, data)

    async def _fill(self) -> bool:
        """Receive up to ``read_size`` encrypted bytes; False at the end of the stream."""
        data = await asyncio.get_running_loop().sock_recv(self._sock, self._read_size)
        if data:
            self._in.write(data)
        else:
            self._in.write_eof()
        return bool(data)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        # Every record already received is decrypted and returned together, up to read_size;
        # the socket is waited on only when nothing is left to decrypt.
        want = max(max_bytes, self._read_size)
        parts: list[bytes] = []
        size, ended = 0, False
        try:
            async with asyncio.timeout(timeout):
                await asyncio.sleep(0)  # the loop gets a turn, as with plain reads
                while size < want:
                    try:
                        piece = self._tls.read(want - size)
                    except ssl.SSLWantReadError:
                        await self._flush()  # e.g. an answer to a key update
                        if parts or ended:
                            break  # return what is decrypted rather than wait for more
                        # At the end, the BIO's EOF makes the next read say how it ended.
                        ended = not await self._fill()
                        continue
                    except (ssl.SSLEOFError, ssl.SSLZeroReturnError):
                        break  # closed (with or without close_notify); h11 judges the body
                    if not piece:
                        break
                    parts.append(piece)
                    size += len(piece)
        except TimeoutError as exc:
            raise httpcore.ReadTimeout("the read timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpcore.ReadError(str(exc)) from exc
        return b"".join(parts)

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        view = memoryview(buffer)
        try:
            async with asyncio.timeout(timeout):
                while view:
                    try:
                        view = view[self._tls.write(view) :]
                    except ssl.SSLWantReadError:
                        await self._flush()
                        await self._fill()
                    await self._flush()
        except TimeoutError as exc:
            raise httpcore.WriteTimeout("the write timed out") from exc
        except (OSError, ssl.SSLError) as exc:
            raise httpcore.WriteError(str(exc)) from exc

    async def aclose(self) -> None:
        self._sock.close()

    async def start_tls(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise httpcore.UnsupportedProtocol("TLS inside TLS (an https proxy) is not supported by this transport")

    def get_extra_info(self, info: str) -> Any:
        if info == "ssl_object":
            return self._tls
        if info == "is_readable" and self._in.pending:  # received, not yet decrypted
            return True
        return _socket_info(self._sock, info)


def _socket_info(sock: socket.socket, info: str) -> Any:
    """httpcore's ``get_extra_info`` for a socket: the socket, whether it is readable, its addresses."""
    if info == "socket":
        return sock
    if info == "is_readable":  # the pool's check that an idle connection is still open
        return _readable(sock)
    try:
        if info == "client_addr":
            return sock.getsockname()
        if info == "server_addr":
            return sock.getpeername()
    except OSError:
        return None
    return None


def _readable(sock: socket.socket) -> bool:
    """True when a read would not block: data, or the peer closed (or the socket is closed)."""
    if sock.fileno() < 0:
        return True
    if hasattr(select, "poll"):
        poller = select.poll()
        poller.register(sock, select.POLLIN)
        return bool(poller.poll(0))
    return bool(select.select([sock], [], [], 0)[0])
