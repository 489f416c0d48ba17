"""What a PDF's streams inflate to, measured before pdfium or pdfminer inflates them: a 1 MB file whose content
stream inflates to 1 GiB otherwise costs a reader twice that in memory.

The streams are found in the file's bytes (`N G obj << ... >> stream`), each measured through its filters a
megabyte at a time, so the measuring costs no memory. Images are left out: nothing here decodes an image (the
OCR path has its own pixel and memory limits). A stream small enough that its filters cannot inflate it past the
limit (zlib inflates at most ~1,032 times) is not measured at all: in a real file that is nearly every stream.
Encrypted files are measured after decryption (pdfminer's security handler; an empty user password only).
"""

from __future__ import annotations

import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator

from . import limits
from .common import ReadError

_STREAM_RE = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_OBJ_RE = re.compile(rb"(\d+)\s+(\d+)\s+obj\b")
_FILTER_RE = re.compile(rb"/Filter\s*(?:/(\w+)|\[([^\]]*)\])")
_IMAGE_RE = re.compile(rb"/Subtype\s*/Image\b")
_CHUNK = 1 << 20

# The most each filter can inflate its input by (None: an image codec, never decoded here).
_RATIO: dict[str, float | None] = {
    "FlateDecode": 1032, "Fl": 1032, "LZWDecode": 4096, "LZW": 4096, "RunLengthDecode": 64, "RL": 64,
    "ASCIIHexDecode": 0.5, "AHx": 0.5, "ASCII85Decode": 0.8, "A85": 0.8,
    "DCTDecode": None, "DCT": None, "JPXDecode": None, "CCITTFaxDecode": None, "CCF": None, "JBIG2Decode": None,
    "Crypt": 1,
}


def check_streams(data: bytes) -> None:
    """Raise ReadError when a stream other than an image inflates past the per-stream limit."""
    limit = limits.mb("pdf_stream_mb")
    decipher: Callable[[int, int, bytes], bytes] | None | bool = False  # False: not looked for yet
    view = memoryview(data)
    for match in _STREAM_RE.finditer(data):
        head = data[max(0, match.start() - 4096):match.start()]
        if not head.rstrip().endswith(b">>"):
            continue
        objects = list(_OBJ_RE.finditer(head))
        dictionary = head[objects[-1].end():] if objects else head
        if _IMAGE_RE.search(dictionary):
            continue
        filters = _filters(dictionary)
        if not filters:
            continue
        start = match.end()
        end = data.find(b"endstream", start)
        raw = view[start:end if end >= 0 else len(data)]
        bound = float(len(raw))
        for name in filters:
            ratio = _RATIO.get(name, 1)
            if ratio is None:
                break
            bound *= ratio
        if bound <= limit:
            continue
        if decipher is False:
            decipher = _decipher(data)
        if decipher is not None and objects:
            try:
                raw = memoryview(decipher(int(objects[-1].group(1)), int(objects[-1].group(2)), bytes(raw)))
            except Exception:  # noqa: BLE001 - pdfium will make of it what it can
                continue
        size = inflated_size(raw, filters, limit)
        if size > limit:
            number = objects[-1].group(1).decode() if objects else "?"
            raise ReadError(limits.exceeded(
                "pdf_stream_mb", f"its stream (object {number}) inflates to more than {limit / 1_048_576:,.0f} MB"))


def _filters(dictionary: bytes) -> list[str]:
    found = _FILTER_RE.search(dictionary)
    if found is None:
        return []
    if found.group(1):
        return [found.group(1).decode("latin-1")]
    return [name.decode("latin-1") for name in re.findall(rb"/(\w+)", found.group(2))]


def _decipher(data: bytes) -> Callable[[int, int, bytes], bytes] | None:
    """pdfminer's decryption for an encrypted file that opens with an empty password; None otherwise."""
    if b"/Encrypt" not in data:
        return None
    try:
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    except Exception:  # noqa: BLE001 - not openable here: pdfium says why
        return None
    handler = getattr(document, "decipher", None)
    return (lambda objid, genno, raw: handler(objid, genno, raw)) if handler else None


def inflated_size(raw: bytes | memoryview, filters: list[str], limit: int) -> int:
    """Bytes out of the filter chain, counted up to just past `limit` (then it stops)."""
    chunks: Iterable[bytes] = (bytes(raw[i:i + _CHUNK]) for i in range(0, len(raw), _CHUNK))
    for name in filters:
        decode = _DECODERS.get(name)
        if decode is None:
            break  # an image codec, or one pdfium does not know either: count what reaches it
        chunks = decode(chunks)
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > limit:
                break
    except Exception:  # noqa: BLE001 - damaged data: what was inflated before the damage is what counts
        pass
    return total


def _flate(chunks: Iterable[bytes]) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    for chunk in chunks:
        pending = chunk
        while True:
            try:
                out = inflater.decompress(pending, _CHUNK)
            except zlib.error:
                return
            if out:
                yield out
            if inflater.eof:
                return
            pending = inflater.unconsumed_tail
            if not pending and len(out) < _CHUNK:
                break  # this chunk is used up (a full buffer may hold more output: ask again)
    try:
        rest = inflater.flush()
    except zlib.error:
        return
    if rest:
        yield rest


def _lzw(chunks: Iterable[bytes]) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    yield from LZWDecoder(io.BytesIO(b"".join(chunks))).run()


def _run_length(chunks: Iterable[bytes]) -> Iterator[bytes]:
    data = b"".join(chunks)  # the input is bounded by the file; the output is what is counted
    i, out = 0, bytearray()
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1:i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1:i + 2] * (257 - n)
            i += 2
        if len(out) >= _CHUNK:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)


def _ascii(decode: Callable[[bytes], bytes]) -> Callable[[Iterable[bytes]], Iterator[bytes]]:
    def run(chunks: Iterable[bytes]) -> Iterator[bytes]:
        yield decode(b"".join(chunks))  # shrinks its input: nothing to bound

    return run


def _hex(data: bytes) -> bytes:
    from pdfminer.ascii85 import asciihexdecode

    return asciihexdecode(data)


def _a85(data: bytes) -> bytes:
    from pdfminer.ascii85 import ascii85decode

    return ascii85decode(data)


_DECODERS: dict[str, Callable[[Iterable[bytes]], Iterator[bytes]]] = {
    "FlateDecode": _flate, "Fl": _flate, "LZWDecode": _lzw, "LZW": _lzw, "RunLengthDecode": _run_length,
    "RL": _run_length, "ASCIIHexDecode": _ascii(_hex), "AHx": _ascii(_hex), "ASCII85Decode": _ascii(_a85),
    "A85": _ascii(_a85), "Crypt": lambda chunks: iter(chunks),
}
